// Which files are out of date against their lockfile, for the Explorer badges (fileBadges.ts):
// the lockfiles beside list files (found in the workspace by vscode/lockfileWatchers.ts, written
// by a batch, or verified by "Verify Lockfile"), each checked in the worker by a quick verify
// (files not modified since the lockfile was written are not hashed), at most once per
// LOCK_CHECK_MS per lockfile, and never while a batch of its list runs: its files are mid-write
// and the lockfile is rewritten at the end of the run, which checks it again. What a check found
// is kept per lockfile; a changed path is one Map lookup away (the watchers call fileChanged for
// every file event in the folders).
import path from 'node:path';
import { listOfLockfile, LOCKFILE_SUFFIX } from '../core/lockfile';
import { Disposable, DisposableMap } from '../core/lifecycle';
import { Throttle } from '../core/timers';
import type { LockVerification, VerifyResult } from '../worker/lockAndPlan';
import type { BatchRecord, DownloadsModel } from './downloadsModel';
import { Emitter } from './emitter';
import { normalPathKey, pathKey } from './fileBadges';

/** A lockfile is checked at most this often (file events come in bursts: a copy of a folder, a build). */
export const LOCK_CHECK_MS = 2000;
/** Listed files in more folders than this are watched from their common folder, recursively. */
const MAX_WATCH_FOLDERS = 16;

/** A listed file that is on disk with other bytes than the lockfile recorded. */
export interface ChangedFile {
  /** Its path, as announced. */
  file: string;
  lockFile: string;
  /** Its key in the lockfile. */
  key: string;
  /** The URL the lockfile recorded (a password as "***"). */
  url: string;
  /** Bytes on disk. */
  size: number;
  /** Bytes the lockfile recorded (the same as `size` when only the SHA-256 differs). */
  recordedSize: number;
}

/** A list whose lockfile's files are not all as it recorded them. */
export interface OutOfDate {
  lockFile: string;
  listFile: string;
  changed: number;
  missing: number;
}

/** A folder to watch for changes to listed files; `recursive` when some lie in folders below it. */
export interface WatchFolder {
  path: string;
  recursive: boolean;
}

/** How a check of a lockfile ended (for the tests and the log). */
export interface LockCheck {
  lockFile: string;
  /**
   * 'checked': its state is the check's; 'dropped': not a lockfile (yarn.lock, Cargo.lock...) or
   * gone, no longer tracked; 'deferred': a batch of its list runs, its end checks again; 'failed':
   * the worker could not check it, the state is kept.
   */
  outcome: 'checked' | 'dropped' | 'deferred' | 'failed';
}

/**
 * The check of one lockfile, in the worker: EngineClient.verify(lockFile, undefined, [], true,
 * changed). `changed`: the keys of the files found changed so far, hashed whatever their time, so
 * a quick check never forgets a change (one "Verify Lockfile" found in a file of the old time).
 */
export type QuickVerify = (lockFile: string, changed: string[]) => Promise<VerifyResult>;

class TrackedLock {
  /** The keys (paths relative to the lockfile) of the files it lists. */
  keys = new Set<string>();
  /** Path keys of the files it lists. */
  listed: string[] = [];
  /** By path key. */
  changed = new Map<string, ChangedFile>();
  missing = 0;
  folders: WatchFolder[] = [];
  /** Bumped by a full verification: a quick check sent before it must not overwrite it. */
  generation = 0;
  inFlight = false;
  again = false;

  constructor(
    readonly file: string,
    readonly listFile: string,
    readonly throttle: Throttle,
  ) {}
}

export class LockBadges extends Disposable {
  /** By the lockfile's path key. */
  private readonly locks = new Map<string, TrackedLock>();
  /** By the list file's path key. */
  private readonly byList = new Map<string, TrackedLock>();
  /** Path key of a listed file → the lockfiles listing it (almost always one). */
  private readonly listedBy = new Map<string, TrackedLock[]>();
  private readonly throttles = this.register(new DisposableMap<string>());
  private readonly changed = this.register(new Emitter<string[]>());
  private readonly folders = this.register(new Emitter<string>());
  private readonly checked = this.register(new Emitter<LockCheck>());

  /** Paths whose badge may have changed (changed files and list files), not coalesced: FileBadges coalesces. */
  readonly onDidChange = this.changed.event;
  /** The folders of a lockfile's files changed (see foldersOf); also when it is no longer tracked. */
  readonly onDidChangeFolders = this.folders.event;
  /** A check of a lockfile ended. */
  readonly onDidCheck = this.checked.event;

  constructor(
    private readonly model: DownloadsModel,
    private readonly check: QuickVerify,
    private readonly delayMs = LOCK_CHECK_MS,
  ) {
    super();
    // A batch of a list with a lockfile rewrote it (or its files): checked once the run ends.
    this.register(
      model.onDidFinishRun((batch) => {
        const lockFile = batch.options.lockfile?.file;
        if (lockFile) this.track(lockFile, batch.listPath);
        else if (batch.listPath !== undefined) this.locks.get(pathKey(batch.listPath + LOCKFILE_SUFFIX))?.throttle.schedule();
      }),
    );
  }

  /** Lockfiles tracked now. */
  get lockFiles(): string[] {
    return [...this.locks.values()].map((l) => l.file);
  }

  isTracked(lockFile: string): boolean {
    return this.locks.has(pathKey(lockFile));
  }

  /** Follows `lockFile` (beside `listFile`, by default its path without ".lock"): checked soon, and again when it or its files change. */
  track(lockFile: string, listFile?: string): void {
    const key = pathKey(lockFile);
    let lock = this.locks.get(key);
    if (!lock) {
      const list = listFile ?? listOfLockfile(lockFile) ?? lockFile;
      const throttle = new Throttle(this.delayMs, () => void this.run(key));
      this.throttles.set(key, throttle);
      lock = new TrackedLock(lockFile, list, throttle);
      this.locks.set(key, lock);
      this.byList.set(pathKey(list), lock);
    }
    lock.throttle.schedule();
  }

  /** Stops following `lockFile` (deleted, or not a lockfile): its badges go. */
  untrack(lockFile: string): void {
    const key = pathKey(lockFile);
    const lock = this.locks.get(key);
    if (!lock) return;
    this.locks.delete(key);
    if (this.byList.get(pathKey(lock.listFile)) === lock) this.byList.delete(pathKey(lock.listFile));
    this.throttles.delete(key);
    lock.keys.clear();
    this.setListed(lock, [], []);
    const announced = [...lock.changed.values()].map((c) => c.file);
    if (lock.changed.size > 0 || lock.missing > 0) announced.push(lock.listFile);
    lock.changed.clear();
    lock.missing = 0;
    if (announced.length > 0) this.changed.fire(announced);
  }

  /**
   * A file event (changed, created, deleted) at `file`: a tracked lockfile, or a file one lists, is
   * checked again (throttled). Anything else costs one Map lookup.
   */
  fileChanged(file: string): void {
    const key = pathKey(file);
    const owners = this.listedBy.get(key);
    if (owners) for (const lock of owners) lock.throttle.schedule();
    this.locks.get(key)?.throttle.schedule();
  }

  /** A full verification ("Verify Lockfile"): the real check, taken as it is; the lockfile is tracked from now on. */
  apply(verification: LockVerification): void {
    const key = pathKey(verification.lockFile);
    if (!this.locks.has(key)) {
      this.track(verification.lockFile);
      this.locks.get(key)!.throttle.cancel();
    }
    const lock = this.locks.get(key)!;
    lock.generation++;
    this.applyTo(lock, verification);
  }

  /** The changed listed file at `file`, if any. */
  changedFile(file: string): ChangedFile | undefined {
    if (this.locks.size === 0) return undefined;
    const key = pathKey(file);
    for (const owner of this.listedBy.get(key) ?? []) {
      const changed = owner.changed.get(key);
      if (changed) return changed;
    }
    return undefined;
  }

  /** The list at `file`, when files its lockfile lists are changed or missing. */
  outOfDate(file: string): OutOfDate | undefined {
    const lock = this.byList.get(pathKey(file));
    if (!lock || (lock.changed.size === 0 && lock.missing === 0)) return undefined;
    return { lockFile: lock.file, listFile: lock.listFile, changed: lock.changed.size, missing: lock.missing };
  }

  /** The folders holding the files `lockFile` lists (empty before its first check); undefined when it is not tracked. */
  foldersOf(lockFile: string): readonly WatchFolder[] | undefined {
    return this.locks.get(pathKey(lockFile))?.folders;
  }

  private async run(key: string): Promise<void> {
    const lock = this.locks.get(key);
    if (!lock || this.isDisposed) return;
    if (this.listRunning(lock)) {
      // Its files are mid-write: onDidFinishRun checks it.
      this.checked.fire({ lockFile: lock.file, outcome: 'deferred' });
      return;
    }
    if (lock.inFlight) {
      lock.again = true;
      return;
    }
    lock.inFlight = true;
    const generation = lock.generation;
    const result = await this.check(lock.file, [...lock.changed.values()].map((c) => c.key)).catch((err: Error): VerifyResult => ({ problem: { code: 'WORKER_FAILED', message: err.message } }));
    lock.inFlight = false;
    if (this.isDisposed || this.locks.get(key) !== lock) return;
    if (lock.again) {
      lock.again = false;
      lock.throttle.schedule();
    }
    if (generation !== lock.generation) return; // a full verification came in meanwhile
    if (this.listRunning(lock)) {
      this.checked.fire({ lockFile: lock.file, outcome: 'deferred' });
      return;
    }
    if (result.problem) {
      // Not an Asset Fetch lockfile (yarn.lock...), or gone: nothing to say about it.
      const drop = result.problem.code === 'LOCKFILE' || result.problem.code === 'NO_LOCKFILE';
      if (drop) this.untrack(lock.file);
      this.checked.fire({ lockFile: lock.file, outcome: drop ? 'dropped' : 'failed' });
      return;
    }
    this.applyTo(lock, result.verification);
    this.checked.fire({ lockFile: lock.file, outcome: 'checked' });
  }

  /** Whether a run of a batch of the lockfile's list (or one writing the lockfile) is under way. */
  private listRunning(lock: TrackedLock): boolean {
    const key = pathKey(lock.file);
    return this.model.batches.some((b) => b.running && lockKeyOf(b) === key);
  }

  private applyTo(lock: TrackedLock, v: LockVerification): void {
    const { report } = v;
    const { base, resolve } = resolverOf(v.lockFile);
    // The same files as last time (the common case: 10,000 paths are not resolved again).
    const count = report.verified.length + report.missing.length + report.changed.length;
    const same = count === lock.keys.size && [report.verified, report.missing].every((keys) => keys.every((k) => lock.keys.has(k))) && report.changed.every((c) => lock.keys.has(c.path));
    if (!same) {
      const keys = [...report.verified, ...report.missing, ...report.changed.map((c) => c.path)];
      lock.keys = new Set(keys);
      // Their folders from the keys' folders (a few), not from 10,000 paths.
      const folders = new Set(keys.map((k) => k.slice(0, Math.max(0, k.lastIndexOf('/')))));
      this.setListed(lock, keys.map(resolve), [...folders].map((f) => (f === '' ? base : resolve(f))));
    }
    const changed = new Map<string, ChangedFile>();
    for (const { path: key, size } of report.changed) {
      const file = resolve(key);
      const recorded = v.recorded[key];
      changed.set(normalPathKey(file), { file, lockFile: lock.file, key, url: recorded?.url ?? '', size, recordedSize: recorded?.size ?? size });
    }
    const announced: string[] = [];
    for (const [key, before] of lock.changed) {
      const now = changed.get(key);
      if (!now || now.size !== before.size || now.recordedSize !== before.recordedSize || now.url !== before.url) announced.push(before.file);
    }
    for (const [key, now] of changed) if (!lock.changed.has(key)) announced.push(now.file);
    if (changed.size !== lock.changed.size || report.missing.length !== lock.missing) announced.push(lock.listFile);
    lock.changed = changed;
    lock.missing = report.missing.length;
    if (announced.length > 0) this.changed.fire(announced);
  }

  /** Keeps the index of listed files and the folders to watch in step with what `lock` lists now (normalized paths, and their folders). */
  private setListed(lock: TrackedLock, files: string[], dirs: string[]): void {
    const keys = files.map(normalPathKey);
    for (const key of lock.listed) {
      const owners = this.listedBy.get(key)?.filter((l) => l !== lock);
      if (owners?.length) this.listedBy.set(key, owners);
      else this.listedBy.delete(key);
    }
    for (const key of keys) {
      const owners = this.listedBy.get(key);
      if (!owners) this.listedBy.set(key, [lock]);
      else if (!owners.includes(lock)) owners.push(lock);
    }
    lock.listed = keys;
    const folders = watchFolders(dirs);
    if (JSON.stringify(folders) === JSON.stringify(lock.folders)) return;
    lock.folders = folders;
    this.folders.fire(lock.file);
  }
}

/**
 * Turns a lockfile's keys into normalized absolute paths: "img/a.png" by concatenation (path.resolve
 * of 10,000 keys costs tens of ms on the extension host), anything else ("../out/a.png") by path.resolve.
 */
function resolverOf(lockFile: string): { base: string; resolve: (key: string) => string } {
  const base = path.dirname(path.resolve(lockFile));
  const prefix = base.endsWith(path.sep) ? base : base + path.sep;
  // No "." or ".." segment, no empty segment, no backslash.
  const plain = /^(?!\.\.?(\/|$))(?!.*\/\.\.?(\/|$))(?!.*\/\/)[^\\]+$/;
  return { base, resolve: (key) => (plain.test(key) ? prefix + (path.sep === '/' ? key : key.replaceAll('/', path.sep)) : path.resolve(base, key)) };
}

/** The path key of the lockfile a batch writes, or of the one beside its list. */
function lockKeyOf(batch: BatchRecord): string | undefined {
  const file = batch.options.lockfile?.file ?? (batch.listPath === undefined ? undefined : batch.listPath + LOCKFILE_SUFFIX);
  return file === undefined ? undefined : pathKey(file);
}

/**
 * The fewest folders to watch for files in `folders`: each of them, less those inside another
 * (which is then watched recursively); past MAX_WATCH_FOLDERS, their common folder, recursively.
 */
export function watchFolders(folders: readonly string[]): WatchFolder[] {
  const dirs = [...new Set(folders)].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  if (dirs.length > MAX_WATCH_FOLDERS) return [{ path: commonFolder(dirs), recursive: true }];
  const watched: WatchFolder[] = [];
  for (const dir of dirs) {
    const outer = watched.find((f) => isInside(dir, f.path));
    if (outer) outer.recursive = true;
    else watched.push({ path: dir, recursive: false });
  }
  return watched;
}

function isInside(dir: string, folder: string): boolean {
  const relative = path.relative(folder, dir);
  return relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
}

function commonFolder(dirs: readonly string[]): string {
  let common = dirs[0];
  for (const dir of dirs) while (common !== path.dirname(common) && dir !== common && !isInside(dir, common)) common = path.dirname(common);
  return common;
}
