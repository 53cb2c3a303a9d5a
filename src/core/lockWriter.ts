// Writing a lockfile while a batch runs (src/core/lockfile.ts has the format): every file that
// finishes ok or skipped is hashed and recorded, and the lockfile is rewritten atomically at most
// every half second and at the end, so a killed run leaves a lockfile that verifies for every
// file it lists. Used by the CLI (--lock) and by the extension's worker (assetFetch.lockfile).
import path from 'node:path';
import { emptyLock, lockKey, readLock, sha256OfFile, writeLockSync, type Lockfile } from './lockfile';
import type { BatchUpdate, ItemSnapshot, ListEntry } from './types';
import { redactUrl } from './urlCheck';

/** The lockfile is rewritten at most this often while a run goes on (and once at its end). */
const WRITE_INTERVAL_MS = 500;

export class LockWriter {
  private readonly produced = new Set<string>();
  private queue: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private dirty = false;

  private constructor(
    private readonly lockFile: string,
    private readonly targetDir: string,
    private readonly lock: Lockfile,
    private readonly previous: Lockfile,
  ) {}

  static async open(lockFile: string, targetDir: string): Promise<LockWriter> {
    const previous = (await readLock(lockFile)) ?? emptyLock();
    // Entries of the earlier run stay until this run has finished: their files are still there.
    return new LockWriter(lockFile, targetDir, { ...previous, files: { ...previous.files } }, previous);
  }

  /** The validators the lockfile holds, by path relative to the target folder (for --refresh). */
  knownValidators(): Record<string, { etag?: string; lastModified?: string }> {
    const base = path.dirname(path.resolve(this.lockFile));
    const known: Record<string, { etag?: string; lastModified?: string }> = {};
    for (const [key, entry] of Object.entries(this.previous.files)) {
      const relative = path.relative(this.targetDir, path.resolve(base, key)).split(path.sep).join('/');
      if (!relative.startsWith('..')) known[relative] = { etag: entry.etag, lastModified: entry.lastModified };
    }
    return known;
  }

  /** Feeds the batch's updates: every file that finished ok or skipped gets its entry. */
  update(update: BatchUpdate): void {
    for (const item of update.changed) if (item.state === 'ok' || item.state === 'skipped') this.add(item);
  }

  /**
   * After the run: waits for the hashing, drops entries of files this run did not produce (when it
   * ran to its end), and writes the lockfile.
   */
  async finish(complete: boolean): Promise<void> {
    await this.queue;
    clearTimeout(this.timer);
    // A later run of the same batch (a retry in the extension) writes again as its files finish.
    this.timer = undefined;
    this.dirty = false;
    if (complete) {
      for (const key of Object.keys(this.lock.files)) if (!this.produced.has(key)) delete this.lock.files[key];
    }
    writeLockSync(this.lockFile, this.lock);
  }

  private add(item: ItemSnapshot): void {
    if (!item.relativePath) return;
    const file = path.join(this.targetDir, item.relativePath);
    const key = lockKey(this.lockFile, file);
    this.produced.add(key);
    // One file hashed at a time, off the download path's hot loop.
    this.queue = this.queue.then(async () => {
      const sha256 = await sha256OfFile(file).catch(() => undefined);
      if (sha256 === undefined) return;
      const before = this.previous.files[key];
      // A skipped file was not asked for: its validators are the ones recorded when it was.
      const same = before?.sha256 === sha256;
      const validators = item.state === 'ok' ? { etag: item.etag, lastModified: item.lastModified } : same ? { etag: before.etag, lastModified: before.lastModified } : {};
      this.lock.files[key] = { url: item.url, size: item.bytes, sha256, ...validators };
      this.scheduleWrite();
    });
  }

  private scheduleWrite(): void {
    this.dirty = true;
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      if (!this.dirty) return;
      this.dirty = false;
      writeLockSync(this.lockFile, this.lock);
    }, WRITE_INTERVAL_MS);
  }
}

/**
 * --frozen: every entry must be in the lockfile (by its URL, a password redacted) and gets the
 * lockfile's sha-256 as its checksum, so the engine re-fetches a file on disk that differs and
 * refuses upstream bytes that differ, keeping the file on disk. Entries it does not list fail.
 */
export async function freezeEntries(entries: ListEntry[], lockFile: string): Promise<void> {
  const lock = await readLock(lockFile);
  if (!lock) throw new Error(`--frozen: no lockfile at ${lockFile} (write one with --lock)`);
  const byUrl = new Map(Object.values(lock.files).map((entry) => [entry.url, entry]));
  for (const entry of entries) {
    if (!entry.url) continue;
    const locked = byUrl.get(redactUrl(entry.url));
    if (!locked) {
      entry.error = `line ${entry.line}: ${redactUrl(entry.url)} is not in ${lockFile} (--frozen fetches only what it lists; run with --lock to add it)`;
      entry.url = undefined;
    } else if (entry.checksum && !(entry.checksum.algorithm === 'sha-256' && entry.checksum.hex === locked.sha256)) {
      entry.error = `line ${entry.line}: its checksum= differs from the sha-256 in ${lockFile}`;
      entry.url = undefined;
    } else {
      entry.checksum = { algorithm: 'sha-256', hex: locked.sha256 };
    }
  }
}
