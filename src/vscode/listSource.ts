// Reads list text the way the commands need it: the active editor's selection or whole document
// (saved or not), or list files chosen in the Explorer (their unsaved editor text when open).
// Nothing here parses: the worker does (see ListAnalyses).
import path from 'node:path';
import * as vscode from 'vscode';
import { decodeListBytes } from '../core/frontEnd';
import type { ListIdentity } from '../model/itemsByLine';
import type { AnalysableDocument } from '../model/listAnalyses';
import type { ListAnalysis, ListKey } from '../worker/protocol';

/** Files the Explorer menu offers "Download URLs in File" for (as in package.json). */
export const LIST_FILE = /\.(urls|txt|list|csv)$/i;

/** Documents that may be URL lists: their content decides (`.urls` always is one). */
const LIST_CANDIDATE_EXTENSIONS = new Set(['.urls', '.txt', '.list', '']);

export interface ListText {
  /** Shown to the user: "assets.txt", "Untitled-1". It is also the name the worker picks the format by. */
  title: string;
  text: string;
  uri: vscode.Uri;
  /** The open document `text` is the whole of, at the version read. */
  document?: { uri: string; version: number };
  /** The analysed document version `text` is: the worker reuses its parse. */
  key?: ListKey;
}

/**
 * The selection when there is one, else the whole document. Selected text keeps its line
 * numbers (it is padded with empty lines), so errors point at the right line of the editor.
 */
export function listFromEditor(editor: vscode.TextEditor): ListText {
  const { document } = editor;
  const title = titleOf(document.uri);
  const selections = editor.selections.filter((s) => !s.isEmpty).sort((a, b) => a.start.compareTo(b.start));
  if (selections.length === 0) return { title, text: document.getText(), uri: document.uri, document: { uri: document.uri.toString(), version: document.version } };
  const lines: string[] = [];
  for (const selection of selections) {
    while (lines.length < selection.start.line) lines.push('');
    const selected = document.getText(selection).split(/\r\n|\n/);
    // Two selections on one line: the later one continues that line.
    if (lines.length > selection.start.line) lines[lines.length - 1] += ' ' + selected.shift();
    lines.push(...selected);
  }
  return { title, text: lines.join('\n'), uri: document.uri };
}

/**
 * An open document's text, else the file decoded (UTF-8, UTF-16 with a BOM). Throws a ListError
 * with one clear message for a binary or oversized file, and file system errors as they come.
 */
export async function listFromFile(uri: vscode.Uri): Promise<ListText> {
  const title = titleOf(uri);
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return { title, text: open.getText(), uri, document: { uri: open.uri.toString(), version: open.version } };
  return { title, text: decodeListBytes(await vscode.workspace.fs.readFile(uri), title), uri };
}

function titleOf(uri: vscode.Uri): string {
  return path.posix.basename(uri.path) || uri.toString();
}

/** A document as the worker's analyses see it. */
export function analysable(document: vscode.TextDocument): AnalysableDocument {
  return { uri: document.uri.toString(), version: document.version, sourceName: titleOf(document.uri), getText: () => document.getText() };
}

/**
 * Documents that get diagnostics and may be offered as lists: `.urls` files, and plain-text
 * files (.txt, .list, no extension, unsaved) whose content the worker reads as a list. Markdown,
 * code and the rest are not lists (they are read as text with links in them).
 */
export function isListCandidate(document: vscode.TextDocument): boolean {
  if (document.uri.scheme !== 'file' && document.uri.scheme !== 'untitled') return false;
  return LIST_CANDIDATE_EXTENSIONS.has(path.posix.extname(document.uri.path).toLowerCase());
}

export function isUrlsFile(uri: vscode.Uri): boolean {
  return path.posix.extname(uri.path).toLowerCase() === '.urls';
}

/**
 * Whether the worker's analysis makes the document a URL list (diagnostics, the `listPaths`
 * context key, CodeLens): a `.urls` file always; another candidate when it was read as a list
 * with at least one line written as a URL.
 */
export function isUrlList(uri: vscode.Uri, analysis: ListAnalysis): boolean {
  if (isUrlsFile(uri)) return true;
  const summary = analysis.summary;
  return summary !== undefined && summary.format === 'list' && summary.urlCount + summary.errorCount > 0;
}

/** The document as batches of it remember it: its file, or the title of an unsaved one. */
export function listIdentity(document: vscode.TextDocument): ListIdentity {
  return { path: document.uri.scheme === 'file' ? document.uri.fsPath : undefined, title: titleOf(document.uri) };
}

/**
 * Lines `first`..`last` (0-based, inclusive) of a document as a list of their own, padded with
 * empty lines so they keep their line numbers (as a selection does): one entry of a list.
 */
export function listFromLines(document: vscode.TextDocument, first: number, last: number): ListText {
  const text = '\n'.repeat(first) + document.getText(new vscode.Range(first, 0, last, document.lineAt(last).text.length));
  return { title: titleOf(document.uri), text, uri: document.uri };
}
