// The hover of a URL line in a list: where its file goes (relative to the workspace), the state
// and size of its download in the newest batch of the list, the error with its code, and links
// to Download, Retry, Open and Reveal it. The links run only our line commands (trusted for
// exactly those); the URL lines come from the worker's analysis, the states from the model.
import path from 'node:path';
import * as vscode from 'vscode';
import { formatBytes } from '../core/frontEnd';
import { isRetryable, type DownloadsModel, type ItemRecord } from '../model/downloadsModel';
import { batchesOfList, latestItemAtLine } from '../model/itemsByLine';
import { Disposable } from '../core/lifecycle';
import type { ListAnalyses } from '../model/listAnalyses';
import { COMMANDS } from './ids';
import { stateInWords } from './lineStates';
import { isListCandidate, isUrlList, listIdentity } from './listSource';

/** The commands a hover's links may run: nothing else, whatever the markdown holds. */
const LINK_COMMANDS = [COMMANDS.downloadLine, COMMANDS.retryLine, COMMANDS.openLine, COMMANDS.revealLine];

export class ListHover extends Disposable implements vscode.HoverProvider {
  constructor(
    private readonly model: DownloadsModel,
    private readonly analyses: ListAnalyses,
  ) {
    super();
    this.register(vscode.languages.registerHoverProvider([{ scheme: 'file' }, { scheme: 'untitled' }], this));
  }

  provideHover(document: vscode.TextDocument, position: vscode.Position): vscode.Hover | undefined {
    if (!isListCandidate(document)) return undefined;
    // Only a version the worker has analysed: its URL lines are the document's lines now.
    const result = this.analyses.analysisOf(document.uri.toString(), document.version);
    const line = position.line + 1;
    if (!result?.analysis.summary || !isUrlList(document.uri, result.analysis) || !result.analysis.summary.urlLines.includes(line)) return undefined;
    const item = latestItemAtLine(batchesOfList(this.model.batches, listIdentity(document)), line);
    const text = document.lineAt(position.line);
    return new vscode.Hover(hoverText(document.uri.toString(), line, item), new vscode.Range(position.line, text.firstNonWhitespaceCharacterIndex, position.line, text.text.length));
  }
}

function hoverText(uri: string, line: number, item: ItemRecord | undefined): vscode.MarkdownString {
  const markdown = new vscode.MarkdownString(undefined, true);
  markdown.isTrusted = { enabledCommands: LINK_COMMANDS };
  markdown.appendMarkdown('**Asset Fetch**: ');
  markdown.appendText(stateInWords(item));
  const file = item?.snapshot.relativePath !== undefined ? path.join(item.batch.targetDir, item.snapshot.relativePath) : undefined;
  if (file) {
    markdown.appendMarkdown('\n\n→ ');
    markdown.appendText(vscode.workspace.asRelativePath(file, false));
  }
  const size = item && (item.snapshot.total ?? (item.snapshot.state === 'ok' ? item.snapshot.bytes : undefined));
  if (size !== undefined) markdown.appendText(`\n\nsize: ${formatBytes(size)}`);
  const links: string[] = [];
  const link = (title: string, command: string) => links.push(`[${title}](command:${command}?${encodeURIComponent(JSON.stringify([uri, line]))})`);
  const saved = item?.snapshot.state === 'ok' || item?.snapshot.state === 'skipped';
  if (!item || (!isRetryable(item) && item.finished && !saved)) link('Download', COMMANDS.downloadLine);
  if (item && isRetryable(item)) link('Retry', COMMANDS.retryLine);
  if (saved && file) {
    link('Open', COMMANDS.openLine);
    link('Reveal in Explorer', COMMANDS.revealLine);
  }
  if (links.length > 0) markdown.appendMarkdown(`\n\n${links.join(' · ')}`);
  return markdown;
}
