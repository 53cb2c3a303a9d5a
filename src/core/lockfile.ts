// The lockfile: what a run fetched, verifiably. One JSON object, keys sorted and 2-space indented
// so a change to one file is a change to a few lines in a diff; no times, no absolute paths, so
// two runs of the same list on any platform write the same bytes.
import { writeFileAtomicSync } from './atomicFile';
import fs from 'node:fs';
import path from 'node:path';
import { hashOfFile } from './fileHash';

export const LOCKFILE_VERSION = 1;

export interface LockEntry {
  /** The URL the file came from, a password in it shown as "***". */
  url: string;
  size: number;
  sha256: string;
  etag?: string;
  lastModified?: string;
}

export interface Lockfile {
  lockfileVersion: typeof LOCKFILE_VERSION;
  /** Path relative to the lockfile's folder, with "/" separators → what is there. */
  files: Record<string, LockEntry>;
}

export class LockfileError extends Error {
  readonly code = 'LOCKFILE';
}

export function emptyLock(): Lockfile {
  return { lockfileVersion: LOCKFILE_VERSION, files: {} };
}

/** The lockfile's text: sorted paths, entry fields in a fixed order, a final newline. */
export function serializeLock(lock: Lockfile): string {
  const files: Record<string, LockEntry> = {};
  for (const key of Object.keys(lock.files).sort()) {
    const { url, size, sha256, etag, lastModified } = lock.files[key];
    files[key] = { url, size, sha256, ...(etag !== undefined && { etag }), ...(lastModified !== undefined && { lastModified }) };
  }
  return `${JSON.stringify({ lockfileVersion: LOCKFILE_VERSION, files }, null, 2)}\n`;
}

/** Reads a lockfile; undefined when there is none, an error naming the file when it is not one. */
export async function readLock(file: string): Promise<Lockfile | undefined> {
  let text: string;
  try {
    text = await fs.promises.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new LockfileError(`cannot read lockfile ${file}: ${(err as Error).message}`);
  }
  let data: Partial<Lockfile>;
  try {
    data = JSON.parse(text) as Partial<Lockfile>;
  } catch (err) {
    throw new LockfileError(`${file} is not a lockfile: ${(err as Error).message}`);
  }
  if (data?.lockfileVersion !== LOCKFILE_VERSION || typeof data.files !== 'object' || data.files === null) {
    throw new LockfileError(`${file} is not a version ${LOCKFILE_VERSION} lockfile (lockfileVersion: ${JSON.stringify(data?.lockfileVersion)})`);
  }
  for (const [key, entry] of Object.entries(data.files)) {
    if (typeof entry?.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(entry.sha256) || typeof entry.size !== 'number') {
      throw new LockfileError(`${file}: the entry for "${key}" has no valid size and sha256`);
    }
  }
  return data as Lockfile;
}

/** `<list>.lock`: the lockfile beside a list (the CLI's --lock, the extension's besideList). */
export const LOCKFILE_SUFFIX = '.lock';

/** The list a `<list>.lock` is beside (its path without ".lock"); undefined for another file. */
export function listOfLockfile(file: string): string | undefined {
  return file.toLowerCase().endsWith(LOCKFILE_SUFFIX) ? file.slice(0, -LOCKFILE_SUFFIX.length) : undefined;
}

/** Writes the lockfile atomically: a reader (or a crash) sees the old file or the new one. */
export function writeLockSync(file: string, lock: Lockfile): void {
  writeFileAtomicSync(file, serializeLock(lock));
}

export async function sha256OfFile(file: string): Promise<string> {
  return (await hashOfFile('sha-256', file)).digest('hex');
}

/** The lockfile key of `file`: relative to the lockfile's folder, "/" separators. */
export function lockKey(lockFile: string, file: string): string {
  return path.relative(path.dirname(path.resolve(lockFile)), path.resolve(file)).split(path.sep).join('/');
}

export interface VerifyReport {
  verified: string[];
  missing: string[];
  /** `size`: the bytes on disk (the lockfile's size when only the SHA-256 differs). */
  changed: Array<{ path: string; reason: string; size: number }>;
  /** Files in the target folder the lockfile does not list. */
  extra: string[];
}

export interface VerifyOptions {
  /** Also list the files in this folder that the lockfile does not list (`.part` files and those in `ignore` aside). */
  scanDir?: string;
  ignore?: readonly string[];
  /**
   * Hash only what may have changed: a file of the recorded size whose modification time is not
   * after the lockfile's own is taken as verified without reading it. For a badge that follows
   * the disk cheaply; a file rewritten with its old time and size is not seen (Verify hashes all).
   */
  quick?: boolean;
  /** In quick mode, files hashed whatever their time (keys): those a check already found changed. */
  hash?: readonly string[];
}

/**
 * Checks the files a lockfile lists against the disk, without the network; with `scanDir`, also
 * lists the files there that it does not list. `quick`: see VerifyOptions.
 */
export async function verifyLock(lockFile: string, lock: Lockfile, options: VerifyOptions = {}): Promise<VerifyReport> {
  const { scanDir, ignore = [], quick = false } = options;
  const alwaysHash = new Set(options.hash);
  const base = path.dirname(path.resolve(lockFile));
  const report: VerifyReport = { verified: [], missing: [], changed: [], extra: [] };
  // Files not modified after the lockfile was written are as it recorded them (quick mode).
  const recordedAt = quick ? (await fs.promises.stat(lockFile).catch(() => undefined))?.mtimeMs : undefined;
  for (const key of Object.keys(lock.files).sort()) {
    const entry = lock.files[key];
    const file = path.resolve(base, key);
    const stat = await fs.promises.stat(file).catch(() => undefined);
    if (!stat?.isFile()) {
      report.missing.push(key);
      continue;
    }
    if (stat.size !== entry.size) {
      report.changed.push({ path: key, reason: `${stat.size} bytes, the lockfile says ${entry.size}`, size: stat.size });
      continue;
    }
    if (recordedAt !== undefined && stat.mtimeMs <= recordedAt && !alwaysHash.has(key)) {
      report.verified.push(key);
      continue;
    }
    const actual = await sha256OfFile(file);
    if (actual === entry.sha256) report.verified.push(key);
    else report.changed.push({ path: key, reason: `sha-256 ${actual}, the lockfile says ${entry.sha256}`, size: stat.size });
  }
  if (scanDir) {
    const skip = new Set([path.resolve(lockFile), ...ignore.map((f) => path.resolve(f))]);
    for (const file of await filesUnder(path.resolve(scanDir))) {
      if (skip.has(file) || /\.part(\.meta|\.lock)?$/.test(file) || /\.lock\.\d+\.tmp$/.test(file)) continue;
      const key = lockKey(lockFile, file);
      if (!(key in lock.files)) report.extra.push(key);
    }
    report.extra.sort();
  }
  return report;
}

async function filesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  const entries = await fs.promises.readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await filesUnder(full)));
    else if (entry.isFile()) found.push(full);
  }
  return found;
}
