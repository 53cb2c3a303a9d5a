// Command-line arguments → validated options, or a usage error that says what is wrong.
import { parseArgs } from 'node:util';
import { headerProblem, type DownloadOptions, type OnExisting } from '../core';

/** The engine options the command line sets, under the engine's own names. */
export type CliDownloadOptions = Pick<DownloadOptions, 'jobs' | 'perHost' | 'retries' | 'timeoutSeconds' | 'maxSize' | 'headers' | 'onExisting'>;

export interface CliArgs {
  lists: string[];
  dir: string;
  download: CliDownloadOptions;
  json: boolean;
  help: boolean;
  version: boolean;
}

export class UsageError extends Error {}

export const USAGE = `Usage: asset-fetch [options] <list-file>...   ("-" reads the list from stdin)

Downloads every http(s) URL of the lists into a folder, concurrently and resumably.
A list is one URL per line (aria2 input-file options such as out=, dir=, checksum=,
header= indented below a URL), or any text (Markdown, HTML, JSON, CSV) whose URLs are fetched.

Options:
  --dir <path>             target folder (default ".", created if missing)
  --jobs <n>               concurrent downloads (default 8)
  --per-host <n>           connections per host (default: same as --jobs)
  --retries <n>            retries on network errors, 408, 429 and 5xx (default 5)
  --timeout <seconds>      connect, response-header and body-idle timeout (default 30)
  --max-size <bytes>       fail items larger than this (suffixes K, M, G: 1024-based)
  --header "Name: value"   extra request header for the list's own origins (repeatable)
  --on-existing <policy>   skip (default), overwrite or rename when the file exists
  --json                   print one JSON object with every item's outcome on stdout
  -h, --help               show this help
  --version                show the version

Exit status: 0 all ok or skipped, 1 some failed, 2 usage error or unreadable list.`;

export function parseCliArgs(argv: string[]): CliArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        dir: { type: 'string', default: '.' },
        jobs: { type: 'string', default: '8' },
        'per-host': { type: 'string' },
        retries: { type: 'string', default: '5' },
        timeout: { type: 'string', default: '30' },
        'max-size': { type: 'string' },
        header: { type: 'string', multiple: true, default: [] },
        'on-existing': { type: 'string', default: 'skip' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const jobs = positiveInt('--jobs', values.jobs);
  const args: CliArgs = {
    lists: positionals,
    dir: values.dir,
    download: {
      jobs,
      perHost: values['per-host'] === undefined ? jobs : positiveInt('--per-host', values['per-host']),
      retries: nonNegativeInt('--retries', values.retries),
      timeoutSeconds: positiveNumber('--timeout', values.timeout),
      maxSize: values['max-size'] === undefined ? undefined : byteSize(values['max-size']),
      headers: parseHeaders(values.header),
      onExisting: onExisting(values['on-existing']),
    },
    json: values.json,
    help: values.help,
    version: values.version,
  };
  if (!args.help && !args.version && args.lists.length === 0) throw new UsageError('no list file given');
  return args;
}

function positiveInt(flag: string, value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1) throw new UsageError(`${flag} must be a whole number of at least 1, got "${value}"`);
  return n;
}

function nonNegativeInt(flag: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new UsageError(`${flag} must be a whole number, got "${value}"`);
  return Number(value);
}

function positiveNumber(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} must be a positive number of seconds, got "${value}"`);
  return n;
}

function byteSize(value: string): number {
  const match = /^(\d+)([KMG]i?B?)?$/i.exec(value.trim());
  if (!match) throw new UsageError(`--max-size must be a number of bytes (suffix K, M or G allowed), got "${value}"`);
  const unit = (match[2] ?? '').charAt(0).toUpperCase();
  const factor = unit === 'K' ? 1024 : unit === 'M' ? 1024 ** 2 : unit === 'G' ? 1024 ** 3 : 1;
  return Number(match[1]) * factor;
}

function parseHeaders(values: string[]): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const value of values) {
    const colon = value.indexOf(':');
    const problem = headerProblem(value);
    if (problem) throw new UsageError(`--header ${problem}`);
    headers[value.slice(0, colon).trim()] = value.slice(colon + 1).trim();
  }
  return headers;
}

function onExisting(value: string): OnExisting {
  if (value === 'skip' || value === 'overwrite' || value === 'rename') return value;
  throw new UsageError(`--on-existing must be skip, overwrite or rename, got "${value}"`);
}
