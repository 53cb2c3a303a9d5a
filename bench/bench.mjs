#!/usr/bin/env node
// Benchmark: the asset-fetch CLI against curl, wget2, aria2c and a minimal Node client (the floor),
// in pairs: for each case and each of them, asset-fetch and the other tool run alternately
// (ours, peer, ours, peer, ...), one ratio per pair, and the report gives the median ratio, so slow
// drift of a shared machine hits both sides of every ratio alike. See bench/README.md.
//
// Progress goes to stderr; stdout carries only the Markdown report so it can be piped or pasted.

import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { nginxConfig } from './nginxConfig.mjs';

const BENCH = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(BENCH, '..');
const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;
const TIME_BIN = '/usr/bin/time';
const LATENCY_MS = 40;
const CAP_RATE = 8_000_000; // bytes/s per connection in the capped case
const SEGMENTED_MEMORY_RATE = 40_000_000; // bytes/s per connection in the memory-segmented case
/** Outputs larger than this are compared byte for byte with the source only on each tool's first
 *  run of a case (reading 1 GiB twice per run would double the large case's time); file count
 *  and sizes are checked on every run. */
const VERIFY_EVERY_RUN_BYTES = 256 * MiB;

/** Generated once into BENCH_DATA/<name>/fNNNN.bin and reused. */
const DATASETS = {
  small: { count: 2000, size: 16 * KiB },
  medium: { count: 200, size: 1 * MiB },
  large: { count: 1, size: 1 * GiB },
  latency: { count: 1000, size: 8 * KiB },
  capped: { count: 1, size: 64 * MiB },
};
const TINY_FILE = 'tiny.bin';

/**
 * server: nginx (plain HTTP), nginx-tls (HTTPS, HTTP/2 offered), delay / capped (bench/testServer.mjs).
 * segmented: aria2c gets -x16 -s16 -k1M and asset-fetch --split 16. floor: extra bench/floorClient.mjs arguments.
 */
const CASES = {
  small: { server: 'nginx', data: 'small', label: 'small (2,000 × 16 KiB)' },
  medium: { server: 'nginx', data: 'medium', label: 'medium (200 × 1 MiB)' },
  large: { server: 'nginx', data: 'large', label: 'large (1 × 1 GiB)', segmented: true },
  latency: { server: 'delay', data: 'latency', label: `latency (1,000 × 8 KiB, ${LATENCY_MS} ms to first byte)` },
  capped: { server: 'capped', data: 'capped', label: `capped (1 × 64 MiB, ${CAP_RATE / 1e6} MB/s per connection)`, segmented: true, floor: ['--split', String(MiB)] },
  h2: { server: 'nginx-tls', data: 'small', label: 'h2 (2,000 × 16 KiB, nginx TLS + HTTP/2)' },
  memory: { server: 'nginx', data: null, count: 100_000, size: 1, label: 'memory (100,000 URLs × 1 B)', once: true },
  // The issue's other memory target: one file over 16 ranges, each connection capped so that all
  // of them are needed, and fast enough (16 × 40 MB/s) that buffers fill while writes queue.
  'memory-segmented': {
    server: 'capped', rate: SEGMENTED_MEMORY_RATE, data: 'large', segmented: true, once: true,
    label: `memory, segmented (1 × 1 GiB, 16 ranges at ${SEGMENTED_MEMORY_RATE / 1e6} MB/s per connection)`,
  },
};
for (const spec of Object.values(CASES)) {
  if (spec.data) Object.assign(spec, DATASETS[spec.data]);
}
const ALL_CASES = Object.keys(CASES);
const PEERS = ['curl', 'wget2', 'aria2c'];

/** The tools. `args(job, ctx)` builds the argv for one download into job.out. */
const TOOLS = {
  ours: {
    label: 'asset-fetch',
    bin: (ctx) => ctx.node,
    args: (job, ctx) => [
      ctx.cli, '--jobs', String(ctx.jobs), '--per-host', String(ctx.jobs), '--dir', job.out,
      // As many connections per file as aria2c's -x16 -s16 in the same cases.
      ...(job.spec.segmented ? ['--split', '16'] : []),
      ...(job.ca ? ['--cacert', job.ca] : []), ...ctx.oursArgs, job.list,
    ],
  },
  floor: {
    label: 'floor',
    bin: (ctx) => ctx.node,
    args: (job, ctx) => [
      path.join(BENCH, 'floorClient.mjs'), '--jobs', String(ctx.jobs), '--dir', job.out,
      ...(job.ca ? ['--cacert', job.ca] : []), ...(job.spec.floor ?? []),
      ...(ctx.floorH2 && job.spec.server === 'nginx-tls' ? ['--h2'] : []), job.list,
    ],
  },
  // The floor plus the file-system calls behind asset-fetch's guarantees: what those cost in Node,
  // without the engine's JavaScript. Only where it applies as is (one connection per file).
  'floor-safe': {
    label: 'floor --safe',
    cases: ['small', 'medium', 'latency'],
    bin: (ctx) => ctx.node,
    args: (job, ctx) => {
      const [script, ...rest] = TOOLS.floor.args(job, ctx);
      return [script, '--safe', ...rest];
    },
  },
  curl: {
    label: 'curl',
    bin: 'curl',
    // URLs come from a config file (`url = ...` lines) rather than argv so 100k URLs work too.
    // --remote-name-all saves every URL under its remote name instead of writing bodies to
    // stdout; --fail keeps HTTP error bodies from being saved as the file; --no-progress-meter
    // because curl 7.88 still draws the --parallel meter under --silent. Over https curl
    // negotiates HTTP/2 and multiplexes the parallel transfers on one connection.
    args: (job, ctx) => [
      '--parallel', '--parallel-max', String(ctx.jobs), '--remote-name-all',
      '--output-dir', job.out, '--fail', '--silent', '--show-error', '--no-progress-meter',
      ...(job.ca ? ['--cacert', job.ca] : []), '-K', job.curlConfig,
    ],
  },
  wget2: {
    label: 'wget2',
    bin: 'wget2',
    // Non-recursive -i downloads save by basename directly under -P (no host dirs);
    // --no-hsts/hpkp/ocsp/cookies only stop wget2 creating ~/.wget-* files.
    args: (job, ctx) => [
      `--max-threads=${ctx.jobs}`, '--quiet', '--no-robots', '--no-host-directories',
      '--no-hsts', '--no-hpkp', '--no-ocsp', '--no-cookies',
      ...(job.ca ? [`--ca-certificate=${job.ca}`] : []), '-P', job.out, '-i', job.list,
    ],
  },
  aria2c: {
    label: 'aria2c',
    bin: 'aria2c',
    // --file-allocation=none: aria2's default ("prealloc") writes zeros over the whole file
    // before downloading, which the other tools don't do. --deferred-input for huge lists:
    // otherwise aria2 parses the whole list up front (1.1 GB RSS for 100k URLs); it costs ~10% on
    // small lists, so only there. Segmented cases: 16 connections per file, 1 MiB pieces.
    args: (job, ctx) => [
      '-j', String(ctx.jobs), ...(job.spec.segmented ? ['-x16', '-s16', '-k1M'] : ['-x', '1']),
      '-d', job.out, '-i', job.list,
      '--console-log-level=error', '--summary-interval=0', '--show-console-readout=false',
      '--download-result=hide', '--allow-overwrite=true', '--auto-file-renaming=false',
      '--file-allocation=none', ...(job.urlCount > 10_000 ? ['--deferred-input=true'] : []),
      ...(job.ca ? [`--ca-certificate=${job.ca}`] : []),
    ],
  },
};
const TOOL_ORDER = ['ours', 'floor', 'floor-safe', ...PEERS];

// ---------------------------------------------------------------------------
// Options

function parseOptions() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        cases: { type: 'string', default: ALL_CASES.join(',') },
        tools: { type: 'string', default: TOOL_ORDER.join(',') },
        runs: { type: 'string', default: '7' },
        jobs: { type: 'string', default: '16' },
        disk: { type: 'boolean', default: false },
        'out-dir': { type: 'string' },
        json: { type: 'string' },
        cli: { type: 'string', default: process.env.ASSET_FETCH_CLI ?? path.join(REPO, 'dist/cli.js') },
        'ours-args': { type: 'string', default: '' },
        'memory-peers': { type: 'boolean', default: false },
        'floor-h2': { type: 'boolean', default: false },
        node: { type: 'string', default: process.execPath },
        'keep-extra-ca': { type: 'boolean', default: false },
        timeout: { type: 'string', default: '600' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (err) {
    fail(`${err.message.split('\n')[0]} (see --help)`);
  }
  if (values.help) {
    process.stdout.write(
      `usage: node bench/bench.mjs [--cases ${ALL_CASES.join(',')}]
                            [--tools ${TOOL_ORDER.join(',')}] [--runs 7] [--jobs 16]
                            [--disk | --out-dir DIR] [--json FILE] [--cli dist/cli.js]
                            [--ours-args="..."] [--memory-peers] [--floor-h2] [--node PATH] [--keep-extra-ca]
                            [--timeout 600]
  --runs N        pairs per case and peer (asset-fetch, peer, asset-fetch, peer, ...)
  --disk          write the downloads under /var/tmp instead of tmpfs (/dev/shm)
  --out-dir DIR   write the downloads under DIR
  --json FILE     also write the results (every run) to FILE
  --ours-args=".." extra arguments for the asset-fetch CLI, e.g. --ours-args="--retries 0"
  --memory-peers  run the peers in the memory cases too (one run each; aria2c takes minutes on the 100,000-URL list)
  --floor-h2      the floor client speaks HTTP/2 (node:http2) in the h2 case, not HTTP/1.1 over TLS
  --node PATH     the Node that runs asset-fetch and the floor client (default: the one running the bench)
  --keep-extra-ca run every tool with NODE_EXTRA_CA_CERTS as set (by default it is removed: Node 20
                  reads that file at every start, before any JavaScript, and no case needs it)
env: BENCH_DATA (data cache dir), ASSET_FETCH_CLI (default for --cli)
`,
    );
    process.exit(0);
  }
  const cases = pickList(values.cases, ALL_CASES, '--cases');
  const tools = pickList(values.tools, TOOL_ORDER, '--tools');
  const runs = positiveInt(values.runs, '--runs');
  const jobs = positiveInt(values.jobs, '--jobs');
  const timeoutMs = positiveInt(values.timeout, '--timeout') * 1000;
  const dataDir = process.env.BENCH_DATA || path.join(os.homedir(), '.cache/asset-fetch/bench-data');
  let outBase = values['out-dir'] ?? (values.disk ? '/var/tmp' : '/dev/shm');
  if (!values['out-dir'] && !values.disk && !fs.existsSync(outBase)) {
    log(`no ${outBase}: outputs go to ${os.tmpdir()}`);
    outBase = os.tmpdir();
  }
  return {
    cases, tools, runs, jobs, timeoutMs, dataDir, disk: values.disk, outBase: path.resolve(outBase),
    json: values.json ? path.resolve(values.json) : null, cli: path.resolve(values.cli),
    oursArgs: values['ours-args'].split(/\s+/).filter(Boolean), memoryPeers: values['memory-peers'],
    floorH2: values['floor-h2'], node: values.node, keepExtraCa: values['keep-extra-ca'],
  };
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
// Cleanup: every child we start runs in its own process group so a timeout can take down its
// whole tree; signals and normal exit all funnel through here so servers and temp dirs never
// outlive the benchmark.

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

function makeTempDir(base) {
  fs.mkdirSync(base, { recursive: true });
  const dir = fs.mkdtempSync(path.join(base, 'asset-fetch-bench-'));
  tempDirs.add(dir);
  return dir;
}

function sh(command) {
  const r = spawnSync('sh', ['-c', `${command} 2>&1`], { encoding: 'utf8' });
  return (r.stdout || '').trim();
}

/** File system type of the folder, as df names it (tmpfs, ext4, ...). */
function fsType(dir) {
  return sh(`df --output=fstype ${JSON.stringify(dir)} | tail -1`) || 'unknown';
}

// ---------------------------------------------------------------------------
// Test data, cached across runs because the 1 GiB file costs a few seconds.

const fileName = (i) => `f${String(i).padStart(4, '0')}.bin`;

async function ensureData(dataDir, caseNames) {
  fs.mkdirSync(dataDir, { recursive: true });
  const sets = new Set(caseNames.map((c) => CASES[c].data).filter(Boolean));
  for (const name of sets) {
    const dir = path.join(dataDir, name);
    if (caseDataOk(dir, DATASETS[name])) continue;
    log(`generating ${DATASETS[name].count} × ${DATASETS[name].size} B in ${dir}`);
    await generateCase(dir, DATASETS[name]);
  }
  const tiny = path.join(dataDir, TINY_FILE);
  if (fileSize(tiny) !== 1) fs.writeFileSync(tiny, randomBytes(1));
  // Flush freshly generated data now, so background writeback doesn't slow the first timed runs.
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

/** Writes into a sibling temp dir and renames, so an interrupted generation is never mistaken
 *  for a complete data set. */
async function generateCase(dir, spec) {
  const staging = `${dir}.partial-${process.pid}`;
  fs.rmSync(staging, { recursive: true, force: true });
  fs.mkdirSync(staging);
  for (let i = 0; i < spec.count; i++) await writeRandomFile(path.join(staging, fileName(i)), spec.size);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.renameSync(staging, dir);
}

/** Repeats one random block up to `size`, stamping each copy with its index so no two blocks are
 *  identical; this writes 1 GiB at disk speed. */
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
// TLS: a throw-away CA and a server certificate for 127.0.0.1, made with openssl.

function makeCertificates(dir) {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'server.ext'), [
    'subjectAltName=IP:127.0.0.1,DNS:localhost',
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth',
    'subjectKeyIdentifier=hash',
    'authorityKeyIdentifier=keyid,issuer',
  ].join('\n') + '\n');
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const steps = [
    ['req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=asset-fetch bench CA',
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'],
    ['req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=127.0.0.1'],
    ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial',
      '-out', 'server.pem', '-days', '2', '-extfile', 'server.ext'],
  ];
  for (const args of steps) {
    const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args.slice(0, 2).join(' ')} failed: ${r.stderr || r.error}`);
  }
  return { ca: path.join(dir, 'ca.pem'), cert: path.join(dir, 'server.pem'), key: path.join(dir, 'server.key') };
}

// ---------------------------------------------------------------------------
// Servers, all on 127.0.0.1

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

async function startNginx(dataDir, work, tls) {
  const port = await freePort();
  const tlsPort = tls ? await freePort() : null;
  const prefix = path.join(work, 'nginx');
  fs.mkdirSync(prefix);
  const confPath = path.join(prefix, 'nginx.conf');
  const errorLog = path.join(prefix, 'error.log');
  fs.writeFileSync(confPath, nginxConfig({
    port, prefix, dataDir, generatedBy: 'bench/bench.mjs',
    tls: tls && { port: tlsPort, cert: tls.cert, key: tls.key },
    locations: `location / { }
# Any /many/<anything> is the same 1-byte file: 100k distinct URLs, no data set.
location /many/ { try_files /${TINY_FILE} =404; }`,
  }));
  // -e: without it nginx opens its compiled-in /var/log/nginx/error.log before it has read our config.
  const child = spawn('nginx', ['-p', prefix, '-c', confPath, '-e', errorLog], {
    stdio: ['ignore', 'ignore', fs.openSync(errorLog, 'a')],
    detached: true,
  });
  liveGroups.add(child.pid);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  await waitForHealthy(port, exited, () => readText(errorLog), 'nginx');
  log(`nginx listening on 127.0.0.1:${port}${tls ? ` and (TLS, h2) 127.0.0.1:${tlsPort}` : ''}`);
  return { port, tlsPort, stop: () => stopGroup(child.pid, exited) };
}

/** bench/testServer.mjs in its own process (so serving never shares the bench's event loop). */
async function startTestServer(dataDir, work, args, name) {
  const errorLog = path.join(work, `${name}-server.log`);
  const child = spawn(process.execPath, [path.join(BENCH, 'testServer.mjs'), '--root', dataDir, ...args], {
    stdio: ['ignore', 'pipe', fs.openSync(errorLog, 'a')],
    detached: true,
  });
  liveGroups.add(child.pid);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const lines = readline.createInterface({ input: child.stdout });
  const port = await Promise.race([
    new Promise((resolve) => lines.once('line', (line) => resolve(JSON.parse(line).port))),
    exited.then(() => null),
  ]);
  if (!port) throw new Error(`test server did not start: ${readText(errorLog)}`);
  await waitForHealthy(port, exited, () => readText(errorLog), 'test server');
  log(`${name} server (${args.join(' ')}) listening on 127.0.0.1:${port}`);
  return { port, stop: () => stopGroup(child.pid, exited) };
}

async function stopGroup(pid, exited) {
  killGroup(pid, 'SIGTERM');
  await exited;
  liveGroups.delete(pid);
}

async function waitForHealthy(port, exited, errors, what) {
  let gone = false;
  exited.then(() => (gone = true));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (gone) break;
    if ((await httpStatus(`http://127.0.0.1:${port}/healthz`)) === 204) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what} did not come up on port ${port}:\n${errors()}`);
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

function writeJob(work, name, spec, urls, ca) {
  const list = path.join(work, `${name}.txt`);
  const curlConfig = path.join(work, `${name}.curlrc`);
  fs.writeFileSync(list, urls.join('\n') + '\n');
  fs.writeFileSync(curlConfig, urls.map((u) => `url = "${u}"`).join('\n') + '\n');
  return { name, spec, list, curlConfig, urlCount: urls.length, ca };
}

function caseUrls(base, spec) {
  if (!spec.data) {
    return Array.from({ length: spec.count }, (_, i) => `${base}/many/${String(i).padStart(6, '0')}.bin`);
  }
  return Array.from({ length: spec.count }, (_, i) => `${base}/${spec.data}/${fileName(i)}`);
}

// ---------------------------------------------------------------------------
// Running one tool once

/**
 * Runs one download into a fresh empty folder under GNU time -v (peak RSS, CPU) and checks the
 * result. Wall time is measured here, around the whole process, so every tool pays the start-up
 * cost it would pay for a user.
 */
async function runOnce(toolName, job, ctx, verifyContent) {
  const tool = TOOLS[toolName];
  const out = path.join(ctx.outRoot, `${job.name}-${toolName}`);
  fs.rmSync(out, { recursive: true, force: true });
  fs.mkdirSync(out);
  const logFile = path.join(ctx.work, `${toolName}.log`);
  const timeFile = path.join(ctx.work, `${toolName}.time`);
  fs.rmSync(timeFile, { force: true });

  const bin = typeof tool.bin === 'function' ? tool.bin(ctx) : tool.bin;
  const argv = ['-v', '-o', timeFile, bin, ...tool.args({ ...job, out }, ctx)];
  const { ms, code, signal, timedOut } = await timedSpawn(TIME_BIN, argv, logFile, ctx.timeoutMs, ctx.toolEnv);
  const usage = parseTimeV(readText(timeFile));
  const problem = checkOutput(out, job.spec, ctx.dataDir, verifyContent);
  fs.rmSync(out, { recursive: true, force: true });
  // On a disk, let the deletions (and whatever writeback is due) settle before the next run.
  if (ctx.disk) spawnSync('sync', ['--file-system', ctx.outRoot]);

  let error = null;
  if (timedOut) error = `timed out after ${ctx.timeoutMs / 1000} s`;
  else if (code !== 0) error = `exit ${code ?? signal}`;
  if (problem) error = error ? `${error}; ${problem}` : problem;
  if (error) error += logTail(logFile);
  return { tool: toolName, seconds: ms / 1000, ...usage, ok: !error, verified: verifyContent && !error, error };
}

function parseTimeV(text) {
  const get = (label) => {
    const m = new RegExp(`^\\s*${label}: (.+)$`, 'm').exec(text);
    return m ? Number(m[1]) : null;
  };
  return {
    rssKB: get('Maximum resident set size \\(kbytes\\)'),
    userS: get('User time \\(seconds\\)'),
    sysS: get('System time \\(seconds\\)'),
  };
}

function timedSpawn(bin, args, logFile, timeoutMs, env) {
  return new Promise((resolve, reject) => {
    const fd = fs.openSync(logFile, 'w');
    const start = process.hrtime.bigint();
    const child = spawn(bin, args, { stdio: ['ignore', fd, fd], detached: true, env });
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

/** Every regular file anywhere under out (so a tool that nests files still gets counted) must
 *  add up to the case's count and bytes; with verifyContent, each expected file must sit at
 *  out/<name> with the source's exact bytes. Returns a description of what is wrong, or null. */
function checkOutput(out, spec, dataDir, verifyContent) {
  let files = 0;
  let bytes = 0;
  for (const entry of fs.readdirSync(out, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    files++;
    bytes += fs.statSync(path.join(entry.parentPath ?? entry.path, entry.name)).size;
  }
  const want = { files: spec.count, bytes: spec.count * spec.size };
  if (files !== want.files || bytes !== want.bytes) {
    return `got ${files} files / ${bytes} B, want ${want.files} / ${want.bytes} B`;
  }
  if (!verifyContent || !spec.data) return null;
  for (let i = 0; i < spec.count; i++) {
    const name = fileName(i);
    if (!sameContent(path.join(out, name), path.join(dataDir, spec.data, name))) return `${name}: content differs from the source`;
  }
  return null;
}

function sameContent(a, b) {
  let fa;
  let fb;
  try {
    fa = fs.openSync(a, 'r');
    fb = fs.openSync(b, 'r');
    const ba = Buffer.allocUnsafe(4 * MiB);
    const bb = Buffer.allocUnsafe(4 * MiB);
    for (;;) {
      const na = fs.readSync(fa, ba);
      const nb = fs.readSync(fb, bb);
      if (na !== nb || !ba.subarray(0, na).equals(bb.subarray(0, nb))) return false;
      if (na === 0) return true;
    }
  } catch {
    return false;
  } finally {
    if (fa !== undefined) fs.closeSync(fa);
    if (fb !== undefined) fs.closeSync(fb);
  }
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
  return text ? ` — output: ${text.slice(-300).replace(/\s*\n\s*/g, ' / ')}` : '';
}

// ---------------------------------------------------------------------------
// Cases

/**
 * Pairs: in round r, for each partner p (rotated each round): asset-fetch, then p; the pair's
 * ratio is ours / p. A tool that fails once is reported as failing the case and not run again
 * in it; its partners keep running, so their times are still reported.
 */
async function benchCase(name, job, ctx) {
  const spec = CASES[name];
  const hasOurs = ctx.tools.includes('ours');
  const inCase = ctx.tools.filter((t) => !TOOLS[t].cases || TOOLS[t].cases.includes(name));
  const partners = inCase.filter((t) => t !== 'ours');
  const runs = Object.fromEntries(inCase.map((t) => [t, []]));
  const pairs = Object.fromEntries(partners.map((p) => [p, []]));
  const failed = new Set();
  const totalBytes = spec.count * spec.size;

  const run = async (tool, round) => {
    if (failed.has(tool)) return null;
    const verify = totalBytes <= VERIFY_EVERY_RUN_BYTES || runs[tool].length === 0;
    const result = await runOnce(tool, job, ctx, verify);
    runs[tool].push(result);
    if (!result.ok) failed.add(tool);
    log(`${name} ${round}/${ctx.runs} ${tool}: ${result.ok ? `${result.seconds.toFixed(3)} s, ${mb(result.rssKB)} MB` : `ERROR ${result.error}`}`);
    return result;
  };

  for (let round = 1; round <= ctx.runs; round++) {
    if (!partners.length) {
      await run('ours', round);
      continue;
    }
    const shift = (round - 1) % partners.length;
    for (const partner of [...partners.slice(shift), ...partners.slice(0, shift)]) {
      const a = hasOurs ? await run('ours', round) : null;
      const b = await run(partner, round);
      if (a?.ok && b?.ok) pairs[partner].push({ round, ours: a.seconds, peer: b.seconds, ratio: a.seconds / b.seconds });
    }
  }
  return summarise(name, runs, pairs, failed);
}

/** The 100,000-URL list: one run of asset-fetch (and with --memory-peers of each peer): slow
 *  (100k files to write and delete) and peak RSS barely varies between runs. */
async function benchOnce(name, job, ctx) {
  const tools = ctx.tools.filter((t) => t === 'ours' || (ctx.memoryPeers && PEERS.includes(t)));
  const runs = Object.fromEntries(tools.map((t) => [t, []]));
  const failed = new Set();
  for (const tool of tools) {
    const result = await runOnce(tool, job, ctx, false);
    runs[tool].push(result);
    if (!result.ok) failed.add(tool);
    log(`${name} ${tool}: ${result.ok ? `${mb(result.rssKB)} MB, ${result.seconds.toFixed(2)} s` : `ERROR ${result.error}`}`);
  }
  return summarise(name, runs, {}, failed);
}

function summarise(name, runs, pairs, failed) {
  const tools = {};
  for (const [tool, list] of Object.entries(runs)) {
    const ok = list.filter((r) => r.ok);
    tools[tool] = {
      runs: list.length,
      failed: failed.has(tool),
      error: list.find((r) => !r.ok)?.error ?? null,
      median: failed.has(tool) ? null : median(ok.map((r) => r.seconds)),
      peakRssKB: ok.length ? Math.max(...ok.map((r) => r.rssKB ?? 0)) : null,
      cpuS: failed.has(tool) ? null : median(ok.map((r) => (r.userS ?? 0) + (r.sysS ?? 0))),
    };
  }
  const vs = {};
  for (const [partner, list] of Object.entries(pairs)) {
    const ratios = list.map((p) => p.ratio);
    vs[partner] = {
      pairs: list.length,
      ours: median(list.map((p) => p.ours)),
      peer: median(list.map((p) => p.peer)),
      ratio: failed.has('ours') || failed.has(partner) ? null : median(ratios),
      min: ratios.length ? Math.min(...ratios) : null,
      max: ratios.length ? Math.max(...ratios) : null,
      list,
    };
  }
  const ranked = PEERS.filter((p) => typeof tools[p]?.median === 'number').sort((a, b) => tools[a].median - tools[b].median);
  return { name, label: CASES[name].label, tools, vs, bestPeer: ranked[0] ?? null, runs };
}

function median(values) {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function mb(kb) {
  return typeof kb === 'number' ? (kb / 1024).toFixed(1) : '?';
}

// ---------------------------------------------------------------------------
// Report

function versionInfo(cli, node) {
  const first = (cmd) => sh(cmd).split('\n')[0] || 'unavailable';
  const short = (text, re) => re.exec(text)?.[1] ?? text;
  const full = {
    node: node === process.execPath ? process.version : first(`${JSON.stringify(node)} --version`),
    curl: first('curl --version'),
    wget2: first('wget2 --version'),
    aria2c: first('aria2c --version'),
    nginx: first('nginx -v'),
    openssl: first('openssl version'),
  };
  let ours = 'missing';
  if (fs.existsSync(cli)) {
    const commit = sh(`git -C ${JSON.stringify(REPO)} rev-parse --short HEAD`);
    const dirty = spawnSync('git', ['-C', REPO, 'diff', '--quiet', 'HEAD', '--', 'src']).status === 1;
    ours = `${first(`${JSON.stringify(node)} ${JSON.stringify(cli)} --version`)} (commit ${commit}${dirty ? ' + uncommitted src/ changes' : ''}; ${cli.startsWith(REPO + path.sep) ? path.relative(REPO, cli) : cli} built ${fs.statSync(cli).mtime.toISOString()})`;
  }
  return {
    full: { ...full, 'asset-fetch': ours },
    short: {
      'asset-fetch': ours,
      node: full.node,
      curl: short(full.curl, /^curl (\S+)/),
      wget2: short(full.wget2, /Wget2 (\S+)/),
      aria2c: short(full.aria2c, /aria2 version (\S+)/),
      nginx: short(full.nginx, /nginx\/(\S+)/),
      openssl: short(full.openssl, /OpenSSL (\S+)/),
    },
  };
}

function machineInfo() {
  const cpus = os.cpus();
  return {
    nproc: Number(sh('nproc')) || os.availableParallelism(),
    cpu: cpus[0]?.model ?? 'cpu',
    memoryGiB: Number((os.totalmem() / GiB).toFixed(1)),
    kernel: `${os.type()} ${os.release()}`,
  };
}

const secs = (v) => (typeof v === 'number' ? v.toFixed(3) : null);
const times = (v) => (typeof v === 'number' ? `${v.toFixed(2)}×` : null);

function renderMarkdown(results) {
  const { machine, versions, options } = results;
  const lines = [];
  const errors = [];
  const toolCell = (c, tool, text) => {
    const t = c.tools[tool];
    if (!t) return '–';
    if (t.failed) {
      errors.push(`- ${c.label}, ${TOOLS[tool].label}: ${t.error}`);
      return '**failed**';
    }
    return text ?? '–';
  };

  lines.push(`## asset-fetch benchmark, ${results.startedAt.slice(0, 10)}`, '');
  lines.push(`- date: ${results.startedAt} – ${results.finishedAt}`);
  lines.push(`- machine: nproc ${machine.nproc} (${machine.cpu}), ${machine.memoryGiB} GiB RAM, ${machine.kernel}; load average ${results.load.start.join(' ')} at start, ${results.load.end.join(' ')} at end`);
  lines.push(`- versions: ${Object.entries(versions.short).filter(([k]) => k !== 'asset-fetch').map(([k, v]) => `${k} ${v}`).join(', ')}`);
  lines.push(`- asset-fetch: ${versions.short['asset-fetch']}${options.oursArgs.length ? `, extra arguments \`${options.oursArgs.join(' ')}\`` : ''}`);
  lines.push(`- outputs: ${results.outFs} (${options.outBase}); ${options.runs} pair(s) per case and partner, ${options.jobs}-way concurrency; servers on 127.0.0.1`);
  lines.push('');

  const cases = Object.values(results.cases);
  if (cases.length) {
    lines.push('Seconds, medians; ratio = asset-fetch ÷ the peer, median of the per-pair ratios (lower is better, 1.00× = parity); best peer = the fastest median of curl, wget2, aria2c; floor = bench/floorClient.mjs; peak RSS = largest of asset-fetch\'s runs.', '');
    lines.push('| case | asset-fetch | best peer | peer | ratio | floor | ÷ floor | ÷ floor --safe | peak RSS MB |');
    lines.push('|---|---:|---|---:|---:|---:|---:|---:|---:|');
    for (const c of cases) {
      const best = c.bestPeer;
      const ours = toolCell(c, 'ours', secs(c.tools.ours?.median));
      const ratio = best && c.vs[best] ? times(c.vs[best].ratio) ?? '–' : '–';
      const floor = toolCell(c, 'floor', secs(c.tools.floor?.median));
      const vsFloor = c.vs.floor ? times(c.vs.floor.ratio) ?? '–' : '–';
      const vsSafe = c.vs['floor-safe'] ? times(c.vs['floor-safe'].ratio) ?? '–' : '–';
      const rss = c.tools.ours?.peakRssKB ? mb(c.tools.ours.peakRssKB) : '–';
      lines.push(`| ${c.label} | ${ours} | ${best ? TOOLS[best].label : '–'} | ${best ? secs(c.tools[best].median) : '–'} | ${ratio} | ${floor} | ${vsFloor} | ${vsSafe} | ${rss} |`);
      for (const p of PEERS) if (c.tools[p]?.failed) toolCell(c, p); // collect peers' errors too
    }
    lines.push('');

    lines.push('Every pair (asset-fetch against each partner): medians over the pairs, ratio median [min–max], CPU = user + system seconds, peak RSS in MB.', '');
    lines.push('| case | partner | pairs | asset-fetch | partner | ratio | CPU ours / partner | RSS ours / partner |');
    lines.push('|---|---|---:|---:|---:|---:|---:|---:|');
    for (const c of cases) {
      for (const tool of TOOL_ORDER.filter((t) => t !== 'ours' && c.tools[t])) {
        const v = c.vs[tool];
        const t = c.tools[tool];
        const o = c.tools.ours;
        const ratio = v?.ratio != null ? `${times(v.ratio)} [${v.min.toFixed(2)}–${v.max.toFixed(2)}]` : '–';
        const cpu = `${o?.cpuS != null ? o.cpuS.toFixed(2) : '–'} / ${t.cpuS != null ? t.cpuS.toFixed(2) : '–'}`;
        const rss = `${o?.peakRssKB ? mb(o.peakRssKB) : '–'} / ${t.peakRssKB ? mb(t.peakRssKB) : '–'}`;
        const partnerTime = t.failed ? '**failed**' : secs(v?.peer ?? t.median) ?? '–';
        const oursTime = o?.failed ? '**failed**' : secs(v?.ours ?? o?.median) ?? '–';
        lines.push(`| ${c.label} | ${TOOLS[tool].label} | ${v?.pairs ?? 0} | ${oursTime} | ${partnerTime} | ${ratio} | ${cpu} | ${rss} |`);
      }
    }
    lines.push('');
  }

  const notes = [];
  if (results.cases.latency) notes.push(`latency: the ideal with ${options.jobs} connections is files ÷ jobs × wait = ${(CASES.latency.count / options.jobs * LATENCY_MS / 1000).toFixed(2)} s.`);
  const capped = CASES.capped.size / CAP_RATE;
  if (results.cases.capped) notes.push(`capped: one connection needs ${capped.toFixed(1)} s; ${options.jobs} connections ${(capped / options.jobs).toFixed(2)} s. aria2c runs with -x16 -s16 -k1M here and for large; the floor client fetches 1 MiB Range parts over its ${options.jobs} connections.`);
  if (results.cases.h2) notes.push(`h2: nginx offers h2 and http/1.1 by ALPN; curl negotiated HTTP/${results.h2Probe ?? '?'}; ${options.floorH2 ? `the floor client uses node:http2 (one connection, ${options.jobs} streams)` : `the floor client speaks HTTP/1.1 over TLS on ${options.jobs} connections (node:http2 on one connection was slower here; --floor-h2 uses it)`}.`);
  const extraCa = results.extraCa;
  if (extraCa) {
    const cost = `\`node -e 0\` took ${extraCa.startMs.with} ms with it and ${extraCa.startMs.without} ms without, median of ${EXTRA_CA_PROBES} starts,`;
    notes.push(extraCa.removed
      ? `NODE_EXTRA_CA_CERTS (${extraCa.file}) was set here and was removed for every tool: Node 20 reads that file at every start, before any JavaScript runs, Node 22 and later on first TLS use (${cost} on the Node under test), and no case needs it (the h2 case's CA is given to each tool). --keep-extra-ca keeps it.`
      : `NODE_EXTRA_CA_CERTS (${extraCa.file}) was kept (--keep-extra-ca): Node 20 reads that file at every start, Node 22 and later on first TLS use (${cost} on the Node under test).`);
  }
  notes.push('floor: bench/floorClient.mjs, plain keep-alive sockets (node:net / node:tls), one request at a time per connection, fs.writeSync straight to the final name, no retries or bookkeeping.');
  notes.push('floor --safe: the same client also making the file-system calls behind asset-fetch\'s guarantees (the lock against a second run, the check for an existing file, `<name>.part` renamed when complete, the server\'s Last-Modified as the file\'s time): what a Node client with those guarantees costs, without the engine\'s JavaScript.');
  const nodeAgainstPeers = [];
  for (const c of cases) {
    for (const floorTool of ['floor', 'floor-safe']) {
      const f = c.tools[floorTool]?.median;
      const peers = PEERS.filter((p) => typeof c.tools[p]?.median === 'number').map((p) => `${TOOLS[p].label} ${times(f / c.tools[p].median)}`);
      if (typeof f === 'number' && peers.length) nodeAgainstPeers.push(`${c.name} ${TOOLS[floorTool].label}: ${peers.join(', ')}`);
    }
  }
  if (nodeAgainstPeers.length) notes.push(`the floor clients against the peers (ratio of the medians): ${nodeAgainstPeers.join('; ')}.`);
  if (results.firstRequest) {
    const entries = Object.entries(results.firstRequest).map(([tool, ms]) => `${tool} ${ms} ms`);
    notes.push(`from the spawn to the first request reaching a local server (a 1-URL list, median of ${FIRST_REQUEST_PROBES} interleaved starts; "node" is a bare \`node -e\` script that sends one request): ${entries.join(', ')}. A case's time cannot be under this plus the server's own time.`);
  }
  lines.push('Notes:', '', ...notes.map((n) => `- ${n}`), '');

  if (errors.length) lines.push('Failures (the tool\'s first failed run in the case; it was not run again there):', '', ...[...new Set(errors)], '');
  return lines.join('\n');
}

function saveResults(results, markdown, jsonPath) {
  const dir = path.join(REPO, 'bench/results');
  fs.mkdirSync(dir, { recursive: true });
  const stamp = results.startedAt.replace(/[:.]/g, '-');
  const json = JSON.stringify(results, null, 2) + '\n';
  fs.writeFileSync(path.join(dir, `${stamp}.json`), json);
  fs.writeFileSync(path.join(dir, `${stamp}.md`), markdown);
  fs.writeFileSync(path.join(dir, 'latest.json'), json);
  fs.writeFileSync(path.join(dir, 'latest.md'), markdown);
  log(`results written to bench/results/${stamp}.{json,md} (and latest.*)`);
  if (jsonPath) {
    fs.writeFileSync(jsonPath, json);
    log(`results written to ${jsonPath}`);
  }
}

// ---------------------------------------------------------------------------

/** Drops tools that can't run here (with a note) rather than failing later. */
function usableTools(opts) {
  return opts.tools.filter((tool) => {
    let ok = true;
    if (tool === 'ours') ok = fs.existsSync(opts.cli);
    else if (PEERS.includes(tool)) ok = spawnSync('sh', ['-c', `command -v ${TOOLS[tool].bin}`]).status === 0;
    if (!ok) log(`skipping ${tool}: ${tool === 'ours' ? `${opts.cli} not found (run npm run build)` : 'not installed (bench/run.sh installs it)'}`);
    return ok;
  });
}

const loadAvg = () => os.loadavg().map((l) => Number(l.toFixed(2)));

const EXTRA_CA_PROBES = 5;
const FIRST_REQUEST_PROBES = 11;

/**
 * Each tool's time from its spawn to its first request reaching a local server (a 1-URL list),
 * in interleaved rounds: start-up that no download can hide, which bounds the latency and capped
 * cases. "node" is the least a Node process can do (a bare script sending one request). The
 * server runs in this process, otherwise idle, so it sees a request as it arrives.
 */
async function firstRequestProbe(ctx) {
  let arrival = null;
  const server = http.createServer((req, res) => {
    arrival ??= process.hrtime.bigint();
    res.writeHead(200, { 'content-length': 1, 'content-type': 'application/octet-stream', connection: 'close' }).end('x');
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  const job = writeJob(ctx.work, 'first-request', { count: 1, size: 1 }, [`http://127.0.0.1:${port}/probe/${fileName(0)}`], null);
  const bare = `const s=require('net').connect(${port},'127.0.0.1',()=>s.write('GET /probe/bare HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nConnection: close\\r\\n\\r\\n'));s.resume();`;
  const tools = [{ name: 'node', bin: ctx.node, args: () => ['-e', bare] }];
  for (const t of ctx.tools.filter((t) => t !== 'floor-safe')) {
    const tool = TOOLS[t];
    tools.push({ name: tool.label, bin: typeof tool.bin === 'function' ? tool.bin(ctx) : tool.bin, args: (out) => tool.args({ ...job, out }, ctx) });
  }
  const firstMs = Object.fromEntries(tools.map((t) => [t.name, []]));
  try {
    for (let round = 0; round < FIRST_REQUEST_PROBES; round++) {
      for (const tool of tools) {
        const out = path.join(ctx.outRoot, 'first-request');
        fs.rmSync(out, { recursive: true, force: true });
        fs.mkdirSync(out);
        arrival = null;
        const start = process.hrtime.bigint();
        const child = spawn(tool.bin, tool.args(out), { stdio: 'ignore', env: ctx.toolEnv });
        const code = await new Promise((resolve) => {
          child.once('error', () => resolve(-1));
          child.once('exit', (c) => resolve(c));
        });
        if (code === 0 && arrival !== null) firstMs[tool.name].push(Number(arrival - start) / 1e6);
        fs.rmSync(out, { recursive: true, force: true });
      }
    }
  } finally {
    server.close();
  }
  const result = {};
  for (const [name, list] of Object.entries(firstMs)) if (list.length) result[name] = Math.round(median(list));
  log(`spawn to first request (median of ${FIRST_REQUEST_PROBES}): ${Object.entries(result).map(([n, ms]) => `${n} ${ms} ms`).join(', ')}`);
  return result;
}

/**
 * NODE_EXTRA_CA_CERTS as this machine sets it: what it costs the Node under test at start-up
 * (Node 20 parses the file before running any JavaScript; 22 and later only on first TLS use),
 * and the environment the tools run with (without it, unless --keep-extra-ca).
 */
function extraCaCerts(opts) {
  const file = process.env.NODE_EXTRA_CA_CERTS;
  if (!file) return null;
  const { NODE_EXTRA_CA_CERTS: _removed, ...without } = process.env;
  const startMs = (env) => {
    const times = [];
    for (let i = 0; i < EXTRA_CA_PROBES; i++) {
      const start = process.hrtime.bigint();
      spawnSync(opts.node, ['-e', '0'], { env });
      times.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    return Math.round(times.sort((a, b) => a - b)[EXTRA_CA_PROBES >> 1]);
  };
  const measured = { with: startMs(process.env), without: startMs(without) };
  log(`NODE_EXTRA_CA_CERTS=${file}: node -e 0 takes ${measured.with} ms with it, ${measured.without} ms without; ${opts.keepExtraCa ? 'kept' : 'removed for every tool'}`);
  return { file, startMs: measured, env: opts.keepExtraCa ? process.env : without };
}

async function main() {
  const opts = parseOptions();
  if (!fs.existsSync(TIME_BIN)) fail(`${TIME_BIN} (GNU time) is required; run bench/run.sh or apt-get install time`);
  const nginxCases = opts.cases.filter((c) => CASES[c].server.startsWith('nginx'));
  if (nginxCases.length && spawnSync('sh', ['-c', 'command -v nginx']).status !== 0) fail('nginx is required; run bench/run.sh');
  if (opts.cases.includes('h2') && spawnSync('sh', ['-c', 'command -v openssl']).status !== 0) fail('openssl is required for the h2 case; run bench/run.sh');
  const tools = usableTools(opts);
  if (!tools.length) fail('no tool to benchmark');

  const startedAt = new Date().toISOString();
  const load = { start: loadAvg() };
  await ensureData(opts.dataDir, opts.cases);
  const work = makeTempDir(fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir());
  const outRoot = makeTempDir(opts.outBase);
  const outFs = fsType(outRoot);
  if (opts.disk && outFs === 'tmpfs') log(`warning: --disk, but ${opts.outBase} is tmpfs`);
  log(`outputs in ${outRoot} (${outFs})`);
  const extraCa = extraCaCerts(opts);
  const ctx = { ...opts, tools, work, outRoot, toolEnv: extraCa?.env ?? process.env };

  const tls = opts.cases.includes('h2') ? makeCertificates(path.join(work, 'tls')) : null;
  const nginx = nginxCases.length ? await startNginx(opts.dataDir, work, tls) : null;
  const results = {
    startedAt, finishedAt: null, load, machine: machineInfo(), outFs,
    options: { ...opts, tools, outRoot }, versions: versionInfo(opts.cli, opts.node), h2Probe: null, extraCa: extraCa && { file: extraCa.file, removed: !opts.keepExtraCa, startMs: extraCa.startMs }, cases: {},
  };

  try {
    // What start-up alone costs each tool: before the cases, on an idle machine.
    if (opts.cases.some((c) => CASES[c].server === 'delay' || CASES[c].server === 'capped')) results.firstRequest = await firstRequestProbe(ctx);
    for (const name of opts.cases) {
      const spec = CASES[name];
      let server = null;
      let base;
      let ca = null;
      if (spec.server === 'nginx') base = `http://127.0.0.1:${nginx.port}`;
      else if (spec.server === 'nginx-tls') {
        base = `https://127.0.0.1:${nginx.tlsPort}`;
        ca = tls.ca;
        results.h2Probe = sh(`curl -s -o /dev/null --cacert ${JSON.stringify(ca)} -w '%{http_version}' ${base}/${spec.data}/${fileName(0)}`) || null;
      } else {
        const args = spec.server === 'delay' ? ['--delay-ms', String(LATENCY_MS)] : ['--rate', String(spec.rate ?? CAP_RATE)];
        server = await startTestServer(opts.dataDir, work, args, name);
        base = `http://127.0.0.1:${server.port}`;
      }
      const job = writeJob(work, name, spec, caseUrls(base, spec), ca);
      log(`case ${spec.label}`);
      results.cases[name] = spec.once ? await benchOnce(name, job, ctx) : await benchCase(name, job, ctx);
      if (server) await server.stop();
    }
  } finally {
    if (nginx) await nginx.stop();
  }
  results.finishedAt = new Date().toISOString();
  load.end = loadAvg();

  const markdown = renderMarkdown(results);
  process.stdout.write(markdown);
  saveResults(results, markdown, opts.json);
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
