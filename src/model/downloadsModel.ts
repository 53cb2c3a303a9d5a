// The one owner of the front end's download state: batches and their items, as reported by the
// engine worker. Views (tree, notification, status bar, log) read it and listen to its events;
// none keeps a copy. User actions go through it to the engine.
import { FINISHED_STATES, type BatchStats, type DownloadOptions, type HostWait, type ItemSnapshot, type ItemState, type ListFormat, type LogEntry } from '../core/frontEnd';
import type { BatchMessage, ListKey } from '../worker/protocol';
import { batchKey, nonSecretOptions, resumeList, statsOf, type BatchOptions } from './batchRuns';
import { Emitter, type Listener } from './emitter';
import { Disposable, type DisposableLike } from '../core/lifecycle';
import { Ticker } from '../core/timers';

/** What the engine is asked to do; implemented by EngineClient (a worker thread). */
export interface Engine {
  /** Every message of the engine's batches; the model subscribes once. */
  onBatchMessage(listener: Listener<BatchMessage>): DisposableLike;
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
  /** The list's document (its URI), so a second start of the same list finds this batch. */
  source?: string;
}

/** What a row of an item says beyond the engine's state: paused by the user, or interrupted by a reload. */
export type ItemStatus = ItemState | 'paused' | 'interrupted';

export class ItemRecord {
  constructor(
    readonly batch: BatchRecord,
    public snapshot: ItemSnapshot,
  ) {}

  get finished(): boolean {
    return FINISHED_STATES.has(this.snapshot.state) && !this.paused;
  }

  /** Stopped with its `.part` kept, to be resumed: by Pause, or by a reload or crash of the window. */
  get paused(): boolean {
    return this.batch.paused.has(this);
  }

  /** The engine's state, or 'paused' / 'interrupted' for an item waiting for Resume. */
  get status(): ItemStatus {
    if (!this.paused) return this.snapshot.state;
    return this.batch.interrupted ? 'interrupted' : 'paused';
  }

  /** 0..1: finished items count whole, running and paused ones by bytes when the size is known. */
  get fraction(): number {
    const { bytes, total } = this.snapshot;
    if (this.finished) return 1;
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
  /**
   * Items stopped with their `.part` kept, waiting for Resume: paused by the user (the engine has
   * them as cancelled; they are not counted as such), or unfinished when the window reloaded.
   */
  readonly paused = new Set<ItemRecord>();
  /** Restored from an earlier window with unfinished items, no run of this window yet. */
  interrupted = false;
  /** Unfinished items when Pause was asked: those the engine reports cancelled are paused. */
  pausing: Set<ItemRecord> | undefined;
  /** The engine batch of the current run; undefined for a batch restored and not resumed. */
  engineId: number | undefined;
  /**
   * For a run started by Resume after a reload: the record index of each engine item id (the
   * engine batch holds only the resumed items). Undefined: the engine's ids are the records'.
   */
  private engineItems: number[] | undefined;
  private recordToEngine: Map<number, number> | undefined;
  /** Counters of the items outside the engine batch (all of them while none runs). */
  private baseStats: BatchStats | undefined;
  /** The engine's counters of its batch. */
  runStats: BatchStats | undefined;
  /** The hosts waiting now, in the engine's order (empty: none). */
  hostWaits: HostWaitRecord[] = [];
  /** Items waiting for a retry at a known time (state 'retrying' with retryAt). */
  readonly retrying = new Set<ItemRecord>();
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
    /** Stable across windows: the key it is stored under. */
    readonly key: string = batchKey(),
    /** The options a resumed run keeps (never headers, proxy or certificates). */
    readonly options: BatchOptions = {},
    /** The list's document URI, when known. */
    readonly source?: string,
  ) {
    this.engineId = id > 0 ? id : undefined;
  }

  /** The batch's counters: the engine's for its run, plus the items outside it; paused items count as queued. */
  get stats(): BatchStats | undefined {
    const run = this.runStats;
    if (!run) return this.baseStats;
    if (!this.baseStats && this.paused.size === 0) return run;
    const s = { ...run };
    if (this.baseStats) {
      for (const key of ['total', 'queued', 'active', 'retrying', 'ok', 'skipped', 'failed', 'cancelled', 'bytes', 'knownTotalBytes'] as const) s[key] += this.baseStats[key];
    }
    // In a run, paused items are the engine's cancelled ones.
    s.cancelled -= this.paused.size;
    s.queued += this.paused.size;
    return s;
  }

  /** Whether the batch waits for Resume: paused, or interrupted by a reload. */
  get resumable(): boolean {
    return !this.running && this.paused.size > 0;
  }

  /** Whether the item belongs to the engine batch of the current run (it can be retried there). */
  inRun(item: ItemRecord): boolean {
    if (this.engineId === undefined) return false;
    return !this.recordToEngine || this.recordToEngine.has(item.snapshot.id);
  }

  /** @internal The engine's id of an item of the current run. */
  engineItemId(item: ItemRecord): number | undefined {
    if (this.engineId === undefined) return undefined;
    return this.recordToEngine ? this.recordToEngine.get(item.snapshot.id) : item.snapshot.id;
  }

  /** @internal An engine snapshot with the record's id, or undefined when it is not one of this batch's items. */
  fromEngine(snapshot: ItemSnapshot): ItemSnapshot | undefined {
    if (!this.engineItems) return snapshot;
    const index = this.engineItems[snapshot.id];
    return index === undefined ? undefined : { ...snapshot, id: index };
  }

  /** Whether the engine batch holds only some of the items, under other ids (a run started by Resume). */
  get mapped(): boolean {
    return this.engineItems !== undefined;
  }

  /** @internal A new engine batch runs `items` (Resume after a reload), or none; the others keep their state. */
  setRun(engineId: number | undefined, items: readonly ItemRecord[]): void {
    this.engineId = engineId;
    this.engineItems = items.map((i) => i.snapshot.id);
    this.recordToEngine = new Map(this.engineItems.map((index, engineItem) => [index, engineItem]));
    const inRun = new Set(items);
    this.baseStats = statsOf(this.items.filter((i) => !inRun.has(i)), this.paused);
    this.runStats = undefined;
  }

  /** @internal Restored items: the counters come from them until a run starts. */
  restore(snapshots: ItemSnapshot[], paused: readonly number[], elapsedMs: number): void {
    this.setItems(snapshots);
    for (const index of paused) {
      const item = this.items[index];
      if (item) this.setPaused(item, true);
    }
    this.interrupted = this.paused.size > 0;
    this.runsInFlight = 0;
    this.baseStats = { ...statsOf(this.items, this.paused), elapsedMs };
  }

  /** @internal */
  setPaused(item: ItemRecord, paused: boolean): void {
    if (item.paused === paused) return;
    this.fractionSum -= item.fraction;
    if (paused) this.paused.add(item);
    else this.paused.delete(item);
    this.fractionSum += item.fraction;
  }

  /** Whether a run (first or retry) is under way. */
  get running(): boolean {
    return this.runsInFlight > 0;
  }

  /** Overall progress 0..1, kept up to date incrementally (a 10,000-item batch is not rescanned). */
  get progress(): number {
    return this.items.length === 0 ? (this.running ? 0 : 1) : this.fractionSum / this.items.length;
  }

  /** Items that failed (not the cancelled ones, nor the paused ones). */
  get failedCount(): number {
    return this.stats?.failed ?? 0;
  }

  /** Items cancelled and not waiting for Resume (paused items are not counted). */
  get cancelledCount(): number {
    return this.stats?.cancelled ?? 0;
  }

  /** Whether an item can be retried (failed or cancelled, with a file name): the counters first, so a batch without failures is not scanned. */
  get hasRetryable(): boolean {
    return this.failedCount + this.cancelledCount > 0 && this.items.some(isRetryable);
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
    updateInPlace(item.snapshot, snapshot);
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

/** A batch of an earlier window, as batchStore.ts reads it back. */
export interface RestoredBatch {
  key: string;
  title: string;
  targetDir: string;
  listPath?: string;
  source?: string;
  options: BatchOptions;
  items: ItemSnapshot[];
  /** Indexes of the items that were unfinished or paused. */
  paused: number[];
  elapsedMs: number;
  error?: string;
  warnings: string[];
  formatReason: string;
}

export class DownloadsModel extends Disposable {
  /** By record id: the engine's batch id for this window's batches, negative for restored ones. */
  private readonly batchesById = new Map<number, BatchRecord>();
  /** By the engine's batch id of their current run. */
  private readonly byEngineId = new Map<number, BatchRecord>();
  private nextRestoredId = -1;
  private readonly changed = this.register(new Emitter<ModelChange>());
  private readonly structure = this.register(new Emitter<void>());
  private readonly started = this.register(new Emitter<BatchRecord>());
  private readonly finished = this.register(new Emitter<BatchRecord>());
  private readonly logged = this.register(new Emitter<{ batch: BatchRecord; entries: LogEntry[] }>());
  private readonly ticked = this.register(new Emitter<BatchRecord[]>());
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
    super();
    this.ticker = this.register(
      new Ticker(options.tickMs ?? 1000, () => {
        const counting = this.batches.filter((b) => b.countingDown);
        if (counting.length > 0) this.ticked.fire(counting);
        else this.ticker.stop();
      }),
    );
    // Looked up on each message, not bound once: the event-loop bench wraps `receive` to time it.
    this.register(engine.onBatchMessage((message) => this.receive(message)));
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
    const batch = new BatchRecord(id, request.title, request.options.targetDir, request.listPath, undefined, nonSecretOptions(request.options), request.source);
    this.batchesById.set(id, batch);
    this.byEngineId.set(id, batch);
    this.structure.fire();
    this.started.fire(batch);
    return batch;
  }

  /**
   * Batches of an earlier window (see batchStore.ts), oldest first: they are listed below this
   * window's. A batch with unfinished items is interrupted until Resumed or Discarded.
   */
  restore(batches: readonly RestoredBatch[]): BatchRecord[] {
    const records = batches.map((b) => {
      const batch = new BatchRecord(this.nextRestoredId--, b.title, b.targetDir, b.listPath, b.key, b.options, b.source);
      batch.restore(b.items, b.paused, b.elapsedMs);
      batch.error = b.error;
      batch.warnings = b.warnings;
      batch.formatReason = b.formatReason;
      return batch;
    });
    if (records.length === 0) return records;
    // Before this window's batches: `batches` lists newest first.
    const current = [...this.batchesById];
    this.batchesById.clear();
    for (const batch of records) this.batchesById.set(batch.id, batch);
    for (const [id, batch] of current) this.batchesById.set(id, batch);
    this.structure.fire();
    return records;
  }

  /** The running or paused batch of a list (its document URI) into a folder, if there is one. */
  findActive(source: string, targetDir: string): BatchRecord | undefined {
    return this.batches.find((b) => b.source === source && b.targetDir === targetDir && (b.running || (b.resumable && !b.interrupted)));
  }

  cancel(batch: BatchRecord, item?: ItemRecord): void {
    // A paused item is cancelled already in the engine: it just stops waiting for Resume.
    if (item?.paused) {
      batch.setPaused(item, false);
      this.changed.fire({ batch, items: [item] });
      return;
    }
    if (batch.engineId === undefined) return;
    const engineItem = item && batch.engineItemId(item);
    if (item && engineItem === undefined) return;
    this.engine.cancel(batch.engineId, engineItem);
  }

  /**
   * Stops a running batch keeping its downloads' progress: the engine cancels them (their `.part`
   * files stay), and the model shows them paused, not cancelled, until resume().
   */
  pause(batch: BatchRecord): void {
    if (!batch.running || batch.engineId === undefined || batch.pausing) return;
    batch.pausing = new Set(batch.items.filter((i) => !i.finished));
    this.engine.cancel(batch.engineId);
    this.changed.fire({ batch, items: [] });
  }

  /**
   * Continues the paused or interrupted items: in the engine batch that paused them (their `.part`
   * files continue with Range), or, for a batch restored from an earlier window, in a new engine
   * batch of just those items, each written to the same path. `options` (settings and secret
   * headers of now) are used for a new engine batch only, with the batch's own non-secret options.
   */
  resume(batch: BatchRecord, options: DownloadOptions): void {
    if (!batch.resumable) return;
    const items = [...batch.paused].sort((a, b) => a.snapshot.id - b.snapshot.id);
    if (!batch.interrupted && items.every((i) => batch.inRun(i) && i.snapshot.state === 'cancelled')) {
      const ids = items.map((i) => batch.engineItemId(i)!);
      for (const item of items) batch.setPaused(item, false);
      this.engine.retry(batch.engineId!, ids);
      if (batch.runsInFlight++ === 0) this.started.fire(batch);
      this.changed.fire({ batch, items });
      return;
    }
    this.runAgain(batch, items, options);
  }

  /** Retries the given items, or every failed and cancelled item of the batch. */
  retry(batch: BatchRecord, items?: ItemRecord[], options?: DownloadOptions): void {
    const retryable = (items ?? batch.items).filter((i) => isRetryable(i));
    if (retryable.length === 0) return;
    if (batch.engineId === undefined || !retryable.every((i) => batch.inRun(i))) {
      // Items of an earlier window: a new engine batch, when the batch is idle.
      if (options && !batch.running) this.runAgain(batch, [...retryable, ...batch.paused], options);
      return;
    }
    this.engine.retry(batch.engineId, items || batch.mapped ? retryable.map((i) => batch.engineItemId(i)!) : undefined);
    // Every retry ends with its own "finished" (or "failed"): counting them keeps a retry sent
    // just as the previous run ended from being shown as idle.
    if (batch.runsInFlight++ === 0) this.started.fire(batch);
    this.changed.fire({ batch, items: [] });
  }

  remove(batch: BatchRecord): void {
    if (!this.batchesById.delete(batch.id)) return;
    this.release(batch);
    this.updateTicker();
    this.structure.fire();
  }

  /** Removes every batch that is finished: not running, and not waiting for Resume. */
  clearFinished(): void {
    const finished = this.batches.filter((b) => !b.running && !b.resumable);
    for (const batch of finished) {
      this.batchesById.delete(batch.id);
      this.release(batch);
    }
    if (finished.length > 0) {
      this.updateTicker();
      this.structure.fire();
    }
  }

  /** Applies one message of the engine worker. */
  receive(message: BatchMessage): void {
    if (this.isDisposed) return; // the window closes: the engine's last words are not news
    const batch = this.byEngineId.get(message.batchId);
    if (!batch || batch.engineId !== message.batchId) return; // removed meanwhile
    switch (message.type) {
      case 'started':
        if (batch.mapped) {
          // A resumed run: the engine lists the resumed items only.
          const items = this.applySnapshots(batch, message.items);
          batch.runStats = message.stats;
          this.logged.fire({ batch, entries: [{ level: 'info', message: `resuming ${message.items.length} download${message.items.length === 1 ? '' : 's'}` }] });
          this.changed.fire({ batch, items });
          break;
        }
        batch.setItems(message.items);
        batch.runStats = message.stats;
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
        batch.runStats = update.stats;
        const items = this.applySnapshots(batch, update.changed);
        // Present only when the waiting hosts changed, and then the whole list.
        const hostWaits = update.hostWaits ? (batch.setHostWaits(update.hostWaits) ? 'rows' : 'waits') : undefined;
        if (update.logs.length > 0) this.logged.fire({ batch, entries: update.logs });
        this.updateTicker();
        this.changed.fire(hostWaits ? { batch, items, hostWaits } : { batch, items });
        break;
      }
      case 'finished':
        batch.runStats = message.stats;
        batch.pausing = undefined;
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

  /** The engine's snapshots applied to the batch's records; paused items are those a Pause cancelled. */
  private applySnapshots(batch: BatchRecord, snapshots: readonly ItemSnapshot[]): ItemRecord[] {
    const items: ItemRecord[] = [];
    for (const engineSnapshot of snapshots) {
      const snapshot = batch.fromEngine(engineSnapshot);
      const item = snapshot && batch.replace(snapshot);
      if (!item) continue;
      if (batch.pausing?.has(item) && snapshot.state === 'cancelled') batch.setPaused(item, true);
      items.push(item);
    }
    return items;
  }

  /**
   * A new engine batch for items whose engine batch is gone (a reload): a URL list of them, each
   * with `out=` its path, so every `.part` continues where it is. Items that cannot be asked for
   * again (no file name, a URL whose password was not stored) fail, saying why.
   */
  private runAgain(batch: BatchRecord, items: readonly ItemRecord[], options: DownloadOptions): void {
    if (batch.running || items.length === 0) return;
    const { text, runnable, refused } = resumeList(items);
    for (const { item, error } of refused) {
      batch.setPaused(item, false);
      batch.replace({ ...item.snapshot, state: 'failed', error, errorCode: 'UNKNOWN' });
    }
    for (const item of runnable) {
      batch.setPaused(item, false);
      batch.replace({ ...item.snapshot, state: 'queued', error: undefined, errorCode: undefined, retryAt: undefined, speed: 0 });
    }
    batch.interrupted = false;
    batch.pausing = undefined;
    batch.error = undefined;
    this.release(batch);
    if (runnable.length === 0) {
      batch.setRun(undefined, []);
      this.changed.fire({ batch, items: [...items] });
      return;
    }
    const id = this.engine.start(text, batch.title, { ...options, ...batch.options, targetDir: batch.targetDir }, 'list');
    batch.setRun(id, runnable);
    this.byEngineId.set(id, batch);
    batch.runsInFlight = 1;
    this.started.fire(batch);
    this.changed.fire({ batch, items: [...items] });
  }

  /** Drops the batch's engine batch, if any. */
  private release(batch: BatchRecord): void {
    if (batch.engineId === undefined) return;
    this.byEngineId.delete(batch.engineId);
    this.engine.remove(batch.engineId);
    batch.engineId = undefined;
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
  return (state === 'failed' || state === 'cancelled') && relativePath !== undefined && !item.paused;
}

/**
 * Copies `next` into `current`, keeping `current`'s strings where they are equal. `next` is a
 * young object from a worker message: kept, it and its strings would be promoted to the old
 * generation and die there, and every update of every item would add to the host's major GCs.
 * Keys `next` lacks are cleared (optional fields the engine leaves out, e.g. `etag`).
 */
export function updateInPlace(current: ItemSnapshot, next: ItemSnapshot): void {
  const target = current as unknown as Record<string, unknown>;
  const source = next as unknown as Record<string, unknown>;
  for (const key in target) if (!(key in source)) target[key] = undefined;
  for (const key in source) {
    const value = source[key];
    if (target[key] !== value) target[key] = value;
  }
}
