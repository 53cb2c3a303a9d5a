// Underlines unusable lines of open list files with the engine's message, and keeps the context
// key `assetFetch.listPaths` (the open documents that are lists; it drives the editor title
// button and the editor context menu) up to date.
import * as vscode from 'vscode';
import { parseIfList } from './listSource';

const DEBOUNCE_MS = 300;
const CONTEXT_KEY = 'assetFetch.listPaths';

export class ListDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('assetFetch');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  /** As the `resourcePath` context key names documents: fsPath for files, the path otherwise. */
  private readonly listPaths = new Set<string>();
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      vscode.workspace.onDidOpenTextDocument((d) => this.update(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d)),
    ];
    for (const document of vscode.workspace.textDocuments) this.update(document);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    for (const s of this.subscriptions) s.dispose();
    this.collection.dispose();
  }

  private schedule(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      this.update(document);
    }, DEBOUNCE_MS));
  }

  private update(document: vscode.TextDocument): void {
    const parsed = parseIfList(document);
    this.setIsList(document, parsed !== undefined);
    if (!parsed) {
      this.collection.delete(document.uri);
      return;
    }
    const diagnostics = parsed.entries
      .filter((e) => e.error !== undefined && e.line >= 1 && e.line <= document.lineCount)
      .map((e) => {
        const diagnostic = new vscode.Diagnostic(document.lineAt(e.line - 1).range, e.error!.replace(/^line \d+: /, ''), vscode.DiagnosticSeverity.Error);
        diagnostic.source = 'Asset Fetch';
        return diagnostic;
      });
    this.collection.set(document.uri, diagnostics);
  }

  private forget(document: vscode.TextDocument): void {
    clearTimeout(this.timers.get(document.uri.toString()));
    this.timers.delete(document.uri.toString());
    this.collection.delete(document.uri);
    this.setIsList(document, false);
  }

  private setIsList(document: vscode.TextDocument, isList: boolean): void {
    const key = document.uri.scheme === 'file' ? document.uri.fsPath : document.uri.path;
    if (isList === this.listPaths.has(key)) return;
    if (isList) this.listPaths.add(key);
    else this.listPaths.delete(key);
    void vscode.commands.executeCommand('setContext', CONTEXT_KEY, [...this.listPaths]);
  }
}
