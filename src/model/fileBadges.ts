// Which file gets which Explorer badge, read from the model: a file this window's batches
// downloaded (the item that wrote it), a list file whose latest batch has failures, and, from
// lockBadges.ts, a file that differs from what its lockfile recorded and the list of that lockfile.
// The only thing kept here is an index from path to item record (the Explorer asks per file;
// scanning 10,000 items per question would not do); states are read from the records when asked.
// Changed paths are announced in batches, at most once per `delayMs`, and only those whose badge
// may have changed.
import path from 'node:path';
import type { BatchRecord, DownloadsModel, ItemRecord } from './downloadsModel';
import { Emitter } from './emitter';
import type { ChangedFile, LockBadges, OutOfDate } from './lockBadges';
import { Disposable } from '../core/lifecycle';
import { NOT_NORMAL_POSIX, plainJoin } from '../core/naming';
import { Throttle } from '../core/timers';

export type FileBadge =
  | { kind: 'downloaded'; item: ItemRecord }
  /** The list's newest batch, and how many of its items failed. */
  | { kind: 'failed'; batch: BatchRecord; failed: number }
  /** A file its lockfile lists, with other bytes on disk than it recorded. */
  | { kind: 'changed'; changed: ChangedFile }
  /** A list whose lockfile's files are changed or missing. */
  | { kind: 'outOfDate'; outOfDate: OutOfDate };

/** Badges change in bursts (a batch finishing hundreds of files a second): announced at most this often. */
export const BADGE_UPDATE_MS = 500;

export class FileBadges extends Disposable {
  /** File path (see `pathKey`) → the item that downloaded it in this window. */
  private readonly downloaded = new Map<string, ItemRecord>();
  /**
   * The path each badged item was badged under, so its updates cost no path arithmetic. A Map, not
   * a WeakMap: 10,000 weak entries made the host's major GCs slower; pruned with removed batches.
   */
  private readonly keyOfItem = new Map<ItemRecord, { relative: string; file: string; key: string }>();
  /** Path keys of the batches' list files. */
  private readonly listKeys = new WeakMap<BatchRecord, string>();
  /** The failures last announced per batch, so an update that changes nothing about them costs nothing. */
  private readonly announcedFailures = new WeakMap<BatchRecord, number>();
  /** List files that had a badge announced: a removed batch takes theirs away. */
  private readonly badgedLists = new Set<string>();
  private readonly pending = new Set<string>();
  private readonly changed = this.register(new Emitter<string[]>());
  private readonly throttle: Throttle;

  /** Paths (as given to badgeOf) whose badge may have changed: coalesced, each path once. */
  readonly onDidChange = this.changed.event;

  constructor(
    private readonly model: DownloadsModel,
    delayMs = BADGE_UPDATE_MS,
    /** Files and lists out of date against their lockfile. */
    private readonly locks?: LockBadges,
  ) {
    super();
    this.throttle = this.register(new Throttle(delayMs, () => this.announce()));
    if (locks) this.register(locks.onDidChange((files) => files.forEach((file) => this.schedule(file))));
    this.register(
      model.onDidChange(({ batch, items }) => {
        for (const item of items) this.track(item);
        this.trackList(batch);
      }),
    );
    this.register(model.onDidFinishRun((batch) => this.trackList(batch)));
    // A new batch of a list replaces its badge; a removed batch takes its badges away.
    this.register(model.onDidChangeBatches(() => this.prune()));
  }

  /**
   * The badge of the file at `file` (an absolute path), if any. On a list, failures before "out of
   * date"; on a file, "changed" before "downloaded".
   */
  badgeOf(file: string): FileBadge | undefined {
    // The Explorer asks per file, thousands at a time after a big change: no path is normalized twice.
    const key = pathKey(file);
    const latest = this.model.batches.find((b) => b.listPath !== undefined && this.listKeyOf(b) === key);
    const failed = latest?.stats?.failed ?? 0;
    if (latest && failed > 0) return { kind: 'failed', batch: latest, failed };
    const changed = this.locks?.changedFile(file);
    if (changed) return { kind: 'changed', changed };
    const outOfDate = this.locks?.outOfDate(file);
    if (outOfDate) return { kind: 'outOfDate', outOfDate };
    const item = this.downloaded.get(key);
    return item && isDownloaded(item) && this.model.batch(item.batch.id) === item.batch ? { kind: 'downloaded', item } : undefined;
  }

  private listKeyOf(batch: BatchRecord): string {
    let key = this.listKeys.get(batch);
    if (key === undefined) this.listKeys.set(batch, (key = pathKey(batch.listPath ?? '')));
    return key;
  }

  private track(item: ItemRecord): void {
    const known = this.keyOfItem.get(item);
    if (!isDownloaded(item)) {
      // Most updates are of items not done yet: nothing to compute unless this one had a badge.
      if (known === undefined || this.downloaded.get(known.key) !== item) return;
      this.downloaded.delete(known.key);
      this.schedule(known.file);
      return;
    }
    const relative = item.snapshot.relativePath;
    if (relative === undefined) return;
    if (known?.relative === relative && this.downloaded.get(known.key) === item) return;
    const file = plainJoin(item.batch.targetDir, relative) ?? path.join(item.batch.targetDir, relative);
    const key = normalPathKey(file); // join has normalized it
    if (known && known.key !== key && this.downloaded.get(known.key) === item) {
      this.downloaded.delete(known.key);
      this.schedule(known.file);
    }
    this.keyOfItem.set(item, { relative, file, key });
    this.downloaded.set(key, item);
    this.schedule(file);
  }

  private trackList(batch: BatchRecord): void {
    if (batch.listPath === undefined) return;
    const failed = batch.stats?.failed ?? 0;
    if (this.announcedFailures.get(batch) === failed) return;
    this.announcedFailures.set(batch, failed);
    this.badgedLists.add(batch.listPath);
    this.schedule(batch.listPath);
  }

  private prune(): void {
    for (const item of this.keyOfItem.keys()) if (this.model.batch(item.batch.id) !== item.batch) this.keyOfItem.delete(item);
    for (const [key, item] of this.downloaded) {
      if (this.model.batch(item.batch.id) === item.batch) continue;
      this.downloaded.delete(key);
      this.schedule(path.join(item.batch.targetDir, item.snapshot.relativePath ?? ''));
    }
    for (const list of this.badgedLists) this.schedule(list);
    this.badgedLists.clear();
    for (const batch of this.model.batches) if (batch.listPath !== undefined) this.badgedLists.add(batch.listPath);
  }

  private schedule(file: string): void {
    this.pending.add(file);
    this.throttle.schedule();
  }

  private announce(): void {
    if (this.pending.size === 0) return;
    const files = [...this.pending];
    this.pending.clear();
    this.changed.fire(files);
  }
}

function isDownloaded(item: ItemRecord): boolean {
  return item.snapshot.state === 'ok' && !item.paused;
}

/** Paths compare as the OS does: case-insensitively on Windows and macOS' default volumes. */
export function pathKey(file: string): string {
  return normalPathKey(NOT_NORMAL.test(file) ? path.normalize(file) : file);
}

/**
 * What path.normalize would change in an absolute path: "//", "/./", "/../", a trailing "/" or
 * "/." (on Windows, anything: "\\" and "/" mix). Most paths asked about need nothing, and
 * normalizing thousands of them showed in the extension host's profile.
 */
const NOT_NORMAL = process.platform === 'win32' ? /(?:)/ : NOT_NORMAL_POSIX;

/** pathKey of a path known to be normalized (one built from normalized parts). */
export function normalPathKey(normal: string): string {
  return CASE_INSENSITIVE ? normal.toLowerCase() : normal;
}

const CASE_INSENSITIVE = process.platform === 'win32' || process.platform === 'darwin';
