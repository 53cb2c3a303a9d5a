// Two runs, one folder: a run owns a target while it downloads it, by creating `<name>.part.lock`
// exclusively. The lock names its owner (process id, machine, a token of the process), so another
// run knows to wait for it instead of writing the same `.part`, and a lock left by a killed run
// (its process is gone) is taken over. Two batches of one process (two in VS Code) wait for each
// other the same way.
import fs from 'node:fs';
import os from 'node:os';

/** Tells this process's locks from those of an earlier process that had the same process id. */
// Time and chance, not crypto's randomUUID: node:crypto costs start-up, and no secret is needed.
const PROCESS_TOKEN = `${Date.now().toString(36)}${process.hrtime.bigint().toString(36)}${Math.random().toString(36).slice(2)}`;
const HOST = os.hostname();
/** Locks held by any batch of this process. */
const heldHere = new Set<string>();
const NOFOLLOW = fs.constants.O_NOFOLLOW ?? 0;
const CREATE_EXCLUSIVE = fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL | NOFOLLOW;
/** A lock from another machine (a shared folder) whose owner cannot be asked counts as left over after this long. */
const FOREIGN_LOCK_STALE_MS = 24 * 60 * 60 * 1000;
const EMPTY_LOCK_GRACE_MS = 10_000;
const OWNER_TEXT = `${process.pid} ${HOST} ${PROCESS_TOKEN}`;
const USE_SYMLINKS = process.platform !== 'win32';

/** `<name>.part.lock` beside `<name>.part`. */
const lockPathOf = (partPath: string): string => `${partPath}.lock`;

/** Who holds a target: what "being downloaded by another run" names. */
export interface ClaimOwner {
  pid: number;
  host: string;
  /** Another batch of this very process (two batches in one VS Code window). */
  thisProcess: boolean;
}

export function describeOwner(owner: ClaimOwner): string {
  if (owner.thisProcess) return 'another batch in this window';
  return owner.host === HOST ? `another run (process ${owner.pid})` : `another run (process ${owner.pid} on ${owner.host})`;
}

/**
 * Takes the lock of `partPath`'s target. Returns undefined when this process now holds it, or who
 * holds it. Throws for file-system errors other than "it exists" (the caller reports them).
 */
export function claimTarget(partPath: string): ClaimOwner | undefined {
  const lockPath = lockPathOf(partPath);
  for (let attempt = 0; attempt < 5; attempt++) {
    if (createLock(lockPath)) return undefined;
    const found = readLock(lockPath);
    if (found === 'gone') continue; // released meanwhile
    if (found.owner && isLive(found.owner, found.token, lockPath, found.mtimeMs)) return found.owner;
    takeOverStale(lockPath, found.text);
  }
  // Still contended after several rounds (runs racing for a left-over lock): let the caller wait.
  return { pid: 0, host: HOST, thisProcess: false };
}

/** Gives the target up (the download finished, failed or was cancelled). */
export function releaseTarget(partPath: string): void {
  const lockPath = lockPathOf(partPath);
  if (!heldHere.delete(lockPath)) return;
  try {
    fs.unlinkSync(lockPath);
  } catch {
    // A lock that cannot be removed is taken over by the next run once this process is gone.
  }
}

/**
 * A symbolic link whose target is the owner's description: created atomically in one call (half
 * the cost of creating and writing a file, which a 2,000-file run feels). Windows (where a link
 * needs a privilege) gets a file created exclusively.
 */
function createLock(lockPath: string): boolean {
  try {
    if (USE_SYMLINKS) fs.symlinkSync(OWNER_TEXT, lockPath);
    else writeLockFile(lockPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
  heldHere.add(lockPath);
  return true;
}

function writeLockFile(lockPath: string): void {
  const fd = fs.openSync(lockPath, CREATE_EXCLUSIVE, 0o644);
  try {
    fs.writeSync(fd, OWNER_TEXT);
  } finally {
    fs.closeSync(fd);
  }
}

interface FoundLock {
  text: string;
  owner: ClaimOwner | undefined;
  token: string;
  mtimeMs(): number;
}

function readLock(lockPath: string): FoundLock | 'gone' {
  let text: string;
  try {
    text = readLockText(lockPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'gone';
    throw err;
  }
  const mtimeMs = () => {
    try {
      return fs.lstatSync(lockPath).mtimeMs;
    } catch {
      return 0;
    }
  };
  // An empty lock file is being written this instant (or its writer died at once): held for a moment.
  if (text === '') return { text, owner: Date.now() - mtimeMs() < EMPTY_LOCK_GRACE_MS ? { pid: 0, host: HOST, thisProcess: false } : undefined, token: '', mtimeMs };
  const [pidText, host, token = ''] = text.trim().split(' ');
  const pid = Number(pidText);
  if (!Number.isSafeInteger(pid) || pid <= 0 || !host) return { text, owner: undefined, token, mtimeMs };
  return { text, owner: { pid, host, thisProcess: pid === process.pid && token === PROCESS_TOKEN }, token, mtimeMs };
}

/** A link's target, or a lock file's content (a lock made on Windows, seen through a shared folder). */
function readLockText(lockPath: string): string {
  try {
    return fs.readlinkSync(lockPath);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EINVAL') throw err;
    return fs.readFileSync(lockPath, 'utf8');
  }
}

function isLive(owner: ClaimOwner, token: string, lockPath: string, mtimeMs: () => number): boolean {
  // This process: held if a batch here holds it; otherwise an earlier process that had our pid left it.
  if (owner.pid === process.pid && owner.host === HOST) return token === PROCESS_TOKEN && heldHere.has(lockPath);
  if (owner.host !== HOST) return Date.now() - mtimeMs() < FOREIGN_LOCK_STALE_MS;
  if (owner.pid === 0) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists (another user's).
    return (err as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/**
 * Removes a left-over lock, unless another run replaced it since it was read: the lock is moved
 * aside first (only one run can move a given file), and put back if it turns out to be live.
 */
function takeOverStale(lockPath: string, staleText: string): void {
  const aside = `${lockPath}.${PROCESS_TOKEN}.stale`;
  try {
    fs.renameSync(lockPath, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw err;
  }
  let moved = staleText;
  try {
    moved = readLockText(aside);
  } catch {
    // unreadable: treat it as the stale one
  }
  if (moved !== staleText) {
    // Another run took it over in between: give it back (fails harmlessly if a third run holds it now).
    try {
      fs.linkSync(aside, lockPath);
    } catch {
      // someone holds the lock again; the next round finds out who
    }
  }
  fs.rmSync(aside, { force: true });
}
