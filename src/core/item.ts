// The engine's own record of one download. Only the engine mutates it; front ends get snapshots.
import type { ErrorCode, ItemSnapshot, ItemState, ListEntry } from './types';
import { Cancellation } from './cancellation';
import type { ResumeState } from './partFile';
import { entrySource, redactUrl } from './listParser';

/** An item is its own cancellation: one object less for each of 100,000 items. */
export class Item extends Cancellation {
  state: ItemState = 'queued';
  /** Where the file goes, relative to the target folder (decided before the request). */
  relativePath: string | undefined;
  /** The name after Content-Disposition, when it differs from relativePath. */
  finalRelativePath: string | undefined;
  bytes = 0;
  total: number | undefined;
  /** Attempts at the current source. */
  attempts = 0;
  error: string | undefined;
  errorCode: ErrorCode | undefined;
  /** While retrying: when the next attempt may start. */
  retryAt: number | undefined;
  /** What went wrong with each source given up on, for the final message. */
  mirrorFailures: string[] | undefined;
  /** The server refused ranges of this file: download it in one piece. */
  noSplit = false;
  /** Whether this run wrote to the `.part`, so it is this run's to keep or remove. */
  partTouched = false;
  /** Validators and size of the `.part` kept between attempts of this run. */
  resume: ResumeState | undefined;
  /** Which source is being tried: 0 the listed URL, n the entry's n-th mirror. */
  mirror = 0;
  /** Whether `<name>.part.meta` may exist and must be removed once the file is complete. */
  resumeRecordOnDisk = false;

  constructor(
    readonly id: number,
    readonly entry: ListEntry,
  ) {
    super();
  }

  /** The URL requested, credentials included: never shown, logged or stored (see displayUrl). */
  get url(): string {
    return this.entry.url ?? this.entry.raw;
  }

  /** The URL of the source being tried (the listed URL or a mirror), credentials included. */
  get requestUrl(): string {
    return this.mirror === 0 ? this.url : this.entry.mirrors![this.mirror - 1];
  }

  /** The URL as shown and logged: a password in it reads "***". */
  get displayUrl(): string {
    return redactUrl(this.url);
  }

  /** host[:port] of the source being tried. */
  get host(): string {
    return this.entry.url ? new URL(this.requestUrl).host : '';
  }

  /** `speed` is the reporter's estimate; it is not kept on 100,000 items. */
  snapshot(speed = 0): ItemSnapshot {
    return {
      id: this.id,
      url: this.displayUrl,
      source: entrySource(this.entry),
      state: this.state,
      relativePath: this.finalRelativePath ?? this.relativePath,
      bytes: this.bytes,
      total: this.total,
      speed,
      attempts: this.attempts,
      error: this.error,
      errorCode: this.errorCode,
      retryAt: this.state === 'retrying' ? this.retryAt : undefined,
    };
  }
}
