// Where the items of stored batches are kept: in chunks of text (a JSON array of a few hundred
// items each), so a change rewrites only the chunks it touched. In files under the extension's
// workspace storage folder when there is one: a workspace-state (Memento) write sends the
// extension's whole state to VS Code and copies it twice on the extension host (20-40 ms for one
// 10,000-item batch), where a chunk file costs the host one JSON.stringify of its chunk. Without
// a folder (an empty window) the chunks go to workspace state under their own keys.
import fs from 'node:fs';
import path from 'node:path';
import { writeFileAtomic } from '../core/atomicFile';
import type { BatchStorage } from './batchStore';

export interface ItemChunkStorage {
  /** The batch's first `count` chunks, in order; undefined when one is missing or unreadable. */
  read(batchKey: string, count: number): string[] | undefined;
  write(batchKey: string, index: number, text: string): Promise<void>;
  /** Forgets the batch's chunks from `from` on (all of them by default). */
  remove(batchKey: string, from?: number): Promise<void>;
  /** Forgets the chunks of every batch not in `keys` (left by a crash, or by an older window). */
  retain(keys: readonly string[]): Promise<void>;
}

/** Keys come from batchKey() ("lx3k2-0-a9z"); anything else read back from storage is not used as a path. */
const SAFE_KEY = /^[0-9a-z-]{1,64}$/;

/** One folder per batch, one file per chunk ("3.json"); written atomically, one write at a time. */
export class FileChunks implements ItemChunkStorage {
  /**
   * Every write and removal waits for the one before: the newest text of a file wins, and the
   * 20 chunks a 10,000-item batch writes when it starts complete one after another instead of
   * all in one turn of the extension host's loop (together they held it 30-60 ms).
   */
  private tail: Promise<void> = Promise.resolve();
  /** Batch folders made by this window: one mkdir per batch, not per chunk. */
  private readonly made = new Set<string>();

  constructor(private readonly dir: string) {}

  read(batchKey: string, count: number): string[] | undefined {
    if (!SAFE_KEY.test(batchKey)) return undefined;
    const chunks: string[] = [];
    try {
      for (let i = 0; i < count; i++) chunks.push(fs.readFileSync(this.fileOf(batchKey, i), 'utf8'));
    } catch {
      return undefined;
    }
    return chunks;
  }

  write(batchKey: string, index: number, text: string): Promise<void> {
    if (!SAFE_KEY.test(batchKey)) return Promise.reject(new Error(`not a batch key: ${batchKey}`));
    const file = this.fileOf(batchKey, index);
    return this.enqueue(async () => {
      const folder = path.dirname(file);
      if (!this.made.has(folder)) {
        await fs.promises.mkdir(folder, { recursive: true });
        this.made.add(folder);
      }
      try {
        // One write at a time (the queue): the process's one temporary name per file is enough.
        await writeFileAtomic(file, text);
      } catch (err) {
        // The folder went away (removed from outside): the next write makes it again.
        this.made.delete(folder);
        throw err;
      }
    });
  }

  remove(batchKey: string, from = 0): Promise<void> {
    if (!SAFE_KEY.test(batchKey)) return Promise.resolve();
    const folder = path.join(this.dir, batchKey);
    return this.enqueue(async () => {
      if (from === 0) {
        this.made.delete(folder);
        await fs.promises.rm(folder, { recursive: true, force: true });
        return;
      }
      const names = await fs.promises.readdir(folder).catch(() => []);
      for (const name of names) {
        const index = /^(\d+)\.json$/.exec(name);
        if (index && Number(index[1]) >= from) await fs.promises.rm(path.join(folder, name), { force: true });
      }
    });
  }

  async retain(keys: readonly string[]): Promise<void> {
    const kept = new Set(keys);
    const names = await fs.promises.readdir(this.dir).catch(() => []);
    await Promise.all(names.filter((name) => SAFE_KEY.test(name) && !kept.has(name)).map((name) => this.remove(name)));
  }

  private fileOf(batchKey: string, index: number): string {
    return path.join(this.dir, batchKey, `${index}.json`);
  }

  private enqueue(work: () => Promise<void>): Promise<void> {
    const done = this.tail.then(work);
    this.tail = done.catch(() => undefined);
    return done;
  }
}

const CHUNK_KEY_PREFIX = 'assetFetch.items/';

/** Chunks in workspace state, one key per chunk: for a window without a storage folder. */
export class MementoChunks implements ItemChunkStorage {
  /** Chunks written per batch, to know which keys to forget. */
  private readonly counts = new Map<string, number>();

  constructor(private readonly storage: BatchStorage) {}

  read(batchKey: string, count: number): string[] | undefined {
    const chunks: string[] = [];
    for (let i = 0; i < count; i++) {
      const text = this.storage.get<unknown>(keyOf(batchKey, i));
      if (typeof text !== 'string') return undefined;
      chunks.push(text);
    }
    this.counts.set(batchKey, count);
    return chunks;
  }

  write(batchKey: string, index: number, text: string): Promise<void> {
    this.counts.set(batchKey, Math.max(this.counts.get(batchKey) ?? 0, index + 1));
    return Promise.resolve(this.storage.update(keyOf(batchKey, index), text));
  }

  remove(batchKey: string, from = 0): Promise<void> {
    const count = this.counts.get(batchKey) ?? 0;
    const writes: PromiseLike<void>[] = [];
    for (let i = from; i < count; i++) writes.push(this.storage.update(keyOf(batchKey, i), undefined));
    if (from === 0) this.counts.delete(batchKey);
    else this.counts.set(batchKey, Math.min(count, from));
    return Promise.all(writes).then(() => undefined);
  }

  async retain(keys: readonly string[]): Promise<void> {
    const kept = new Set(keys);
    const writes: PromiseLike<void>[] = [];
    for (const key of this.storage.keys?.() ?? []) {
      const batchKey = key.startsWith(CHUNK_KEY_PREFIX) ? key.slice(CHUNK_KEY_PREFIX.length, key.lastIndexOf('/')) : undefined;
      if (batchKey !== undefined && !kept.has(batchKey)) writes.push(this.storage.update(key, undefined));
    }
    await Promise.all(writes);
  }
}

function keyOf(batchKey: string, index: number): string {
  return `${CHUNK_KEY_PREFIX}${batchKey}/${index}`;
}
