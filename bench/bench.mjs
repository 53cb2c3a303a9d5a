#!/usr/bin/env node
// Benchmark: asset-fetch CLI vs curl, wget2 and aria2c, all downloading the same
// files from a local nginx at 16-way concurrency. See bench/README.md.
//
// Progress goes to stderr; stdout carries only the Markdown report so it can be
// piped or pasted as is.

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { nginxConfig } from './nginxConfig.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const CONCURRENCY = 16;
const TIME_BIN = '/usr/bin/time';

/** Download cases: `count` files of `size` bytes each, served from data/<name>/. */
const CASES = {
  small: { count: 2000, size: 16 * KiB, label: 'small (2,000 × 16 KiB)' },
  medium: { count: 200, size: 1 * MiB, label: 'medium (200 × 1 MiB)' },
  large: { count: 1, size: 1 * GiB, label: 'large (1 × 1 GiB)' },
};

/** The memory case: many distinct URLs that nginx maps onto one 1-byte file, so
 *  the cost measured is per-URL bookkeeping, not bandwidth or disk. */
const MEMORY = { count: 100_000, size: 1, label: 'memory (100,000 URLs × 1 B)' };
const TINY_FILE = 'tiny.bin';

const ALL_CASES = [...Object.keys(CASES), 'memory'];

/** The tools under test. `args` builds the argv for one download job. */
const TOOLS = {
  ours: {
    label: 'asset-fetch',
    bin: process.execPath,
    args: (job, ctx) => [
      ctx.cli, '--jobs', String(CONCURRENCY), '--per-host', String(CONCURRENCY),
      '--dir', job.out, job.list,
    ],
  },
  curl: {
    label: 'curl',
    bin: 'curl',
    // URLs come from a config file (`url = ...` lines) rather than argv so 100k
    // URLs work too. --remote-name-all is what makes curl save every URL under
    // its remote name instead of writing bodies to stdout; --fail keeps HTTP
    // error bodies from being saved as if they were the file. --no-progress-meter
    // because curl 7.88 still draws the --parallel meter under --silent.
    args: (job) => [
      '--parallel', '--parallel-max', String(CONCURRENCY), '--remote-name-all',
      '--output-dir', job.out, '--fail', '--silent', '--show-error', '--no-progress-meter',
      '-K', job.curlConfig,
    ],
  },
  wget2: {
    label: 'wget2',
    bin: 'wget2',
    // Non-recursive -i downloads save by basename directly under -P (no host
    // dirs); --no-hsts/hpkp/ocsp/cookies only stop wget2 creating ~/.wget-* files.
    args: (job) => [
      `--max-threads=${CONCURRENCY}`, '--quiet', '--no-robots', '--no-host-directories',
      '--no-hsts', '--no-hpkp', '--no-ocsp', '--no-cookies', '-P', job.out, '-i', job.list,
    ],
  },
  aria2c: {
    label: 'aria2c',
    bin: 'aria2c',
    // --file-allocation=none: aria2's default ("prealloc") writes zeros over the
    // whole file before downloading, which the other tools don't do.
    // --deferred-input for huge lists: otherwise aria2 parses the whole list up
    // front (1.1 GB RSS for 100k URLs); it costs ~10% on small lists, so only there.
    args: (job) => [
      '-j', String(CONCURRENCY), '-x', '1', '-d', job.out, '-i', job.list,
      '--console-log-level=error', '--summary-interval=0', '--show-console-readout=false',
      '--download-result=hide', '--allow-overwrite=true', '--auto-file-renaming=false',
      '--file-allocation=none', ...(job.urlCount > 10_000 ? ['--deferred-input=true'] : []),
    ],
  },
};

// ---------------------------------------------------------------------------
// Options

function parseOptions() {
  const { values } = parseArgs({
    options: {
      cases: { type: 'string', default: ALL_CASES.join(',') },
      tools: { type: 'string', default: Object.keys(TOOLS).join(',') },
      runs: { type: 'string', default: '5' },
      cli: { type: 'string', default: process.env.ASSET_FETCH_CLI ?? path.join(REPO, 'dist/cli.js') },
      timeout: { type: 'string', default: '600' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      'usage: node bench/bench.mjs [--cases small,medium,large,memory] [--tools ours,curl,wget2,aria2c]\n' +
      '                            [--runs 5] [--cli dist/cli.js] [--timeout 600]\n' +
      'env: BENCH_DATA (data cache dir), ASSET_FETCH_CLI (default for --cli)\n',
    );
    process.exit(0);
  }
  const cases = pickList(values.cases, ALL_CASES, '--cases');
  const tools = pickList(values.tools, Object.keys(TOOLS), '--tools');
  const runs = positiveInt(values.runs, '--runs');
  const timeoutMs = positiveInt(values.timeout, '--timeout') * 1000;
  const dataDir = process.env.BENCH_DATA || path.join(os.homedir(), '.cache/asset-fetch/bench-data');
  return { cases, tools, runs, timeoutMs, cli: path.resolve(values.cli), dataDir };
}

/** Splits a comma list, rejects unknown names, and keeps the canonical order. */
function pickList(text, known, flag) {
  const wanted = text.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = wanted.filter((w) => !known.includes(w));
  if (unknown.length || !wanted.length) {
    fail(`${flag}: unknown or empty (${unknown.join(',')}); choose from ${known.join(',')}`);
  }
  return known.filter((k) => wanted.includes(k));
}

function positiveInt(text, flag) {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) fail(`${flag} must be a positive integer, got ${text}`);
  return n;
}

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(2);
}

function log(message) {
  console.error(`bench: ${message}`);
}

// ---------------------------------------------------------------------------
// Cleanup: every child we start runs in its own process group so a timeout can
// take down its whole tree; signals and normal exit all funnel through here so
// nginx and the temp dir never outlive the benchmark.

const liveGroups = new Set();
const tempDirs = new Set();

function killGroup(pid, signal = 'SIGKILL') {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function cleanupSync() {
  for (const pid of liveGroups) killGroup(pid);
  liveGroups.clear();
  for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  tempDirs.clear();
}

process.on('exit', cleanupSync);
for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
  process.on(signal, () => {
    log(`${signal}: stopping`);
    cleanupSync();
    process.exit(code);
  });
}

function makeTempDir() {
  // os.tmpdir() is on the same disk as the repo here; set TMPDIR to move it.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asset-fetch-bench-'));
  tempDirs.add(dir);
  return dir;
}

// ---------------------------------------------------------------------------
// Test data, cached across runs because the 1 GiB file costs a few seconds.

const fileName = (i) => `f${String(i).padStart(4, '0')}.bin`;

async function ensureData(dataDir, caseNames) {
  fs.mkdirSync(dataDir, { recursive: true });
  for (const name of caseNames.filter((c) => c in CASES)) {
    const dir = path.join(dataDir, name);
    if (caseDataOk(dir, CASES[name])) continue;
    log(`generating ${CASES[name].label} in ${dir}`);
    await generateCase(dir, CASES[name]);
  }
  const tiny = path.join(dataDir, TINY_FILE);
  if (fileSize(tiny) !== MEMORY.size) fs.writeFileSync(tiny, randomBytes(MEMORY.size));
  // Flush freshly generated data now, so background writeback doesn't slow the
  // first timed runs.
  spawnSync('sync');
}

function caseDataOk(dir, spec) {
  for (let i = 0; i < spec.count; i++) {
    if (fileSize(path.join(dir, fileName(i))) !== spec.size) return false;
  }
  return true;
}

function fileSize(file) {
  try {
    return fs.statSync(file).size;
  } catch {
    return -1;
  }
}

/** Writes into a sibling temp dir and renames, so an interrupted generation is
 *  never mistaken for a complete data set. */
async function generateCase(dir, spec) {
  const staging = `${dir}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging);
  for (let i = 0; i < spec.count; i++) await writeRandomFile(path.join(staging, fileName(i)), spec.size);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(staging, dir);
}

/** Repeats one random block up to `size`, stamping each copy with its index so
 *  no two blocks are identical; this writes 1 GiB at disk speed. */
async function writeRandomFile(file, size) {
  const block = randomBytes(Math.min(size, MiB));
  const handle = await fs.promises.open(file, 'w');
  try {
    for (let offset = 0, n = 0; offset < size; offset += block.length, n++) {
      if (block.length >= 8) block.writeBigUInt64LE(BigInt(n), 0);
      await handle.write(block, 0, Math.min(block.length, size - offset));
    }
  } finally {
    await handle.close();
  }
}

// ---------------------------------------------------------------------------
// nginx

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startNginx(dataDir, tmp) {
  const port = await freePort();
  const prefix = path.join(tmp, 'nginx');
  fs.mkdirSync(prefix);
  const confPath = path.join(prefix, 'nginx.conf');
  const errorLog = path.join(prefix, 'error.log');
  fs.writeFileSync(confPath, nginxConfig({
    port, prefix, dataDir, generatedBy: 'bench/bench.mjs',
    locations: `location / { }
# Any /many/<anything> is the same 1-byte file: 100k distinct URLs, no data set.
location /many/ { try_files /${TINY_FILE} =404; }`,
  }));
  // -e: without it nginx opens its compiled-in /var/log/nginx/error.log before
  // it has read our config.
  const child = spawn('nginx', ['-p', prefix, '-c', confPath, '-e', errorLog], {
    stdio: ['ignore', 'ignore', fs.openSync(errorLog, 'a')],
    detached: true,
  });
  liveGroups.add(child.pid);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await waitForHealthy(port, exited, errorLog);
  log(`nginx listening on 127.0.0.1:${port}`);
  return {
    port,
    async stop() {
      killGroup(child.pid, 'SIGTERM');
      await exited;
      liveGroups.delete(child.pid);
    },
  };
}

async function waitForHealthy(port, exited, errorLog) {
  let gone = false;
  exited.then(() => (gone = true));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (gone) break;
    if ((await httpStatus(`http://127.0.0.1:${port}/healthz`)) === 204) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  const errors = fs.existsSync(errorLog) ? fs.readFileSync(errorLog, 'utf8') : '';
  throw new Error(`nginx did not come up on port ${port}:\n${errors}`);
}

function httpStatus(url) {
  return new Promise((resolve) => {
    const req = http.get(url, { agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode);
    });
    req.on('error', () => resolve(0));
  });
}

// ---------------------------------------------------------------------------
// Jobs: the URL list (plain and as curl config) for one case.

function writeJobFiles(tmp, name, urls) {
  const list = path.join(tmp, `${name}.txt`);
  const curlConfig = path.join(tmp, `${name}.curlrc`);
  fs.writeFileSync(list, urls.join('\n') + '\n');
  fs.writeFileSync(curlConfig, urls.map((u) => `url = "${u}"`).join('\n') + '\n');
  return { list, curlConfig, urlCount: urls.length };
}

function caseUrls(port, name, spec) {
  return Array.from({ length: spec.count }, (_, i) => `http://127.0.0.1:${port}/${name}/${fileName(i)}`);
}

function memoryUrls(port) {
  return Array.from({ length: MEMORY.count }, (_, i) => `http://127.0.0.1:${port}/many/${String(i).padStart(6, '0')}.bin`);
}

// ---------------------------------------------------------------------------
// Running one tool once

/**
 * Runs one download into a fresh empty dir under GNU time (for peak RSS) and
 * checks the result. Wall time is measured here, around the whole process, so
 * every tool pays the same start-up cost it would pay for a user.
 */
async function runOnce(toolName, job, spec, ctx) {
  const tool = TOOLS[toolName];
  const out = path.join(ctx.tmp, `out-${toolName}`);
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out);
  const logFile = path.join(ctx.tmp, `${toolName}.log`);
  const rssFile = path.join(ctx.tmp, `${toolName}.rss`);
  fs.rmSync(rssFile, { force: true });

  const argv = ['-f', '%M', '-o', rssFile, tool.bin, ...tool.args({ ...job, out }, ctx)];
  const { ms, code, signal, timedOut } = await timedSpawn(TIME_BIN, argv, logFile, ctx.timeoutMs);
  const rssKB = Number.parseInt(readText(rssFile).trim().split('\n').pop(), 10) || null;
  const got = tally(out);
  fs.rmSync(out, { recursive: true, force: true });

  const want = { files: spec.count, bytes: spec.count * spec.size };
  let error = null;
  if (timedOut) error = `timed out after ${ctx.timeoutMs / 1000} s`;
  else if (code !== 0) error = `exit ${code ?? signal}`;
  if (got.files !== want.files || got.bytes !== want.bytes) {
    const mismatch = `got ${got.files} files / ${got.bytes} B, want ${want.files} / ${want.bytes} B`;
    error = error ? `${error}; ${mismatch}` : mismatch;
  }
  if (error) error += logTail(logFile);
  return { seconds: ms / 1000, rssKB, ok: !error, error };
}

function timedSpawn(bin, args, logFile, timeoutMs) {
  return new Promise((resolve, reject) => {
    const fd = fs.openSync(logFile, 'w');
    const start = process.hrtime.bigint();
    const child = spawn(bin, args, { stdio: ['ignore', fd, fd], detached: true });
    fs.closeSync(fd);
    liveGroups.add(child.pid);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid);
    }, timeoutMs);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      clearTimeout(timer);
      liveGroups.delete(child.pid);
      resolve({ ms, code, signal, timedOut });
    });
  });
}

/** Counts regular files and bytes anywhere under dir, so a tool that nests
 *  files in host/path dirs still gets counted (and flagged only on mismatch). */
function tally(dir) {
  let files = 0;
  let bytes = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    files++;
    bytes += fs.statSync(path.join(entry.parentPath ?? entry.path, entry.name)).size;
  }
  return { files, bytes };
}

function readText(file) {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

function logTail(file) {
  const text = readText(file).trim();
  return text ? `\n    output: ${text.slice(-400).replace(/\n/g, '\n    ')}` : '';
}

// ---------------------------------------------------------------------------
// Cases

/** Runs are interleaved (run 1 of every tool, then run 2, ...) so slow drift in
 *  machine state (page cache, thermal, background writeback) hits all tools alike. */
async function benchCase(name, ctx) {
  const spec = CASES[name];
  const job = writeJobFiles(ctx.tmp, name, caseUrls(ctx.port, name, spec));
  const runs = Object.fromEntries(ctx.tools.map((t) => [t, []]));
  for (let r = 1; r <= ctx.runs; r++) {
    for (const tool of ctx.tools) {
      // One failure is enough to report the tool as broken for this case.
      if (runs[tool].some((x) => !x.ok)) continue;
      const result = await runOnce(tool, job, spec, ctx);
      runs[tool].push(result);
      log(`${name} run ${r}/${ctx.runs} ${tool}: ${result.ok ? `${result.seconds.toFixed(3)} s` : `ERROR ${result.error}`}`);
    }
  }
  return { label: spec.label, runs, median: mapValues(runs, medianSeconds) };
}

/** One run per tool: it is slow (100k files to write and delete) and peak RSS
 *  barely varies between runs. */
async function benchMemory(ctx) {
  const job = writeJobFiles(ctx.tmp, 'memory', memoryUrls(ctx.port));
  const runs = {};
  for (const tool of ctx.tools) {
    const result = await runOnce(tool, job, MEMORY, ctx);
    runs[tool] = result;
    log(`memory ${tool}: ${result.ok ? `${(result.rssKB / 1024).toFixed(1)} MB, ${result.seconds.toFixed(2)} s` : `ERROR ${result.error}`}`);
  }
  return { label: MEMORY.label, runs };
}

function medianSeconds(runs) {
  if (!runs.length || runs.some((r) => !r.ok)) return null;
  const s = runs.map((r) => r.seconds).sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function mapValues(obj, fn) {
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, fn(v)]));
}

// ---------------------------------------------------------------------------
// Report

function versions(cli) {
  const first = (cmd) => {
    const r = spawnSync('sh', ['-c', `${cmd} 2>&1`], { encoding: 'utf8' });
    return (r.stdout || '').split('\n')[0].trim() || 'unavailable';
  };
  return {
    node: process.version,
    'asset-fetch': fs.existsSync(cli)
      ? `${first(`${JSON.stringify(process.execPath)} ${JSON.stringify(cli)} --version`)} (${cli}, built ${fs.statSync(cli).mtime.toISOString()})`
      : 'missing',
    curl: first('curl --version'),
    wget2: first('wget2 --version'),
    aria2c: first('aria2c --version'),
    nginx: first('nginx -v'),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / GiB).toFixed(0)} GiB RAM, ${os.type()} ${os.release()}`,
  };
}

const TOOL_ORDER = Object.keys(TOOLS);

function renderMarkdown(results, ctx) {
  const lines = [];
  const errors = [];
  const cell = (tool, caseName, text) => {
    if (!ctx.tools.includes(tool)) return '–';
    if (text !== null) return text;
    errors.push(`- ${caseName} / ${TOOLS[tool].label}: ${firstError(results, caseName, tool)}`);
    return 'error';
  };

  if (Object.keys(results.cases).length) {
    lines.push(`Median wall time in seconds over ${ctx.runs} run(s), ${CONCURRENCY}-way concurrency, nginx on 127.0.0.1.`, '');
    lines.push(`| case | ${TOOL_ORDER.map((t) => TOOLS[t].label).join(' | ')} | ratio vs faster of curl/wget2 |`);
    lines.push(`|---|${TOOL_ORDER.map(() => '---:').join('|')}|---:|`);
    for (const [name, c] of Object.entries(results.cases)) {
      const cells = TOOL_ORDER.map((t) => cell(t, name, fmt(c.median[t], 3)));
      lines.push(`| ${c.label} | ${cells.join(' | ')} | ${ratio(c.median)} |`);
    }
    lines.push('');
  }

  if (results.memory) {
    const m = results.memory.runs;
    const get = (t, key, scale, digits) => (m[t]?.ok ? (m[t][key] / scale).toFixed(digits) : null);
    lines.push(`${MEMORY.label}: one run each.`, '');
    lines.push(`| 100,000 URLs | ${TOOL_ORDER.map((t) => TOOLS[t].label).join(' | ')} |`);
    lines.push(`|---|${TOOL_ORDER.map(() => '---:').join('|')}|`);
    lines.push(`| peak RSS (MB) | ${TOOL_ORDER.map((t) => cell(t, 'memory', get(t, 'rssKB', 1024, 1))).join(' | ')} |`);
    lines.push(`| wall time (s) | ${TOOL_ORDER.map((t) => (ctx.tools.includes(t) ? get(t, 'seconds', 1, 2) ?? 'error' : '–')).join(' | ')} |`);
    const ours = m.ours?.ok ? m.ours.rssKB / 1024 : null;
    if (ours !== null) lines.push('', `**asset-fetch peak RSS for 100,000 URLs: ${ours.toFixed(1)} MB** (wall ${m.ours.seconds.toFixed(2)} s)`);
    lines.push('');
  }

  if (errors.length) lines.push('Errors:', '', ...errors, '');
  lines.push('Versions:', '', ...Object.entries(results.versions).map(([k, v]) => `- ${k}: ${v}`), '');
  return lines.join('\n');
}

function fmt(value, digits) {
  return value === null || value === undefined ? null : value.toFixed(digits);
}

function ratio(median) {
  const peers = [median.curl, median.wget2].filter((v) => typeof v === 'number');
  if (typeof median.ours !== 'number' || !peers.length) return '–';
  return `${(median.ours / Math.min(...peers)).toFixed(2)}×`;
}

function firstError(results, caseName, tool) {
  const runs = caseName === 'memory' ? [results.memory.runs[tool]] : results.cases[caseName].runs[tool];
  return runs.find((r) => r && !r.ok)?.error ?? 'no successful run';
}

function saveResults(results, markdown) {
  const dir = path.join(REPO, 'bench/results');
  fs.mkdirSync(dir, { recursive: true });
  const stamp = results.startedAt.replace(/[:.]/g, '-');
  fs.writeFileSync(path.join(dir, `${stamp}.json`), JSON.stringify(results, null, 2) + '\n');
  fs.writeFileSync(path.join(dir, `${stamp}.md`), markdown);
  fs.copyFileSync(path.join(dir, `${stamp}.json`), path.join(dir, 'latest.json'));
  fs.copyFileSync(path.join(dir, `${stamp}.md`), path.join(dir, 'latest.md'));
  log(`results written to bench/results/${stamp}.{json,md} (and latest.*)`);
}

// ---------------------------------------------------------------------------

/** Drops tools that can't run here (with a note) rather than failing later. */
function usableTools(opts) {
  return opts.tools.filter((tool) => {
    const ok = tool === 'ours'
      ? fs.existsSync(opts.cli)
      : spawnSync('sh', ['-c', `command -v ${TOOLS[tool].bin}`]).status === 0;
    if (!ok) log(`skipping ${tool}: ${tool === 'ours' ? `${opts.cli} not found (run npm run build)` : 'not installed'}`);
    return ok;
  });
}

async function main() {
  const opts = parseOptions();
  if (!fs.existsSync(TIME_BIN)) fail(`${TIME_BIN} (GNU time) is required; run bench/run.sh or apt-get install time`);
  if (spawnSync('sh', ['-c', 'command -v nginx']).status !== 0) fail('nginx is required; run bench/run.sh');
  const tools = usableTools(opts);
  if (!tools.length) fail('no tool to benchmark');

  const startedAt = new Date().toISOString();
  await ensureData(opts.dataDir, opts.cases);
  const tmp = makeTempDir();
  const server = await startNginx(opts.dataDir, tmp);
  const ctx = { ...opts, tools, tmp, port: server.port };

  const results = { startedAt, options: { ...opts, tools }, versions: versions(opts.cli), cases: {}, memory: null };
  for (const name of opts.cases.filter((c) => c in CASES)) results.cases[name] = await benchCase(name, ctx);
  if (opts.cases.includes('memory')) results.memory = await benchMemory(ctx);
  await server.stop();

  const markdown = renderMarkdown(results, ctx);
  process.stdout.write(markdown);
  saveResults(results, markdown);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
