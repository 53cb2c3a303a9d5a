// Segmented downloads (aria2's -s/-x): when one connection turns out slow for a large file from a
// server that accepts ranges, more connections join, each fetching a range of the rest into its
// place in the same `.part` (no assembly pass, memory bounded per connection). The ranges and how
// much of each is on disk are kept in `.part.meta`, so a failed, cancelled or killed download
// continues with Range requests for what is missing only. Mirrors serve ranges too.
import type { BandwidthBudget } from './bandwidth';
import type { Cancellable } from './cancellation';
import { CancelledError, DownloadError, toDownloadError } from './errors';
import { getFollowingRedirects } from './http';
import type { Item } from './item';
import { PartFile, RANGE_BUFFERING, writeResumeRecordSync, type ResumeRecord, type ResumeState, type Segment } from './partFile';
import { requestHeaders } from './requestHeaders';
import { redactUrl } from './urlCheck';
import type { DownloadOptions } from './types';

/** How long the first connection runs before its speed decides whether splitting pays. */
export const SPLIT_DECISION_MS = 20;
/**
 * A connection found fast is measured again over each such span: servers that cap a connection
 * often let a first burst through at full speed (a token bucket), and only then slow down.
 */
export const SPLIT_RECHECK_MS = 1000;
/** No range is smaller than this: below it a request costs more than it saves. */
export const MIN_SEGMENT_BYTES = 2 * 1024 * 1024;
/** A connection this fast is not split: the CPU, not the network, is then the limit (measured). */
export const FAST_CONNECTION_BYTES_PER_SECOND = 100_000_000;
/** Split only when the rest would take at least this long on the one connection. */
export const MIN_REMAINING_MS = 1000;
/** Progress is written to `.part.meta` at most this often (and when a range ends or fails). */
const SAVE_INTERVAL_MS = 1000;

/**
 * Whether to split the rest of a download with `position` bytes received of `total`, measured
 * over a window of `elapsedMs` in which `windowBytes` arrived (by default: since the first byte):
 * undefined (too early to say), 'fast' (not now: measure again over the next SPLIT_RECHECK_MS),
 * null (never), or the segments, the first of which is the running connection's (from 0,
 * `done` = position).
 */
export function planSplit(
  elapsedMs: number,
  position: number,
  total: number,
  maxParts: number,
  windowBytes = position,
  decisionMs = SPLIT_DECISION_MS,
): Segment[] | 'fast' | null | undefined {
  if (maxParts < 2) return null;
  const remaining = total - position;
  if (elapsedMs < decisionMs) return remaining <= 0 ? null : undefined;
  if (remaining < 2 * MIN_SEGMENT_BYTES) return null;
  const rate = windowBytes / (elapsedMs / 1000);
  if (rate >= FAST_CONNECTION_BYTES_PER_SECOND) return 'fast';
  if ((remaining / Math.max(rate, 1)) * 1000 < MIN_REMAINING_MS) return null;
  const parts = Math.min(maxParts, Math.floor(remaining / MIN_SEGMENT_BYTES));
  if (parts < 2) return null;
  const size = Math.ceil(remaining / parts);
  const segments: Segment[] = [];
  for (let start = position; start < total; start += size) segments.push({ start, end: Math.min(total, start + size), done: 0 });
  segments[0] = { start: 0, end: segments[0].end, done: position };
  return segments;
}

/** Cancels every range of one download together: the item's single listener fans out here. */
class CancelGroup implements Cancellable {
  cancelled = false;
  private readonly listeners = new Set<() => void>();

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    for (const listener of [...this.listeners]) listener();
    this.listeners.clear();
  }

  onCancel(listener: () => void): () => void {
    if (this.cancelled) {
      listener();
      return () => undefined;
    }
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export interface SegmentContext {
  dispatcher: import('undici').Dispatcher;
  options: DownloadOptions;
  budget?: BandwidthBudget;
  addBytes(item: Item, n: number): void;
}

/** Thrown when a range request got the whole file: the server ignores ranges, or the file changed. */
export class RangesRefused extends DownloadError {
  constructor(url: string, status: number) {
    super(`${redactUrl(url)} answered a range request with HTTP ${status}: the file changed on the server or ranges are not supported; downloading it again in one piece`, true, 'PROTOCOL');
  }
}

/** The connections of one segmented download, after the first one (which the caller runs). */
export class SegmentRun {
  private readonly group = new CancelGroup();
  private readonly runs: Promise<void>[] = [];
  private failure: DownloadError | CancelledError | undefined;
  private savedAt = 0;

  constructor(
    private readonly item: Item,
    private readonly ctx: SegmentContext,
    private readonly partPath: string,
    private readonly record: ResumeRecord & { total: number },
    readonly segments: Segment[],
    /** Called once when a range fails or the item is cancelled: stops the first connection. */
    private readonly stopFirst: (reason: Error) => void = () => undefined,
  ) {}

  /** Fetches every unfinished segment from index `from` on, each over its own connection. */
  start(from: number): void {
    this.save(true);
    // Takes the item's one cancel listener from the first connection; stopFirst passes it on.
    this.item.onCancel(() => this.fail(new CancelledError()));
    const sources = [this.item.requestUrl, ...(this.item.entry.mirrors ?? []).filter((m) => m !== this.item.requestUrl)];
    let n = 0;
    for (let i = from; i < this.segments.length; i++) {
      const segment = this.segments[i];
      if (segment.done === segment.end - segment.start) continue;
      // The listed source first; mirrors take turns for the others (they cannot share validators).
      const source = sources[n++ % sources.length];
      this.runs.push(this.fetch(segment, source, source === this.item.requestUrl).catch((err) => this.fail(toDownloadError(err))));
    }
  }

  /** Written progress of a segment changed: saved now and then, so a killed run loses little. */
  progress(segment: Segment, position: number): void {
    segment.done = position - segment.start;
    this.save(false);
  }

  /** Stops every range; the first failure is what settle() throws. */
  fail(error: DownloadError | CancelledError): void {
    if (this.failure) return;
    this.failure = error;
    this.group.cancel();
    this.stopFirst(error);
  }

  /** Resolves when every range is written; throws the first failure once all have stopped. */
  async settle(): Promise<void> {
    await this.settled();
    if (this.failure) throw this.failure;
  }

  /** Where the download stands, for a retry or a later run. */
  resumeState(): ResumeState {
    return { ...this.record, size: 0, segments: this.segments.map((s) => ({ ...s })) };
  }

  /** Bytes on disk over all segments. */
  written(): number {
    return this.segments.reduce((sum, s) => sum + s.done, 0);
  }

  save(force: boolean): void {
    const now = Date.now();
    if (!force && now - this.savedAt < SAVE_INTERVAL_MS) return;
    this.savedAt = now;
    writeResumeRecordSync(this.partPath, { ...this.record, segments: this.segments });
    this.item.resumeRecordOnDisk = true;
  }

  private async settled(): Promise<void> {
    await Promise.allSettled(this.runs);
    this.save(true);
  }

  private async fetch(segment: Segment, url: string, sameSource: boolean): Promise<void> {
    const from = segment.start + segment.done;
    const engine: Record<string, string> = { 'accept-encoding': 'identity', range: `bytes=${from}-${segment.end - 1}` };
    // A validator is only meaningful to the server that issued it.
    const validator = this.record.etag ?? this.record.lastModified;
    if (sameSource && validator) engine['if-range'] = validator;
    const headersFor = requestHeaders(url, {
      global: this.ctx.options.headers,
      hosts: this.ctx.options.hostHeaders,
      entry: this.item.entry.headers,
      engine,
    });
    const response = await getFollowingRedirects(this.ctx.dispatcher, url, headersFor, this.group);
    const range = /^bytes\s+(\d+)-(\d+)\/(\d+)$/i.exec(String(response.headers['content-range'] ?? ''));
    if (response.statusCode !== 206 || !range || Number(range[1]) !== from || Number(range[3]) !== this.record.total) {
      await response.exchange.discard();
      if (response.statusCode === 200 || response.statusCode === 206) throw new RangesRefused(url, response.statusCode);
      throw new DownloadError(`range ${from}-${segment.end - 1} from ${redactUrl(url)}: HTTP ${response.statusCode}`, response.statusCode >= 500 || response.statusCode === 429, 'HTTP_STATUS');
    }
    const file = new PartFile(this.partPath, true);
    try {
      await file.writeBody(response.exchange, from, (chunk) => this.ctx.addBytes(this.item, chunk.length), {
        bound: { end: segment.end, buffering: RANGE_BUFFERING, written: (position) => this.progress(segment, position) },
        budget: this.ctx.budget,
      });
    } finally {
      file.close();
    }
    if (segment.start + segment.done !== segment.end) {
      throw new DownloadError(`range ${from}-${segment.end - 1} ended after ${segment.done - (from - segment.start)} bytes`, true, 'NETWORK');
    }
    this.save(true);
  }
}
