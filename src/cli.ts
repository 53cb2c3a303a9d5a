#!/usr/bin/env node
// asset-fetch: the headless front end of the engine, for CI and benchmarks.
import './cli/v8Flags';
import fs from 'node:fs';
import path from 'node:path';
import { Batch, decodeListBytes, ListError, listTooLarge, MAX_LIST_CHARS, mergeLists, parseList, parseUrlArguments, VERSION, type ListFormat, type ParsedList } from './core';
import { parseCliArgs, UsageError, USAGE, type CliArgs, type CliInput } from './cli/args';
import { displayPath, LineDisplay, TerminalDisplay, type Display } from './cli/display';
import { verifyCommand } from './cli/lock';
import { freezeEntries, LockWriter } from './core/lockWriter';
import { writeJsonReport } from './cli/report';
import { dryRun } from './cli/dryRun';
import { SessionWriter } from './cli/session';

const EXIT_OK = 0;
const EXIT_FAILED = 1;
const EXIT_USAGE = 2;

async function main(argv: string[]): Promise<number> {
  let args: CliArgs;
  try {
    args = parseCliArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`asset-fetch: ${err.message}\n\n${USAGE}\n`);
    return EXIT_USAGE;
  }
  if (args.help) {
    process.stdout.write(USAGE + '\n');
    return EXIT_OK;
  }
  if (args.version) {
    process.stdout.write(`asset-fetch ${VERSION}\n`);
    return EXIT_OK;
  }

  if (args.verify) {
    const lists = args.inputs.flatMap((input) => (input.kind === 'file' ? [input.path] : []));
    try {
      return (await verifyCommand(args.lockFile!, args.dir, lists, process.stdout, args.json)) ? EXIT_OK : EXIT_FAILED;
    } catch (err) {
      process.stderr.write(`asset-fetch: ${(err as Error).message}\n`);
      return EXIT_USAGE;
    }
  }

  let list: ParsedList;
  try {
    list = mergeLists(await readInputs(args.inputs, args.format));
  } catch (err) {
    process.stderr.write(`asset-fetch: ${(err as Error).message}\n`);
    return EXIT_USAGE;
  }
  if (args.download.tls?.insecure) process.stderr.write('warning: --insecure: TLS certificates are not checked; anyone on the way can change what is downloaded\n');
  for (const warning of list.warnings) process.stderr.write(`warning: ${warning}\n`);
  if (list.entries.length === 0) process.stderr.write(`warning: no URLs found in ${args.inputs.map(describeInput).join(', ')}\n`);

  if (args.dryRun) return dryRun(list.entries, { dir: args.dir, onExisting: args.download.onExisting, json: args.json });
  const targetDir = path.resolve(args.dir);
  try {
    // Checked here so that a bad --dir is one clear usage error, not the same failure per item.
    fs.mkdirSync(targetDir, { recursive: true });
  } catch (err) {
    process.stderr.write(`asset-fetch: cannot use --dir ${args.dir}: ${(err as Error).message}\n`);
    return EXIT_USAGE;
  }
  let lock: LockWriter | undefined;
  try {
    if (args.frozen) await freezeEntries(list.entries, args.lockFile!);
    lock = args.lockFile === undefined || args.frozen ? undefined : await LockWriter.open(args.lockFile, targetDir);
  } catch (err) {
    process.stderr.write(`asset-fetch: ${(err as Error).message}\n`);
    return EXIT_USAGE;
  }
  const batch = new Batch(list.entries, {
    targetDir,
    ...args.download,
    recordValidators: lock !== undefined,
    logSuccesses: false,
    ...(lock && args.download.onExisting === 'refresh' && { knownValidators: lock.knownValidators() }),
  });
  const display = chooseDisplay(args);
  let session: SessionWriter | undefined;
  if (args.saveSession !== undefined) {
    try {
      session = new SessionWriter(args.saveSession, list.entries, targetDir, relativePaths(batch), lock ? args.lockFile : undefined);
    } catch (err) {
      process.stderr.write(`asset-fetch: cannot write --save-session ${args.saveSession}: ${(err as Error).message}\n`);
      await batch.dispose();
      return EXIT_USAGE;
    }
  }
  batch.onUpdate((update) => {
    display.update(update);
    lock?.update(update);
    session?.update(update);
  });

  let interrupts = 0;
  const onSigint = () => {
    if (++interrupts > 1) process.exit(130);
    process.stderr.write('\ncancelling (partial files are kept for resuming; press Ctrl+C again to quit now)\n');
    batch.cancel();
  };
  process.on('SIGINT', onSigint);

  const result = await batch.run();
  process.off('SIGINT', onSigint);
  await batch.dispose();
  // Entries of files this run did not produce go only when nothing failed or was cancelled.
  await lock?.finish(result.stats.failed + result.stats.cancelled === 0);
  session?.finish();
  display.finish(result.stats);
  if (args.json) await writeJsonReport(process.stdout, batch.snapshots(), (item) => displayPath(args.dir, item));
  return result.stats.failed + result.stats.cancelled > 0 ? EXIT_FAILED : EXIT_OK;
}

/** Where each downloadable entry goes, by item id, as the batch named them. */
function relativePaths(batch: Batch): Map<number, string> {
  const paths = new Map<number, string>();
  for (const item of batch.snapshots()) if (item.relativePath !== undefined) paths.set(item.id, item.relativePath);
  return paths;
}

/**
 * Every positional argument in order: URL arguments (consecutive ones form one list), list files
 * and stdin. A list whose format was chosen from ambiguous content gets one stderr line saying so.
 */
async function readInputs(inputs: readonly CliInput[], format: ListFormat | undefined): Promise<ParsedList[]> {
  const lists: ParsedList[] = [];
  let urls: { raw: string; position: number }[] = [];
  const flushUrls = () => {
    if (urls.length > 0) lists.push(parseUrlArguments(urls));
    urls = [];
  };
  for (const input of inputs) {
    if (input.kind === 'url') {
      urls.push({ raw: input.url, position: input.position });
      continue;
    }
    flushUrls();
    const sourceName = describeInput(input);
    const list = parseList(await readListText(input, sourceName), { sourceName, format });
    if (list.formatGuessed) {
      const other = list.format === 'list' ? 'text' : 'list';
      process.stderr.write(`note: ${sourceName} read as ${list.formatReason} (--format ${other} to read it as ${other === 'list' ? 'one URL per line' : 'text'})\n`);
    }
    lists.push(list);
  }
  flushUrls();
  return lists;
}

function describeInput(input: CliInput): string {
  return input.kind === 'stdin' ? '<stdin>' : input.kind === 'file' ? input.path : input.url;
}

async function readListText(input: Exclude<CliInput, { kind: 'url' }>, sourceName: string): Promise<string> {
  let bytes: Buffer;
  try {
    if (input.kind === 'stdin') {
      bytes = await readStdin();
    } else {
      // A huge file is refused before it is read into memory. Synchronously: nothing else runs
      // yet, and fs.promises (its module and two thread-pool round trips) cost a start 4-5 ms.
      const { size } = fs.statSync(input.path);
      if (size > MAX_LIST_CHARS) throw listTooLarge(sourceName, size);
      bytes = fs.readFileSync(input.path);
    }
  } catch (err) {
    if (err instanceof ListError) throw err;
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new Error(`cannot read list ${sourceName}: no such file (a URL to download starts with http:// or https://)`);
    throw new Error(`cannot read list ${sourceName}: ${e.code === 'EISDIR' ? 'it is a folder' : e.message}`);
  }
  return decodeListBytes(bytes, sourceName);
}

async function readStdin(): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    size += (chunk as Buffer).length;
    if (size > MAX_LIST_CHARS) break;
  }
  return Buffer.concat(chunks);
}

function chooseDisplay(args: CliArgs): Display {
  if (process.stderr.isTTY) return new TerminalDisplay(process.stderr, args.dir);
  // With --json, stdout carries exactly one JSON object: human lines go to stderr.
  return args.json ? new LineDisplay(process.stderr, args.dir, true) : new LineDisplay(process.stdout, args.dir, false);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`asset-fetch: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exitCode = EXIT_FAILED;
  },
);
