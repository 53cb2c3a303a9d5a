// --dry-run: prints the plan of a run (src/core/downloadPlan.ts: which file, download or skip),
// without a request and without writing anything, not even a folder.
import fs from 'node:fs';
import { type ListEntry, type OnExisting } from '../core';
import { planActionText, planDownload, type PlanAction, type PlanItem } from '../core/downloadPlan';

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
  const items = await planDownload(entries, options);
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

/** A --dir that exists but is not a folder is the usage error a run gives; a missing one would be created. */
async function dirProblem(dir: string): Promise<string | undefined> {
  const stat = await fs.promises.stat(dir).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : e));
  if (stat instanceof Error) return stat.message;
  return stat && !stat.isDirectory() ? 'it exists and is not a folder' : undefined;
}

/**
 * One line per entry, "<action>  <url> → <path>", actions in one column; a line of the list that
 * cannot be used reads as in a run: "failed   assets.txt:7: not a URL: …".
 */
async function writeText(out: NodeJS.WritableStream, items: readonly PlanItem[]): Promise<void> {
  const width = Math.max(0, ...items.filter((i) => i.action !== 'failed').map((i) => planActionText(i).length));
  const counts = new Map<PlanAction, number>();
  let text = '';
  for (const item of items) {
    counts.set(item.action, (counts.get(item.action) ?? 0) + 1);
    if (item.action === 'failed') {
      const fromList = /^(?:line|argument) \d+: /.exec(item.error ?? '');
      text += `failed   ${item.source}: ${fromList ? item.error!.slice(fromList[0].length) : item.error}\n`;
    } else {
      text += `${planActionText(item).padEnd(width)}  ${item.url} → ${item.path}\n`;
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
async function writeJson(out: NodeJS.WritableStream, items: readonly PlanItem[]): Promise<void> {
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
