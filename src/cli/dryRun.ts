// --dry-run: what a run would do with each entry (which file, download or skip), decided by the
// engine's own naming (entryRelativePath, NameAllocator, TargetFolder.exists) as a Batch decides it
// before any response, without a request and without writing anything, not even a folder.
import fs from 'node:fs';
import path from 'node:path';
import { entrySource, type ListEntry, type OnExisting } from '../core';
import { hashOfFile } from '../core/fileHash';
import { TargetFolder } from '../core/folders';
import { NameAllocator } from '../core/nameAllocator';
import { entryRelativePath } from '../core/naming';
import { redactUrl } from '../core/urlCheck';

/** What a run would do with one entry; `failed` is a line of the list that cannot be used. */
export type DryRunAction = 'download' | 'skip' | 'download-again' | 'rename' | 'overwrite' | 'refresh-check' | 'failed';

export interface DryRunItem {
  /** As the engine shows it: a password reads "***". */
  url: string;
  /** "assets.txt:7", "<stdin>:2", "argument 1". */
  source: string;
  /** The file as seen from the current folder (as in the normal output); null when failed. */
  path: string | null;
  action: DryRunAction;
  /** Why the line cannot be used, as the normal report gives it ("line 7: not a URL: …"). */
  error?: string;
}

export interface DryRunOptions {
  /** --dir as the user typed it. */
  dir: string;
  onExisting: OnExisting;
  json: boolean;
}

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

/** Prints the plan (stdout) and returns the exit status a real run would have for the list's lines. */
export async function dryRun(entries: readonly ListEntry[], options: DryRunOptions, out: NodeJS.WritableStream = process.stdout, err: NodeJS.WritableStream = process.stderr): Promise<number> {
  const problem = await dirProblem(options.dir);
  if (problem) {
    err.write(`asset-fetch: cannot use --dir ${options.dir}: ${problem}\n`);
    return EXIT_USAGE;
  }
  const items = await plan(entries, options);
  if (options.json) {
    await writeJson(out, items);
    err.write(`${NOTE}\n`);
  } else {
    await writeText(out, items);
  }
  return items.some((item) => item.action === 'failed') ? EXIT_FAILED : EXIT_OK;
}

const NOTE =
  'dry run: nothing was requested or written. A server may still choose another name (Content-Disposition, or a redirect when the URL names no file), except for entries with out=.';

/** The decisions of a run, in list order: every name reserved as the Batch does, then each checked against the disk. */
export async function plan(entries: readonly ListEntry[], options: Pick<DryRunOptions, 'dir' | 'onExisting'>): Promise<DryRunItem[]> {
  const target = await TargetFolder.open(path.resolve(options.dir));
  const names = new NameAllocator();
  // As in Batch's constructor: names are reserved in list order before anything starts.
  const wanted = entries.map((entry, id): string | { error: string } => {
    if (!entry.url) return { error: entry.error ?? `line ${entry.line}: not a URL` };
    const relative = entryRelativePath(entry, entry.url);
    if (typeof relative !== 'string') return { error: `line ${entry.line}: ${relative.error}` };
    return names.reserve(relative, id);
  });
  const items: DryRunItem[] = [];
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
async function existing(entry: ListEntry, id: number, relative: string, onExisting: OnExisting, target: TargetFolder, names: NameAllocator): Promise<{ action: DryRunAction; finalPath: string }> {
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

/** A --dir that exists but is not a folder is the usage error a run gives; a missing one would be created. */
async function dirProblem(dir: string): Promise<string | undefined> {
  const stat = await fs.promises.stat(dir).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : e));
  if (stat instanceof Error) return stat.message;
  return stat && !stat.isDirectory() ? 'it exists and is not a folder' : undefined;
}

/** The text shown for an action: `rename to "logo (1).png"`, `skip (exists)`, … */
export function actionText(item: DryRunItem): string {
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

/**
 * One line per entry, "<action>  <url> → <path>", actions in one column; a line of the list that
 * cannot be used reads as in a run: "failed   assets.txt:7: not a URL: …".
 */
async function writeText(out: NodeJS.WritableStream, items: readonly DryRunItem[]): Promise<void> {
  const width = Math.max(0, ...items.filter((i) => i.action !== 'failed').map((i) => actionText(i).length));
  const counts = new Map<DryRunAction, number>();
  let text = '';
  for (const item of items) {
    counts.set(item.action, (counts.get(item.action) ?? 0) + 1);
    if (item.action === 'failed') {
      const fromList = /^(?:line|argument) \d+: /.exec(item.error ?? '');
      text += `failed   ${item.source}: ${fromList ? item.error!.slice(fromList[0].length) : item.error}\n`;
    } else {
      text += `${actionText(item).padEnd(width)}  ${item.url} → ${item.path}\n`;
    }
    if (text.length > 64 * 1024) {
      await write(out, text);
      text = '';
    }
  }
  const summary = [...counts].map(([action, n]) => (action === 'failed' ? `${n} unusable line${n === 1 ? '' : 's'}` : `${n} to ${action.replace('-', ' ')}`));
  await write(out, `${text}${summary.length > 0 ? `${summary.join(', ')}\n` : ''}${NOTE}\n`);
}

/** `{"items":[…]}`, written in slices so a 100,000-entry list needs no single huge string. */
async function writeJson(out: NodeJS.WritableStream, items: readonly DryRunItem[]): Promise<void> {
  const SLICE = 1000;
  for (let i = 0; i < items.length || i === 0; i += SLICE) {
    const slice = items.slice(i, i + SLICE).map((item) => JSON.stringify(item));
    await write(out, (i === 0 ? '{"items":[' : ',') + slice.join(','));
  }
  await write(out, ']}\n');
}

function write(out: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => out.write(text, (e) => (e ? reject(e) : resolve())));
}
