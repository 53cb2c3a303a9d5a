// The "Downloads" tree: batches → items, read straight from the model. Refreshes are coalesced
// (a few a second) and name only the nodes that changed, so a 10,000-item batch stays smooth.
import path from 'node:path';
import * as vscode from 'vscode';
import { formatBytes } from '../core/frontEnd';
import { isRetryable, type BatchRecord, type DownloadsModel, type ItemRecord } from '../model/downloadsModel';
import { batchSummary, percent } from './summaries';

export type DownloadNode = BatchRecord | ItemRecord;

/** Items change often; their rows refresh at this pace. */
const ITEM_REFRESH_MS = 250;
/** A batch row refresh makes VS Code ask for all its children again: keep those rarer. */
const BATCH_REFRESH_MS = 1000;
/** Larger batches start collapsed so opening the view does not render thousands of rows. */
const EXPAND_UP_TO = 200;

export class DownloadsTree implements vscode.TreeDataProvider<DownloadNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<DownloadNode | DownloadNode[] | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly pendingItems = new Set<ItemRecord>();
  private readonly pendingBatches = new Set<BatchRecord>();
  private itemTimer: NodeJS.Timeout | undefined;
  private batchTimer: NodeJS.Timeout | undefined;
  private readonly subscriptions: { dispose(): void }[];

  constructor(private readonly model: DownloadsModel) {
    this.subscriptions = [
      model.onDidChangeBatches(() => this.refreshAll()),
      model.onDidChange(({ batch, items }) => {
        for (const item of items) this.pendingItems.add(item);
        this.pendingBatches.add(batch);
        this.itemTimer ??= setTimeout(() => this.flushItems(), ITEM_REFRESH_MS);
        this.batchTimer ??= setTimeout(() => this.flushBatches(), BATCH_REFRESH_MS);
      }),
      // The end of a run shows at once, not up to a second later.
      model.onDidFinishRun((batch) => {
        this.pendingBatches.add(batch);
        this.flushBatches();
      }),
    ];
  }

  getChildren(node?: DownloadNode): DownloadNode[] {
    if (!node) return this.model.batches;
    return 'items' in node ? node.items : [];
  }

  getParent(node: DownloadNode): DownloadNode | undefined {
    return 'items' in node ? undefined : node.batch;
  }

  getTreeItem(node: DownloadNode): vscode.TreeItem {
    return 'items' in node ? batchTreeItem(node) : itemTreeItem(node);
  }

  dispose(): void {
    clearTimeout(this.itemTimer);
    clearTimeout(this.batchTimer);
    for (const s of this.subscriptions) s.dispose();
    this.changed.dispose();
  }

  private refreshAll(): void {
    this.pendingItems.clear();
    this.pendingBatches.clear();
    this.changed.fire(undefined);
  }

  private flushItems(): void {
    this.itemTimer = undefined;
    // Items of a removed batch are gone from the tree.
    const items = [...this.pendingItems].filter((i) => this.model.batch(i.batch.id));
    this.pendingItems.clear();
    if (items.length > 0) this.changed.fire(items);
  }

  private flushBatches(): void {
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    const batches = [...this.pendingBatches].filter((b) => this.model.batch(b.id));
    this.pendingBatches.clear();
    if (batches.length > 0) this.changed.fire(batches);
  }
}

function batchTreeItem(batch: BatchRecord): vscode.TreeItem {
  const item = new vscode.TreeItem(batch.title, batch.items.length <= EXPAND_UP_TO ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
  item.id = `batch-${batch.id}`;
  item.description = batchSummary(batch);
  const failed = batch.failedCount > 0;
  item.iconPath = batch.running
    ? new vscode.ThemeIcon('sync~spin')
    : new vscode.ThemeIcon(failed || batch.error ? 'warning' : 'pass', new vscode.ThemeColor(failed || batch.error ? 'problemsWarningIcon.foreground' : 'testing.iconPassed'));
  const tooltip = new vscode.MarkdownString(undefined, true);
  tooltip.appendText(`${batch.title} → ${batch.targetDir}\n\n${batchSummary(batch)}`);
  if (batch.error) tooltip.appendText(`\n\n${batch.error}`);
  for (const warning of batch.warnings.slice(0, 5)) tooltip.appendText(`\n\n${warning}`);
  item.tooltip = tooltip;
  item.contextValue = ['batch', batch.running ? 'running' : 'idle', batch.items.some(isRetryable) ? 'retryable' : ''].filter(Boolean).join(' ');
  return item;
}

const STATE_ICONS: Record<string, [string, string?]> = {
  queued: ['circle-outline'],
  active: ['sync~spin'],
  retrying: ['history', 'problemsWarningIcon.foreground'],
  ok: ['pass', 'testing.iconPassed'],
  skipped: ['circle-slash'],
  failed: ['error', 'problemsErrorIcon.foreground'],
  cancelled: ['debug-stop'],
};

function itemTreeItem(record: ItemRecord): vscode.TreeItem {
  const s = record.snapshot;
  const name = s.relativePath ? path.posix.basename(s.relativePath) : s.url;
  const item = new vscode.TreeItem(name, vscode.TreeItemCollapsibleState.None);
  item.id = `batch-${record.batch.id}-item-${s.id}`;
  item.description = itemDescription(record);
  const [icon, color] = STATE_ICONS[s.state];
  item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
  const tooltip = new vscode.MarkdownString(undefined, true);
  tooltip.appendText(`${s.url}\n\n${s.state}${s.relativePath ? ` → ${s.relativePath}` : ''}`);
  if (s.attempts > 1) tooltip.appendText(` (${s.attempts} attempts)`);
  if (s.error) tooltip.appendText(`\n\n${s.error}`);
  tooltip.appendText(`\n\n${s.source}`);
  item.tooltip = tooltip;
  const saved = s.state === 'ok' || s.state === 'skipped';
  item.contextValue = ['item', !record.finished ? 'running' : '', isRetryable(record) ? 'retryable' : '', saved ? 'saved' : ''].filter(Boolean).join(' ');
  if (saved && s.relativePath) {
    item.resourceUri = vscode.Uri.file(path.join(record.batch.targetDir, s.relativePath));
    item.command = { command: 'assetFetch.openFile', title: 'Open File', arguments: [record] };
  }
  return item;
}

function itemDescription(record: ItemRecord): string {
  const s = record.snapshot;
  switch (s.state) {
    case 'ok':
      return formatBytes(s.bytes);
    case 'skipped':
      return 'skipped: exists';
    case 'failed':
      return `failed: ${s.error ?? 'unknown error'}`;
    case 'cancelled':
      return s.bytes > 0 ? `cancelled at ${formatBytes(s.bytes)}` : 'cancelled';
    case 'queued':
      return 'queued';
    case 'retrying':
      return `retrying (attempt ${s.attempts + 1})${s.error ? `: ${s.error}` : ''}`;
    case 'active': {
      const parts = [s.total ? `${percent(s.bytes / s.total)}` : '', s.total ? `${formatBytes(s.bytes)} of ${formatBytes(s.total)}` : formatBytes(s.bytes)];
      if (s.speed > 0) parts.push(`${formatBytes(s.speed)}/s`);
      return parts.filter(Boolean).join(' · ');
    }
  }
}
