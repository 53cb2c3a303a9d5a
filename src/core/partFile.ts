// The temporary file a download streams into (`<name>.part`) and its resume record
// (`<name>.part.meta`: the validators that make a later Range + If-Range request safe).
import fs from 'node:fs';
import type { Readable } from 'node:stream';

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

export function openFile(filePath: string, flags: string | number): Promise<number> {
  return new Promise((resolve, reject) => fs.open(filePath, flags, 0o644, (err, fd) => (err ? reject(err) : resolve(fd))));
}

export function closeFile(fd: number): Promise<void> {
  return new Promise((resolve) => fs.close(fd, () => resolve()));
}

/** Bytes buffered before the network stream is paused; bounds memory whatever the file size. */
const MAX_PENDING_BYTES = 4 * 1024 * 1024;

/**
 * Streams `body` into `fd` from `position`. Writes are batched with writev while the next chunks
 * arrive, so network and disk overlap; memory stays under MAX_PENDING_BYTES per download.
 * `onChunk` sees every chunk in order before it is written and may throw to stop the download.
 */
export function writeBody(body: Readable, fd: number, position: number, onChunk: (chunk: Buffer) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    let writing = false;
    let ended = false;
    let failure: unknown;
    let offset = position;

    const settle = () => {
      if (writing) return; // a write in flight must finish before the caller may close the file
      if (failure !== undefined) reject(failure);
      else if (ended && pending.length === 0) resolve(offset - position);
    };
    const fail = (err: unknown) => {
      if (failure !== undefined) return;
      failure = err;
      pending = [];
      body.destroy();
      settle();
    };
    const flush = () => {
      if (writing || failure !== undefined) return settle();
      if (pending.length === 0) return settle();
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
        if (body.isPaused() && !ended) body.resume();
        flush();
      });
    };

    body.on('data', (chunk: Buffer) => {
      if (failure !== undefined) return;
      try {
        onChunk(chunk);
      } catch (err) {
        return fail(err);
      }
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= MAX_PENDING_BYTES) body.pause();
      flush();
    });
    body.once('end', () => {
      ended = true;
      flush();
    });
    body.once('error', fail);
  });
}
