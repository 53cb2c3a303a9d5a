// Reads list text the way the commands need it: the active editor's selection or whole document
// (saved or not), or list files chosen in the Explorer (their unsaved editor text when open).
import path from 'node:path';
import * as vscode from 'vscode';

export interface ListText {
  /** Shown to the user: "assets.txt", "Untitled-1". */
  title: string;
  text: string;
  uri: vscode.Uri;
}

/**
 * The selection when there is one, else the whole document. Selected text keeps its line
 * numbers (it is padded with empty lines), so errors point at the right line of the editor.
 */
export function listFromEditor(editor: vscode.TextEditor): ListText {
  const { document } = editor;
  const title = titleOf(document.uri);
  const selections = editor.selections.filter((s) => !s.isEmpty).sort((a, b) => a.start.compareTo(b.start));
  if (selections.length === 0) return { title, text: document.getText(), uri: document.uri };
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

export async function listFromFile(uri: vscode.Uri): Promise<ListText> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  const text = open ? open.getText() : new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  return { title: titleOf(uri), text, uri };
}

function titleOf(uri: vscode.Uri): string {
  return path.posix.basename(uri.path) || uri.toString();
}
