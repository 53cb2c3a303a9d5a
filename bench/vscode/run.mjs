#!/usr/bin/env node
// Benchmark: the extension host's event-loop delay while Asset Fetch downloads inside a real
// VS Code (code-server, driven by Playwright's chromium). See bench/README.md, "Event loop in
// VS Code". Run after `npm run build`:
//
//   node bench/vscode/run.mjs [--runs 3] [--cases idle,worker-2k,worker-10k,main-2k,worker-segmented-1g] [--profile]
//
// The files come from nginx (or, without nginx, a node:http server in this process): never from
// the extension host, which would then measure the server. The segmented case's 1 GiB file comes
// from bench/testServer.mjs in its own process, capping each connection and serving ranges. The probe (probe.js) runs in the
// extension host through the smoke-test driver payload, as test/e2e/vscodeSuite.mjs does; it
// reads its steps from bench-vscode.json in a scratch workspace and writes its numbers there.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { launchBrowser } from '../../test/e2e/lib/browser.mjs';
import { startCodeServer } from '../../test/e2e/lib/codeServer.mjs';
import { ensureInstalled } from '../../test/e2e/lib/install.mjs';
import { removeScratch, scratchDir } from '../../test/e2e/lib/paths.mjs';
import { freePort, startGroup } from '../../test/e2e/lib/proc.mjs';
import { waitFor } from '../../test/e2e/lib/wait.mjs';
import { nginxConfig } from '../nginxConfig.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const KiB = 1024;
const GiB = 1024 ** 3;
const SIZE = 16 * KiB;
/** Per-connection cap of the segmented case's server (bytes/s): 8 connections give ~128 MB/s. */
const SEGMENTED_RATE = 16_000_000;
const SMALL_COUNT = 2000;

/** The cases; a run goes through them in this order, and runs repeat the whole sequence. */
const CASES = {
  idle: { label: 'idle (5 s, nothing running)', kind: 'idle', durationMs: 5000 },
  'worker-2k': { label: '2,000 × 16 KiB, worker', kind: 'worker', count: 2000, url: (base, i) => `${base}/small/${smallName(i)}` },
  'worker-10k': { label: '10,000 × 16 KiB, worker', kind: 'worker', count: 10_000, url: (base, i) => `${base}/k/f${String(i).padStart(5, '0')}.bin` },
  'main-2k': { label: '2,000 × 16 KiB, main thread', kind: 'main', count: 2000, url: (base, i) => `${base}/small/${smallName(i)}` },
  // One 1 GiB file from a server that caps each connection (bench/testServer.mjs --rate) and serves
  // ranges: the engine's first connection is slow, so it splits the rest into ranges over up to
  // 8 connections (src/core/segments.ts). `?run=N` only tags the server's log.
  'worker-segmented-1g': {
    label: '1 × 1 GiB segmented (16 MB/s per connection), worker',
    kind: 'worker', server: 'capped', count: 1, size: GiB, checksum: true,
    url: (base, _i, run) => `${base}/large/${largeName}?run=${run}`,
  },
  // Not run by default.
  'main-10k': { label: '10,000 × 16 KiB, main thread', kind: 'main', count: 10_000, url: (base, i) => `${base}/k/f${String(i).padStart(5, '0')}.bin`, optional: true },
};
const DEFAULT_CASES = Object.keys(CASES).filter((c) => !CASES[c].optional);
const TARGET_P99_MS = 20;
/** Other work above this (in cores) during a step marks the step as contended. */
const CONTENDED_CORES = 0.15;

const smallName = (i) => `f${String(i).padStart(4, '0')}.bin`;
/** bench/bench.mjs's "large" data set: one 1 GiB file, shared with it (same cache). */
const largeName = smallName(0);

function log(message) {
  console.error(`bench-vscode: ${message}`);
}

function fail(message) {
  console.error(`bench-vscode: ${message}`);
  process.exit(2);
}

function options() {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string', default: '3' },
      cases: { type: 'string', default: DEFAULT_CASES.join(',') },
      profile: { type: 'boolean', default: false },
      'heap-profile': { type: 'boolean', default: false },
      screenshots: { type: 'boolean', default: false },
      server: { type: 'string', default: 'auto' },
      'step-timeout': { type: 'string', default: '300' },
      extension: { type: 'string', default: REPO },
      setting: { type: 'string', multiple: true, default: [] },
      'quiet-wait': { type: 'string', default: '0' },
      'open-list': { type: 'boolean', default: false },
      'segmented-rate': { type: 'string', default: String(SEGMENTED_RATE) },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(
      'usage: node bench/vscode/run.mjs [--runs 3] [--cases idle,worker-2k,worker-10k,main-2k,worker-segmented-1g(,main-10k)]\n' +
      '                                 [--profile] [--heap-profile] [--server auto|nginx|node] [--step-timeout 300]\n' +
      '                                 [--segmented-rate 16000000]\n' +
      '                                 [--extension DIR] [--setting key=JSON ...] [--open-list]\n' +
      '--extension loads the extension from another checkout (built, with dist/); default: this repo.\n' +
      '--setting adds a VS Code user setting, e.g. --setting remote.autoForwardPorts=false.\n' +
      '--quiet-wait S waits up to S seconds for the machine to be idle (< 15% CPU) before starting.\n' +
      '--segmented-rate B caps each connection of worker-segmented-1g\'s server at B bytes/s (16000000).\n' +
      '--open-list shows each download step\'s list in an editor during the step (its CodeLens and hovers on).\n' +
      '--screenshots saves the workbench 1.5 s into each download step (bench/results/vscode-screens/).\n' +
      '--profile also writes a CPU profile of the extension host per download step\n' +
      '(bench/results/vscode-profiles/); profiling slows the host, so those numbers are not comparable.\n' +
      '--heap-profile also writes a sampled allocation profile (.heapprofile, collected objects included) per step there.\n',
    );
    process.exit(0);
  }
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) fail(`--runs must be a positive integer, got ${values.runs}`);
  const cases = values.cases.split(',').map((c) => c.trim()).filter(Boolean);
  const unknown = cases.filter((c) => !(c in CASES));
  if (unknown.length || !cases.length) fail(`--cases: unknown ${unknown.join(',')}; choose from ${Object.keys(CASES).join(',')}`);
  if (!['auto', 'nginx', 'node'].includes(values.server)) fail('--server is auto, nginx or node');
  const hasNginx = spawnSync('sh', ['-c', 'command -v nginx']).status === 0;
  if (values.server === 'nginx' && !hasNginx) fail('nginx not found (bench/run.sh installs it)');
  const extension = path.resolve(values.extension);
  for (const f of ['package.json', 'dist/extension.js', 'dist/worker.js', 'src/core/index.ts']) {
    if (!fs.existsSync(path.join(extension, f))) fail(`${path.join(extension, f)} is missing${extension === REPO ? ': run npm run build first' : ''}`);
  }
  const settings = {};
  for (const entry of values.setting) {
    const eq = entry.indexOf('=');
    if (eq < 1) fail(`--setting ${entry}: want key=JSON`);
    const raw = entry.slice(eq + 1);
    try {
      settings[entry.slice(0, eq)] = JSON.parse(raw);
    } catch {
      settings[entry.slice(0, eq)] = raw;
    }
  }
  const quietWaitMs = Number(values['quiet-wait']) * 1000;
  if (!(quietWaitMs >= 0)) fail('--quiet-wait is a number of seconds');
  const segmentedRate = Number(values['segmented-rate']);
  if (!(segmentedRate > 0)) fail('--segmented-rate is a number of bytes per second');
  return {
    quietWaitMs,
    segmentedRate,
    extension,
    settings,
    runs,
    cases: Object.keys(CASES).filter((c) => cases.includes(c)),
    profile: values.profile,
    heapProfile: values['heap-profile'],
    screenshots: values.screenshots,
    openList: values['open-list'],
    server: values.server === 'auto' ? (hasNginx ? 'nginx' : 'node') : values.server,
    stepTimeoutMs: Number(values['step-timeout']) * 1000,
  };
}

// ---------------------------------------------------------------------------
// Machine load: other work on the machine shows up as event-loop delay too.

function cpuTimes() {
  const f = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  return { idle: f[3] + (f[4] || 0), total: f.reduce((a, b) => a + b, 0) };
}

/** Share of all cores busy over the next `ms`. */
async function machineBusy(ms = 3000) {
  const a = cpuTimes();
  await new Promise((r) => setTimeout(r, ms));
  const b = cpuTimes();
  return b.total > a.total ? 1 - (b.idle - a.idle) / (b.total - a.total) : 0;
}

const QUIET = 0.15;

async function waitForQuiet(maxMs) {
  const deadline = Date.now() + maxMs;
  let busy = await machineBusy();
  while (busy >= QUIET && Date.now() < deadline) {
    log(`machine ${(busy * 100).toFixed(0)}% busy before the start; waiting for it to calm down`);
    await new Promise((r) => setTimeout(r, 10_000));
    busy = await machineBusy();
  }
  if (busy >= QUIET) log(`WARNING: the machine is ${(busy * 100).toFixed(0)}% busy with other work: the numbers include that contention`);
  else log(`machine ${(busy * 100).toFixed(0)}% busy before the start`);
  return busy;
}

// ---------------------------------------------------------------------------
// Data and server

/** The 2,000 × 16 KiB files of bench/bench.mjs's "small" case, shared with it (same cache). */
function ensureSmallData(dataDir) {
  const dir = path.join(dataDir, 'small');
  const ok = Array.from({ length: SMALL_COUNT }, (_, i) => path.join(dir, smallName(i))).every((f) => fs.statSync(f, { throwIfNoEntry: false })?.size === SIZE);
  if (ok) return dir;
  log(`generating ${SMALL_COUNT} × 16 KiB in ${dir}`);
  const staging = `${dir}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  for (let i = 0; i < SMALL_COUNT; i++) {
    const block = randomBytes(SIZE);
    block.writeBigUInt64LE(0n, 0); // bench.mjs stamps block n with n; one block per file here
    fs.writeFileSync(path.join(staging, smallName(i)), block);
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(staging, dir);
  return dir;
}

/** bench/bench.mjs's 1 GiB file (reused when present; else written the same way: one random MiB
 *  repeated, each copy stamped with its index, into a temp name, then renamed). */
async function ensureLargeData(dataDir) {
  const dir = path.join(dataDir, 'large');
  const file = path.join(dir, largeName);
  if (fs.statSync(file, { throwIfNoEntry: false })?.size === GiB) return file;
  log(`generating 1 × 1 GiB in ${dir}`);
  const staging = `${dir}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging, { recursive: true });
  const block = randomBytes(1024 * KiB);
  const handle = await fs.promises.open(path.join(staging, largeName), 'w');
  try {
    for (let offset = 0, n = 0; offset < GiB; offset += block.length, n++) {
      block.writeBigUInt64LE(BigInt(n), 0);
      await handle.write(block, 0, block.length);
    }
  } finally {
    await handle.close();
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(staging, dir);
  spawnSync('sync');
  return file;
}

/** sha256 of a file, in a child process (sha256sum). */
function sha256Of(file) {
  return new Promise((resolve, reject) => {
    const child = spawn('sha256sum', [file], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(out.split(/\s/)[0]) : reject(new Error(`sha256sum ${file} exited with ${code}`))));
  });
}

/**
 * bench/testServer.mjs in its own process: `dataDir` with each connection capped at `rate` bytes/s
 * and Range support; every response logged to `requestLog` (one JSON line each). The server
 * reads a file into memory on its first request: a HEAD of `warm` does that before any step.
 */
async function startCappedServer(dataDir, dir, rate, warm) {
  fs.mkdirSync(dir, { recursive: true });
  const port = await freePort();
  const requestLog = path.join(dir, 'requests.jsonl');
  const stdout = path.join(dir, 'stdout.log');
  const group = startGroup(process.execPath, [path.join(REPO, 'bench/testServer.mjs'), '--root', dataDir, '--port', String(port), '--rate', String(rate), '--log', requestLog], {
    env: process.env, logFile: stdout, name: 'testServer',
  });
  let exited;
  group.exited.then((code) => (exited = code));
  const base = `http://127.0.0.1:${port}`;
  await waitFor('testServer to answer', async () => {
    if (exited !== undefined) throw new Error(`testServer exited with ${exited}: ${fs.readFileSync(stdout, 'utf8')}`);
    const res = await fetch(`${base}/healthz`).catch(() => undefined);
    return res?.status === 204;
  }, { timeout: 10_000, interval: 100 });
  const t0 = performance.now();
  const res = await fetch(`${base}${warm}`, { method: 'HEAD' });
  if (res.status !== 200) throw new Error(`testServer: HEAD ${warm} answered ${res.status}`);
  log(`testServer has ${warm} in memory (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  return { base, pid: group.pid, requestLog, what: `bench/testServer.mjs --rate ${rate} on ${base}`, stop: () => group.stop() };
}

/**
 * Watches the target folders of segmented steps from this process (not the extension host) and
 * keeps, per folder, the most ranges any `.part.meta` there listed: the engine's own record of
 * the split. Polls every 200 ms.
 */
function watchPartMeta(dirs) {
  const seen = new Map(dirs.map((d) => [d, { maxSegments: 0, reads: 0 }]));
  const timer = setInterval(() => {
    for (const [dir, s] of seen) {
      let names;
      try {
        names = fs.readdirSync(dir);
      } catch {
        continue;
      }
      for (const n of names.filter((n) => n.endsWith('.part.meta'))) {
        try {
          const record = JSON.parse(fs.readFileSync(path.join(dir, n), 'utf8'));
          s.reads++;
          s.maxSegments = Math.max(s.maxSegments, record.segments?.length ?? 1);
        } catch {
          // being rewritten
        }
      }
    }
  }, 200);
  return { seen, stop: () => clearInterval(timer) };
}

/** What the capped server saw during a step (its time window): requests, ranges, connections. */
function serverView(requestLog, step) {
  if (!fs.existsSync(requestLog) || !step.startedAtEpochMs) return undefined;
  const lines = fs.readFileSync(requestLog, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const during = lines.filter((l) => l.method === 'GET' && l.t >= step.startedAtEpochMs && l.t <= step.endedAtEpochMs);
  const statuses = {};
  for (const l of during) statuses[l.status] = (statuses[l.status] ?? 0) + 1;
  // Connections open at once: a sweep over the responses' [start, end].
  const events = during.flatMap((l) => [[l.t, 1], [l.t + l.ms, -1]]).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let open = 0;
  let maxConcurrent = 0;
  for (const [, d] of events) maxConcurrent = Math.max(maxConcurrent, (open += d));
  return {
    requests: during.length,
    rangeRequests: during.filter((l) => l.range).length,
    connections: new Set(during.map((l) => l.conn)).size,
    maxConcurrent,
    statuses,
    bytes: during.reduce((n, l) => n + l.bytes, 0),
    // The engine drops the first (whole-file) response once it reaches the end of its range:
    // that one ends early by design; a range response that ends early is a failure (retried).
    wholeEndedEarly: during.filter((l) => !l.complete && l.status === 200).length,
    rangesEndedEarly: during.filter((l) => !l.complete && l.status === 206).length,
  };
}

async function startNginx(dataDir, dir) {
  const port = await freePort();
  const prefix = path.join(dir, 'nginx');
  fs.mkdirSync(prefix, { recursive: true });
  const conf = path.join(prefix, 'nginx.conf');
  const errorLog = path.join(prefix, 'error.log');
  fs.writeFileSync(conf, nginxConfig({
    port, prefix, dataDir, generatedBy: 'bench/vscode/run.mjs',
    locations: `location /small/ { }
# Any /k/<name> is the same 16 KiB file: 10,000 distinct URLs without a second data set.
location /k/ { try_files /small/${smallName(0)} =404; }`,
  }));
  const group = startGroup('nginx', ['-p', prefix, '-c', conf, '-e', errorLog], { env: process.env, logFile: path.join(prefix, 'stdout.log'), name: 'nginx' });
  let exited;
  group.exited.then((code) => (exited = code));
  const base = `http://127.0.0.1:${port}`;
  await waitFor('nginx to answer', async () => {
    if (exited !== undefined) throw new Error(`nginx exited with ${exited}: ${fs.readFileSync(errorLog, 'utf8')}`);
    const res = await fetch(`${base}/healthz`).catch(() => undefined);
    return res?.status === 204;
  }, { timeout: 10_000, interval: 100 });
  return { base, what: `nginx (1 worker) on ${base}`, stop: () => group.stop() };
}

/** Without nginx: a node:http server in this process (a separate process from the extension host). */
async function startNodeServer(dataDir) {
  const smallDir = path.join(dataDir, 'small');
  const cache = new Map();
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let file;
    if (url.pathname.startsWith('/small/')) file = path.join(smallDir, path.basename(url.pathname));
    else if (url.pathname.startsWith('/k/')) file = path.join(smallDir, smallName(0));
    let body = file && cache.get(file);
    if (file && !body && fs.existsSync(file)) cache.set(file, (body = fs.readFileSync(file)));
    if (!body) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length }).end(body);
  });
  server.keepAliveTimeout = 75_000;
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return { base, what: `node:http in the runner process on ${base}`, stop: () => new Promise((r) => server.close(r)) };
}

// ---------------------------------------------------------------------------
// Workspace: lists, the probe's config

/** `bases`: the server of each kind ({ main, capped }); `sha256`: the 1 GiB file's, for the
 *  cases that check the content; `serverPids`: the file servers the probe counts as "server" CPU. */
function prepareWorkspace(workspace, opts, bases, resultsFile, profileDir, { sha256, serverPids }) {
  const coreBundle = path.join(REPO, 'out/bench/core.js');
  const steps = [];
  for (let run = 1; run <= opts.runs; run++) {
    for (const name of opts.cases) {
      const spec = CASES[name];
      if (spec.kind === 'idle') {
        steps.push({ name, run, kind: 'idle', durationMs: spec.durationMs });
        continue;
      }
      const targetDir = path.join(workspace, `${name}-r${run}`);
      fs.mkdirSync(targetDir, { recursive: true });
      const list = path.join(targetDir, 'list.urls');
      const base = bases[spec.server ?? 'main'];
      fs.writeFileSync(list, Array.from({ length: spec.count }, (_, i) => spec.url(base, i, run)).join('\n') + '\n');
      const expected = { files: spec.count, size: spec.size ?? SIZE };
      if (spec.checksum) expected.sha256 = sha256;
      steps.push({ name, run, kind: spec.kind, list, targetDir, expected, openList: opts.openList });
    }
  }
  const config = {
    steps,
    coreBundle,
    resultsFile,
    profile: opts.profile,
    heapProfile: opts.heapProfile,
    profileDir,
    // After start-up (other extensions activating, the workbench restoring), and before each step.
    startupSettleMs: 5000,
    settleMs: 3000,
    settleMaxMs: 30_000,
    // After a run's end, until the extension host is quiet for 250 ms (a second measurement).
    aftermathMaxMs: 15_000,
    // Waiting for other work on the machine to pause, and repeating steps it disturbed.
    quietMaxMs: opts.quietWaitMs > 0 ? Math.min(opts.quietWaitMs, 300_000) : 60_000,
    contendedCores: CONTENDED_CORES,
    contendedRetries: 3,
    stepTimeoutMs: opts.stepTimeoutMs,
    // The probe sorts CPU use into the bench's own processes (descendants of this one) and others.
    runnerPid: process.pid,
    serverPids,
    clockTicks: Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100,
  };
  fs.writeFileSync(path.join(workspace, 'bench-vscode.json'), JSON.stringify(config, null, 2));
  return config;
}

/** src/core as one CommonJS file, for the main-thread case. */
async function buildCore(extension) {
  const esbuild = await import('esbuild');
  const outfile = path.join(REPO, 'out/bench/core.js');
  await esbuild.build({
    entryPoints: [path.join(extension, 'src/core/index.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

// ---------------------------------------------------------------------------
// code-server + probe

async function runProbe(install, browser, workspace, config, outputLog, opts) {
  const server = await startCodeServer(install, {
    name: 'bench-vscode',
    extensionsDir: scratchDir('extensions-bench-vscode'), // only the development copy runs
    vscodeOptions: ['enable-smoke-test-driver'],
    settings: opts.settings,
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  try {
    let report;
    const exited = new Promise((resolve) => (report = resolve));
    await page.exposeFunction('codeAutomationLog', (type, args) => fs.appendFileSync(outputLog, `[${type}] ${JSON.stringify(args)}\n`));
    await page.exposeFunction('codeAutomationExit', (code) => report(code));
    page.on('console', (msg) => {
      const text = msg.text();
      fs.appendFileSync(outputLog, `[console.${msg.type()}] ${text}\n`);
      const m = /\[bench-probe\] (.*)/s.exec(text.replace(/%c/g, ''));
      if (!m) return;
      const line = m[1].replace(/\s*color: [^ ]+\s*/g, ' ').trim();
      log(`probe | ${line}`);
      const started = /^(\S+) run (\d+): start/.exec(line);
      if (opts.screenshots && started && started[1] !== 'idle') {
        const dir = path.join(REPO, 'bench/results/vscode-screens');
        fs.mkdirSync(dir, { recursive: true });
        setTimeout(() => void page.screenshot({ path: path.join(dir, `${started[1]}-r${started[2]}.png`) }).catch(() => {}), 1500);
      }
    });
    const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(opts.extension)],
      ['extensionTestsPath', remote(path.join(HERE, 'probe.js'))],
    ];
    await page.goto(server.folderUrl(workspace, `&payload=${encodeURIComponent(JSON.stringify(payload))}`));
    const budget = 120_000 + config.steps.reduce((ms, s) => ms + (1 + config.contendedRetries) * (config.settleMaxMs + config.quietMaxMs + 2000 + (s.kind === 'idle' ? s.durationMs : config.stepTimeoutMs)), 0);
    let timer;
    const code = await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), budget)))]).finally(() => clearTimeout(timer));
    const versions = { codeServer: codeServerVersion(install), chromium: browser.version() };
    return { code, versions };
  } finally {
    await context.close().catch(() => {});
    await server.stop();
  }
}

function codeServerVersion(install) {
  const pkg = path.join(path.dirname(install.codeServer), '../code-server/package.json');
  try {
    return JSON.parse(fs.readFileSync(pkg, 'utf8')).version;
  } catch {
    return 'unknown';
  }
}

// ---------------------------------------------------------------------------
// Report

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

function summarize(steps, cases) {
  const out = {};
  for (const name of cases) {
    const runs = steps.filter((s) => s.name === name);
    if (!runs.length) continue;
    const m = {};
    const spread = {};
    const value = (r, key) => {
      if (key.startsWith('cpu.')) return r.cpuCores?.[key.slice(4)] ?? NaN;
      if (key.startsWith('after.')) return r.withAftermath?.[key.slice(6)] ?? NaN;
      return r[key];
    };
    const keys = ['p50', 'p90', 'p99', 'max', 'wallMs', 'elu', 'processCpuCores', 'machineBusy', 'cpu.chromium', 'cpu.codeServer', 'cpu.nginx', 'cpu.other'];
    if (runs.some((r) => r.withAftermath)) keys.push('after.p99', 'after.max', 'after.aftermathMs');
    for (const key of keys) {
      const xs = runs.map((r) => value(r, key));
      m[key] = median(xs);
      spread[key] = [Math.min(...xs), Math.max(...xs)];
    }
    // Runs during which other work on the machine used a noticeable share of a core.
    const contended = runs.filter((r) => (r.cpuCores?.other ?? 0) > CONTENDED_CORES).length;
    const repeated = runs.reduce((n, r) => n + (r.discarded?.length ?? 0), 0);
    out[name] = { label: CASES[name].label, runs: runs.length, contended, repeated, median: m, spread };
  }
  return out;
}

function renderTable(summary, opts, splits = []) {
  const f1 = (x) => x.toFixed(1);
  const lines = [];
  lines.push(
    `Extension host event-loop delay (monitorEventLoopDelay, 10 ms resolution: an idle loop reads ~10 ms), median of ${opts.runs} run(s); [min–max] over runs.`,
    'Measured from the command to the end of the run; "incl. aftermath" also covers what the end sets off (the tree\'s last refresh, the summary), until the host is quiet.',
    '',
  );
  lines.push('| case | p50 ms | p90 ms | p99 ms | max ms | wall s | incl. aftermath: p99 / max ms (aftermath s) | ext host main-thread ELU | ext host CPU | chromium + code-server + server CPU | other work CPU | machine busy |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const c of Object.values(summary)) {
    const { median: m, spread: s } = c;
    const range = (key, fmt) => (c.runs > 1 ? ` [${fmt(s[key][0])}–${fmt(s[key][1])}]` : '');
    lines.push(
      `| ${c.label} | ${f1(m.p50)} | ${f1(m.p90)} | ${f1(m.p99)}${range('p99', f1)} | ${f1(m.max)}${range('max', f1)} | ${(m.wallMs / 1000).toFixed(2)}${range('wallMs', (x) => (x / 1000).toFixed(2))} | ${'after.p99' in m ? `${f1(m['after.p99'])} / ${f1(m['after.max'])}${range('after.max', f1)} (${(m['after.aftermathMs'] / 1000).toFixed(2)})` : '–'} | ${(m.elu * 100).toFixed(0)}% | ${m.processCpuCores.toFixed(2)} | ${(m['cpu.chromium'] + m['cpu.codeServer'] + m['cpu.nginx']).toFixed(2)} | ${m['cpu.other'].toFixed(2)} | ${(m.machineBusy * 100).toFixed(0)}% |`,
    );
  }
  lines.push('', 'CPU columns in cores (of ' + os.cpus().length + '), median per run; "other work" is every process that is not part of the bench.');
  const contended = Object.values(summary).filter((c) => c.contended > 0);
  if (contended.length) {
    lines.push(`WARNING: other work used more than ${CONTENDED_CORES} cores during ${contended.map((c) => `${c.contended}/${c.runs} runs of ${c.label}`).join(', ')}: those numbers include contention for the CPU.`);
  }
  const repeated = Object.values(summary).filter((c) => c.repeated > 0);
  if (repeated.length) lines.push(`Repeated because other work took CPU: ${repeated.map((c) => `${c.label} ${c.repeated}×`).join(', ')}.`);
  lines.push('');
  for (const step of splits) {
    const v = step.split.server;
    const mb = (n) => (n / 1e6).toFixed(0);
    lines.push(
      `${step.name} run ${step.run}: ` +
      (v
        ? `the server answered ${v.requests} GET${v.requests === 1 ? '' : 's'} (${v.rangeRequests} with Range; status ${Object.entries(v.statuses).map(([k, n]) => `${k} ×${n}`).join(', ')}) on ${v.connections} connection(s), at most ${v.maxConcurrent} at once, ${mb(v.bytes)} MB sent${v.wholeEndedEarly ? ' (the whole-file response stopped early, at the end of its range)' : ''}${v.rangesEndedEarly ? `, ${v.rangesEndedEarly} range response(s) cut off` : ''}`
        : 'no server log') +
      `; .part.meta listed up to ${step.split.partMetaMaxSegments} range(s); ${(step.verified?.bytes / 1e6 / (step.wallMs / 1000)).toFixed(0)} MB/s; ${step.verified?.sha256 ? 'sha256 matches the source' : 'sha256 not checked'}` +
      `${v && v.rangeRequests > 0 ? '' : ' — NOT SEGMENTED'}.`,
    );
  }
  if (splits.length) lines.push('');
  const worker = summary['worker-2k'];
  if (worker) lines.push(`Target: p99 < ${TARGET_P99_MS} ms for 2,000 files with the worker: ${worker.median.p99 < TARGET_P99_MS ? 'met' : 'NOT met'} (${worker.median.p99.toFixed(1)} ms).`, '');
  const seg = summary['worker-segmented-1g'];
  if (seg) lines.push(`Target: p99 < ${TARGET_P99_MS} ms with a segmented 1 GiB download: ${seg.median.p99 < TARGET_P99_MS ? 'met' : 'NOT met'} (${seg.median.p99.toFixed(1)} ms).`, '');
  return lines.join('\n');
}

// ---------------------------------------------------------------------------

async function main() {
  const opts = options();
  const startedAt = new Date().toISOString();
  const install = await ensureInstalled();
  if (opts.cases.some((c) => CASES[c].kind === 'main')) {
    await buildCore(opts.extension);
    log(`built out/bench/core.js from ${path.relative(REPO, path.join(opts.extension, 'src/core/index.ts')) || '.'} (main-thread case)`);
  }
  const dataDir = process.env.BENCH_DATA || path.join(os.homedir(), '.cache/asset-fetch/bench-data');
  ensureSmallData(dataDir);
  const segmented = opts.cases.filter((c) => CASES[c].server === 'capped');
  let sha256;
  if (segmented.length) {
    const large = await ensureLargeData(dataDir);
    if (segmented.some((c) => CASES[c].checksum)) {
      const t0 = performance.now();
      sha256 = await sha256Of(large);
      log(`sha256 of ${large}: ${sha256} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    }
  }

  const busyBefore = await waitForQuiet(opts.quietWaitMs);
  const workspace = scratchDir('workspace-bench-vscode');
  const resultsFile = path.join(workspace, '.bench-results.json');
  const profileDir = path.join(workspace, '.bench-profiles');
  const outputLog = path.join(scratchDir('logs'), 'probe-output.log');
  const server = opts.server === 'nginx' ? await startNginx(dataDir, scratchDir('server')) : await startNodeServer(dataDir);
  log(`serving from ${server.what}`);
  let capped;
  let browserHandle;
  let outcome;
  let watcher;
  try {
    if (segmented.length) {
      capped = await startCappedServer(dataDir, scratchDir('server-capped'), opts.segmentedRate, `/large/${largeName}`);
      log(`serving the segmented case from ${capped.what}`);
    }
    const config = prepareWorkspace(workspace, opts, { main: server.base, capped: capped?.base }, resultsFile, profileDir, {
      sha256,
      serverPids: capped ? [capped.pid] : [],
    });
    watcher = watchPartMeta(config.steps.filter((s) => segmented.includes(s.name)).map((s) => s.targetDir));
    log(`${config.steps.length} steps; workspace ${workspace}; probe output ${outputLog}`);
    browserHandle = await launchBrowser(install.chromium);
    outcome = await runProbe(install, browserHandle.browser, workspace, config, outputLog, opts);
  } finally {
    watcher?.stop();
    await browserHandle?.close().catch(() => {});
    await server.stop();
    await capped?.stop();
  }

  const probe = fs.existsSync(resultsFile) ? JSON.parse(fs.readFileSync(resultsFile, 'utf8')) : undefined;
  if (outcome.code !== 0 || !probe || probe.error) {
    log(`the probe failed (exit code ${outcome.code}): ${probe?.error ?? 'no results file'}`);
    log(`probe output: ${outputLog}`);
    const kept = removeScratch();
    if (kept) log(`scratch kept in ${kept}`);
    process.exitCode = 1;
    return;
  }
  // The segmented steps: what the server saw, and the most ranges the engine's .part.meta listed.
  const splits = [];
  for (const step of probe.steps.filter((s) => segmented.includes(s.name))) {
    step.split = {
      server: serverView(capped.requestLog, step),
      partMetaMaxSegments: watcher.seen.get(path.join(workspace, `${step.name}-r${step.run}`))?.maxSegments ?? 0,
    };
    splits.push(step);
  }
  const summary = summarize(probe.steps, opts.cases);
  const table = renderTable(summary, opts, splits);
  process.stdout.write(table + '\n');

  const results = {
    startedAt,
    options: opts,
    server: server.what,
    segmentedServer: capped?.what,
    machineBusyBeforeStart: busyBefore,
    versions: { ...outcome.versions, extensionHostNode: probe.node, vscode: probe.vscode },
    extension: opts.extension,
    commit: spawnSync('git', ['-C', opts.extension, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout.trim() || undefined,
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${(os.totalmem() / 1024 ** 3).toFixed(0)} GiB RAM, ${os.type()} ${os.release()}`,
    summary,
    steps: probe.steps,
    table,
  };
  const dir = path.join(REPO, 'bench/results');
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'vscode-eventloop.json'), JSON.stringify(results, null, 2) + '\n');
  log('results written to bench/results/vscode-eventloop.json');
  if ((opts.profile || opts.heapProfile) && fs.existsSync(profileDir)) {
    const target = path.join(dir, 'vscode-profiles');
    fs.rmSync(target, { recursive: true, force: true });
    fs.cpSync(profileDir, target, { recursive: true });
    log(`profiles of the extension host in bench/results/vscode-profiles/ (profiling slows the host: those runs' numbers are not comparable)`);
  }
  const kept = removeScratch();
  if (kept) log(`scratch kept in ${kept}`);
}

main().catch((err) => {
  console.error(err?.stack ?? err);
  process.exitCode = 1;
});
