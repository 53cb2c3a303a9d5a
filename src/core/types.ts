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
  /** Alternatives tried in order when the URL fails (aria2's TAB-separated URIs); absent when none. */
  mirrors?: string[];
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
  /** Why this format, for the user: "a URL list: 4 of 5 lines are URLs", "text (.md file): links extracted". */
  formatReason: string;
  /** The content decided and could be read the other way: front ends say which format was used. */
  formatGuessed: boolean;
  entries: ListEntry[];
  /** Non-fatal remarks: duplicates, ignored options, links with schemes that are not fetched. */
  warnings: string[];
}

export type OnExisting = 'skip' | 'overwrite' | 'rename' | 'refresh';

export type ItemState = 'queued' | 'active' | 'retrying' | 'ok' | 'skipped' | 'failed' | 'cancelled';

export const FINISHED_STATES: ReadonlySet<ItemState> = new Set(['ok', 'skipped', 'failed', 'cancelled']);

/**
 * Why an item failed, as a stable code next to the message: front ends choose icons, menus and
 * exit codes by it, never by the message text.
 */
export type ErrorCode =
  /** The list line cannot be downloaded: not a URL, a bad option, a name outside the folder. */
  | 'LIST_LINE'
  /** The server answered with an error status (404, 500 after retries...). */
  | 'HTTP_STATUS'
  /** 429/503: the server's wait is longer than the limit, or the retries ran out while it limited. */
  | 'RATE_LIMITED'
  /** The server's TLS certificate is not trusted: a CA is missing (--cacert, system certificates). */
  | 'TLS_CERT'
  /** Connection refused or reset, host not found, network unreachable. */
  | 'NETWORK'
  /** No connection, headers or data within the timeout. */
  | 'TIMEOUT'
  /** The server spoke something this client cannot read: malformed HTTP, a wrong range, HTTP/2 only. */
  | 'PROTOCOL'
  | 'CHECKSUM_MISMATCH'
  /** Over the size limit (--max-size, assetFetch.maxFileSizeMB). */
  | 'SIZE_LIMIT'
  /** The target folder or file could not be written: permissions, disk full, a path clash. */
  | 'FILE_SYSTEM'
  | 'UNKNOWN';

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
  /** Set with `error`. */
  errorCode?: ErrorCode;
  /** While retrying: when the next attempt may start (ms since the epoch). */
  retryAt?: number;
  /** Skipped because the server answered --refresh with 304 Not Modified. */
  unchanged?: boolean;
  /** Once ok: the validators of the response the file was saved from, when the server sent them. */
  etag?: string;
  lastModified?: string;
}

export interface BatchStats {
  total: number;
  queued: number;
  /** Downloading now. */
  active: number;
  /** Waiting for a retry (their own, or their host's): they hold no slot. */
  retrying: number;
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

/** A host that asked us to slow down (429 or 503): none of its downloads start before `until`. */
export interface HostWait {
  /** host[:port], as in the URL. */
  host: string;
  /** ms since the epoch. */
  until: number;
  /** The status that paused it. */
  status: number;
  /** The server's Retry-After header as sent, when there was one. */
  retryAfter?: string;
  /** Downloads of this host not finished yet (queued or waiting). */
  waiting: number;
}

/** Coalesced progress: everything that changed since the previous update. */
export interface BatchUpdate {
  stats: BatchStats;
  changed: ItemSnapshot[];
  logs: LogEntry[];
  /** Every host waiting now; present only when that set or a wait changed (empty: none waits). */
  hostWaits?: HostWait[];
  done: boolean;
}

/**
 * Proxy settings as data (undici does not go through VS Code's proxy support): VS Code's
 * `http.proxy`, `http.noProxy` and `http.proxyStrictSSL` map onto them one to one.
 * Loopback hosts (localhost, 127.0.0.1) are proxied too unless listed in `noProxy`, as in curl.
 */
export interface ProxySettings {
  /**
   * Proxy for http and https URLs alike, e.g. "http://user:password@proxy.corp:8080" (no scheme:
   * http). Empty or absent: HTTPS_PROXY for https URLs and HTTP_PROXY for http URLs (lower case
   * first), as in curl.
   */
  url?: string;
  /**
   * Hosts reached directly, in addition to NO_PROXY: "example.com" (and its subdomains),
   * ".example.com" (the same), "host:port" (that port only), an IP address or CIDR range
   * ("10.0.0.0/8"), or "*" (no proxy at all).
   */
  noProxy?: string[];
  /**
   * false: accept any certificate from an https proxy and from https sites reached through a
   * proxy (a proxy that re-signs TLS). Direct connections are always verified. Default true.
   */
  strictSSL?: boolean;
}

export interface TlsSettings {
  /** PEM certificates trusted in addition to the default store (curl's --cacert adds, here). */
  ca?: string[];
  /** Accept any certificate (curl's --insecure). */
  insecure?: boolean;
  /**
   * Also trust the operating system's certificate store (VS Code's http.systemCertificates, curl's
   * --ca-native), read with tls.getCACertificates('system') (Node 22.15+; on Linux the OpenSSL
   * locations, SSL_CERT_FILE and SSL_CERT_DIR included). On an older Node the batch logs a warning.
   */
  system?: boolean;
}

export interface DownloadOptions {
  /** Absolute target folder. */
  targetDir: string;
  jobs: number;
  perHost: number;
  /**
   * Connections one download may use when its one connection is slow and the file large (aria2's
   * -s): the rest is split into ranges, within `perHost`. 1: never split.
   */
  split: number;
  retries: number;
  /** Seconds, applied to connect, response headers and body idle. */
  timeoutSeconds: number;
  maxSize?: number;
  /**
   * For --refresh: the ETag and Last-Modified a lockfile recorded, by path relative to the target
   * folder ("img/a.png"); without an entry, the file's modification time is sent as
   * If-Modified-Since.
   */
  knownValidators?: Record<string, { etag?: string; lastModified?: string }>;
  /** Keep each file's ETag and Last-Modified for its snapshot (a lockfile wants them; 100,000 items need not). */
  recordValidators?: boolean;
  /**
   * The lockfile a front end keeps for this batch (the extension's worker; the CLI has --lock):
   * `file` is rewritten as items finish and at the end of each run (src/core/lockWriter.ts);
   * `prune` drops entries of files the batch did not produce after a run in which nothing failed
   * or was cancelled (false for a selection of the list). Batch itself does not read it.
   */
  lockfile?: { file: string; prune: boolean };
  /** Bytes per second for all downloads of the batch together (--limit-rate); absent: no limit. */
  limitRate?: number;
  /** Headers sent to the origins of the list's own URLs only. */
  headers: Record<string, string>;
  /**
   * Headers per host, sent on every request to that host (also when a redirect leads there) and
   * never to another: "cdn.example.com" (any port) or "cdn.example.com:8443" (that port only, and
   * winning over the plain host). Host names are exact: no wildcards, no subdomains.
   * Precedence for a header set at several levels: the entry's own > host > `headers`.
   */
  hostHeaders?: Record<string, Record<string, string>>;
  /** How to reach the network; absent: the proxy environment variables decide, as in curl. */
  proxy?: ProxySettings;
  /** Which TLS certificates to trust; absent: Node's default store (NODE_EXTRA_CA_CERTS included). */
  tls?: TlsSettings;
  onExisting: OnExisting;
  /** Minimum interval between progress updates. */
  progressIntervalMs: number;
  /**
   * An update goes out as soon as this many items changed, before the interval is over, so that
   * no single update is large: the editor applies each update in one go on its extension host.
   * Default: no such limit.
   */
  progressMaxItems?: number;
  /**
   * false: no info line per finished item (the CLI shows only warnings and failures; building
   * 2,000 lines nobody reads cost about 3% of a small-file run). Default: logged.
   */
  logSuccesses?: boolean;
  /** First retry delay; doubles each attempt, with jitter. */
  retryBaseDelayMs: number;
  /** Upper bound for the backoff between retries (a server's Retry-After is not cut to it). */
  retryMaxDelayMs: number;
  /**
   * The longest wait a server may ask for (Retry-After, rate limits): a longer one fails the item,
   * quoting the server, instead of sleeping for hours.
   */
  maxRetryWaitMs: number;
}

export const DEFAULT_OPTIONS: Omit<DownloadOptions, 'targetDir'> = {
  jobs: 8,
  perHost: 8,
  split: 8,
  retries: 5,
  timeoutSeconds: 30,
  headers: {},
  onExisting: 'skip',
  progressIntervalMs: 100,
  retryBaseDelayMs: 500,
  retryMaxDelayMs: 60_000,
  maxRetryWaitMs: 300_000,
};
