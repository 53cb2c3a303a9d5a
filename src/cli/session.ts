// --save-session FILE: keeps FILE listing the downloads of this run that are not done yet (as a
// list the CLI reads again), rewritten as items finish and at the end, so even a killed run
// (SIGKILL, a closed terminal) leaves a list of what is left. Done items (ok, skipped) leave it.
import { writeFileAtomicSync } from '../core/atomicFile';
import { sessionListText, type SessionItem } from '../core/sessionList';
import type { BatchUpdate, ListEntry } from '../core';

/** The session file is rewritten at most this often while a run goes on (and once at its end). */
const WRITE_INTERVAL_MS = 500;

export class SessionWriter {
  /** Unfinished items by id (the entry's index): where each goes. */
  private readonly left = new Map<number, SessionItem>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly file: string,
    private readonly entries: readonly ListEntry[],
    private readonly targetDir: string,
    relativePaths: ReadonlyMap<number, string>,
  ) {
    for (const [id, relativePath] of relativePaths) this.left.set(id, { entry: entries[id], relativePath });
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
    if (changed) this.timer ??= setTimeout(() => this.write(), WRITE_INTERVAL_MS);
  }

  /** After the run: the last state. */
  finish(): void {
    this.write();
  }

  private write(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const items = [...this.left.values()];
    const header =
      items.length === 0
        ? ['asset-fetch session: nothing left to download.']
        : [
            `asset-fetch session: ${items.length} of ${this.entries.length} downloads not done yet, written ${new Date().toISOString()}.`,
            `Continue them with: asset-fetch --dir ${quoteArg(this.targetDir)} ${quoteArg(this.file)}  (give --header options again: they are not saved)`,
          ];
    writeFileAtomicSync(this.file, sessionListText(items, header));
  }
}

function quoteArg(value: string): string {
  return /^[\w./:@%+=,-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}
