// Reads list text the way the commands need it: the active editor's selection or whole document
// (saved or not), or list files chosen in the Explorer (their unsaved editor text when open).
import path from 'node:path';
import * as vscode from 'vscode';
import { parseList, type ListFormat, type ParsedList } from '../core/frontEnd';

/** Lists are parsed on the extension host to recognise them: skip huge documents rather than stall it. */
const MAX_RECOGNISED_CHARS = 2_000_000;

/** Files the Explorer menu offers "Download URLs in File" for (as in package.json). */
export const LIST_FILE = /\.(urls|txt|list|csv)$/i;

export interface ListText {
  /** Shown to the user: "assets.txt", "Untitled-1". */
  title: string;
  text: string;
  uri: vscode.Uri;
  /** `.urls` files are always plain lists; otherwise the engine detects the format. */
  format?: ListFormat;
}

export function forcedFormat(uri: vscode.Uri): ListFormat | undefined {
  return path.posix.extname(uri.path).toLowerCase() === '.urls' ? 'list' : undefined;
}

/**
 * The selection when there is one, else the whole document. Selected text keeps its line
 * numbers (it is padded with empty lines), so errors point at the right line of the editor.
 */
export function listFromEditor(editor: vscode.TextEditor): ListText {
  const { document } = editor;
  const title = titleOf(document.uri);
  const selections = editor.selections.filter((s) => !s.isEmpty).sort((a, b) => a.start.compareTo(b.start));
  const format = forcedFormat(document.uri);
  if (selections.length === 0) return { title, text: document.getText(), uri: document.uri, format };
  const lines: string[] = [];
  for (const selection of selections) {
    while (lines.length < selection.start.line) lines.push('');
    const selected = document.getText(selection).split(/\r\n|\n/);
    // Two selections on one line: the later one continues that line.
    if (lines.length > selection.start.line) lines[lines.length - 1] += ' ' + selected.shift();
    lines.push(...selected);
  }
  return { title, text: lines.join('\n'), uri: document.uri, format };
}

export async function listFromFile(uri: vscode.Uri): Promise<ListText> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  const text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  return { title: titleOf(uri), text, uri, format: forcedFormat(uri) };
}

function titleOf(uri: vscode.Uri): string {
  return path.posix.basename(uri.path) || uri.toString();
}

/**
 * A document is a URL list when it is a `.urls` file, or a plain-text file (.txt, .list, no
 * extension, unsaved) whose content the engine reads as a list (one URL per line, aria2 input
 * files included) with at least one URL. Anything else (Markdown, code, prose) is left alone.
 */
export function parseIfList(document: vscode.TextDocument): ParsedList | undefined {
  if (document.uri.scheme !== 'file' && document.uri.scheme !== 'untitled') return undefined;
  const text = document.getText();
  if (text.length > MAX_RECOGNISED_CHARS) return undefined;
  const ext = path.extname(document.uri.path).toLowerCase();
  const sourceName = path.basename(document.uri.path);
  const format = forcedFormat(document.uri);
  if (format) return parseList(text, { sourceName, format });
  if (!['.txt', '.list', ''].includes(ext)) return undefined;
  const parsed = parseList(text, { sourceName });
  return parsed.format === 'list' && parsed.entries.some((e) => e.url !== undefined) ? parsed : undefined;
}
