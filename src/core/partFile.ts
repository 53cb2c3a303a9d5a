// The temporary file a download streams into (`<name>.part`) and its resume record
// (`<name>.part.meta`: the validators that make a later Range + If-Range request safe).
import fs from 'node:fs';
import type { Exchange } from './http';

export interface ResumeRecord {
  url: string;
  etag?: string;
  lastModified?: string;
  total?: number;
}

/** What is known about a partial file: its size and how to validate continuing it. */
export interface ResumeState extends ResumeRecord {
  size: number;
}

export const metaPathOf = (partPath: string): string => `${partPath}.meta`;

/** A `.part` that can be continued: it exists, is non-empty, and a validator for it is recorded. */
export async function readResumeState(partPath: string, url: string): Promise<ResumeState | undefined> {
  try {
    const [stat, text] = await Promise.all([fs.promises.stat(partPath), fs.promises.readFile(metaPathOf(partPath), 'utf8')]);
    const record = JSON.parse(text) as ResumeRecord;
    if (record.url !== url || stat.size === 0 || !(record.etag || record.lastModified)) return undefined;
    return { ...record, size: stat.size };
  } catch {
    return undefined;
  }
}

export async function writeResumeRecord(partPath: string, record: ResumeRecord): Promise<void> {
  await fs.promises.writeFile(metaPathOf(partPath), JSON.stringify(record));
}

export async function removePartFiles(partPath: string): Promise<void> {
  await Promise.all([fs.promises.rm(partPath, { force: true }), fs.promises.rm(metaPathOf(partPath), { force: true })]);
}

/** Bytes buffered before the connection is paused; bounds memory whatever the file size. */
const MAX_PENDING_BYTES = 4 * 1024 * 1024;
/** Below this, buffered bytes wait for more (or the end) instead of costing an async write each. */
const WRITE_BATCH_BYTES = 1024 * 1024;
const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const CREATE_FLAGS = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | NOFOLLOW;
const CONTINUE_FLAGS = fs.constants.O_WRONLY | fs.constants.O_CREAT | NOFOLLOW;

/**
 * A `.part` file. It is opened on a thread-pool thread as soon as the request is sent, so creating
 * the file (the slowest step for small files) overlaps the network wait instead of following it.
 */
export class PartFile {
  private fd: number | undefined;
  private readonly opened: Promise<number>;

  private constructor(
    readonly path: string,
    continuing: boolean,
  ) {
    this.opened = new Promise((resolve, reject) =>
      fs.open(path, continuing ? CONTINUE_FLAGS : CREATE_FLAGS, 0o644, (err, fd) => (err ? reject(err) : resolve((this.fd = fd)))),
    );
    this.opened.catch(() => undefined); // reported by whoever writes; a discarded file may fail quietly
  }

  /** Starts opening `path`: truncated for a fresh download, kept when continuing one. */
  static open(path: string, continuing: boolean): PartFile {
    return new PartFile(path, continuing);
  }

  /** Empties the file (the server ignored our Range request and sends everything). */
  async truncate(): Promise<void> {
    fs.ftruncateSync(await this.opened, 0);
  }

  /** Closes the file; the caller renames or removes it. */
  async close(): Promise<void> {
    const fd = await this.opened.catch(() => undefined);
    if (fd !== undefined && this.fd !== undefined) {
      this.fd = undefined;
      fs.closeSync(fd);
    }
  }

  /**
   * Streams a response body into the file from `position`; resolves with the bytes written.
   * Bodies that end within WRITE_BATCH_BYTES are written with one synchronous writev (a thread-pool
   * round trip costs more than writing 16 KB). Larger ones are written with batched asynchronous
   * writev calls while the next chunks arrive, pausing the connection when MAX_PENDING_BYTES wait.
   * `onChunk` sees every chunk in order before it is written and may throw to stop the download.
   */
  writeBody(body: Exchange, position: number, onChunk: (chunk: Buffer) => void): Promise<number> {
    return new Promise((resolve, reject) => {
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      let writing = false;
      let ended = false;
      let failure: unknown;
      let paused = false;
      let offset = position;

      const finishWith = (err?: unknown) => (err !== undefined ? reject(err) : resolve(offset - position));
      const writePendingSync = (fd: number) => {
        offset += writevAllSync(fd, pending, offset);
        pending = [];
        pendingBytes = 0;
      };
      // Runs whenever something changed: writes what is due, or settles once the file is idle.
      const step = () => {
        const fd = this.fd;
        if (writing) return;
        if (failure !== undefined) {
          // Keep what arrived, so a retry or a later run can resume from it.
          if (fd !== undefined && pending.length > 0) {
            try {
              writePendingSync(fd);
            } catch {
              // the original failure is the one worth reporting
            }
          }
          return finishWith(failure);
        }
        if (fd === undefined) return; // still opening: step() runs again when it is open
        if (ended && (offset === position || pendingBytes <= WRITE_BATCH_BYTES) && pending.length > 0) {
          try {
            writePendingSync(fd);
          } catch (err) {
            return finishWith(err);
          }
        }
        if (ended && pending.length === 0) return finishWith();
        if (pendingBytes < WRITE_BATCH_BYTES && !ended) return;
        const buffers = pending;
        const bytes = pendingBytes;
        pending = [];
        pendingBytes = 0;
        writing = true;
        fs.writev(fd, buffers, offset, (err, written) => {
          writing = false;
          if (err) failure ??= err;
          else if (written !== bytes) failure ??= new Error(`short write: ${written} of ${bytes} bytes (disk full?)`);
          else offset += written;
          if (paused) {
            paused = false;
            body.resume();
          }
          step();
        });
      };
      const fail = (err: unknown) => {
        if (failure !== undefined) return;
        failure = err;
        body.abort(err instanceof Error ? err : new Error(String(err)));
        step();
      };

      this.opened.then(step, fail);
      body.consume({
        onData(chunk) {
          if (failure !== undefined) return;
          try {
            onChunk(chunk);
          } catch (err) {
            return fail(err);
          }
          pending.push(chunk);
          pendingBytes += chunk.length;
          if (pendingBytes >= MAX_PENDING_BYTES && !paused) {
            paused = true;
            body.pause();
          }
          if (pendingBytes >= WRITE_BATCH_BYTES) step();
        },
        onEnd() {
          ended = true;
          step();
        },
        onError: fail,
      });
    });
  }
}

function writevAllSync(fd: number, buffers: Buffer[], position: number): number {
  let written = 0;
  let rest = buffers;
  while (rest.length > 0) {
    const bytes = rest.reduce((sum, b) => sum + b.length, 0);
    const n = fs.writevSync(fd, rest, position + written);
    written += n;
    if (n === bytes) break;
    if (n === 0) throw new Error('short write (disk full?)');
    rest = [Buffer.concat(rest).subarray(n)];
  }
  return written;
}
