// Underlines unusable lines of open list documents with the engine's message, and keeps the
// context key `assetFetch.listPaths` (the open documents that are lists; it drives the editor
// title button and the editor context menu) up to date. The worker parses (ListAnalyses); this
// only asks, after a pause in typing, and renders the answer.
import * as vscode from 'vscode';
import { Disposable } from '../core/lifecycle';
import type { DocumentAnalysis, ListAnalyses } from '../model/listAnalyses';
import { Debouncer } from '../core/timers';
import { CONTEXT_KEYS } from './ids';
import { analysable, isListCandidate, isUrlList, isUrlsFile } from './listSource';

const DEBOUNCE_MS = 300;
/**
 * Larger documents are not analysed as they are typed in (only when a download asks): reading a
 * document's text costs the extension host about 2-3 ms per MB, on every pause in typing
 * (bench/vscode/editLatency.mjs).
 */
const MAX_ANALYSED_CHARS = 8 * 1024 * 1024;

export class ListDiagnostics extends Disposable {
  private readonly collection = this.register(vscode.languages.createDiagnosticCollection('assetFetch'));
  /** Typing analyses a document once it pauses, not per keystroke. */
  private readonly typing = this.register(new Debouncer<string>(DEBOUNCE_MS));
  /** As the `resourcePath` context key names documents: fsPath for files, the path otherwise. */
  private readonly listPaths = new Set<string>();

  constructor(private readonly analyses: ListAnalyses) {
    super();
    this.register(vscode.workspace.onDidOpenTextDocument((d) => this.analyze(d)));
    this.register(
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.contentChanges.length > 0 && isListCandidate(e.document)) this.typing.schedule(e.document.uri.toString(), () => this.analyze(e.document));
      }),
    );
    this.register(vscode.workspace.onDidCloseTextDocument((d) => this.forget(d)));
    this.register(analyses.onDidAnalyze((result) => this.render(result)));
    for (const document of vscode.workspace.textDocuments) this.analyze(document);
  }

  private analyze(document: vscode.TextDocument): void {
    if (!isListCandidate(document) || document.isClosed) return;
    if (document.offsetAt(new vscode.Position(document.lineCount, 0)) > MAX_ANALYSED_CHARS) {
      this.show(document, isUrlsFile(document.uri), []);
      return;
    }
    // The answer comes through onDidAnalyze (unless the document changed meanwhile).
    void this.analyses.analyze(analysable(document));
  }

  private render({ uri, key, analysis }: DocumentAnalysis): void {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
    // An answer for a version the user has typed past would underline the wrong lines.
    if (!document || !isListCandidate(document) || document.version !== key.version) return;
    if (analysis.failure) {
      // Binary or too large: one error for the whole document, not one per line.
      if (analysis.failure.code === 'WORKER_FAILED') this.show(document, isUrlsFile(document.uri), []);
      else this.show(document, isUrlsFile(document.uri), [diagnostic(document.lineAt(0).range, analysis.failure.message)]);
      return;
    }
    const { summary } = analysis;
    if (!isUrlList(document.uri, analysis)) {
      this.show(document, false, []);
      return;
    }
    const diagnostics = summary.errors
      .filter((e) => e.line >= 1 && e.line <= document.lineCount)
      .map((e) => diagnostic(document.lineAt(e.line - 1).range, e.message));
    if (summary.errorCount > summary.errors.length) {
      const more = diagnostic(document.lineAt(0).range, `${summary.errorCount.toLocaleString('en-US')} lines cannot be downloaded; the first ${summary.errors.length.toLocaleString('en-US')} are underlined`);
      more.severity = vscode.DiagnosticSeverity.Information;
      diagnostics.push(more);
    }
    this.show(document, true, diagnostics);
  }

  private show(document: vscode.TextDocument, isList: boolean, diagnostics: vscode.Diagnostic[]): void {
    this.setIsList(document, isList);
    if (diagnostics.length > 0) this.collection.set(document.uri, diagnostics);
    else this.collection.delete(document.uri);
  }

  private forget(document: vscode.TextDocument): void {
    const uri = document.uri.toString();
    this.typing.cancel(uri);
    this.analyses.forget(uri);
    this.collection.delete(document.uri);
    this.setIsList(document, false);
  }

  private setIsList(document: vscode.TextDocument, isList: boolean): void {
    const key = document.uri.scheme === 'file' ? document.uri.fsPath : document.uri.path;
    if (isList === this.listPaths.has(key)) return;
    if (isList) this.listPaths.add(key);
    else this.listPaths.delete(key);
    void vscode.commands.executeCommand('setContext', CONTEXT_KEYS.listPaths, [...this.listPaths]);
  }
}

function diagnostic(range: vscode.Range, message: string): vscode.Diagnostic {
  const result = new vscode.Diagnostic(range, message, vscode.DiagnosticSeverity.Error);
  result.source = 'Asset Fetch';
  return result;
}
