// Keeps the Downloads view's batches across window reloads and crashes: each batch is stored in
// workspace state (a Memento) under its own key as it changes, at most once per interval and at
// once when a run ends, so a 10,000-item batch costs one write a second, not one per update.
// What is stored is what the view shows: per batch its title, list, target folder and non-secret
// options; per item its URL (passwords redacted, as shown), path, state, bytes and error. Never a
// header: secret headers stay in SecretStorage and are read again on Resume.
import { FINISHED_STATES, type ErrorCode, type ItemSnapshot, type ItemState } from '../core/frontEnd';
import { storedOptions } from './batchRuns';
import type { BatchRecord, DownloadsModel, RestoredBatch } from './downloadsModel';
import { Disposable, toDisposable } from '../core/lifecycle';
import { Throttle } from '../core/timers';

/** The part of vscode.Memento the store uses. */
export interface BatchStorage {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
}

/** The stored batches' keys, oldest first. */
export const INDEX_KEY = 'assetFetch.batches';
const BATCH_KEY_PREFIX = 'assetFetch.batch/';
export const STORE_VERSION = 1;
/** Warnings kept per batch (a list can have thousands). */
const MAX_WARNINGS = 20;

export interface StoredItem {
  url: string;
  /** "assets.txt:7". */
  source: string;
  path?: string;
  /** 'paused': stopped by Pause or by the window's end, its `.part` kept for Resume. */
  state: ItemState | 'paused';
  bytes: number;
  total?: number;
  error?: string;
  code?: ErrorCode;
}

/** What is kept of a batch: as the model restores it, with its items in stored form. */
export interface StoredBatch extends Omit<RestoredBatch, 'items' | 'paused'> {
  version: typeof STORE_VERSION;
  items: StoredItem[];
}

/** What is stored of a batch: items that are not finished (or paused) are stored as 'paused'. */
export function toStored(batch: BatchRecord): StoredBatch {
  return {
    version: STORE_VERSION,
    key: batch.key,
    title: batch.title,
    targetDir: batch.targetDir,
    ...(batch.listPath !== undefined && { listPath: batch.listPath }),
    ...(batch.source !== undefined && { source: batch.source }),
    options: batch.options,
    elapsedMs: batch.stats?.elapsedMs ?? 0,
    ...(batch.error !== undefined && { error: batch.error }),
    warnings: batch.warnings.slice(0, MAX_WARNINGS),
    formatReason: batch.formatReason,
    items: batch.items.map((record) => {
      const s = record.snapshot;
      const state = record.paused || !FINISHED_STATES.has(s.state) ? 'paused' : s.state;
      const item: StoredItem = { url: s.url, source: s.source, state, bytes: s.bytes };
      if (s.relativePath !== undefined) item.path = s.relativePath;
      if (s.total !== undefined) item.total = s.total;
      if (s.error !== undefined && state !== 'paused') item.error = s.error;
      if (s.errorCode !== undefined && state !== 'paused') item.code = s.errorCode;
      return item;
    }),
  };
}

const STATES = new Set<string>(['queued', 'active', 'retrying', 'ok', 'skipped', 'failed', 'cancelled', 'paused']);

/** A stored batch read back, or undefined when it is not one (another version, damaged). */
export function fromStored(value: unknown): RestoredBatch | undefined {
  const b = value as Partial<StoredBatch> | undefined;
  if (!b || typeof b !== 'object' || b.version !== STORE_VERSION || typeof b.key !== 'string' || typeof b.title !== 'string' || typeof b.targetDir !== 'string' || !Array.isArray(b.items)) return undefined;
  const items: ItemSnapshot[] = [];
  const paused: number[] = [];
  for (const [id, i] of b.items.entries()) {
    if (!i || typeof i.url !== 'string' || !STATES.has(i.state) || typeof i.bytes !== 'number') return undefined;
    if (i.state === 'paused') paused.push(id);
    items.push({
      id,
      url: i.url,
      source: typeof i.source === 'string' ? i.source : '',
      // A paused item is one the engine stopped: 'cancelled' until it is resumed.
      state: i.state === 'paused' ? 'cancelled' : i.state,
      ...(typeof i.path === 'string' && { relativePath: i.path }),
      bytes: i.bytes,
      ...(typeof i.total === 'number' && { total: i.total }),
      speed: 0,
      attempts: 0,
      ...(typeof i.error === 'string' && { error: i.error }),
      ...(typeof i.code === 'string' && { errorCode: i.code }),
    });
  }
  return {
    key: b.key,
    title: b.title,
    targetDir: b.targetDir,
    ...(typeof b.listPath === 'string' && { listPath: b.listPath }),
    ...(typeof b.source === 'string' && { source: b.source }),
    options: storedOptions(b.options),
    items,
    paused,
    elapsedMs: typeof b.elapsedMs === 'number' ? b.elapsedMs : 0,
    ...(typeof b.error === 'string' && { error: b.error }),
    warnings: Array.isArray(b.warnings) ? b.warnings.filter((w): w is string => typeof w === 'string') : [],
    formatReason: typeof b.formatReason === 'string' ? b.formatReason : '',
  };
}

/**
 * How often a running batch is stored: every second, and less often for large batches. Storing
 * blocks the extension host in proportion to the items (10-20 ms for 10,000: building and
 * serialising 1.6 MB), and once a second that alone made the event loop's p99 miss 20 ms while
 * 10,000 files downloaded; so about 2,000 items per second of delay, at most 5 s. A new batch is
 * stored at once, the end of a run too; the `.part` files hold the bytes whatever the stored
 * progress says.
 */
const STORE_DELAY_MS = 1000;
const MAX_STORE_DELAY_MS = 5000;
const ITEMS_PER_STORE_SECOND = 2000;

export function storeDelayOf(batch: Pick<BatchRecord, 'items'>): number {
  return Math.min(MAX_STORE_DELAY_MS, Math.max(STORE_DELAY_MS, (batch.items.length / ITEMS_PER_STORE_SECOND) * 1000));
}

export interface BatchStoreOptions {
  /** The longest a change waits to be stored (ms); by the batch's size (storeDelayOf) unless a test says otherwise. */
  delayMs?: number;
}

export class BatchStore extends Disposable {
  private readonly dirty = new Set<BatchRecord>();
  /** The keys stored now, oldest first. */
  private stored: string[] = [];
  private readonly throttle: Throttle;
  /** A fixed delay (tests); otherwise it follows the batch's size. */
  private readonly delayMs: number | undefined;
  /** Writes in flight, so a test (or the window's end) can wait for them. */
  private writes: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly model: DownloadsModel,
    private readonly storage: BatchStorage,
    options: BatchStoreOptions = {},
  ) {
    super();
    this.delayMs = options.delayMs;
    this.throttle = this.register(new Throttle(options.delayMs ?? STORE_DELAY_MS, () => this.save()));
    // What the window showed last is what the next one restores.
    this.register(toDisposable(() => this.throttle.flush()));
    this.register(model.onDidChange(({ batch }) => this.mark(batch)));
    this.register(
      model.onDidChangeBatches(() => {
        for (const batch of model.batches) if (!this.stored.includes(batch.key)) this.dirty.add(batch);
        this.throttle.schedule();
      }),
    );
    // The end of a run is stored at once: the summary must survive a crash right after it.
    this.register(
      model.onDidFinishRun((batch) => {
        this.dirty.add(batch);
        this.throttle.flush();
      }),
    );
  }

  /** Puts the stored batches into the model (once, before any batch starts); returns them. */
  restore(): BatchRecord[] {
    const keys = this.storage.get<unknown>(INDEX_KEY);
    const restored: RestoredBatch[] = [];
    for (const key of Array.isArray(keys) ? keys : []) {
      if (typeof key !== 'string') continue;
      const batch = fromStored(this.storage.get(BATCH_KEY_PREFIX + key));
      if (batch && batch.key === key) restored.push(batch);
    }
    this.stored = restored.map((b) => b.key);
    // Keys of batches that could not be read are forgotten.
    if (Array.isArray(keys) && keys.length !== this.stored.length) this.throttle.schedule();
    return this.model.restore(restored);
  }

  /** Stores what changed now (the store also does it on its own, throttled). */
  flush(): Promise<void> {
    this.throttle.flush();
    return this.settled();
  }

  /** Resolves when the writes asked for so far are done. */
  async settled(): Promise<void> {
    await this.writes;
  }

  private mark(batch: BatchRecord): void {
    this.dirty.add(batch);
    // A batch is stored as soon as its list is read, so a reload or crash right after the start
    // still finds it; its progress then follows every STORE_DELAY_MS.
    if (batch.listed && !this.stored.includes(batch.key)) this.throttle.flush();
    else this.throttle.schedule(this.delayMs ?? storeDelayOf(batch));
  }

  private save(): void {
    const batches = this.model.batches.reverse(); // oldest first
    const keys = batches.filter((b) => b.listed || !b.running).map((b) => b.key);
    const writes: PromiseLike<void>[] = [];
    for (const batch of batches) {
      // A batch whose list is not read yet has nothing to show after a reload.
      if (!this.dirty.has(batch) || !(batch.listed || !batch.running)) continue;
      this.dirty.delete(batch);
      writes.push(this.storage.update(BATCH_KEY_PREFIX + batch.key, toStored(batch)));
    }
    for (const batch of this.dirty) if (!this.model.batch(batch.id)) this.dirty.delete(batch);
    const kept = new Set(keys);
    for (const key of this.stored) if (!kept.has(key)) writes.push(this.storage.update(BATCH_KEY_PREFIX + key, undefined));
    if (keys.length !== this.stored.length || keys.some((k, i) => k !== this.stored[i])) {
      writes.push(this.storage.update(INDEX_KEY, keys));
      this.stored = keys;
    }
    // A failed write (storage closing) must not become an unhandled rejection; the next one retries.
    this.writes = Promise.all([this.writes, ...writes.map((w) => Promise.resolve(w).catch(() => undefined))]);
  }
}
