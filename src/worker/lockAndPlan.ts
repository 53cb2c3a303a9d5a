// The worker's side of the lockfile and of "Preview Download": a batch's LockWriter (hashing
// happens here, never on the extension host), "Verify Lockfile" (verifyLock, no network) and the
// plan of a download (planDownload, no request, no write). The host gets plain data back.
import fs from 'node:fs';
import { planDownload, type PlanAction, type PlanItem } from '../core/downloadPlan';
import { LockfileError, readLock, verifyLock, type VerifyReport } from '../core/lockfile';
import { LockWriter } from '../core/lockWriter';
import type { DownloadOptions, ListEntry, OnExisting } from '../core/types';

/** A preview lists at most this many entries (a QuickPick of 100,000 rows helps nobody); `counts` has them all. */
export const MAX_PLAN_ITEMS = 5_000;

/** Why the worker could not answer: a code to choose by and a message to show. */
export interface WorkerProblem {
  code: 'NO_LOCKFILE' | 'LOCKFILE' | 'LIST_BINARY' | 'LIST_TOO_LARGE' | 'WORKER_FAILED';
  message: string;
}

export interface DownloadPlan {
  /** The first MAX_PLAN_ITEMS entries, in list order. */
  items: PlanItem[];
  /** Entries of the list (items may hold fewer). */
  total: number;
  counts: Partial<Record<PlanAction, number>>;
  /** "a URL list: 4 of 5 lines are URLs". */
  formatReason: string;
  warnings: string[];
}

export type PlanResult = { plan: DownloadPlan; problem?: undefined } | { problem: WorkerProblem; plan?: undefined };

export interface LockVerification {
  lockFile: string;
  report: VerifyReport;
  /** Files the lockfile lists. */
  total: number;
  /** Whether files the lockfile does not list were looked for (`report.extra`). */
  scannedForExtra: boolean;
  /** The 0-based line of each listed path's entry in the lockfile (for diagnostics; none in a quick check). */
  lines: Record<string, number>;
  /** What the lockfile recorded of each changed file: its URL (a password as "***") and size. */
  recorded: Record<string, { url: string; size: number }>;
  /** A quick check (verifyLock's `quick`): files not modified since the lockfile was written were not hashed. */
  quick: boolean;
}

export type VerifyResult = { verification: LockVerification; problem?: undefined } | { problem: WorkerProblem; verification?: undefined };

export async function planOf(entries: readonly ListEntry[], dir: string, onExisting: OnExisting, formatReason: string, warnings: string[]): Promise<DownloadPlan> {
  const items = await planDownload(entries, { dir, onExisting });
  const counts: Partial<Record<PlanAction, number>> = {};
  for (const item of items) counts[item.action] = (counts[item.action] ?? 0) + 1;
  return { items: items.slice(0, MAX_PLAN_ITEMS), total: items.length, counts, formatReason, warnings };
}

/**
 * Checks the files against `lockFile` without the network; `scanDir` also looks for files it does
 * not list; `quick` hashes only files modified since the lockfile was written, and those in `hash`
 * (the Explorer badges).
 */
export async function verifyLockFile(lockFile: string, scanDir: string | undefined, ignore: readonly string[], quick = false, hash?: readonly string[]): Promise<VerifyResult> {
  try {
    const lock = await readLock(lockFile);
    if (!lock) return { problem: { code: 'NO_LOCKFILE', message: `no lockfile at ${lockFile} (set assetFetch.lockfile to "besideList" and download the list to write one)` } };
    const report = await verifyLock(lockFile, lock, { scanDir, ignore, quick, hash });
    const lines = quick ? {} : entryLines(await fs.promises.readFile(lockFile, 'utf8'));
    const recorded: LockVerification['recorded'] = {};
    for (const { path: key } of report.changed) recorded[key] = { url: lock.files[key].url, size: lock.files[key].size };
    return { verification: { lockFile, report, total: Object.keys(lock.files).length, scannedForExtra: scanDir !== undefined, lines, recorded, quick } };
  } catch (err) {
    return { problem: { code: err instanceof LockfileError ? 'LOCKFILE' : 'WORKER_FAILED', message: (err as Error).message } };
  }
}

/** The line of each `"path": {` entry of a lockfile as serializeLock writes it. */
function entryLines(text: string): Record<string, number> {
  const lines: Record<string, number> = {};
  text.split('\n').forEach((line, index) => {
    const match = /^ {4}("(?:[^"\\]|\\.)*"): \{$/.exec(line);
    if (!match) return;
    try {
      lines[JSON.parse(match[1]) as string] = index;
    } catch {
      // not a key as serializeLock writes it (edited by hand): no line for it
    }
  });
  return lines;
}

/** A batch's lockfile: its writer, and the options the Batch runs with (validators recorded, and known for refresh). */
export interface BatchLock {
  writer: LockWriter;
  options: DownloadOptions;
  prune: boolean;
}

/** Opens the lockfile `options.lockfile` names; undefined without one. Throws a LockfileError for a file that is not a lockfile. */
export async function openBatchLock(options: DownloadOptions): Promise<BatchLock | undefined> {
  if (!options.lockfile) return undefined;
  const writer = await LockWriter.open(options.lockfile.file, options.targetDir);
  return {
    writer,
    prune: options.lockfile.prune,
    options: { ...options, recordValidators: true, ...(options.onExisting === 'refresh' && { knownValidators: writer.knownValidators() }) },
  };
}
