// The engine's own record of one download. Only the engine mutates it; front ends get snapshots.
import type { ErrorCode, ItemSnapshot, ItemState, ListEntry } from './types';
import { Cancellation } from './cancellation';
import type { ResumeState } from './partFile';
import { entrySource, redactUrl } from './listParser';

/** One string per host, however many items name it (100,000 items, a handful of hosts). */
const hostNames = new Map<string, string>();

function internHost(host: string): string {
  const known = hostNames.get(host);
  if (known !== undefined) return known;
  if (hostNames.size >= 10_000) hostNames.clear(); // a long-lived editor session: stay bounded
  hostNames.set(host, host);
  return host;
}

/** An item is its own cancellation: one object less for each of 100,000 items. */
/**
 * What most items never need (a failure, a retry, mirrors, a server-chosen name): kept apart, so
 * each of 100,000 items carries one field for it instead of seven.
 */
interface RareState {
  finalRelativePath?: string;
  error?: string;
  errorCode?: ErrorCode;
  retryAt?: number;
  mirrorFailures?: string[];
  noSplit?: boolean;
  mirror?: number;
  validators?: Validators;
  /** --refresh: what to send as If-None-Match / If-Modified-Since. */
  conditional?: Validators;
}

/** What the server said identifies the version it sent (for lockfiles and refresh). */
export interface Validators {
  etag?: string;
  lastModified?: string;
  /** Set on `conditional` when the server answered 304 to them. */
  unchanged?: boolean;
}

/** An item is its own cancellation: one object less for each of 100,000 items. */
export class Item extends Cancellation {
  state: ItemState = 'queued';
  /** Where the file goes, relative to the target folder (decided before the request). */
  relativePath: string | undefined;
  bytes = 0;
  total: number | undefined;
  /** Attempts at the current source. */
  attempts = 0;
  /** Whether this run wrote to the `.part`, so it is this run's to keep or remove. */
  partTouched = false;
  /** Validators and size of the `.part` kept between attempts of this run. */
  resume: ResumeState | undefined;
  /** Whether `<name>.part.meta` may exist and must be removed once the file is complete. */
  resumeRecordOnDisk = false;
  /** `host` of the listed URL, parsed once: the getter runs several times per attempt. */
  private listedHost: string | undefined;
  private rare: RareState | undefined;

  /** The name after Content-Disposition, when it differs from relativePath. */
  get finalRelativePath(): string | undefined {
    return this.rare?.finalRelativePath;
  }
  set finalRelativePath(value: string | undefined) {
    this.setRare('finalRelativePath', value);
  }

  get error(): string | undefined {
    return this.rare?.error;
  }
  set error(value: string | undefined) {
    this.setRare('error', value);
  }

  get errorCode(): ErrorCode | undefined {
    return this.rare?.errorCode;
  }
  set errorCode(value: ErrorCode | undefined) {
    this.setRare('errorCode', value);
  }

  /** While retrying: when the next attempt may start. */
  get retryAt(): number | undefined {
    return this.rare?.retryAt;
  }
  set retryAt(value: number | undefined) {
    this.setRare('retryAt', value);
  }

  /** What went wrong with each source given up on, for the final message. */
  get mirrorFailures(): string[] | undefined {
    return this.rare?.mirrorFailures;
  }
  set mirrorFailures(value: string[] | undefined) {
    this.setRare('mirrorFailures', value);
  }

  /** The server refused ranges of this file: download it in one piece. */
  get noSplit(): boolean {
    return this.rare?.noSplit ?? false;
  }
  set noSplit(value: boolean) {
    this.setRare('noSplit', value || undefined);
  }

  /** ETag and Last-Modified of the response the file was saved from. */
  get validators(): Validators | undefined {
    return this.rare?.validators;
  }
  set validators(value: Validators | undefined) {
    this.setRare('validators', value);
  }

  /** --refresh: the validators of the file on disk, sent so that an unchanged file costs a 304. */
  get conditional(): Validators | undefined {
    return this.rare?.conditional;
  }
  set conditional(value: Validators | undefined) {
    this.setRare('conditional', value);
  }

  /** Which source is being tried: 0 the listed URL, n the entry's n-th mirror. */
  get mirror(): number {
    return this.rare?.mirror ?? 0;
  }
  set mirror(value: number) {
    this.setRare('mirror', value || undefined);
  }

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
    if (!this.entry.url) return '';
    if (this.mirror !== 0) return new URL(this.requestUrl).host;
    return (this.listedHost ??= internHost(new URL(this.entry.url).host));
  }

  private setRare<K extends keyof RareState>(key: K, value: RareState[K]): void {
    if (value === undefined && !this.rare) return;
    (this.rare ??= {})[key] = value;
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
      ...(this.state === 'ok' && this.validators),
      ...(this.state === 'skipped' && this.conditional?.unchanged && { unchanged: true }),
    };
  }
}
