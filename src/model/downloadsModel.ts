// The one owner of the front end's download state: batches and their items, as reported by the
// engine worker. Views (tree, notification, status bar, log) read it and listen to its events;
// none keeps a copy. User actions go through it to the engine.
import { FINISHED_STATES, type BatchStats, type DownloadOptions, type ItemSnapshot, type ListFormat, type LogEntry } from '../core/frontEnd';
import type { BatchMessage, ListKey } from '../worker/protocol';
import { Emitter } from './emitter';

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

export class BatchRecord {
  items: ItemRecord[] = [];
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

  /** @internal used by the model only */
  setItems(snapshots: ItemSnapshot[]): void {
    this.items = snapshots.map((s) => new ItemRecord(this, s));
    this.listed = true;
    this.fractionSum = this.items.reduce((sum, item) => sum + item.fraction, 0);
  }

  /** @internal used by the model only */
  replace(snapshot: ItemSnapshot): ItemRecord | undefined {
    const item = this.items[snapshot.id];
    if (!item) return undefined;
    this.fractionSum -= item.fraction;
    item.snapshot = snapshot;
    this.fractionSum += item.fraction;
    return item;
  }
}

/** What changed in one engine message. */
export interface ModelChange {
  batch: BatchRecord;
  /** Items whose snapshot changed (empty when only the batch's counters moved). */
  items: ItemRecord[];
}

export class DownloadsModel {
  private readonly batchesById = new Map<number, BatchRecord>();
  private readonly changed = new Emitter<ModelChange>();
  private readonly structure = new Emitter<void>();
  private readonly started = new Emitter<BatchRecord>();
  private readonly finished = new Emitter<BatchRecord>();
  private readonly logged = new Emitter<{ batch: BatchRecord; entries: LogEntry[] }>();

  /** A batch's counters or items changed. */
  readonly onDidChange = this.changed.event;
  /** Batches were added or removed, or a batch's item list arrived. */
  readonly onDidChangeBatches = this.structure.event;
  /** A run began (a new batch, or a retry of an existing one). */
  readonly onDidStartRun = this.started.event;
  /** A run ended: nothing of the batch is queued or downloading. */
  readonly onDidFinishRun = this.finished.event;
  readonly onDidLog = this.logged.event;

  constructor(private readonly engine: Engine) {}

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
    this.structure.fire();
  }

  /** Removes every batch that is not running. */
  clearFinished(): void {
    const finished = this.batches.filter((b) => !b.running);
    for (const batch of finished) {
      this.batchesById.delete(batch.id);
      this.engine.remove(batch.id);
    }
    if (finished.length > 0) this.structure.fire();
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
        if (update.logs.length > 0) this.logged.fire({ batch, entries: update.logs });
        this.changed.fire({ batch, items });
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
    for (const emitter of [this.changed, this.structure, this.started, this.finished, this.logged]) emitter.dispose();
  }

  private endRun(batch: BatchRecord): void {
    this.changed.fire({ batch, items: [] });
    this.finished.fire(batch);
  }
}

export function isRetryable(item: ItemRecord): boolean {
  const { state, relativePath } = item.snapshot;
  return (state === 'failed' || state === 'cancelled') && relativePath !== undefined;
}
