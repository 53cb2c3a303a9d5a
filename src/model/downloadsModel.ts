// The one owner of the front end's download state: batches and their items, as reported by the
// engine worker. Views (tree, notification, status bar, log) read it and listen to its events;
// none keeps a copy. User actions go through it to the engine.
import { FINISHED_STATES, type BatchStats, type DownloadOptions, type HostWait, type ItemSnapshot, type ListFormat, type LogEntry } from '../core/frontEnd';
import type { BatchMessage, ListKey } from '../worker/protocol';
import { Emitter } from './emitter';
import { Ticker } from './ticker';

/** What the engine is asked to do; implemented by EngineClient (a worker thread). */
export interface Engine {
  start(text: string, sourceName: string, options: DownloadOptions, format?: ListFormat, key?: ListKey): number;
  cancel(batchId: number, itemId?: number): void;
  retry(batchId: number, itemIds?: number[]): void;
  remove(batchId: number): void;
}

export interface BatchRequest {
  /** Shown in the tree and notifications: "assets.txt", "Untitled-1". */
  title: string;
  text: string;
  options: DownloadOptions;
  /** Forces a list format (`.urls` files are always plain lists); detected otherwise. */
  format?: ListFormat;
  /** The list file, when the list is a file (its path, for display and reveal). */
  listPath?: string;
  /** The document version `text` is, when the worker analysed it: the worker reuses that parse. */
  key?: ListKey;
}

export class ItemRecord {
  constructor(
    readonly batch: BatchRecord,
    public snapshot: ItemSnapshot,
  ) {}

  get finished(): boolean {
    return FINISHED_STATES.has(this.snapshot.state);
  }

  /** 0..1: finished items count whole, running ones by bytes when the size is known. */
  get fraction(): number {
    const { state, bytes, total } = this.snapshot;
    if (FINISHED_STATES.has(state)) return 1;
    return total ? Math.min(bytes / total, 1) : 0;
  }
}

/**
 * A host of a batch that asked to slow down (429/503): its row under the batch. The record of a
 * host stays the same object while the host waits (a tree element); `wait` is replaced.
 */
export class HostWaitRecord {
  constructor(
    readonly batch: BatchRecord,
    public wait: HostWait,
  ) {}

  get host(): string {
    return this.wait.host;
  }
}

export class BatchRecord {
  items: ItemRecord[] = [];
  /** The hosts waiting now, in the engine's order (empty: none). */
  hostWaits: HostWaitRecord[] = [];
  /** Items waiting for a retry at a known time (state 'retrying' with retryAt). */
  readonly retrying = new Set<ItemRecord>();
  stats: BatchStats | undefined;
  warnings: string[] = [];
  /** How the worker read the list: "a URL list: 4 of 5 lines are URLs" ("" until it is parsed). */
  formatReason = '';
  /** Whether the content decided the format and it could have been read the other way. */
  formatGuessed = false;
  /** Runs asked of the engine (the first one, retries) that have not reported their end. */
  runsInFlight = 1;
  /** Set when the engine could not run the batch at all. */
  error: string | undefined;
  /** Whether the worker has parsed the list, so `items` is the batch's full item list. */
  listed = false;
  private fractionSum = 0;

  constructor(
    readonly id: number,
    readonly title: string,
    readonly targetDir: string,
    readonly listPath: string | undefined,
  ) {}

  /** Whether a run (first or retry) is under way. */
  get running(): boolean {
    return this.runsInFlight > 0;
  }

  /** Overall progress 0..1, kept up to date incrementally (a 10,000-item batch is not rescanned). */
  get progress(): number {
    return this.items.length === 0 ? (this.running ? 0 : 1) : this.fractionSum / this.items.length;
  }

  get failedCount(): number {
    return (this.stats?.failed ?? 0) + (this.stats?.cancelled ?? 0);
  }

  /** Whether something of this batch counts down (a waiting host, an item waiting to retry). */
  get countingDown(): boolean {
    return this.hostWaits.length > 0 || this.retrying.size > 0;
  }

  /** @internal used by the model only */
  setItems(snapshots: ItemSnapshot[]): void {
    this.items = snapshots.map((s) => new ItemRecord(this, s));
    this.listed = true;
    this.fractionSum = this.items.reduce((sum, item) => sum + item.fraction, 0);
    this.retrying.clear();
    for (const item of this.items) this.trackRetry(item);
  }

  /** @internal used by the model only */
  replace(snapshot: ItemSnapshot): ItemRecord | undefined {
    const item = this.items[snapshot.id];
    if (!item) return undefined;
    this.fractionSum -= item.fraction;
    item.snapshot = snapshot;
    this.fractionSum += item.fraction;
    this.trackRetry(item);
    return item;
  }

  /**
   * @internal used by the model only. Replaces the waiting hosts, keeping the record of a host that
   * still waits. Returns whether the rows change (hosts came, went or moved), not just their waits.
   */
  setHostWaits(waits: readonly HostWait[]): boolean {
    const before = this.hostWaits;
    const old = new Map(before.map((r) => [r.host, r]));
    this.hostWaits = waits.map((wait) => {
      const record = old.get(wait.host);
      if (!record) return new HostWaitRecord(this, wait);
      record.wait = wait;
      return record;
    });
    return before.length !== this.hostWaits.length || before.some((r, i) => r !== this.hostWaits[i]);
  }

  private trackRetry(item: ItemRecord): void {
    if (item.snapshot.state === 'retrying' && item.snapshot.retryAt !== undefined) this.retrying.add(item);
    else this.retrying.delete(item);
  }
}

/** What changed in one engine message. */
export interface ModelChange {
  batch: BatchRecord;
  /** Items whose snapshot changed (empty when only the batch's counters moved). */
  items: ItemRecord[];
  /**
   * The batch's waiting hosts changed: 'rows' when hosts came, went or moved (the batch's
   * children change), 'waits' when only their waits changed (the same records, new values).
   */
  hostWaits?: 'rows' | 'waits';
}

export interface ModelOptions {
  /** Countdowns tick at this pace (ms); 1000 unless a test says otherwise. */
  tickMs?: number;
}

export class DownloadsModel {
  private readonly batchesById = new Map<number, BatchRecord>();
  private readonly changed = new Emitter<ModelChange>();
  private readonly structure = new Emitter<void>();
  private readonly started = new Emitter<BatchRecord>();
  private readonly finished = new Emitter<BatchRecord>();
  private readonly logged = new Emitter<{ batch: BatchRecord; entries: LogEntry[] }>();
  private readonly ticked = new Emitter<BatchRecord[]>();
  private readonly ticker: Ticker;

  /** A batch's counters or items changed. */
  readonly onDidChange = this.changed.event;
  /** Batches were added or removed, or a batch's item list arrived. */
  readonly onDidChangeBatches = this.structure.event;
  /** A run began (a new batch, or a retry of an existing one). */
  readonly onDidStartRun = this.started.event;
  /** A run ended: nothing of the batch is queued or downloading. */
  readonly onDidFinishRun = this.finished.event;
  readonly onDidLog = this.logged.event;
  /**
   * Once a second while a host of a batch waits or an item waits for its retry, with those
   * batches: views redraw their countdowns ("resuming in 12 s"). Silent while nothing waits.
   */
  readonly onDidTick = this.ticked.event;

  constructor(
    private readonly engine: Engine,
    options: ModelOptions = {},
  ) {
    this.ticker = new Ticker(options.tickMs ?? 1000, () => {
      const counting = this.batches.filter((b) => b.countingDown);
      if (counting.length > 0) this.ticked.fire(counting);
      else this.ticker.stop();
    });
  }

  /** Whether the countdown timer runs (something waits). */
  get ticking(): boolean {
    return this.ticker.running;
  }

  /** Newest first. */
  get batches(): BatchRecord[] {
    return [...this.batchesById.values()].reverse();
  }

  get running(): BatchRecord[] {
    return this.batches.filter((b) => b.running);
  }

  batch(id: number): BatchRecord | undefined {
    return this.batchesById.get(id);
  }

  start(request: BatchRequest): BatchRecord {
    const id = this.engine.start(request.text, request.title, request.options, request.format, request.key);
    const batch = new BatchRecord(id, request.title, request.options.targetDir, request.listPath);
    this.batchesById.set(id, batch);
    this.structure.fire();
    this.started.fire(batch);
    return batch;
  }

  cancel(batch: BatchRecord, item?: ItemRecord): void {
    this.engine.cancel(batch.id, item?.snapshot.id);
  }

  /** Retries the given items, or every failed and cancelled item of the batch. */
  retry(batch: BatchRecord, items?: ItemRecord[]): void {
    const retryable = (items ?? batch.items).filter((i) => isRetryable(i));
    if (retryable.length === 0) return;
    this.engine.retry(batch.id, items ? retryable.map((i) => i.snapshot.id) : undefined);
    // Every retry ends with its own "finished" (or "failed"): counting them keeps a retry sent
    // just as the previous run ended from being shown as idle.
    if (batch.runsInFlight++ === 0) this.started.fire(batch);
    this.changed.fire({ batch, items: [] });
  }

  remove(batch: BatchRecord): void {
    if (!this.batchesById.delete(batch.id)) return;
    this.engine.remove(batch.id);
    this.updateTicker();
    this.structure.fire();
  }

  /** Removes every batch that is not running. */
  clearFinished(): void {
    const finished = this.batches.filter((b) => !b.running);
    for (const batch of finished) {
      this.batchesById.delete(batch.id);
      this.engine.remove(batch.id);
    }
    if (finished.length > 0) {
      this.updateTicker();
      this.structure.fire();
    }
  }

  /** Applies one message of the engine worker. */
  receive(message: BatchMessage): void {
    const batch = this.batchesById.get(message.batchId);
    if (!batch) return; // removed meanwhile
    switch (message.type) {
      case 'started':
        batch.setItems(message.items);
        batch.stats = message.stats;
        batch.warnings = message.warnings;
        batch.formatReason = message.formatReason;
        batch.formatGuessed = message.formatGuessed;
        // Which format was used is always said once per batch: a guess can be wrong.
        this.logged.fire({ batch, entries: [{ level: 'info', message: `read as ${message.formatReason}` }, ...message.warnings.map((w): LogEntry => ({ level: 'warn', message: w }))] });
        // The batch now has its rows: a change of structure, not of thousands of single items.
        this.structure.fire();
        this.changed.fire({ batch, items: [] });
        break;
      case 'update': {
        const { update } = message;
        batch.stats = update.stats;
        const items: ItemRecord[] = [];
        for (const snapshot of update.changed) {
          const item = batch.replace(snapshot);
          if (item) items.push(item);
        }
        // Present only when the waiting hosts changed, and then the whole list.
        const hostWaits = update.hostWaits ? (batch.setHostWaits(update.hostWaits) ? 'rows' : 'waits') : undefined;
        if (update.logs.length > 0) this.logged.fire({ batch, entries: update.logs });
        this.updateTicker();
        this.changed.fire(hostWaits ? { batch, items, hostWaits } : { batch, items });
        break;
      }
      case 'finished':
        batch.stats = message.stats;
        if (batch.runsInFlight === 0) return;
        if (--batch.runsInFlight === 0) this.endRun(batch);
        else this.changed.fire({ batch, items: [] });
        break;
      case 'failed':
        if (!batch.running) return;
        batch.error = message.message;
        batch.runsInFlight = 0;
        this.logged.fire({ batch, entries: [{ level: 'error', message: `${batch.title}: ${message.message}` }] });
        this.endRun(batch);
        break;
    }
  }

  dispose(): void {
    this.ticker.dispose();
    for (const emitter of [this.changed, this.structure, this.started, this.finished, this.logged, this.ticked]) emitter.dispose();
  }

  private endRun(batch: BatchRecord): void {
    // Nothing of the batch runs: no host of it waits any more, whatever the last update said.
    const hostWaits = batch.hostWaits.length > 0 && batch.setHostWaits([]) ? 'rows' : undefined;
    batch.retrying.clear();
    this.updateTicker();
    this.changed.fire(hostWaits ? { batch, items: [], hostWaits } : { batch, items: [] });
    this.finished.fire(batch);
  }

  /** The countdown runs exactly while some batch has something counting down. */
  private updateTicker(): void {
    let counting = false;
    for (const batch of this.batchesById.values()) if ((counting = batch.countingDown)) break;
    this.ticker.set(counting);
  }
}

export function isRetryable(item: ItemRecord): boolean {
  const { state, relativePath } = item.snapshot;
  return (state === 'failed' || state === 'cancelled') && relativePath !== undefined;
}
