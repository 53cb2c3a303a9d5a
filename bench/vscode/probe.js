// Runs inside code-server's extension host (extensionTestsPath of the smoke-test payload, see
// run.mjs): measures the extension host's event-loop delay with
// perf_hooks.monitorEventLoopDelay({ resolution: 10 }) while Asset Fetch downloads lists, and
// writes the numbers to the results file named in the workspace's bench-vscode.json.
//
// Steps (from the config, in order):
//   idle    nothing runs for `durationMs`
//   worker  "Download URLs in File" on a list, as a user runs it (engine in the worker thread);
//           with `openList` the list is shown in an editor first (its CodeLens follow the run)
//   main    the same command with the model's engine swapped for an in-process one built from
//           src/core (out/bench/core.js): the engine on the extension host's own event loop,
//           feeding the same model, tree, notification, status bar and log.
// A download step only counts when every item ended "ok" and the target folder holds exactly
// the expected files with the expected sizes (and, where the step gives one, the expected sha256,
// computed by a sha256sum child process after the measurement); otherwise the probe fails and
// the run is void.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS, loaded by the extension host */

const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { monitorEventLoopDelay, performance, PerformanceObserver, constants: perfConstants } = require('node:perf_hooks');
const vscode = require('vscode');

const EXTENSION_ID = 'asset-fetch.asset-fetch';
const CONFIG_NAME = 'bench-vscode.json';
const RESOLUTION_MS = 10;

function log(message) {
  console.log(`[bench-probe] ${message}`);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Machine-wide CPU counters (all cores), to see how busy the machine was during a step. */
function cpuTimes() {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const idle = f[3] + (f[4] || 0);
  const total = f.reduce((a, b) => a + b, 0);
  return { idle, total };
}

/**
 * CPU ticks of every live process (pid → { group, ticks }), by group: this extension host, the rest
 * of the bench (descendants of the runner: code-server, chromium, nginx), and everything else on
 * the machine (other work that competes for the cores and shows up as event-loop delay too).
 */
function processTicks(runnerPid, serverPids = []) {
  const procs = new Map();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const f = stat.slice(close + 2).split(' ');
      // fields after comm: state ppid ... utime(12) stime(13)
      procs.set(Number(entry), { ppid: Number(f[1]), comm, ticks: Number(f[11]) + Number(f[12]) });
    } catch {
      // gone meanwhile
    }
  }
  for (const [pid, p] of procs) {
    let ours = false;
    for (let q = pid, hops = 0; q > 1 && hops < 64; q = procs.get(q)?.ppid ?? 0, hops++) {
      if (q === runnerPid) {
        ours = true;
        break;
      }
    }
    if (pid === process.pid) p.group = 'extensionHost';
    // "nginx": the file servers (nginx, or bench/testServer.mjs by pid).
    else if (ours) p.group = /chrom/i.test(p.comm) ? 'chromium' : /nginx/.test(p.comm) || serverPids.includes(pid) ? 'nginx' : 'codeServer';
    else p.group = 'other';
  }
  return procs;
}

/** Ticks used between two snapshots, by group (processes that ended in between are not counted). */
function ticksByGroup(before, after) {
  const groups = { extensionHost: 0, chromium: 0, nginx: 0, codeServer: 0, other: 0 };
  for (const [pid, p] of after) groups[p.group] += p.ticks - (before.get(pid)?.ticks ?? 0);
  return groups;
}

function histogramNumbers(histogram) {
  const ms = (ns) => ns / 1e6;
  return {
    p50: ms(histogram.percentile(50)),
    p90: ms(histogram.percentile(90)),
    p99: ms(histogram.percentile(99)),
    max: ms(histogram.max),
    samples: histogram.count,
  };
}

/** Resolves once the main thread was under 5% busy for 250 ms; returns the time that took. */
async function untilQuiet(maxMs) {
  const t0 = performance.now();
  for (;;) {
    const elu = performance.eventLoopUtilization();
    await sleep(250);
    if (performance.eventLoopUtilization(elu).utilization < 0.05 || performance.now() - t0 > maxMs) return performance.now() - t0;
  }
}

/**
 * The host's garbage collections during a step (every extension's and VS Code's, not only ours):
 * long pauses in the profiles are mostly major GCs, so their count says more than one p99 does.
 */
function watchGc() {
  const gcs = [];
  const record = (entries) => entries.forEach((entry) => gcs.push({ kind: entry.detail?.kind ?? 0, ms: entry.duration }));
  const observer = new PerformanceObserver((list) => record(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return () => {
    record(observer.takeRecords?.() ?? []);
    observer.disconnect();
    const { NODE_PERFORMANCE_GC_MAJOR: MAJOR, NODE_PERFORMANCE_GC_MINOR: MINOR } = perfConstants;
    const sum = (list) => ({ count: list.length, totalMs: list.reduce((a, g) => a + g.ms, 0), maxMs: Math.max(0, ...list.map((g) => g.ms)) });
    return {
      major: sum(gcs.filter((g) => g.kind === MAJOR)),
      minor: sum(gcs.filter((g) => g.kind === MINOR)),
      other: sum(gcs.filter((g) => g.kind !== MAJOR && g.kind !== MINOR)),
    };
  };
}

/** Starts measuring; stop() returns the numbers of the interval. */
function startMeasuring(config = {}) {
  const gc = watchGc();
  const ticks = config.runnerPid ? processTicks(config.runnerPid, config.serverPids) : undefined;
  const startedAtEpochMs = Date.now();
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  const elu = performance.eventLoopUtilization();
  const cpu = process.cpuUsage();
  const machine = cpuTimes();
  const t0 = performance.now();
  histogram.enable();
  return () => {
    histogram.disable();
    const wallMs = performance.now() - t0;
    const gcs = gc();
    const ms = (ns) => ns / 1e6;
    const used = process.cpuUsage(cpu);
    const m = cpuTimes();
    const machineTotal = m.total - machine.total;
    let cpuCores;
    if (ticks) {
      const used = ticksByGroup(ticks, processTicks(config.runnerPid, config.serverPids));
      cpuCores = {};
      for (const k of Object.keys(used)) cpuCores[k] = used[k] / config.clockTicks / (wallMs / 1000);
    }
    return {
      wallMs,
      /** Wall-clock bounds of the step, to match it with a server's request log. */
      startedAtEpochMs,
      endedAtEpochMs: Date.now(),
      p50: ms(histogram.percentile(50)),
      p90: ms(histogram.percentile(90)),
      p99: ms(histogram.percentile(99)),
      max: ms(histogram.max),
      min: ms(histogram.min),
      mean: ms(histogram.mean),
      samples: histogram.count,
      /** Share of the wall time the extension host's main thread was busy (not waiting in epoll). */
      elu: performance.eventLoopUtilization(elu).utilization,
      /** CPU of the whole extension host process (main thread + worker threads), in cores. */
      processCpuCores: (used.user + used.system) / 1000 / wallMs,
      /** Machine-wide CPU use during the step, 0..1 of all cores. */
      machineBusy: machineTotal > 0 ? 1 - (m.idle - machine.idle) / machineTotal : 0,
      loadavg: os.loadavg()[0],
      /** CPU per process group in cores (from /proc; ticks of 1/clockTicks s, so coarse for short steps). */
      cpuCores,
      /** The host's garbage collections in the step: count, total and longest pause (ms) by kind. */
      gc: gcs,
    };
  };
}

/**
 * The engine of engineWorker.ts, run in-process: same calls, same messages to the model, without
 * the worker thread (and without the structured clone of its messages).
 */
class InProcessEngine {
  constructor(core, deliver) {
    this.core = core;
    this.deliver = deliver;
    this.batches = new Map();
    // Far from the worker's ids (1, 2, ...): both feed one model.
    this.nextBatchId = 1_000_000;
  }

  start(text, sourceName, options) {
    const batchId = this.nextBatchId++;
    // The model registers the batch after start() returns, as with the worker's async reply.
    setImmediate(() => {
      try {
        const parsed = this.core.parseList(text, { sourceName });
        const batch = new this.core.Batch(parsed.entries, options);
        this.batches.set(batchId, batch);
        this.deliver({ type: 'started', batchId, items: batch.snapshot(), stats: batch.stats(), warnings: parsed.warnings, formatReason: parsed.formatReason, formatGuessed: parsed.formatGuessed });
        batch.onUpdate((update) => this.deliver({ type: 'update', batchId, update }));
        this.report(batchId, batch.run());
      } catch (err) {
        this.deliver({ type: 'failed', batchId, message: err.message });
      }
    });
    return batchId;
  }

  cancel(batchId, itemId) {
    const batch = this.batches.get(batchId);
    if (!batch) return;
    if (itemId === undefined) batch.cancel();
    else batch.cancelItem(itemId);
  }

  retry(batchId, itemIds) {
    const batch = this.batches.get(batchId);
    if (batch) this.report(batchId, batch.retry(itemIds));
  }

  remove(batchId) {
    const batch = this.batches.get(batchId);
    this.batches.delete(batchId);
    if (batch) void batch.dispose();
  }

  report(batchId, run) {
    run.then(
      (result) => this.deliver({ type: 'finished', batchId, stats: result.stats }),
      (err) => this.deliver({ type: 'failed', batchId, message: err.message }),
    );
  }
}

/**
 * The profiles a step asked for (--profile: CPU; --heap-profile: sampled allocations, those
 * collected since included, so it shows who allocates, not only who retains), taken with the
 * inspector in-process. Returns what stops them and writes them as `<base>.cpuprofile` and
 * `<base>.heapprofile`, or undefined when none was asked for.
 */
async function startProfiles(config) {
  if (!config.profile && !config.heapProfile) return undefined;
  const inspector = require('node:inspector');
  const session = new inspector.Session();
  session.connect();
  const post = (method, params) =>
    new Promise((resolve, reject) => session.post(method, params, (err, result) => (err ? reject(err) : resolve(result))));
  if (config.profile) {
    await post('Profiler.enable');
    await post('Profiler.setSamplingInterval', { interval: 200 });
    await post('Profiler.start');
  }
  if (config.heapProfile) {
    await post('HeapProfiler.enable');
    await post('HeapProfiler.startSampling', { samplingInterval: 16384, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  }
  return async (base) => {
    fs.mkdirSync(path.dirname(base), { recursive: true });
    if (config.profile) fs.writeFileSync(`${base}.cpuprofile`, JSON.stringify((await post('Profiler.stop')).profile));
    if (config.heapProfile) fs.writeFileSync(`${base}.heapprofile`, JSON.stringify((await post('HeapProfiler.stopSampling')).profile));
    session.disconnect();
  };
}

/** Resolves with the first run of a batch whose list is `listPath`, once that run has ended. */
function waitForRun(model, listPath, timeoutMs) {
  return new Promise((resolve, reject) => {
    let batch;
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no finished run for ${listPath} within ${timeoutMs / 1000} s (batch: ${batch ? JSON.stringify(batch.stats) : 'not started'})`));
    }, timeoutMs);
    const subscriptions = [
      model.onDidStartRun((b) => {
        if (!batch && b.listPath === listPath) batch = b;
      }),
      model.onDidFinishRun((b) => {
        if (b !== batch) return;
        cleanup();
        resolve(b);
      }),
    ];
    function cleanup() {
      clearTimeout(timer);
      for (const s of subscriptions) s.dispose();
    }
  });
}

/** The downloads really happened: every item ok, and exactly the expected files on disk. */
async function verify(step, batch) {
  const problems = [];
  const s = batch.stats;
  if (!s) problems.push('the batch has no stats');
  else {
    if (s.total !== step.expected.files) problems.push(`batch total ${s.total}, want ${step.expected.files}`);
    if (s.ok !== step.expected.files) problems.push(`${s.ok} items ok, want ${step.expected.files} (failed ${s.failed}, skipped ${s.skipped}, cancelled ${s.cancelled})`);
    if (s.bytes !== step.expected.files * step.expected.size) problems.push(`batch bytes ${s.bytes}, want ${step.expected.files * step.expected.size}`);
  }
  if (batch.error) problems.push(`batch error: ${batch.error}`);
  const okItems = batch.items.filter((i) => i.snapshot.state === 'ok').length;
  if (okItems !== step.expected.files) problems.push(`${okItems} items in state ok in the model, want ${step.expected.files}`);
  const listName = path.basename(step.list);
  const names = (await fs.promises.readdir(step.targetDir)).filter((n) => n !== listName);
  const leftovers = names.filter((n) => n.endsWith('.part') || n.endsWith('.meta'));
  if (leftovers.length) problems.push(`${leftovers.length} partial files left, e.g. ${leftovers[0]}`);
  if (names.length !== step.expected.files) problems.push(`${names.length} files in ${step.targetDir}, want ${step.expected.files}`);
  let wrongSize = 0;
  let firstWrong;
  for (let i = 0; i < names.length; i += 256) {
    const sizes = await Promise.all(names.slice(i, i + 256).map((n) => fs.promises.stat(path.join(step.targetDir, n)).then((st) => st.size)));
    sizes.forEach((size, j) => {
      if (size !== step.expected.size) {
        wrongSize++;
        firstWrong ??= `${names[i + j]} (${size} B)`;
      }
    });
  }
  if (wrongSize) problems.push(`${wrongSize} files of the wrong size, e.g. ${firstWrong}; want ${step.expected.size} B each`);
  let sha256;
  if (step.expected.sha256 && !problems.length) {
    // In a child process: hashing 1 GiB must not block this host (the next step waits for quiet).
    for (const n of names) {
      sha256 = await sha256Of(path.join(step.targetDir, n));
      if (sha256 !== step.expected.sha256) problems.push(`${n}: sha256 ${sha256}, want ${step.expected.sha256}`);
    }
  }
  if (problems.length) throw new Error(`${step.name} run ${step.run}: the downloads did not all happen, numbers void: ${problems.join('; ')}`);
  return { files: names.length, okItems, bytes: s.bytes, sha256 };
}

function sha256Of(file) {
  return new Promise((resolve, reject) =>
    execFile('sha256sum', [file], (err, stdout) => (err ? reject(err) : resolve(stdout.split(/\s/)[0]))),
  );
}

/**
 * Times DownloadsModel.receive (the model and every view listening to it, synchronously) per
 * message type while a step runs. The extension's engine client calls model.receive through a
 * closure that looks the method up on each message, so an own property wraps it.
 */
function timeReceive(model) {
  const original = model.receive;
  const stats = {};
  model.receive = function (message) {
    const t0 = performance.now();
    try {
      return original.call(this, message);
    } finally {
      const ms = performance.now() - t0;
      const s = (stats[message.type] ??= { count: 0, totalMs: 0, maxMs: 0, maxChanged: 0, maxLogs: 0 });
      s.count++;
      s.totalMs += ms;
      s.maxMs = Math.max(s.maxMs, ms);
      if (message.type === 'update') {
        s.maxChanged = Math.max(s.maxChanged, message.update.changed.length);
        s.maxLogs = Math.max(s.maxLogs, message.update.logs.length);
      }
      if (message.type === 'started') s.maxChanged = Math.max(s.maxChanged, message.items.length);
    }
  };
  return () => {
    delete model.receive;
    return stats;
  };
}

async function runDownload(step, model, config, core) {
  const listUri = vscode.Uri.file(step.list);
  const finished = waitForRun(model, step.list, config.stepTimeoutMs);
  let restoreEngine;
  if (step.kind === 'main') {
    const realEngine = model.engine;
    if (!realEngine || typeof realEngine.start !== 'function') throw new Error('model.engine not found: the main-thread step needs DownloadsModel to keep its engine in `engine`');
    model.engine = new InProcessEngine(core, (message) => model.receive(message));
    restoreEngine = () => (model.engine = realEngine);
  }
  if (step.openList) {
    // The list in an editor, as a user watching its CodeLens; its analysis and first lenses come before the measurement.
    await vscode.window.showTextDocument(listUri, { preview: false });
    await sleep(2000);
    await untilQuiet(config.aftermathMaxMs);
  }
  const stopProfile = await startProfiles(config);
  const stopTiming = timeReceive(model);
  // The run (command → end of the run), and the run plus its aftermath: what the end of a run
  // sets off (the tree's last refresh, the summary message) runs after onDidFinishRun.
  const withAftermath = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  withAftermath.enable();
  const stop = startMeasuring(config);
  let numbers;
  let batch;
  try {
    await vscode.commands.executeCommand('assetFetch.downloadUrlsInFile', listUri);
    batch = await finished;
    numbers = stop();
    const aftermathMs = await untilQuiet(config.aftermathMaxMs);
    withAftermath.disable();
    numbers.withAftermath = { aftermathMs, ...histogramNumbers(withAftermath) };
  } finally {
    if (!numbers) stop();
    withAftermath.disable();
    const receive = stopTiming();
    if (numbers) numbers.receive = receive;
    if (stopProfile) await stopProfile(path.join(config.profileDir, `${step.name}-r${step.run}`));
  }
  const checked = await verify(step, batch);
  let lenses;
  if (step.openList) {
    // Proof the lenses were there: how many VS Code has for the list now, and the first line's.
    const shown = (await vscode.commands.executeCommand('vscode.executeCodeLensProvider', listUri)) ?? [];
    lenses = { count: shown.length, firstLine: shown.filter((l) => l.range.start.line === 0).map((l) => l.command?.title) };
    log(`${step.name} run ${step.run}: ${lenses.count} lenses on the list; line 1: ${JSON.stringify(lenses.firstLine)}`);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  }
  // Clear the tree (and let the engine close its connections) while this step's engine is in place.
  model.clearFinished();
  restoreEngine?.();
  // Remove the downloads (the list stays, for a repeat of the step).
  const listName = path.basename(step.list);
  const downloaded = (await fs.promises.readdir(step.targetDir)).filter((n) => n !== listName);
  for (let i = 0; i < downloaded.length; i += 256) {
    await Promise.all(downloaded.slice(i, i + 256).map((n) => fs.promises.rm(path.join(step.targetDir, n), { force: true })));
  }
  return { ...numbers, verified: checked, ...(lenses && { lenses }) };
}

async function run() {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (!folder) throw new Error('the bench needs a workspace folder');
  const configFile = path.join(folder.uri.fsPath, CONFIG_NAME);
  const config = JSON.parse(fs.readFileSync(configFile, 'utf8'));
  const results = { startedAt: new Date().toISOString(), node: process.version, vscode: vscode.version, steps: [], error: undefined };
  const save = () => fs.writeFileSync(config.resultsFile, JSON.stringify(results, null, 2));
  try {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    if (!extension) throw new Error(`${EXTENSION_ID} is not loaded (extensionDevelopmentPath?)`);
    const { model } = await extension.activate();
    results.extensionPath = extension.extensionPath;
    // Loaded up front, so the main-thread step does not time a require().
    const core = config.steps.some((s) => s.kind === 'main') ? require(config.coreBundle) : undefined;
    // The Downloads view is visible, as for a user watching the downloads.
    await vscode.commands.executeCommand('assetFetch.downloads.focus');
    log(`extension host ${process.version} (pid ${process.pid}), VS Code ${vscode.version}; settling ${config.settleMs} ms`);
    await sleep(config.startupSettleMs);
    for (const step of config.steps) {
      // A step during which other work on the machine took CPU is repeated (the last try counts).
      const discarded = [];
      for (let attempt = 1; ; attempt++) {
        const settled = await settle(config);
        log(`${step.name} run ${step.run}: start${attempt > 1 ? ` (attempt ${attempt})` : ''}`);
        const numbers = step.kind === 'idle' ? await runIdle(step, config) : await runDownload(step, model, config, core);
        const other = numbers.cpuCores?.other ?? 0;
        const gcText = numbers.gc ? `, major GCs ${numbers.gc.major.count} (longest ${numbers.gc.major.maxMs.toFixed(0)} ms), minor ${numbers.gc.minor.count} (${numbers.gc.minor.totalMs.toFixed(0)} ms)` : '';
        const summary = `p50 ${numbers.p50.toFixed(1)} p90 ${numbers.p90.toFixed(1)} p99 ${numbers.p99.toFixed(1)} max ${numbers.max.toFixed(1)} ms, wall ${(numbers.wallMs / 1000).toFixed(2)} s, other work ${other.toFixed(2)} cores${gcText}`;
        if (other > config.contendedCores && attempt <= config.contendedRetries) {
          log(`${step.name} run ${step.run}: ${summary}: other work on the machine; repeating`);
          discarded.push({ p50: numbers.p50, p90: numbers.p90, p99: numbers.p99, max: numbers.max, wallMs: numbers.wallMs, otherCores: other });
          continue;
        }
        results.steps.push({ name: step.name, run: step.run, kind: step.kind, attempts: attempt, discarded, settledAfterMs: settled, ...numbers });
        save();
        log(`${step.name} run ${step.run}: ${summary}`);
        break;
      }
    }
  } catch (err) {
    results.error = err.stack || String(err);
    log(`FAILED: ${results.error}`);
    save();
    throw err;
  }
  results.finishedAt = new Date().toISOString();
  save();
}

async function runIdle(step, config) {
  const stopProfile = await startProfiles(config);
  const stop = startMeasuring(config);
  await sleep(step.durationMs);
  const numbers = stop();
  if (stopProfile) await stopProfile(path.join(config.profileDir, `${step.name}-r${step.run}`));
  return numbers;
}

/**
 * Waits `settleMs`, then until the extension host's main thread has been quiet (under 5% busy)
 * for a whole second, so the aftermath of a step (file events of its downloads and deletions,
 * tree and log updates) does not land in the next one; then, for at most `quietMaxMs`, until the
 * machine as a whole is quiet (under 15% of all cores busy for a second). Returns the time taken.
 */
async function settle(config) {
  const t0 = performance.now();
  await sleep(config.settleMs);
  for (;;) {
    const elu = performance.eventLoopUtilization();
    await sleep(1000);
    const busy = performance.eventLoopUtilization(elu).utilization;
    if (busy < 0.05) break;
    if (performance.now() - t0 > config.settleMaxMs) {
      log(`still ${(busy * 100).toFixed(0)}% busy after ${config.settleMaxMs} ms of settling; going on`);
      break;
    }
  }
  const t1 = performance.now();
  let said = false;
  for (;;) {
    const a = cpuTimes();
    await sleep(1000);
    const b = cpuTimes();
    const machine = 1 - (b.idle - a.idle) / Math.max(1, b.total - a.total);
    if (machine < 0.15) break;
    if (!said) log(`machine ${(machine * 100).toFixed(0)}% busy with other work; waiting up to ${config.quietMaxMs / 1000} s`);
    said = true;
    if (performance.now() - t1 > config.quietMaxMs) break;
  }
  return performance.now() - t0;
}

module.exports = { run };
