// Creates sub-folders of the target on demand and proves each one is really inside it, even when
// a symlink in the target points elsewhere. Results are cached: 2,000 files in one folder cost
// one mkdir, one realpath and one readdir (what existed before the run), not 2,000 stat calls.
import fs from 'node:fs';
import path from 'node:path';
import { DownloadError } from './errors';
import { resolveInside } from './naming';

export class TargetFolder {
  private readonly checked = new Map<string, Promise<void>>();
  private listings = new Map<string, Promise<Set<string>>>();

  private constructor(readonly root: string) {}

  // Synchronous: at a batch's start nothing else waits on this thread, and fs.promises (loading
  // its module, two thread-pool round trips) cost a CLI's start more than these two calls. The
  // folder listing below uses the callback API for the same reason.
  static async create(dir: string): Promise<TargetFolder> {
    fs.mkdirSync(dir, { recursive: true });
    return new TargetFolder(fs.realpathSync(dir));
  }

  /**
   * The folder as it is, creating nothing (a dry run): `exists` answers as during a run, and a
   * folder that does not exist yet simply holds no files.
   */
  static async open(dir: string): Promise<TargetFolder> {
    return new TargetFolder(await fs.promises.realpath(dir).catch(() => path.resolve(dir)));
  }

  /** Absolute path of `relative` inside the root; throws if it would be outside. */
  resolve(relative: string): string {
    return resolveInside(this.root, relative);
  }

  /** Makes sure the folder that will hold `absolutePath` exists inside the root. */
  ensureParent(absolutePath: string): Promise<void> {
    const dir = path.dirname(absolutePath);
    if (dir === this.root) return Promise.resolve();
    let pending = this.checked.get(dir);
    if (!pending) {
      pending = this.createInside(dir);
      this.checked.set(dir, pending);
      pending.catch(() => this.checked.delete(dir));
    }
    return pending;
  }

  /**
   * Whether a file was there when its folder was first listed in this run. Files this run creates
   * are tracked by the NameAllocator, so a listing per folder answers every question cheaply.
   */
  async exists(absolutePath: string): Promise<boolean> {
    const names = await this.listing(path.dirname(absolutePath));
    return names.has(path.basename(absolutePath));
  }

  /** Forgets folder listings, e.g. before a retry run, when this run's files exist too. */
  forgetListings(): void {
    this.listings = new Map();
  }

  private listing(dir: string): Promise<Set<string>> {
    let names = this.listings.get(dir);
    if (!names) {
      names = new Promise((resolve) => fs.readdir(dir, (err, entries) => resolve(new Set(err ? [] : entries))));
      this.listings.set(dir, names);
    }
    return names;
  }

  private async createInside(dir: string): Promise<void> {
    await fs.promises.mkdir(dir, { recursive: true });
    const real = await fs.promises.realpath(dir);
    const rel = path.relative(this.root, real);
    if (rel.startsWith('..') || path.isAbsolute(rel)) {
      throw new DownloadError(`folder ${path.relative(this.root, dir)} resolves outside the target folder (symlink?)`, false, 'FILE_SYSTEM');
    }
  }
}
