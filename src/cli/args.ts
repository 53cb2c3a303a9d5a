// Command-line arguments → validated options, or a usage error that says what is wrong.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { DEFAULT_OPTIONS, headerProblem, type DownloadOptions, type ListFormat, type OnExisting, type ProxySettings, type TlsSettings } from '../core';
import { parseByteCount } from '../core/format';
import { LOCKFILE_SUFFIX } from '../core/lockfile';
import { parseProxyUrl } from '../core/proxy';
import { parseHostKey } from '../core/requestHeaders';
import { nodeCaReader } from '../core/tlsProblems';

/** The engine options the command line sets, under the engine's own names. */
export type CliDownloadOptions = Pick<
  DownloadOptions,
  'jobs' | 'perHost' | 'split' | 'limitRate' | 'retries' | 'maxRetryWaitMs' | 'timeoutSeconds' | 'maxSize' | 'headers' | 'hostHeaders' | 'onExisting' | 'proxy' | 'tls'
>;

/** A positional argument: a URL to fetch, a list file, or "-" (the list on stdin). */
export type CliInput =
  | { kind: 'url'; url: string; position: number }
  | { kind: 'file'; path: string }
  | { kind: 'stdin' };

export interface CliArgs {
  inputs: CliInput[];
  /** Forced list format; undefined: chosen per list from its name, then its content. */
  format?: ListFormat;
  dir: string;
  download: CliDownloadOptions;
  json: boolean;
  /** Write or update a lockfile: --lock (beside the one list file) or --lock-file FILE. */
  lockFile?: string;
  /** Check the files against the lockfile instead of downloading. */
  verify: boolean;
  /** Make the folder equal to the lockfile: fetch what is missing or differs, every byte checked against it. */
  frozen?: boolean;
  /** Print what would be downloaded, skipped or renamed, and where; no request, no write. */
  dryRun?: boolean;
  /** Keep this file listing the downloads not done yet (a list to run again). */
  saveSession?: string;
  help: boolean;
  version: boolean;
}

export class UsageError extends Error {}

/** The engine's defaults as the command line writes them (test/unit/defaults.test.ts checks they agree). */
const DEFAULT_ARGS = {
  jobs: String(DEFAULT_OPTIONS.jobs),
  split: String(DEFAULT_OPTIONS.split),
  retries: String(DEFAULT_OPTIONS.retries),
  timeout: String(DEFAULT_OPTIONS.timeoutSeconds),
  'max-retry-wait': String(DEFAULT_OPTIONS.maxRetryWaitMs / 1000),
  'on-existing': DEFAULT_OPTIONS.onExisting,
};

export const USAGE = `Usage: asset-fetch [options] <url | list-file | ->...   ("-" reads a list from stdin)

Downloads URLs given as arguments and every URL of the list files into a folder, concurrently
and resumably. A list (.urls, .txt, .list, no extension, stdin) is one URL per line, # comments,
aria2 input-file options such as out=, dir=, checksum=, header= indented below a URL. Markdown,
HTML, JSON, CSV, YAML and code files are text: the http(s) links in them are fetched.

Options:
  --dir <path>             target folder (default ".", created if missing)
  --jobs <n>               concurrent downloads (default ${DEFAULT_ARGS.jobs})
  --per-host <n>           connections per host (default: same as --jobs)
  --split <n>              connections for one large file when a single one is slow: the rest
                           is fetched as ranges, within --per-host; 1 never splits (default ${DEFAULT_ARGS.split})
  --retries <n>            retries on network errors, 408, 429 and 5xx (default ${DEFAULT_ARGS.retries})
  --max-retry-wait <s>     longest wait a server may ask for (429/503, Retry-After); a longer
                           one fails its downloads, quoting the server (default ${DEFAULT_ARGS['max-retry-wait']})
  --timeout <seconds>      connect, response-header and body-idle timeout (default ${DEFAULT_ARGS.timeout})
  --max-size <bytes>       fail items larger than this (suffixes K, M, G: 1024-based)
  --limit-rate <rate>      bytes per second for all downloads together, e.g. 500K or 2M
  --header "Name: value"   extra request header for the list's own origins (repeatable)
  --host-header "host: Name: value"
                           extra request header for one host ("cdn.example.com" or
                           "cdn.example.com:8443"), also after a redirect there (repeatable)
  --proxy <url>            proxy for http and https URLs, e.g. http://user:pw@proxy:8080
                           (default: $https_proxy for https, $http_proxy for http, as curl)
  --no-proxy <hosts>       comma-separated hosts reached directly, added to $no_proxy:
                           example.com (and subdomains), host:port, 10.0.0.0/8, or * for all;
                           localhost is proxied unless listed
  --cacert <file>          also trust the CA certificate(s) in this PEM file (repeatable)
  --ca-native              also trust the operating system's certificate store (Node 22.15+)
  --insecure               do not check TLS certificates at all (unsafe)
  --on-existing <policy>   ${DEFAULT_ARGS['on-existing']} (default), overwrite, rename or refresh when the file exists
  --refresh                same as --on-existing refresh: ask the server whether an existing
                           file changed (If-None-Match / If-Modified-Since); 304 keeps it with
                           no body transferred, 200 replaces it
  --lock                   write <list>.lock beside the list: each file's URL, path, size,
                           sha-256, ETag and Last-Modified (as files finish, atomically)
  --lock-file <file>       the lockfile to write (with a download) or check (with --verify)
  --verify                 no download: check the files against the lockfile (missing, changed,
                           and extra files in --dir); exit 1 on any difference
  --frozen                 for CI: fetch only what the lockfile lists, what is missing or differs
                           on disk; every file must match its sha-256 there (the lockfile is not
                           changed); an entry it does not list fails
  --dry-run                print each entry's URL, the file it would be written to and what
                           would happen (download, skip, rename, ...); no request, no write
  --save-session <file>    keep <file> listing the downloads not done yet, as items finish (a
                           killed run's too); run it again with the same --dir to continue them
  --format <format>        auto (default), list (one URL per line) or text (extract links)
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
        jobs: { type: 'string', default: DEFAULT_ARGS.jobs },
        'per-host': { type: 'string' },
        split: { type: 'string', default: DEFAULT_ARGS.split },
        retries: { type: 'string', default: DEFAULT_ARGS.retries },
        timeout: { type: 'string', default: DEFAULT_ARGS.timeout },
        'max-retry-wait': { type: 'string', default: DEFAULT_ARGS['max-retry-wait'] },
        'max-size': { type: 'string' },
        'limit-rate': { type: 'string' },
        header: { type: 'string', multiple: true, default: [] },
        'host-header': { type: 'string', multiple: true, default: [] },
        proxy: { type: 'string' },
        cacert: { type: 'string', multiple: true, default: [] },
        insecure: { type: 'boolean', default: false },
        'ca-native': { type: 'boolean', default: false },
        'no-proxy': { type: 'string', multiple: true, default: [] },
        'on-existing': { type: 'string', default: DEFAULT_ARGS['on-existing'] },
        format: { type: 'string', default: 'auto' },
        json: { type: 'boolean', default: false },
        lock: { type: 'boolean', default: false },
        refresh: { type: 'boolean', default: false },
        'lock-file': { type: 'string' },
        verify: { type: 'boolean', default: false },
        frozen: { type: 'boolean', default: false },
        'dry-run': { type: 'boolean', default: false },
        'save-session': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
        version: { type: 'boolean', default: false },
      },
    });
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const { values, positionals } = parsed;
  const jobs = positiveInt('--jobs', values.jobs);
  const inputs = positionals.map(classifyInput);
  const args: CliArgs = {
    inputs,
    format: listFormat(values.format),
    dir: values.dir,
    download: {
      jobs,
      perHost: values['per-host'] === undefined ? jobs : positiveInt('--per-host', values['per-host']),
      split: positiveInt('--split', values.split),
      retries: nonNegativeInt('--retries', values.retries),
      timeoutSeconds: positiveNumber('--timeout', values.timeout),
      maxRetryWaitMs: Math.round(positiveNumber('--max-retry-wait', values['max-retry-wait']) * 1000),
      maxSize: values['max-size'] === undefined ? undefined : byteSize(values['max-size']),
      ...(values['limit-rate'] !== undefined && { limitRate: byteSize(values['limit-rate'], '--limit-rate') }),
      headers: parseHeaders(values.header),
      onExisting: values.refresh ? 'refresh' : onExisting(values['on-existing']),
      // Absent unless given: no proxy settings means the environment decides.
      ...hostHeaders(values['host-header']),
      ...proxy(values.proxy, values['no-proxy']),
      ...trust(values.cacert, values.insecure, values['ca-native']),
    },
    json: values.json,
    ...lockfile(values.lock || values.frozen, values['lock-file'], values.verify, inputs),
    ...(values.frozen && { frozen: true }),
    verify: values.verify,
    ...(values['dry-run'] && { dryRun: true }),
    ...(values['save-session'] !== undefined && { saveSession: values['save-session'] }),
    help: values.help,
    version: values.version,
  };
  if (!args.help && !args.version && !args.verify && args.inputs.length === 0) throw new UsageError('no URL or list file given');
  if (args.saveSession !== undefined && (args.verify || args.dryRun)) throw new UsageError(`--save-session saves what a download leaves to do; it does nothing with ${args.verify ? '--verify' : '--dry-run'}`);
  return args;
}

/** "https://…" (any scheme://) is a URL to fetch, "-" is stdin, anything else a list file. */
function classifyInput(value: string, index: number): CliInput {
  if (value === '-') return { kind: 'stdin' };
  if (/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(value.trim())) return { kind: 'url', url: value, position: index + 1 };
  return { kind: 'file', path: value };
}

function listFormat(value: string): ListFormat | undefined {
  if (value === 'auto') return undefined;
  if (value === 'list' || value === 'text') return value;
  throw new UsageError(`--format must be auto, list or text, got "${value}"`);
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

function byteSize(value: string, flag = '--max-size'): number {
  const bytes = parseByteCount(value);
  if (bytes === undefined || (flag === '--limit-rate' && bytes === 0)) throw new UsageError(`${flag} must be a number of bytes (suffix K, M or G allowed), got "${value}"`);
  return bytes;
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

/** "cdn.example.com: Name: value" or "[::1]:8080: Name: value", each repeatable. */
function hostHeaders(values: string[]): Pick<CliDownloadOptions, 'hostHeaders'> {
  if (values.length === 0) return {};
  const byHost: Record<string, Record<string, string>> = {};
  for (const value of values) {
    if (/^\s*[a-z][a-z0-9+.-]*:\/\//i.test(value)) throw new UsageError(`--host-header takes a host name, not a URL: "${value}"`);
    const match = /^\s*(\[[^\]]*\](?::\d+)?|[^\s:[\]]+(?::\d+)?)\s*:\s*(.*)$/.exec(value);
    if (!match || !match[2].includes(':')) throw new UsageError(`--host-header must look like "host: Name: value", got "${value}"`);
    const [, key, header] = match;
    try {
      parseHostKey(key);
    } catch (err) {
      throw new UsageError(`--host-header: ${(err as Error).message}`);
    }
    const problem = headerProblem(header);
    if (problem) throw new UsageError(`--host-header "${value}": header ${problem}`);
    const colon = header.indexOf(':');
    (byHost[key] ??= {})[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
  }
  return { hostHeaders: byHost };
}

function proxy(url: string | undefined, noProxy: string[]): { proxy?: ProxySettings } {
  if (url === undefined && noProxy.length === 0) return {};
  if (url?.trim() === '') throw new UsageError(`--proxy needs a URL (to reach every host directly: --no-proxy '*')`);
  if (url !== undefined) {
    try {
      parseProxyUrl(url, '--proxy');
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
  }
  return { proxy: { url, noProxy } };
}

/**
 * The lockfile: --lock-file FILE, or --lock (or --verify alone) for `<list>.lock` beside the one
 * list file given.
 */
function lockfile(lock: boolean, file: string | undefined, verify: boolean, inputs: CliInput[]): { lockFile?: string } {
  if (file !== undefined) return { lockFile: file };
  if (!lock && !verify) return {};
  const lists = inputs.filter((i): i is Extract<CliInput, { kind: 'file' }> => i.kind === 'file');
  if (lists.length !== 1 || inputs.length !== 1) {
    throw new UsageError(`${verify ? '--verify' : '--lock'} needs exactly one list file (its lockfile is <list>.lock), or --lock-file FILE`);
  }
  return { lockFile: lists[0].path + LOCKFILE_SUFFIX };
}

/** --cacert files are read here, so that a wrong path is one usage error, not a failure per item. */
function trust(files: string[], insecure: boolean, native: boolean): { tls?: TlsSettings } {
  if (files.length === 0 && !insecure && !native) return {};
  if (native && !insecure && !nodeCaReader()) {
    throw new UsageError(`--ca-native: this Node (${process.version}) cannot read the OS certificate store (Node 22.15 or newer can); give the CA with --cacert FILE or NODE_EXTRA_CA_CERTS`);
  }
  const ca = files.map((file) => {
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`--cacert ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    }
    if (!text.includes('-----BEGIN CERTIFICATE-----')) throw new UsageError(`--cacert ${file}: not a PEM certificate file (no "-----BEGIN CERTIFICATE-----")`);
    return text;
  });
  return { tls: insecure ? { insecure } : { ca, ...(native && { system: true }) } };
}

function onExisting(value: string): OnExisting {
  if (value === 'skip' || value === 'overwrite' || value === 'rename' || value === 'refresh') return value;
  throw new UsageError(`--on-existing must be skip, overwrite, rename or refresh, got "${value}"`);
}
