// The temporary file a download streams into (`<name>.part`) and its resume record
// (`<name>.part.meta`: the validators that make a later Range + If-Range request safe).
import fs from 'node:fs';
import { writeFileAtomic, writeFileAtomicSync } from './atomicFile';
import type { BandwidthBudget } from './bandwidth';
import type { BodySource } from './contentDecoding';

export interface ResumeRecord {
  url: string;
  etag?: string;
  lastModified?: string;
  total?: number;
  /** A download split into ranges: each range and how much of it is on disk (see segments.ts). */
  segments?: Segment[];
}

/** Bytes [start, end) of the file, of which the first `done` are written. */
export interface Segment {
  start: number;
  end: number;
  done: number;
}

/**
 * What is known about a partial file: how to validate continuing it, and its size (for a
 * download in one piece; a segmented one says what is done in `segments`, its size is 0).
 */
export interface ResumeState extends ResumeRecord {
  size: number;
}

export interface WriteOptions {
  bound?: WriteBound;
  /** The run's bandwidth limit: the connection pauses when it overdraws. */
  budget?: BandwidthBudget;
}

/** Where one connection's writing must stop, and where it has got to (on disk). */
export interface WriteBound {
  end: number;
  /** How much this connection buffers (read at each chunk, so it may change mid-body). */
  buffering?: Buffering;
  written?(position: number): void;
}

/** `<name>.part`: the file a download streams into, renamed to `<name>` when complete. */
export const PART_SUFFIX = '.part';

export const metaPathOf = (partPath: string): string => `${partPath}.meta`;

/**
 * The record's next version, renamed over it: a run killed while writing it leaves the previous
 * record whole (a truncated one would lose every byte downloaded so far).
 */
const metaTemporaryOf = (partPath: string): string => `${metaPathOf(partPath)}.tmp`;

/** The resume record and the next version of it that a killed run may have left. */
const recordFilesOf = (partPath: string): string[] => [metaPathOf(partPath), metaTemporaryOf(partPath)];

/** Every file a download keeps beside its target while it is unfinished. */
export const partFilesOf = (partPath: string): string[] => [partPath, ...recordFilesOf(partPath)];

/** A `.part` that can be continued: it exists, is non-empty, and a validator for it is recorded. */
export async function readResumeState(partPath: string, url: string): Promise<ResumeState | undefined> {
  try {
    const [stat, text] = await Promise.all([fs.promises.stat(partPath), fs.promises.readFile(metaPathOf(partPath), 'utf8')]);
    const record = JSON.parse(text) as ResumeRecord;
    if (record.url !== url || !(record.etag || record.lastModified)) return undefined;
    // A segmented file has its full length (holes included) from the start: its record says what is done.
    if (record.segments) return validSegments(record.segments, record.total) ? { ...record, size: 0 } : undefined;
    if (stat.size === 0) return undefined;
    return { ...record, size: stat.size };
  } catch {
    return undefined;
  }
}

export async function writeResumeRecord(partPath: string, record: ResumeRecord): Promise<void> {
  await writeFileAtomic(metaPathOf(partPath), JSON.stringify(record), metaTemporaryOf(partPath));
}

/** The same, synchronously: small, and on the path where a later await could see it half-done. */
export function writeResumeRecordSync(partPath: string, record: ResumeRecord): void {
  writeFileAtomicSync(metaPathOf(partPath), JSON.stringify(record), metaTemporaryOf(partPath));
}

/** Removes the resume record (and a next version a killed run left unrenamed). */
export async function removeResumeRecord(partPath: string): Promise<void> {
  await removeFiles(recordFilesOf(partPath));
}

function validSegments(segments: unknown, total: number | undefined): boolean {
  if (!Array.isArray(segments) || total === undefined) return false;
  let next = 0;
  for (const s of segments as Segment[]) {
    if (!Number.isSafeInteger(s?.start) || !Number.isSafeInteger(s.end) || !Number.isSafeInteger(s.done)) return false;
    if (s.start !== next || s.end <= s.start || s.done < 0 || s.done > s.end - s.start) return false;
    next = s.end;
  }
  return next === total;
}

export async function removePartFiles(partPath: string): Promise<void> {
  await removeFiles(partFilesOf(partPath));
}

async function removeFiles(files: string[]): Promise<void> {
  await Promise.all(files.map((file) => fs.promises.rm(file, { force: true })));
}

/** How much of one connection's body waits in memory on its way to the file. */
export interface Buffering {
  /** Bytes buffered before the connection is paused; bounds memory whatever the file size. */
  maxPendingBytes: number;
  /** Below this, buffered bytes wait for more (or the end) instead of costing an async write each. */
  batchBytes: number;
}

/** One connection per file: a 1 MiB body is one synchronous write (4 async writes were slower). */
const WHOLE_FILE_BUFFERING: Buffering = { maxPendingBytes: 4 * 1024 * 1024, batchBytes: 1024 * 1024 };
/**
 * Each of the up to 16 connections of a segmented download: with the whole-file figures they
 * held up to 80 MiB between them while waiting for the thread pool, and peak RSS varied with
 * when V8 collected the socket's spent chunks. 1 GiB over 16 ranges at 40 MB/s each (npm run
 * bench -- --cases memory-segmented), 3 runs each: 1 MiB 125-172 MB, 512 KiB 98-104 MB, 256 KiB
 * 91-92 MB, at the same speed (on tmpfs and on the disk). 4 MiB, by hand: 108-151 MB.
 */
export const RANGE_BUFFERING: Buffering = { maxPendingBytes: 256 * 1024, batchBytes: 64 * 1024 };
const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const CREATE_FLAGS = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_TRUNC | NOFOLLOW;
const CONTINUE_FLAGS = fs.constants.O_WRONLY | fs.constants.O_CREAT | NOFOLLOW;

/**
 * A `.part` file, opened (synchronously) when the first bytes are ready to be written: a 404 leaves
 * no file behind, and a small file costs open/writev/close with no thread-pool round trip, each of
 * which costs more than writing 16 KB.
 */
export class PartFile {
  private fd: number | undefined;

  constructor(
    readonly path: string,
    /** Continue the existing file instead of starting it afresh. */
    private continuing: boolean,
  ) {}

  /** Start afresh after all (the server ignored our Range request and sends everything). */
  restart(): void {
    if (this.fd !== undefined) fs.ftruncateSync(this.fd, 0);
    this.continuing = false;
  }

  /** Creates (or truncates) the file now, before other connections write into it. */
  open(): void {
    this.opened();
  }

  /** Closes the file if it was opened; the caller renames or removes it. */
  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    fs.closeSync(fd);
  }

  private opened(): number {
    this.fd ??= fs.openSync(this.path, this.continuing ? CONTINUE_FLAGS : CREATE_FLAGS, 0o644);
    return this.fd;
  }

  /**
   * Streams a response body into the file from `position`; resolves with the bytes written.
   * Bodies that end within a batch (Buffering) are written with one synchronous writev. Larger ones
   * are written with batched asynchronous writev calls while the next chunks arrive, pausing the
   * connection when maxPendingBytes wait for the disk. `onChunk` sees every chunk in order
   * before it is written and may throw to stop the download. With a `bound`, writing stops at
   * `bound.end` (which may move down while the body streams) and the connection is closed there.
   */
  writeBody(body: BodySource, position: number, onChunk: (chunk: Buffer) => void, options: WriteOptions = {}): Promise<number> {
    const { bound, budget } = options;
    return new Promise((resolve, reject) => {
      let pending: Buffer[] = [];
      let pendingBytes = 0;
      /** Bytes handed to the file system and not yet written: they count towards the bound. */
      let writingBytes = 0;
      let ended = false;
      let failure: unknown;
      let paused = false;
      /** Paused by the bandwidth budget until this timer fires. */
      let rateTimer: NodeJS.Timeout | undefined;
      let offset = position;
      /** Read when needed: a split changes the bound's buffering while the body streams. */
      const buffering = (): Buffering => bound?.buffering ?? WHOLE_FILE_BUFFERING;

      const finishWith = (err?: unknown) => {
        clearTimeout(rateTimer);
        rateTimer = undefined;
        if (err !== undefined) reject(err);
        else resolve(offset - position);
      };
      const writePendingSync = () => {
        offset += writevAllSync(this.opened(), pending, offset);
        pending = [];
        pendingBytes = 0;
        bound?.written?.(offset);
      };
      // Runs whenever something changed: writes what is due, or settles once the file is idle.
      const step = () => {
        if (writingBytes > 0) return;
        if (failure !== undefined) {
          // Keep what arrived, so a retry or a later run can resume from it.
          if (pending.length > 0) {
            try {
              writePendingSync();
            } catch {
              // the original failure is the one worth reporting
            }
          }
          return finishWith(failure);
        }
        try {
          if (ended) {
            writePendingSync(); // also creates the file of an empty body
            return finishWith();
          }
          if (pendingBytes < buffering().batchBytes) return;
          const fd = this.opened();
          const buffers = pending;
          const bytes = pendingBytes;
          pending = [];
          pendingBytes = 0;
          writingBytes = bytes;
          fs.writev(fd, buffers, offset, (err, written) => {
            writingBytes = 0;
            if (err) failure ??= err;
            else if (written !== bytes) failure ??= new Error(`short write: ${written} of ${bytes} bytes (disk full?)`);
            else {
              offset += written;
              bound?.written?.(offset);
            }
            if (paused) {
              paused = false;
              if (!rateTimer) body.resume();
            }
            step();
          });
        } catch (err) {
          failure ??= err;
          body.abort(err instanceof Error ? err : new Error(String(err)));
          finishWith(failure);
        }
      };
      const fail = (err: unknown) => {
        if (failure !== undefined) return;
        failure = err;
        body.abort(err instanceof Error ? err : new Error(String(err)));
        step();
      };

      body.consume({
        onData(received) {
          if (failure !== undefined || ended) return;
          let chunk = received;
          const room = bound ? bound.end - (offset + writingBytes + pendingBytes) : Infinity;
          if (chunk.length > room) {
            // The rest of the file is another connection's: keep what is ours, close this one.
            chunk = chunk.subarray(0, Math.max(0, room));
            ended = true;
            body.abort(new Error('range complete'));
          }
          try {
            onChunk(chunk);
          } catch (err) {
            return fail(err);
          }
          if (chunk.length > 0) {
            pending.push(chunk);
            pendingBytes += chunk.length;
          }
          if (ended) return step();
          const wait = budget?.take(chunk.length) ?? 0;
          if (wait > 0 && !rateTimer) {
            body.pause();
            rateTimer = setTimeout(() => {
              rateTimer = undefined;
              if (!paused && !ended && failure === undefined) body.resume();
            }, wait);
          }
          const { maxPendingBytes, batchBytes } = buffering();
          if (pendingBytes >= maxPendingBytes && !paused) {
            paused = true;
            body.pause();
          }
          if (pendingBytes >= batchBytes) step();
        },
        onEnd() {
          ended = true;
          step();
        },
        onError(err) {
          if (!ended) fail(err);
        },
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
