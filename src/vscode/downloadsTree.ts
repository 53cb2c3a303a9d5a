// The "Downloads" tree: batches → waiting hosts and items, read straight from the model.
// Refreshes are coalesced (a few a second) and name only the nodes that changed, so a
// 10,000-item batch stays smooth; countdowns redraw only their own rows, once a second.
import path from 'node:path';
import * as vscode from 'vscode';
import { formatBytes, type ErrorCode } from '../core/frontEnd';
import { BatchRecord, HostWaitRecord, isRetryable, ItemRecord, type DownloadsModel } from '../model/downloadsModel';
import { Disposable } from '../core/lifecycle';
import { Throttle } from '../core/timers';
import { hostWaitDetail, hostWaitText, inTime, waitReason } from '../model/waits';
import { troubleFirst } from '../model/troubleFirst';
import { batchContextValue, COMMANDS, focusViewCommand, hostWaitContextValue, itemContextValue as itemRowContextValue, VIEWS } from './ids';
import { batchSummary, percent } from './summaries';

/** A batch, one of its waiting hosts (429/503: its downloads are paused), or one of its items. */
export type DownloadNode = BatchRecord | HostWaitRecord | ItemRecord;

/** Items change often; their rows refresh at this pace. */
const ITEM_REFRESH_MS = 250;
/** Batch rows (counts, %) refresh at this pace. */
const BATCH_REFRESH_MS = 1000;
/**
 * Larger batches start collapsed, and while expanded they refresh their rows as a whole, at most
 * every LARGE_BATCH_REFRESH_MS: VS Code's cost of refreshing single rows grows with the number of
 * siblings, and a refresh of a batch row fetches all its rows again (measured in bench/vscode:
 * 0.6 s per refresh of an expanded 10,000-item batch).
 */
const LARGE_BATCH = 200;
const LARGE_BATCH_REFRESH_MS = 3000;
/**
 * A refresh of a row closes its hover: a countdown row whose tooltip was just asked for (the user
 * hovers it) is not redrawn by the countdown for this long, so the tooltip can be read (seen in
 * code-server: ticking every second, a host row's hover closed after about half a second).
 */
const HOVER_HOLD_MS = 10_000;

export class DownloadsTree extends Disposable implements vscode.TreeDataProvider<DownloadNode> {
  private readonly changed = this.register(new vscode.EventEmitter<DownloadNode | DownloadNode[] | undefined>());
  readonly onDidChangeTreeData = this.changed.event;
  private readonly view: vscode.TreeView<DownloadNode>;
  private readonly pendingItems = new Set<ItemRecord | HostWaitRecord>();
  private readonly pendingBatches = new Set<BatchRecord>();
  /** Large batches the user expanded, and small ones the user collapsed. */
  private readonly toggled = new WeakSet<BatchRecord>();
  private readonly largeRefreshedAt = new WeakMap<BatchRecord, number>();
  /** Rows whose tooltip was resolved (hovered), until when the countdown leaves them alone. */
  private readonly hoveredUntil = new WeakMap<ItemRecord | HostWaitRecord, number>();
  private readonly itemRefresh = this.register(new Throttle(ITEM_REFRESH_MS, () => this.flushItems()));
  private readonly batchRefresh = this.register(new Throttle(BATCH_REFRESH_MS, () => this.flushBatches()));
  /** Set by "Show Failed Only" (failedFilter.ts). */
  failedOnly = false;

  constructor(private readonly model: DownloadsModel) {
    super();
    this.view = this.register(vscode.window.createTreeView(VIEWS.downloads, { treeDataProvider: this, canSelectMany: true, showCollapseAll: true }));
    const toggle = (node: DownloadNode, expanded: boolean) => {
      if (!(node instanceof BatchRecord)) return;
      if (expanded === isLarge(node)) this.toggled.add(node);
      else this.toggled.delete(node);
    };
    this.register(this.view.onDidExpandElement((e) => toggle(e.element, true)));
    this.register(this.view.onDidCollapseElement((e) => toggle(e.element, false)));
    this.register(model.onDidChangeBatches(() => this.refreshAll()));
    this.register(
      model.onDidChange(({ batch, items, hostWaits }) => {
        for (const item of items) this.pendingItems.add(item);
        if (hostWaits === 'waits') for (const host of batch.hostWaits) this.pendingItems.add(host);
        this.pendingBatches.add(batch);
        this.itemRefresh.schedule();
        this.batchRefresh.schedule();
        // A host row comes or goes with its batch's refresh: at once, unless the batch is large
        // (then at its own pace, as its other rows).
        if (hostWaits === 'rows' && !isLarge(batch)) {
          this.pendingBatches.delete(batch);
          this.changed.fire([batch]);
        }
      }),
    );
    // Countdowns: the rows that show a time left, of the batches whose rows are fetched.
    this.register(
      model.onDidTick((batches) => {
        for (const batch of batches) {
          if (!this.expanded(batch)) continue;
          if (isLarge(batch)) {
            this.pendingBatches.add(batch);
            this.batchRefresh.schedule();
            continue;
          }
          const now = Date.now();
          for (const row of [...batch.hostWaits, ...batch.retrying]) {
            if ((this.hoveredUntil.get(row) ?? 0) <= now) this.pendingItems.add(row);
          }
        }
        this.itemRefresh.flush();
      }),
    );
    // The end of a run shows at once, not up to a second later.
    this.register(
      model.onDidFinishRun((batch) => {
        this.pendingBatches.add(batch);
        this.batchRefresh.cancel();
        this.flushBatches(true);
      }),
    );
  }

  /** Batches appear once their list is parsed, so a large one is known to be large (and starts collapsed). */
  getChildren(node?: DownloadNode): DownloadNode[] {
    if (!node) return this.model.batches.filter((b) => b.listed || !b.running);
    if (!(node instanceof BatchRecord)) return [];
    // The waiting hosts first: they say why the items below do not move; then trouble first.
    const items = troubleFirst(node.items, this.failedOnly);
    return node.hostWaits.length > 0 ? [...node.hostWaits, ...items] : items;
  }

  /** "Show Failed Only": each batch lists only its failed, cancelled and retrying items. */
  showFailedOnly(on: boolean): void {
    if (this.failedOnly === on) return;
    this.failedOnly = on;
    this.view.message = on ? 'Showing failed, cancelled and retrying downloads only.' : undefined;
    this.refreshAll();
  }

  /** Shows a batch's row, selected, in the Downloads view (a second start of a running list). */
  async reveal(batch: BatchRecord): Promise<void> {
    // A batch whose list is still being read has no row yet: the view is shown all the same.
    if (!this.getChildren().includes(batch)) return void (await vscode.commands.executeCommand(focusViewCommand(VIEWS.downloads)));
    await this.view.reveal(batch, { select: true, focus: true, expand: false });
  }

  getParent(node: DownloadNode): DownloadNode | undefined {
    return node instanceof BatchRecord ? undefined : node.batch;
  }

  getTreeItem(node: DownloadNode): vscode.TreeItem {
    if (node instanceof BatchRecord) return batchTreeItem(node);
    return node instanceof HostWaitRecord ? hostWaitTreeItem(node) : itemTreeItem(node);
  }

  /** Tooltips are built on hover only: for 10,000 rows they were a third of a refresh. */
  resolveTreeItem(item: vscode.TreeItem, node: DownloadNode): vscode.TreeItem {
    if (node instanceof BatchRecord) {
      item.tooltip = batchTooltip(node);
      return item;
    }
    item.tooltip = node instanceof HostWaitRecord ? hostWaitTooltip(node) : itemTooltip(node);
    this.hoveredUntil.set(node, Date.now() + HOVER_HOLD_MS);
    return item;
  }

  private expanded(batch: BatchRecord): boolean {
    return isLarge(batch) === this.toggled.has(batch);
  }

  private refreshAll(): void {
    this.pendingItems.clear();
    this.pendingBatches.clear();
    this.changed.fire(undefined);
  }

  /** Refreshes the pending item rows (run by itemRefresh). */
  private flushItems(): void {
    const items: (ItemRecord | HostWaitRecord)[] = [];
    for (const item of this.pendingItems) {
      const { batch } = item;
      // Rows of a collapsed batch are fetched afresh when it opens; a large batch refreshes whole.
      if (!this.model.batch(batch.id) || !this.expanded(batch) || isLarge(batch)) continue;
      // A host that no longer waits has no row any more (its batch's refresh removed it).
      if (item instanceof HostWaitRecord && !batch.hostWaits.includes(item)) continue;
      items.push(item);
    }
    this.pendingItems.clear();
    if (items.length > 0) this.changed.fire(items);
  }

  /** Refreshes the pending batch rows (run by batchRefresh; `now` at a run's end). */
  private flushBatches(now = false): void {
    const batches: BatchRecord[] = [];
    for (const batch of this.pendingBatches) {
      if (!this.model.batch(batch.id)) {
        this.pendingBatches.delete(batch); // removed meanwhile
        continue;
      }
      if (!now && isLarge(batch) && this.expanded(batch) && Date.now() - (this.largeRefreshedAt.get(batch) ?? 0) < LARGE_BATCH_REFRESH_MS) {
        this.batchRefresh.schedule();
        continue; // stays pending
      }
      this.largeRefreshedAt.set(batch, Date.now());
      batches.push(batch);
    }
    for (const batch of batches) this.pendingBatches.delete(batch);
    if (batches.length > 0) this.changed.fire(batches);
  }
}

function isLarge(batch: BatchRecord): boolean {
  return batch.items.length > LARGE_BATCH;
}

function batchTreeItem(batch: BatchRecord): vscode.TreeItem {
  const item = new vscode.TreeItem(batch.title, isLarge(batch) ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.Expanded);
  item.id = `batch-${batch.id}`;
  item.description = batchSummary(batch);
  // Cancelled items are left undone as failed ones are: both warn.
  const failed = batch.failedCount > 0 || batch.cancelledCount > 0;
  item.iconPath = batch.running
    ? new vscode.ThemeIcon('sync~spin')
    : batch.resumable
      ? new vscode.ThemeIcon('debug-pause', new vscode.ThemeColor('problemsWarningIcon.foreground'))
      : new vscode.ThemeIcon(failed || batch.error ? 'warning' : 'pass', new vscode.ThemeColor(failed || batch.error ? 'problemsWarningIcon.foreground' : 'testing.iconPassed'));
  item.contextValue = batchContextValue({
    running: batch.running,
    retryable: batch.hasRetryable,
    pausable: batch.running && !batch.pausing && batch.engineId !== undefined,
    resumable: batch.resumable,
  });
  return item;
}

function hostWaitTreeItem(record: HostWaitRecord): vscode.TreeItem {
  const { wait } = record;
  const item = new vscode.TreeItem(wait.host, vscode.TreeItemCollapsibleState.None);
  item.id = `batch-${record.batch.id}-host-${wait.host}`;
  item.description = `${hostWaitText(wait, Date.now())} · ${wait.waiting} waiting`;
  item.iconPath = new vscode.ThemeIcon('watch', new vscode.ThemeColor('problemsWarningIcon.foreground'));
  item.contextValue = hostWaitContextValue(wait.status);
  return item;
}

function hostWaitTooltip(record: HostWaitRecord): vscode.MarkdownString {
  const { wait } = record;
  const tooltip = new vscode.MarkdownString(undefined, true);
  // A time of day, not "in 12 s": the tooltip is built once per hover and would not count down.
  tooltip.appendText(`${wait.host} is ${waitReason(wait.status)} (HTTP ${wait.status}): its downloads resume at ${clock(wait.until)}; other hosts go on.`);
  tooltip.appendText(`\n\n${hostWaitDetail(wait)}`);
  return tooltip;
}

/** A time of day, "14:03:12". */
function clock(at: number): string {
  return new Date(at).toLocaleTimeString();
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

/** Failed rows show why at a glance; a code not listed keeps the plain error icon. */
const ERROR_ICONS: Partial<Record<ErrorCode, string>> = {
  LIST_LINE: 'list-unordered',
  RATE_LIMITED: 'watch',
  TLS_CERT: 'lock',
  NETWORK: 'debug-disconnect',
  TIMEOUT: 'clock',
  PROTOCOL: 'question',
  CHECKSUM_MISMATCH: 'file-binary',
  FILE_SYSTEM: 'save',
};

/** What menus match on an item's row (ids.ts): "item.failed.TLS_CERT retryable", "item.ok saved". */
export function itemContextValue(record: ItemRecord): string {
  const { state, errorCode } = record.snapshot;
  return itemRowContextValue(record.status, errorCode, { running: !record.finished, retryable: isRetryable(record), saved: state === 'ok' || state === 'skipped' });
}

function itemTreeItem(record: ItemRecord): vscode.TreeItem {
  const s = record.snapshot;
  const name = s.relativePath ? path.posix.basename(s.relativePath) : s.url;
  const item = new vscode.TreeItem(name, vscode.TreeItemCollapsibleState.None);
  item.id = `batch-${record.batch.id}-item-${s.id}`;
  item.description = itemDescription(record);
  const [stateIcon, color] = record.paused ? ['debug-pause'] : STATE_ICONS[s.state];
  const icon = (s.state === 'failed' && s.errorCode && ERROR_ICONS[s.errorCode]) || stateIcon;
  item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
  item.contextValue = itemContextValue(record);
  const saved = s.state === 'ok' || s.state === 'skipped';
  if (saved && s.relativePath) {
    item.resourceUri = vscode.Uri.file(path.join(record.batch.targetDir, s.relativePath));
    item.command = { command: COMMANDS.openFile, title: 'Open File', arguments: [record] };
  }
  return item;
}

function batchTooltip(batch: BatchRecord): vscode.MarkdownString {
  const tooltip = new vscode.MarkdownString(undefined, true);
  tooltip.appendText(`${batch.title} → ${batch.targetDir}\n\n${batchSummary(batch)}`);
  if (batch.formatReason) tooltip.appendText(`\n\nRead as: ${batch.formatReason}`);
  if (batch.error) tooltip.appendText(`\n\n${batch.error}`);
  for (const warning of batch.warnings.slice(0, 5)) tooltip.appendText(`\n\n${warning}`);
  return tooltip;
}

function itemTooltip(record: ItemRecord): vscode.MarkdownString {
  const s = record.snapshot;
  const tooltip = new vscode.MarkdownString(undefined, true);
  tooltip.appendText(`${s.url}\n\n${record.paused ? record.status : s.state}${s.relativePath ? ` → ${s.relativePath}` : ''}`);
  if (s.attempts > 1) tooltip.appendText(` (${s.attempts} attempts)`);
  if (s.state === 'retrying' && s.retryAt !== undefined) tooltip.appendText(`\n\nnext attempt at ${clock(s.retryAt)}`);
  if (s.error) tooltip.appendText(`\n\n${s.error}${s.errorCode ? ` (${s.errorCode})` : ''}`);
  tooltip.appendText(`\n\n${s.source}`);
  return tooltip;
}

function itemDescription(record: ItemRecord): string {
  const s = record.snapshot;
  if (record.paused) {
    // "paused at 40% · 1.2 MB of 3 MB"; after a reload: "interrupted at …", the state it was in when not downloading.
    const status = record.status;
    const size = s.total ? `${percent(s.bytes / s.total)} · ${formatBytes(s.bytes)} of ${formatBytes(s.total)}` : formatBytes(s.bytes);
    if (s.bytes > 0) return `${status} at ${size}`;
    return status === 'interrupted' && s.state !== 'active' && s.state !== 'cancelled' ? `interrupted (was ${s.state})` : status;
  }
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
    case 'retrying': {
      const when = s.retryAt !== undefined ? ` ${inTime(s.retryAt, Date.now())}` : '';
      return `retrying${when} (attempt ${s.attempts + 1})${s.error ? `: ${s.error}` : ''}`;
    }
    case 'active': {
      const parts = [s.total ? `${percent(s.bytes / s.total)}` : '', s.total ? `${formatBytes(s.bytes)} of ${formatBytes(s.total)}` : formatBytes(s.bytes)];
      if (s.speed > 0) parts.push(`${formatBytes(s.speed)}/s`);
      return parts.filter(Boolean).join(' · ');
    }
  }
}
