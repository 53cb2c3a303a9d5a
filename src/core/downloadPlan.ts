// The plan of a run: what it would do with each entry (which file, download or skip), decided by
// the engine's own naming (entryRelativePath, NameAllocator, TargetFolder.exists) as a Batch
// decides it before any response, without a request and without writing anything, not even a
// folder. The CLI's --dry-run prints it; the extension's "Preview Download" shows it (in the worker).
import path from 'node:path';
import { hashOfFile } from './fileHash';
import { TargetFolder } from './folders';
import { entrySource } from './listParser';
import { NameAllocator } from './nameAllocator';
import { entryRelativePath } from './naming';
import type { ListEntry, OnExisting } from './types';
import { redactUrl } from './urlCheck';

/** What a run would do with one entry; `failed` is a line of the list that cannot be used. */
export type PlanAction = 'download' | 'skip' | 'download-again' | 'rename' | 'overwrite' | 'refresh-check' | 'failed';

export interface PlanItem {
  /** As the engine shows it: a password reads "***". */
  url: string;
  /** "assets.txt:7", "<stdin>:2", "argument 1". */
  source: string;
  /** The file, `dir` joined with its path inside the target folder; null when failed. */
  path: string | null;
  action: PlanAction;
  /** Why the line cannot be used, as the normal report gives it ("line 7: not a URL: …"). */
  error?: string;
}

export interface PlanOptions {
  /** The target folder as the plan's paths should start: --dir as typed, or an absolute folder. */
  dir: string;
  onExisting: OnExisting;
}

/** The decisions of a run, in list order: every name reserved as the Batch does, then each checked against the disk. */
export async function planDownload(entries: readonly ListEntry[], options: PlanOptions): Promise<PlanItem[]> {
  const target = await TargetFolder.open(path.resolve(options.dir));
  const names = new NameAllocator();
  // As in Batch's constructor: names are reserved in list order before anything starts.
  const wanted = entries.map((entry, id): string | { error: string } => {
    if (!entry.url) return { error: entry.error ?? `line ${entry.line}: not a URL` };
    const relative = entryRelativePath(entry, entry.url);
    if (typeof relative !== 'string') return { error: `line ${entry.line}: ${relative.error}` };
    return names.reserve(relative, id);
  });
  const items: PlanItem[] = [];
  for (const [id, entry] of entries.entries()) {
    const url = redactUrl(entry.url ?? entry.raw);
    const source = entrySource(entry);
    const relative = wanted[id];
    if (typeof relative !== 'string') {
      items.push({ url, source, path: null, action: 'failed', error: relative.error });
      continue;
    }
    const { action, finalPath } = await existing(entry, id, relative, options.onExisting, target, names);
    items.push({ url, source, path: path.join(options.dir, finalPath), action });
  }
  return items;
}

/** download.ts's handleExistingFile, asking the disk the same questions and changing nothing. */
async function existing(entry: ListEntry, id: number, relative: string, onExisting: OnExisting, target: TargetFolder, names: NameAllocator): Promise<{ action: PlanAction; finalPath: string }> {
  const exists = (candidate: string) => target.exists(target.resolve(candidate));
  if (!(await exists(relative))) return { action: 'download', finalPath: relative };
  switch (onExisting) {
    case 'skip':
      return { action: (await checksumMatches(entry, target.resolve(relative))) ? 'skip' : 'download-again', finalPath: relative };
    case 'rename': {
      // Numbered from the name the entry wants, as the run does ("logo (3).png", never "logo (1) (1).png").
      const base = entryRelativePath(entry, entry.url!);
      names.release(relative, id);
      return { action: 'rename', finalPath: await names.reserveNotOnDisk(typeof base === 'string' ? base : relative, id, exists) };
    }
    case 'overwrite':
      return { action: 'overwrite', finalPath: relative };
    case 'refresh':
      return { action: 'refresh-check', finalPath: relative };
  }
}

/** True without a checksum in the list; otherwise whether the file on disk has it. */
async function checksumMatches(entry: ListEntry, file: string): Promise<boolean> {
  const checksum = entry.checksum;
  if (!checksum) return true;
  try {
    return (await hashOfFile(checksum.algorithm, file)).digest('hex') === checksum.hex;
  } catch {
    return false; // unreadable (a folder?): the run would not count it as skipped either
  }
}

/** The text shown for an action: `rename to "logo (1).png"`, `skip (exists)`, … */
export function planActionText(item: Pick<PlanItem, 'action' | 'path'>): string {
  switch (item.action) {
    case 'skip':
      return 'skip (exists)';
    case 'download-again':
      return 'download again (exists, checksum differs)';
    case 'rename':
      return `rename to "${path.basename(item.path!)}"`;
    case 'refresh-check':
      return 'refresh check (exists: asks the server whether it changed)';
    default:
      return item.action;
  }
}
