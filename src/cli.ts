#!/usr/bin/env node
// asset-fetch: the headless front end of the engine, for CI and benchmarks.
import './cli/v8Flags';
import fs from 'node:fs';
import path from 'node:path';
import { Batch, mergeLists, parseList, VERSION, type ParsedList } from './core';
import { parseCliArgs, UsageError, USAGE, type CliArgs } from './cli/args';
import { displayPath, LineDisplay, TerminalDisplay, type Display } from './cli/display';
import { writeJsonReport } from './cli/report';

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

  let list: ParsedList;
  try {
    list = mergeLists(await Promise.all(args.lists.map(readList)));
  } catch (err) {
    process.stderr.write(`asset-fetch: ${(err as Error).message}\n`);
    return EXIT_USAGE;
  }
  for (const warning of list.warnings) process.stderr.write(`warning: ${warning}\n`);
  if (list.entries.length === 0) process.stderr.write(`warning: no URLs found in ${args.lists.join(', ')}\n`);

  const targetDir = path.resolve(args.dir);
  try {
    // Checked here so that a bad --dir is one clear usage error, not the same failure per item.
    await fs.promises.mkdir(targetDir, { recursive: true });
  } catch (err) {
    process.stderr.write(`asset-fetch: cannot use --dir ${args.dir}: ${(err as Error).message}\n`);
    return EXIT_USAGE;
  }
  const batch = new Batch(list.entries, { targetDir, ...args.download });
  const display = chooseDisplay(args);
  batch.onUpdate((update) => display.update(update));

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
  display.finish(result.stats);
  if (args.json) await writeJsonReport(process.stdout, batch.snapshots(), (item) => displayPath(args.dir, item));
  return result.stats.failed + result.stats.cancelled > 0 ? EXIT_FAILED : EXIT_OK;
}

async function readList(file: string): Promise<ParsedList> {
  const sourceName = file === '-' ? '<stdin>' : file;
  let text: string;
  try {
    text = file === '-' ? await readStdin() : await fs.promises.readFile(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new Error(`cannot read list ${sourceName}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
  }
  return parseList(text, { sourceName });
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
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
