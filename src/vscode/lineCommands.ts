// The commands of one line of a list, run from its CodeLens or its hover: download that entry
// only, retry its item, open or reveal its file. They take the document's URI and the line
// (1-based) as plain values, which hover links (command URIs with JSON arguments) can carry.
import * as vscode from 'vscode';
import { isOptionLine } from '../core/listFormat';
import { isRetryable, type DownloadsModel, type ItemRecord } from '../model/downloadsModel';
import { batchesOfList, latestItemAtLine } from '../model/itemsByLine';
import type { DownloadCommands } from './downloadCommands';
import { listFromLines, listIdentity } from './listSource';
import type { TreeCommands } from './treeCommands';

export class LineCommands {
  constructor(
    private readonly model: DownloadsModel,
    private readonly downloads: DownloadCommands,
    private readonly actions: TreeCommands,
  ) {}

  /** Downloads the entry of this line (with its indented aria2 options) as a batch of its own. */
  async download(uri: string, line: number): Promise<void> {
    const document = openDocument(uri);
    if (!document || !(line >= 1 && line <= document.lineCount)) return;
    await this.downloads.downloadPart(listFromLines(document, line - 1, entryEnd(document, line - 1)));
  }

  /** Retries the line's failed item in its batch; a line without a retryable item is downloaded anew. */
  async retry(uri: string, line: number): Promise<void> {
    const item = this.itemAt(uri, line);
    if (item && isRetryable(item)) await this.actions.retry(item);
    else await this.download(uri, line);
  }

  async open(uri: string, line: number): Promise<void> {
    const item = this.itemAt(uri, line);
    if (item) await this.actions.openFile(item);
  }

  async reveal(uri: string, line: number): Promise<void> {
    const item = this.itemAt(uri, line);
    if (item) await this.actions.revealFile(item);
  }

  /** The newest item of the line among the batches of the open document. */
  private itemAt(uri: string, line: number): ItemRecord | undefined {
    const document = openDocument(uri);
    return document && latestItemAtLine(batchesOfList(this.model.batches, listIdentity(document)), line);
  }
}

function openDocument(uri: string): vscode.TextDocument | undefined {
  return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri);
}

/** The last line (0-based) of the entry starting at `first`: its indented options belong to it, across blank and comment lines. */
function entryEnd(document: vscode.TextDocument, first: number): number {
  let last = first;
  for (let next = first + 1; next < document.lineCount; next++) {
    const text = document.lineAt(next).text;
    if (isOptionLine(text)) last = next;
    else if (text.trim() !== '' && !text.trim().startsWith('#')) break;
  }
  return last;
}
