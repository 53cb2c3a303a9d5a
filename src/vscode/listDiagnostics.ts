// Underlines unusable lines of open list files with the engine's message, and keeps the context
// key `assetFetch.activeEditorIsList` (editor title button) in step with the active editor.
import path from 'node:path';
import * as vscode from 'vscode';
import { parseList, type ParsedList } from '../core/frontEnd';

/** Lists are parsed on the extension host: skip huge documents rather than stall it. */
const MAX_DIAGNOSED_CHARS = 2_000_000;
const DEBOUNCE_MS = 300;
const CONTEXT_KEY = 'assetFetch.activeEditorIsList';

export class ListDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection('assetFetch');
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly subscriptions: vscode.Disposable[];

  constructor() {
    this.subscriptions = [
      vscode.workspace.onDidOpenTextDocument((d) => this.update(d)),
      vscode.workspace.onDidChangeTextDocument((e) => this.schedule(e.document)),
      vscode.workspace.onDidCloseTextDocument((d) => this.forget(d)),
      vscode.window.onDidChangeActiveTextEditor(() => this.updateContextKey()),
    ];
    for (const document of vscode.workspace.textDocuments) this.update(document);
    this.updateContextKey();
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
      if (vscode.window.activeTextEditor?.document === document) this.updateContextKey();
    }, DEBOUNCE_MS));
  }

  private update(document: vscode.TextDocument): void {
    const parsed = parseIfList(document);
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
  }

  private updateContextKey(): void {
    const document = vscode.window.activeTextEditor?.document;
    void vscode.commands.executeCommand('setContext', CONTEXT_KEY, document !== undefined && parseIfList(document) !== undefined);
  }
}

/**
 * A document is a URL list when it is a `.urls` file, or a plain-text file (.txt, .list, no
 * extension, unsaved) whose content the engine reads as a list (one URL per line, aria2 input
 * files included) with at least one URL. Anything else (Markdown, code, prose) is left alone.
 */
export function parseIfList(document: vscode.TextDocument): ParsedList | undefined {
  if (document.uri.scheme !== 'file' && document.uri.scheme !== 'untitled') return undefined;
  const text = document.getText();
  if (text.length > MAX_DIAGNOSED_CHARS) return undefined;
  const ext = path.extname(document.uri.path).toLowerCase();
  const sourceName = path.basename(document.uri.path);
  if (ext === '.urls') return parseList(text, { sourceName, format: 'list' });
  if (!['.txt', '.list', ''].includes(ext)) return undefined;
  const parsed = parseList(text, { sourceName });
  return parsed.format === 'list' && parsed.entries.some((e) => e.url !== undefined) ? parsed : undefined;
}
