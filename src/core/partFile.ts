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
/** Bodies that end before this many bytes are written in one synchronous open/write/close. */
const SMALL_BODY_BYTES = 1024 * 1024;
const CREATE_FLAGS = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | (fs.constants.O_NOFOLLOW ?? 0);
const CONTINUE_FLAGS = fs.constants.O_WRONLY | (fs.constants.O_NOFOLLOW ?? 0);

/** Where a body goes: a `.part` file, written from `position` (0 truncates it). */
export interface PartTarget {
  path: string;
  position: number;
}

/**
 * Streams a response body into the `.part` file and resolves with the bytes written.
 *
 * Small files dominate asset lists and each thread-pool round trip costs more than the write
 * itself, so a body that ends within SMALL_BODY_BYTES is written with one synchronous
 * open/writev/close. Larger bodies are written asynchronously with batched writev calls while the
 * next chunks arrive; the connection is paused when MAX_PENDING_BYTES are waiting for the disk.
 * `onChunk` sees every chunk in order before it is written and may throw to stop the download.
 */
export function writeBody(body: Exchange, target: PartTarget, onChunk: (chunk: Buffer) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const flags = target.position > 0 ? CONTINUE_FLAGS : CREATE_FLAGS;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let fd: number | undefined;
    let opening = false;
    let writing = false;
    let ended = false;
    let failure: unknown;
    let paused = false;
    let offset = target.position;

    const settle = () => {
      if (writing || opening) return; // the file must be idle before it is closed
      if (failure === undefined && !(ended && pending.length === 0)) return;
      const done = () => (failure !== undefined ? reject(failure) : resolve(offset - target.position));
      if (fd === undefined) return done();
      const closing = fd;
      fd = undefined;
      fs.close(closing, (err) => {
        if (err && failure === undefined) failure = err;
        done();
      });
    };
    const fail = (err: unknown) => {
      if (failure !== undefined) return;
      failure = err;
      body.abort(err instanceof Error ? err : new Error(String(err)));
      // A small body still in memory is kept on disk, so a retry or a later run can resume it.
      if (fd === undefined && !opening && pending.length > 0) {
        try {
          writeAllSync();
        } catch {
          // the failure being reported matters more than this one
        }
      }
      pending = [];
      settle();
    };
    const flush = () => {
      if (writing || opening || failure !== undefined || fd === undefined || pending.length === 0) return settle();
      const buffers = pending;
      const bytes = pendingBytes;
      pending = [];
      pendingBytes = 0;
      writing = true;
      fs.writev(fd, buffers, offset, (err, written) => {
        writing = false;
        if (err) return fail(err);
        if (written !== bytes) return fail(new Error(`short write: ${written} of ${bytes} bytes (disk full?)`));
        offset += written;
        if (paused) {
          paused = false;
          body.resume();
        }
        flush();
      });
    };
    const openAsync = () => {
      opening = true;
      fs.open(target.path, flags, 0o644, (err, opened) => {
        opening = false;
        if (err) return fail(err);
        fd = opened;
        if (failure !== undefined) return settle();
        flush();
      });
    };
    const writeAllSync = () => {
      const handle = fs.openSync(target.path, flags, 0o644);
      try {
        offset += writevAllSync(handle, pending, offset);
      } finally {
        fs.closeSync(handle);
      }
      pending = [];
    };

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
        if (fd === undefined && !opening) {
          if (pendingBytes >= SMALL_BODY_BYTES) openAsync();
          return;
        }
        if (pendingBytes >= MAX_PENDING_BYTES && !paused) {
          paused = true;
          body.pause();
        }
        flush();
      },
      onEnd() {
        ended = true;
        if (failure !== undefined) return;
        if (fd !== undefined || opening) return flush();
        try {
          writeAllSync();
          resolve(offset - target.position);
        } catch (err) {
          failure = err;
          reject(err);
        }
      },
      onError: fail,
    });
  });
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
