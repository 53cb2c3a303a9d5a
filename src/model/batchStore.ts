// Keeps the Downloads view's batches across window reloads and crashes. Per batch, a small header
// in workspace state (a Memento): title, list, target folder, non-secret options, counts; its
// items in chunks (itemChunks.ts: files in the workspace storage folder), of which a change
// rewrites only those it touched. Stored at most once a second while a batch changes, and at once
// when its list is read and when a run ends. What is stored is what the view shows: per item its
// URL (passwords redacted, as shown), path, state, bytes and error. Never a header: secret
// headers stay in SecretStorage and are read again on Resume.
import { FINISHED_STATES, type ErrorCode, type ItemSnapshot, type ItemState } from '../core/frontEnd';
import { storedOptions } from './batchRuns';
import type { BatchRecord, DownloadsModel, ItemRecord, RestoredBatch } from './downloadsModel';
import { Disposable, toDisposable } from '../core/lifecycle';
import { Throttle } from '../core/timers';
import { MementoChunks, type ItemChunkStorage } from './itemChunks';

/** The part of vscode.Memento the store uses. */
export interface BatchStorage {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): PromiseLike<void>;
  keys?(): readonly string[];
}

/** The stored batches' keys, oldest first. */
export const INDEX_KEY = 'assetFetch.batches';
const BATCH_KEY_PREFIX = 'assetFetch.batch/';
export const STORE_VERSION = 2;
/** Items per chunk: a chunk is ~80 KB of JSON, built in under a millisecond. */
export const CHUNK_ITEMS = 500;
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

/** What is kept of a batch besides its items: as the model restores it. */
export interface StoredBatch extends Omit<RestoredBatch, 'items' | 'paused'> {
  version: typeof STORE_VERSION;
  /** Its items are in ceil(itemCount / chunkSize) chunks of the ItemChunkStorage. */
  itemCount: number;
  chunkSize: number;
}

/** The header of a batch (its items are stored by chunks). */
export function headerOf(batch: BatchRecord): StoredBatch {
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
    itemCount: batch.items.length,
    chunkSize: CHUNK_ITEMS,
  };
}

/** The text of the items [from, from + CHUNK_ITEMS): items that are not finished (or paused) are stored as 'paused'. */
export function chunkText(items: readonly ItemRecord[], from: number): string {
  const stored: StoredItem[] = [];
  for (let i = from; i < Math.min(items.length, from + CHUNK_ITEMS); i++) {
    const record = items[i];
    const s = record.snapshot;
    const state = record.paused || !FINISHED_STATES.has(s.state) ? 'paused' : s.state;
    const item: StoredItem = { url: s.url, source: s.source, state, bytes: s.bytes };
    if (s.relativePath !== undefined) item.path = s.relativePath;
    if (s.total !== undefined) item.total = s.total;
    if (s.error !== undefined && state !== 'paused') item.error = s.error;
    if (s.errorCode !== undefined && state !== 'paused') item.code = s.errorCode;
    stored.push(item);
  }
  return JSON.stringify(stored);
}

const STATES = new Set<string>(['queued', 'active', 'retrying', 'ok', 'skipped', 'failed', 'cancelled', 'paused']);

/** The number of chunks a stored header says its items are in; undefined when it is not a header of this version. */
export function chunkCountOf(value: unknown): number | undefined {
  const b = value as Partial<StoredBatch> | undefined;
  if (!b || typeof b !== 'object' || b.version !== STORE_VERSION || !Number.isInteger(b.itemCount) || b.chunkSize !== CHUNK_ITEMS) return undefined;
  return Math.ceil(b.itemCount! / CHUNK_ITEMS);
}

/** A stored batch read back from its header and its chunks' texts, or undefined when it is not one (another version, damaged). */
export function fromStored(value: unknown, chunks: readonly string[] | undefined): RestoredBatch | undefined {
  const b = value as Partial<StoredBatch> | undefined;
  if (!b || typeof b !== 'object' || chunkCountOf(b) !== chunks?.length || typeof b.key !== 'string' || typeof b.title !== 'string' || typeof b.targetDir !== 'string') return undefined;
  let storedItems: Partial<StoredItem>[] = [];
  try {
    for (const text of chunks!) storedItems = storedItems.concat(JSON.parse(text) as Partial<StoredItem>[]);
  } catch {
    return undefined;
  }
  if (storedItems.length !== b.itemCount) return undefined;
  const items: ItemSnapshot[] = [];
  const paused: number[] = [];
  for (const [id, i] of storedItems.entries()) {
    if (!i || typeof i.url !== 'string' || !STATES.has(i.state!) || typeof i.bytes !== 'number') return undefined;
    if (i.state === 'paused') paused.push(id);
    items.push({
      id,
      url: i.url,
      source: typeof i.source === 'string' ? i.source : '',
      // A paused item is one the engine stopped: 'cancelled' until it is resumed.
      state: i.state === 'paused' ? 'cancelled' : (i.state as ItemState),
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
 * How often a changing batch is stored: every second, and less often for large batches, about
 * 2,000 items per second of delay, at most 5 s. A store writes the batch's small header and the
 * chunks whose items changed; in a fast 10,000-item batch items change all over it, and writing
 * its chunks every second kept the host's event-loop p99 above 20 ms. A new batch is stored at
 * once, the end of a run too; the `.part` files hold the bytes whatever the stored progress says.
 */
const STORE_DELAY_MS = 1000;
const MAX_STORE_DELAY_MS = 5000;
const ITEMS_PER_STORE_SECOND = 2000;
/** The longest a store keeps the event loop before it goes on in its next turn (ms). */
const SLICE_MS = 4;

export function storeDelayOf(batch: Pick<BatchRecord, 'items'>): number {
  return Math.min(MAX_STORE_DELAY_MS, Math.max(STORE_DELAY_MS, (batch.items.length / ITEMS_PER_STORE_SECOND) * 1000));
}

export interface BatchStoreOptions {
  /** The longest a change waits to be stored (ms); by the batch's size (storeDelayOf) unless a test says otherwise. */
  delayMs?: number;
  /** Where the items go: files in the workspace storage folder; workspace state by default. */
  chunks?: ItemChunkStorage;
  /** How long a store may keep the event loop before going on in its next turn (ms); SLICE_MS by default. */
  sliceMs?: number;
}

/** What was stored of a batch's items, per chunk. */
interface StoredChunks {
  /** The item list the chunks are of: a new list (a batch's first run) makes them all stale. */
  items: readonly ItemRecord[];
  /**
   * Per chunk, the number of the write that stored it as it is, or undefined when it must be
   * built again. Not its text: 10,000 items' texts would stay in the host's memory (1.5 MB).
   */
  written: Array<number | undefined>;
}

export class BatchStore extends Disposable {
  private readonly dirty = new Set<BatchRecord>();
  private readonly chunksOf = new WeakMap<BatchRecord, StoredChunks>();
  /** The keys stored now, oldest first. */
  private stored: string[] = [];
  private readonly throttle: Throttle;
  private readonly chunks: ItemChunkStorage;
  /** A fixed delay (tests); otherwise it follows the batch's size. */
  private readonly delayMs: number | undefined;
  private readonly sliceMs: number;
  /** Writes in flight, so a test (or the window's end) can wait for them. */
  private writes: Promise<unknown> = Promise.resolve();
  /** The rest of a store that did not fit in its slice of the event loop. */
  private continuation: NodeJS.Immediate | undefined;
  /** The stored index names batches that could not be read back. */
  private indexStale = false;
  /** Chunk writes so far: each one's number. */
  private chunkWrites = 0;
  /** Chunks built in the current turn's store. */
  private builtInSlice = 0;

  constructor(
    private readonly model: DownloadsModel,
    private readonly storage: BatchStorage,
    options: BatchStoreOptions = {},
  ) {
    super();
    this.chunks = options.chunks ?? new MementoChunks(storage);
    this.delayMs = options.delayMs;
    this.sliceMs = options.sliceMs ?? SLICE_MS;
    this.throttle = this.register(new Throttle(options.delayMs ?? STORE_DELAY_MS, () => this.save()));
    // What the window showed last is what the next one restores: all of it, now.
    this.register(
      toDisposable(() => {
        this.throttle.cancel();
        clearImmediate(this.continuation);
        this.save(Infinity);
      }),
    );
    this.register(model.onDidChange(({ batch, items }) => this.mark(batch, items)));
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
    const chunkCounts = new Map<string, number>();
    for (const key of Array.isArray(keys) ? keys : []) {
      if (typeof key !== 'string') continue;
      const header = this.storage.get<unknown>(BATCH_KEY_PREFIX + key);
      const count = chunkCountOf(header);
      const texts = count === undefined ? undefined : this.chunks.read(key, count);
      const batch = fromStored(header, texts);
      if (!batch || batch.key !== key) {
        this.track(this.storage.update(BATCH_KEY_PREFIX + key, undefined));
        continue;
      }
      restored.push(batch);
      chunkCounts.set(key, texts!.length);
    }
    this.stored = restored.map((b) => b.key);
    // Batches that could not be read are forgotten: their key in the index, their chunks.
    if (Array.isArray(keys) && keys.length !== this.stored.length) {
      this.indexStale = true;
      this.throttle.schedule();
    }
    this.track(this.chunks.retain(this.stored));
    const records = this.model.restore(restored);
    for (const record of records) this.chunksOf.set(record, { items: record.items, written: new Array<number>(chunkCounts.get(record.key) ?? 0).fill(0) });
    return records;
  }

  /** Stores what changed now (the store also does it on its own, throttled). */
  flush(): Promise<void> {
    this.throttle.flush();
    return this.settled();
  }

  /** Resolves when the writes asked for so far are done, a store going on in slices included. */
  async settled(): Promise<void> {
    for (;;) {
      const writes = this.writes;
      await writes;
      if (this.continuation) await new Promise((resolve) => setImmediate(resolve));
      else if (writes === this.writes) return;
    }
  }

  private mark(batch: BatchRecord, items: readonly ItemRecord[]): void {
    this.dirty.add(batch);
    const chunks = this.chunksOf.get(batch);
    // Records are batch.items[snapshot.id]: the chunk of an item follows from its id.
    if (chunks && chunks.items === batch.items) for (const item of items) chunks.written[Math.floor(item.snapshot.id / CHUNK_ITEMS)] = undefined;
    // A batch is stored as soon as its list is read, so a reload or crash right after the start
    // still finds it; its progress then follows every STORE_DELAY_MS.
    if (batch.listed && !this.stored.includes(batch.key)) this.throttle.flush();
    else this.throttle.schedule(this.delayMs ?? storeDelayOf(batch));
  }

  /**
   * Stores the batches that changed. Building chunks stops after `budgetMs` and goes on in the
   * next turn of the event loop (a fast 10,000-item batch changes all its 20 chunks in 5 s: built
   * in one go they blocked the host ~15 ms); a batch's header is written once its chunks are.
   */
  private save(budgetMs = this.sliceMs): void {
    this.continuation = undefined;
    this.builtInSlice = 0;
    const deadline = performance.now() + budgetMs;
    const batches = this.model.batches.reverse(); // oldest first
    const keys = batches.filter((b) => b.listed || !b.running).map((b) => b.key);
    const writes: PromiseLike<void>[] = [];
    let unfinished = false;
    for (const batch of batches) {
      // A batch whose list is not read yet has nothing to show after a reload.
      if (!this.dirty.has(batch) || !(batch.listed || !batch.running)) continue;
      if (unfinished || !this.writeChunks(batch, writes, deadline)) {
        unfinished = true;
        continue;
      }
      this.dirty.delete(batch);
      writes.push(this.storage.update(BATCH_KEY_PREFIX + batch.key, headerOf(batch)));
    }
    for (const batch of this.dirty) if (!this.model.batch(batch.id)) this.dirty.delete(batch);
    const kept = new Set(keys);
    for (const key of this.stored) {
      if (kept.has(key)) continue;
      writes.push(this.storage.update(BATCH_KEY_PREFIX + key, undefined));
      writes.push(this.chunks.remove(key));
    }
    if (this.indexStale || keys.length !== this.stored.length || keys.some((k, i) => k !== this.stored[i])) {
      this.indexStale = false;
      writes.push(this.storage.update(INDEX_KEY, keys));
      this.stored = keys;
    }
    this.track(...writes);
    if (unfinished && !this.isDisposed) this.continuation = setImmediate(() => this.save());
  }

  /** Writes the chunks of the batch's items that changed since they were last written; false when `deadline` came first. */
  private writeChunks(batch: BatchRecord, writes: PromiseLike<void>[], deadline: number): boolean {
    let chunks = this.chunksOf.get(batch);
    const count = Math.ceil(batch.items.length / CHUNK_ITEMS);
    if (!chunks || chunks.items !== batch.items) {
      // A new item list: every chunk is new, and chunks past its end belong to an older list.
      if (chunks && chunks.written.length > count) writes.push(this.chunks.remove(batch.key, count));
      chunks = { items: batch.items, written: [] };
      this.chunksOf.set(batch, chunks);
    }
    for (let index = 0; index < count; index++) {
      if (chunks.written[index] !== undefined) continue;
      // At least one chunk per turn, so a store always gets on.
      if (this.builtInSlice > 0 && performance.now() > deadline) return false;
      this.builtInSlice++;
      const text = chunkText(batch.items, index * CHUNK_ITEMS);
      const write = ++this.chunkWrites;
      chunks.written[index] = write;
      const written = chunks;
      writes.push(
        this.chunks.write(batch.key, index, text).then(undefined, (err: unknown) => {
          // Not written: the next store writes it again.
          if (written.written[index] === write) written.written[index] = undefined;
          this.dirty.add(batch);
          throw err;
        }),
      );
    }
    return true;
  }

  /** A failed write (storage closing) must not become an unhandled rejection; the next one retries. */
  private track(...writes: PromiseLike<void>[]): void {
    this.writes = Promise.all([this.writes, ...writes.map((w) => Promise.resolve(w).catch(() => undefined))]);
  }
}
