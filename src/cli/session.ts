// --save-session FILE: keeps FILE listing the downloads of this run that are not done yet (as a
// list the CLI reads again), rewritten as items finish and at the end, so even a killed run
// (SIGKILL, a closed terminal) leaves a list of what is left. Done items (ok, skipped) leave it.
import { writeFileAtomicSync } from '../core/atomicFile';
import { sessionListText, type SessionItem } from '../core/sessionList';
import type { BatchUpdate, ListEntry } from '../core';
import { Throttle } from '../core/timers';

/** The session file is rewritten at most this often while a run goes on (and once at its end). */
const WRITE_INTERVAL_MS = 500;

export class SessionWriter {
  /** Unfinished items by id (the entry's index): where each goes. */
  private readonly left = new Map<number, SessionItem>();
  private readonly rewrite = new Throttle(WRITE_INTERVAL_MS, () => this.write());
  /** Entries with a URL (a list's unusable lines are not downloads). */
  private readonly downloads: number;

  constructor(
    private readonly file: string,
    entries: readonly ListEntry[],
    private readonly targetDir: string,
    relativePaths: ReadonlyMap<number, string>,
    /** The run's lockfile, named in the hint so that continuing keeps it up to date. */
    private readonly lockFile?: string,
  ) {
    for (const [id, relativePath] of relativePaths) this.left.set(id, { entry: entries[id], relativePath });
    this.downloads = relativePaths.size;
    this.write();
  }

  update(update: BatchUpdate): void {
    let changed = false;
    for (const item of update.changed) {
      const known = this.left.get(item.id);
      if (!known) continue;
      if (item.state === 'ok' || item.state === 'skipped') this.left.delete(item.id);
      // A new name (--on-existing rename, a server-chosen name) is where the file goes now.
      else if (item.relativePath && item.relativePath !== known.relativePath) known.relativePath = item.relativePath;
      else continue;
      changed = true;
    }
    if (changed) this.rewrite.schedule();
  }

  /** After the run: the last state. */
  finish(): void {
    this.rewrite.flush();
  }

  private write(): void {
    const items = [...this.left.values()];
    const header =
      items.length === 0
        ? ['asset-fetch session: nothing left to download.']
        : [
            `asset-fetch session: ${items.length} of ${this.downloads} downloads not done yet, written ${new Date().toISOString()}.`,
            `Continue them with: asset-fetch --dir ${quoteArg(this.targetDir)}${this.lockFile ? ` --lock-file ${quoteArg(this.lockFile)}` : ''} ${quoteArg(this.file)}  (give --header options again: they are not saved)`,
          ];
    writeFileAtomicSync(this.file, sessionListText(items, header));
  }
}

function quoteArg(value: string): string {
  return /^[\w./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
