// Helpers for the integration suites: temporary folders, list files, running the built CLI as a
// child process, and looking at what ended up on disk.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import './noProxyEnvironment';

/** The built CLI; mocha runs from the repository root. */
export const CLI_PATH = path.resolve('dist/cli.js');

export interface CliItem {
  url: string;
  source: string;
  status: 'ok' | 'skipped' | 'failed';
  path: string | null;
  bytes: number;
  error: string | null;
  errorCode: string | null;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The parsed `--json` report (only when --json was given). */
  json: { items: CliItem[] } | undefined;
}

export interface RunOptions {
  /** Written to the child's stdin (which is closed afterwards). */
  stdin?: string;
  /** The child is killed after this long; the promise then rejects. */
  killAfterMs?: number;
  /** Called with the running child, e.g. to send it a signal later. */
  onSpawn?: (child: ChildProcess) => void;
  /** Variables added to the child's environment. */
  env?: Record<string, string>;
}

/**
 * Runs `node dist/cli.js ...args` asynchronously (the test servers live in this process, so a
 * synchronous spawn would deadlock them) and collects its output.
 */
export function runCli(args: readonly string[], options: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const killer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`CLI did not finish within ${options.killAfterMs ?? 15_000} ms\nargs: ${args.join(' ')}\nstderr:\n${stderr}`));
    }, options.killAfterMs ?? 15_000);
    child.on('error', (err) => {
      clearTimeout(killer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(killer);
      let json: CliResult['json'];
      if (args.includes('--json')) {
        try {
          json = JSON.parse(stdout) as CliResult['json'];
        } catch {
          if (code !== 2) {
            reject(new Error(`--json output is not one JSON object (exit ${code})\nstdout:\n${stdout}\nstderr:\n${stderr}`));
            return;
          }
        }
      }
      resolve({ code, stdout, stderr, json });
    });
    child.stdin.on('error', () => undefined); // the CLI may exit before reading stdin
    child.stdin.end(options.stdin ?? '');
    options.onSpawn?.(child);
  });
}

/**
 * Downloads a list with `--json --dir <dir>` plus `extraArgs`, and returns the result together
 * with a lookup of report items by URL.
 */
export async function fetchList(listFile: string, dir: string, extraArgs: readonly string[] = [], options: RunOptions = {}): Promise<CliRun> {
  const result = await runCli(['--json', '--dir', dir, ...extraArgs, listFile], options);
  if (!result.json) throw new Error(`no JSON report (exit ${result.code})\nstderr:\n${result.stderr}`);
  return new CliRun(result, result.json.items);
}

export class CliRun {
  constructor(
    readonly result: CliResult,
    readonly items: CliItem[],
  ) {}

  get code(): number | null {
    return this.result.code;
  }

  /** The report item for `url`; fails the test when there is none. */
  item(url: string): CliItem {
    const found = this.items.find((i) => i.url === url);
    if (!found) {
      throw new Error(`no report item for ${url}; items:\n${JSON.stringify(this.items, null, 2)}\nstderr:\n${this.result.stderr}`);
    }
    return found;
  }

  /** For assertion messages: everything the CLI said. */
  describe(): string {
    return `exit ${this.code}\nitems: ${JSON.stringify(this.items, null, 2)}\nstderr:\n${this.result.stderr}`;
  }
}

/**
 * Temporary folders under os.tmpdir(), removed after the enclosing describe(). Call at describe
 * level; the returned function makes a new folder each call.
 */
export function useTempDirs(): (label?: string) => string {
  const made: string[] = [];
  after(() => {
    for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
  });
  return (label = 'tmp') => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `asset-fetch-${label}-`));
    made.push(dir);
    return dir;
  };
}

/** Writes a list file (lines joined with "\n") into `dir` and returns its path. */
export function writeList(dir: string, name: string, lines: readonly string[] | string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, typeof lines === 'string' ? lines : lines.join('\n') + '\n');
  return file;
}

/** Every file under `dir`, as sorted relative paths with "/" separators. */
export function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const files: string[] = [];
  const walk = (current: string, prefix: string) => {
    for (const entry of fs.readdirSync(current, { withFileTypes: true })) {
      const relative = prefix + entry.name;
      if (entry.isDirectory()) walk(path.join(current, entry.name), relative + '/');
      else files.push(relative);
    }
  };
  walk(dir, '');
  return files.sort();
}

export function readFile(dir: string, relative: string): Buffer {
  return fs.readFileSync(path.join(dir, relative));
}

/** Polls `condition` until it holds; a condition that throws (a file being replaced, read half-way) is asked again. */
export async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (condition()) return;
    } catch {
      // e.g. a file being replaced, read half-way: try again
    }
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
