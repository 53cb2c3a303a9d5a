// Plain helpers of the downloads model for batches that outlive their engine batch: the options a
// resumed run keeps, the counters of items outside a run, and the URL list that resumes items
// into the very paths they had.
import { FINISHED_STATES, type BatchStats, type DownloadOptions, type ItemSnapshot } from '../core/frontEnd';
import { sessionListText } from '../core/sessionList';

/**
 * The options of a batch that are kept for a later run and stored in workspace state: never its
 * headers (secret headers come from SecretStorage, the others from settings, both read again on
 * Resume), its proxy (a URL may hold a password) or its certificates.
 */
export type BatchOptions = Partial<Pick<DownloadOptions, (typeof KEPT_OPTIONS)[number] | 'lockfile'>>;

const KEPT_OPTIONS = ['jobs', 'perHost', 'split', 'retries', 'timeoutSeconds', 'maxSize', 'limitRate', 'onExisting', 'maxRetryWaitMs'] as const;

export function nonSecretOptions(options: Partial<DownloadOptions>): BatchOptions {
  const kept: Record<string, unknown> = {};
  for (const key of KEPT_OPTIONS) if (options[key] !== undefined) kept[key] = options[key];
  // A later run of some items keeps the batch's lockfile up to date, never prunes it.
  if (options.lockfile) kept.lockfile = { file: options.lockfile.file, prune: false };
  return kept as BatchOptions;
}

/** Reads back stored options: only the kept keys, of the right type. */
export function storedOptions(value: unknown): BatchOptions {
  if (!value || typeof value !== 'object') return {};
  const kept: Record<string, unknown> = {};
  for (const key of KEPT_OPTIONS) {
    const v = (value as Record<string, unknown>)[key];
    if (key === 'onExisting' ? ['skip', 'overwrite', 'rename', 'refresh'].includes(v as string) : typeof v === 'number' && Number.isFinite(v) && v >= 0) kept[key] = v;
  }
  const lockfile = (value as { lockfile?: { file?: unknown } }).lockfile;
  if (typeof lockfile?.file === 'string') kept.lockfile = { file: lockfile.file, prune: false };
  return kept as BatchOptions;
}

let counter = 0;

/** A key that names a batch across windows: its start time and a counter. */
export function batchKey(now = Date.now()): string {
  return `${now.toString(36)}-${(counter++).toString(36)}-${Math.floor(Math.random() * 36 ** 4).toString(36)}`;
}

/** Counters of some items of a batch, paused ones (waiting for Resume) counted as queued. */
export function statsOf(items: Iterable<{ snapshot: ItemSnapshot }>, paused: ReadonlySet<unknown>): BatchStats {
  const s: BatchStats = { total: 0, queued: 0, active: 0, retrying: 0, ok: 0, skipped: 0, failed: 0, cancelled: 0, bytes: 0, knownTotalBytes: 0, speed: 0, elapsedMs: 0 };
  for (const item of items) {
    const { state, bytes, total } = item.snapshot;
    s.total++;
    s.bytes += bytes;
    s.knownTotalBytes += total ?? 0;
    if (paused.has(item) || !FINISHED_STATES.has(state)) s.queued++;
    else s[state as 'ok' | 'skipped' | 'failed' | 'cancelled']++;
  }
  return s;
}

/** A URL shown with its password redacted ("user:***@"): the password is not known any more. */
const REDACTED_PASSWORD = /^[a-z][a-z0-9+.-]*:\/\/[^/@?#]*:\*\*\*@/i;

export interface ResumeList<T> {
  /** A URL list, one `URL` line and an indented `out=<relativePath>` line per runnable item. */
  text: string;
  /** In list order: the engine's item n is runnable[n]. */
  runnable: T[];
  refused: { item: T; error: string }[];
}

/**
 * The URL list that continues `items` into the paths they had: `out=` with the whole relative
 * path (sub-folders included) names the same file, so its `.part` and `.part.meta` are found and
 * continued with Range. The engine checks every path again (no `..`, no absolute path).
 */
export function resumeList<T extends { snapshot: ItemSnapshot }>(items: readonly T[]): ResumeList<T> {
  const runnable: T[] = [];
  const refused: { item: T; error: string }[] = [];
  for (const item of items) {
    const { url, relativePath } = item.snapshot;
    if (!relativePath) refused.push({ item, error: 'cannot be resumed: it had no file name yet; download the list again' });
    else if (REDACTED_PASSWORD.test(url)) refused.push({ item, error: 'cannot be resumed: its URL holds a password, which is not stored; download the list again' });
    else if (/\s/.test(url) || /[\r\n]/.test(relativePath)) refused.push({ item, error: 'cannot be resumed: its URL or path cannot be written in a list' });
    else {
      runnable.push(item);
    }
  }
  const text = runnable.length > 0 ? sessionListText(runnable.map(({ snapshot }) => ({ entry: { url: snapshot.url }, relativePath: snapshot.relativePath! }))) : '';
  return { text, runnable, refused };
}
