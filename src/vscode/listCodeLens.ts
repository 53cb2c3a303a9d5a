// CodeLens on URL lists: "Download all (N)" above the first line and, above each URL line, the
// state of its download in the newest batch of the list ("Download", "✓ 1.2 MB",
// "✗ HTTP 404 · Retry", "↻ 45%"). Nothing is parsed here: the URL lines and N come from the
// worker's analysis of the document's version (ListAnalyses), the states from the model.
// Cheap on long lists: lenses are made only for the lines on screen and a margin around them
// (more when the editor scrolls past it), and refreshes are coalesced.
import * as vscode from 'vscode';
import { Disposable, DisposableStore } from '../core/lifecycle';
import type { BatchRecord, DownloadsModel } from '../model/downloadsModel';
import { batchesOfList, firstAtLeast, latestItemAtLine } from '../model/itemsByLine';
import type { DocumentAnalysis, ListAnalyses } from '../model/listAnalyses';
import { Throttle } from '../core/timers';
import { CODE_LENS_SETTING, codeLensEnabled } from './config';
import { COMMANDS } from './ids';
import { lineState, type LineAction } from './lineStates';
import { isListCandidate, isUrlList, listIdentity } from './listSource';
import { percent } from './summaries';

/**
 * Lenses follow the downloads at most this often (and VS Code adds its own debounce). Each
 * refresh sends every lens of the window to the workbench again: twice a second kept the host's
 * event loop p99 over 20 ms while a 10,000-line list downloaded.
 */
const REFRESH_MS = 1000;
/** Scrolling past the lines that have lenses brings the new ones sooner. */
const SCROLL_REFRESH_MS = 100;
/** Lines above and below the visible ones that get lenses too, so scrolling a little finds them there. */
const MARGIN_LINES = 100;
/**
 * A lens request for a version not analysed yet waits for the diagnostics' analysis (asked
 * after a pause in typing) rather than parsing again; a document they never analyse (too large)
 * gets no lenses after this wait.
 */
const ANALYSIS_WAIT_MS = 5000;

/** Lines (0-based, inclusive). */
interface LineSpan {
  first: number;
  last: number;
}

const COMMAND_OF: Record<LineAction, string> = {
  download: COMMANDS.downloadLine,
  retry: COMMANDS.retryLine,
  open: COMMANDS.openLine,
  showBatch: COMMANDS.revealBatch,
};

export class ListCodeLens extends Disposable implements vscode.CodeLensProvider {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly refresh = this.register(new Throttle(REFRESH_MS, () => this.changed.fire()));
  private readonly scrolled = this.register(new Throttle(SCROLL_REFRESH_MS, () => this.changed.fire()));
  /** Per document (URI), the lines the last lenses were made for. */
  private readonly covered = new Map<string, LineSpan[]>();

  constructor(
    private readonly model: DownloadsModel,
    private readonly analyses: ListAnalyses,
  ) {
    super();
    this.register(vscode.languages.registerCodeLensProvider([{ scheme: 'file' }, { scheme: 'untitled' }], this));
    this.register(model.onDidChange(({ batch }) => this.shown(batch) && this.refresh.schedule()));
    this.register(model.onDidChangeBatches(() => this.refresh.schedule()));
    // The end of a run shows at once.
    this.register(model.onDidFinishRun((batch) => this.shown(batch) && this.refresh.flush()));
    this.register(analyses.onDidAnalyze(({ uri }) => this.covered.has(uri) && this.refresh.schedule()));
    this.register(vscode.window.onDidChangeTextEditorVisibleRanges(({ textEditor, visibleRanges }) => {
      const covered = this.covered.get(textEditor.document.uri.toString());
      if (covered && !visibleRanges.every((r) => covered.some((c) => c.first <= r.start.line && r.end.line <= c.last))) this.scrolled.schedule();
    }));
    this.register(vscode.workspace.onDidChangeConfiguration((e) => e.affectsConfiguration(CODE_LENS_SETTING) && this.refresh.flush()));
    this.register(vscode.workspace.onDidCloseTextDocument((d) => this.covered.delete(d.uri.toString())));
  }

  async provideCodeLenses(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    if (!isListCandidate(document) || !codeLensEnabled(document.uri)) return [];
    const result = await this.analysisOf(document, token);
    const summary = result?.analysis.summary;
    if (!summary || token.isCancellationRequested || !isUrlList(document.uri, result.analysis)) return [];
    const uri = document.uri.toString();
    const batches = batchesOfList(this.model.batches, listIdentity(document));
    const lenses = topLenses(document, summary.urlCount, batches);
    const spans = linesAround(document);
    this.covered.set(uri, spans);
    const lines = summary.urlLines;
    for (const { first, last } of spans) {
      // urlLines is ascending and 1-based.
      for (let i = firstAtLeast(lines, first + 1); i < lines.length && lines[i] <= last + 1; i++) {
        const item = latestItemAtLine(batches, lines[i]);
        const { title, action } = lineState(item);
        const args = action === 'showBatch' && item ? [item.batch] : [uri, lines[i]];
        lenses.push(new vscode.CodeLens(new vscode.Range(lines[i] - 1, 0, lines[i] - 1, 0), { title, command: COMMAND_OF[action], arguments: args }));
      }
    }
    return lenses;
  }

  /** Whether a visible editor shows the list of this batch. */
  private shown(batch: BatchRecord): boolean {
    return vscode.window.visibleTextEditors.some(({ document }) => {
      const list = listIdentity(document);
      return list.path !== undefined ? batch.listPath === list.path : batch.listPath === undefined && batch.title === list.title;
    });
  }

  /** The analysis of exactly this version: there, or awaited (never asked for here). */
  private analysisOf(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<DocumentAnalysis | undefined> {
    const uri = document.uri.toString();
    const done = this.analyses.analysisOf(uri, document.version);
    if (done) return Promise.resolve(done);
    return new Promise((resolve) => {
      const waiting = new DisposableStore();
      const finish = (result?: DocumentAnalysis) => {
        waiting.dispose();
        resolve(result);
      };
      waiting.add(this.analyses.onDidAnalyze((result) => result.uri === uri && result.key.version === document.version && finish(result)));
      waiting.add(token.onCancellationRequested(() => finish()));
      // One run after the delay: a timer the store clears.
      waiting.add(new Throttle(ANALYSIS_WAIT_MS, () => finish())).schedule();
    });
  }
}

/** "Download all (N)" and, for the newest batch of the list: its progress while it runs, "Retry Failed" after. */
function topLenses(document: vscode.TextDocument, urlCount: number, batches: readonly BatchRecord[]): vscode.CodeLens[] {
  const top = new vscode.Range(0, 0, 0, 0);
  const lenses = [new vscode.CodeLens(top, { title: `Download all (${urlCount.toLocaleString('en-US')})`, command: COMMANDS.downloadUrlsInFile, arguments: [document.uri] })];
  const newest = batches[0];
  const stats = newest?.stats;
  if (newest?.running && stats) {
    const done = stats.ok + stats.skipped + stats.failed + stats.cancelled;
    lenses.push(new vscode.CodeLens(top, { title: `↻ ${percent(newest.progress)} · ${done.toLocaleString('en-US')}/${stats.total.toLocaleString('en-US')}`, command: COMMANDS.revealBatch, arguments: [newest] }));
  } else if (newest?.hasRetryable) {
    lenses.push(new vscode.CodeLens(top, { title: 'Retry Failed', command: COMMANDS.retryFailed, arguments: [newest] }));
  }
  return lenses;
}

/** The lines on screen in editors of the document, with a margin, merged; the first lines when none shows it. */
function linesAround(document: vscode.TextDocument): LineSpan[] {
  const visible = vscode.window.visibleTextEditors.filter((e) => e.document === document).flatMap((e) => e.visibleRanges);
  const spans = (visible.length > 0 ? visible : [new vscode.Range(0, 0, 0, 0)])
    .map((r) => ({ first: Math.max(0, r.start.line - MARGIN_LINES), last: Math.min(document.lineCount - 1, r.end.line + MARGIN_LINES) }))
    .sort((a, b) => a.first - b.first);
  const merged: LineSpan[] = [];
  for (const span of spans) {
    const previous = merged[merged.length - 1];
    if (previous && span.first <= previous.last + 1) previous.last = Math.max(previous.last, span.last);
    else merged.push({ ...span });
  }
  return merged;
}

