// Data shapes shared by the engine and every front end (CLI, extension, worker bridge).
// Everything here is plain data so it can cross a worker-thread boundary with postMessage.

export type ChecksumAlgorithm = 'sha-1' | 'sha-256' | 'sha-512' | 'md5';

export interface Checksum {
  algorithm: ChecksumAlgorithm;
  hex: string;
}

/** One usable or unusable entry of a URL list, in list order. */
export interface ListEntry {
  /** The list it came from, e.g. "assets.txt" or "<stdin>" (one shared string per list). */
  file: string;
  line: number;
  /** The URL as written (for display even when it is malformed). */
  raw: string;
  /** Normalised absolute http(s) URL; absent when the line is unusable. */
  url?: string;
  /** File name or relative path wanted by the list (aria2 `out=`). */
  out?: string;
  /** Sub-folder of the target folder (aria2 `dir=`). */
  dir?: string;
  checksum?: Checksum;
  /** Per-entry request headers (aria2 `header=`); absent when there are none. */
  headers?: Record<string, string>;
  /** Why the line cannot be used; the entry becomes a failed item. */
  error?: string;
}

export type ListFormat = 'list' | 'text' | 'json';

export interface ParsedList {
  format: ListFormat;
  entries: ListEntry[];
  /** Non-fatal remarks: duplicates, ignored options. */
  warnings: string[];
}

export type OnExisting = 'skip' | 'overwrite' | 'rename';

export type ItemState = 'queued' | 'active' | 'retrying' | 'ok' | 'skipped' | 'failed' | 'cancelled';

export const FINISHED_STATES: ReadonlySet<ItemState> = new Set(['ok', 'skipped', 'failed', 'cancelled']);

/** A snapshot of one item, as posted to listeners. */
export interface ItemSnapshot {
  id: number;
  url: string;
  source: string;
  state: ItemState;
  /** Path relative to the target folder once known. */
  relativePath?: string;
  bytes: number;
  total?: number;
  /** Bytes per second, smoothed. */
  speed: number;
  attempts: number;
  error?: string;
}

export interface BatchStats {
  total: number;
  queued: number;
  active: number;
  ok: number;
  skipped: number;
  failed: number;
  cancelled: number;
  bytes: number;
  /** Sum of the known totals of unfinished and finished items. */
  knownTotalBytes: number;
  speed: number;
  elapsedMs: number;
}

export type LogLevel = 'info' | 'warn' | 'error';

export interface LogEntry {
  level: LogLevel;
  itemId?: number;
  message: string;
}

/** Coalesced progress: everything that changed since the previous update. */
export interface BatchUpdate {
  stats: BatchStats;
  changed: ItemSnapshot[];
  logs: LogEntry[];
  done: boolean;
}

export interface DownloadOptions {
  /** Absolute target folder. */
  targetDir: string;
  jobs: number;
  perHost: number;
  retries: number;
  /** Seconds, applied to connect, response headers and body idle. */
  timeoutSeconds: number;
  maxSize?: number;
  /** Headers sent to the origins of the list's own URLs only. */
  headers: Record<string, string>;
  onExisting: OnExisting;
  /** Minimum interval between progress updates. */
  progressIntervalMs: number;
  /** First retry delay; doubles each attempt, with jitter. */
  retryBaseDelayMs: number;
  /** Upper bound for any single wait, including Retry-After. */
  retryMaxDelayMs: number;
}

export const DEFAULT_OPTIONS: Omit<DownloadOptions, 'targetDir'> = {
  jobs: 8,
  perHost: 8,
  retries: 5,
  timeoutSeconds: 30,
  headers: {},
  onExisting: 'skip',
  progressIntervalMs: 100,
  retryBaseDelayMs: 500,
  retryMaxDelayMs: 60_000,
};
