#!/usr/bin/env node
// Benchmark: what editing a large list costs the extension host's event loop, with the list
// parsed in the engine worker (the extension as it is: ListAnalyses + EngineClient + the real
// dist/worker.js) against parsing it on the host (parseList on the main thread, as before).
//
//   npm run build && node bench/vscode/editLatency.mjs [--lines 40000] [--edits 60] [--pause 350]
//
// Plain Node, no VS Code: the host's side is mimicked step by step. A document is an array of
// lines, as VS Code's extension host keeps it; an edit changes one line and bumps the version;
// after the diagnostics' debounce, getText() joins the lines (what ExtHostDocumentData.getText
// does), then either
//   worker: ListAnalyses.analyze → postMessage to the worker → the summary comes back, or
//   host:   parseList(text) on the main thread,
// and diagnostics are built (one object per unusable line, with its line's range). Edits are
// `--pause` ms apart, longer than the 300 ms debounce, so every edit is analysed: the worst case.
//
// Measured per edit, from the edit until its diagnostics are built:
//   - the longest synchronous stretch of the host's work (performance.now() around each part);
//   - the largest event-loop delay seen by perf_hooks.monitorEventLoopDelay (1 ms resolution),
//     which includes everything else the loop did (garbage collection, message handling).
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createRequire } from 'node:module';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const DEBOUNCE_MS = 300;

const { values } = parseArgs({
  options: {
    lines: { type: 'string', default: '40000' },
    edits: { type: 'string', default: '60' },
    pause: { type: 'string', default: '350' },
    'bad-every': { type: 'string', default: '400' },
  },
});
const LINES = Number(values.lines);
const EDITS = Number(values.edits);
const PAUSE_MS = Number(values.pause);
const BAD_EVERY = Number(values['bad-every']);

/** The host's modules, bundled from src/ as the extension bundles them. */
async function hostModules() {
  const esbuild = await import('esbuild');
  const outfile = path.join(REPO, 'out/bench/editHost.js');
  await esbuild.build({
    stdin: {
      contents: [
        "export { ListAnalyses } from './src/model/listAnalyses';",
        "export { EngineClient } from './src/worker/engineClient';",
        "export { parseList } from './src/core/frontEnd';",
      ].join('\n'),
      resolveDir: REPO,
      loader: 'ts',
    },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    logLevel: 'warning',
  });
  return createRequire(import.meta.url)(outfile);
}

/** About 50 characters a line: 40,000 lines are 2 MB. One line in BAD_EVERY is prose. */
function makeLines() {
  const lines = [];
  for (let i = 0; i < LINES; i++) {
    lines.push(i % BAD_EVERY === BAD_EVERY - 1 ? `a note about batch ${i}` : `https://cdn.example.com/assets/img/f${String(i).padStart(6, '0')}.png`);
  }
  return lines;
}

/** vscode.Diagnostic without vscode: a range from the line's length, a message, a severity. */
function diagnosticsOf(errors, lines) {
  return errors
    .filter((e) => e.line >= 1 && e.line <= lines.length)
    .map((e) => ({ range: { start: { line: e.line - 1, character: 0 }, end: { line: e.line - 1, character: lines[e.line - 1].length } }, message: e.message, severity: 0, source: 'Asset Fetch' }));
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function runCase(name, analyzeAndRender) {
  const lines = makeLines();
  let version = 1;
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  histogram.enable();
  const perEdit = [];
  // One warm-up edit (JIT, the worker's first parse), not counted.
  for (let edit = -1; edit < EDITS; edit++) {
    const line = (edit * 997 + 13) % LINES;
    lines[line] = `https://cdn.example.com/assets/img/edited-${edit}-${line}.png`;
    version++;
    // The histogram drops its first sample after a reset: reset before the debounce's wait.
    histogram.reset();
    await sleep(DEBOUNCE_MS); // the debounce: the keystroke handler itself only restarts a timer
    const blocks = [];
    const timed = (fn) => {
      const start = performance.now();
      const result = fn();
      blocks.push(performance.now() - start);
      return result;
    };
    const diagnostics = await analyzeAndRender({ lines, version, timed });
    if (diagnostics.length !== Math.floor(LINES / BAD_EVERY) && edit === -1) console.error(`${name}: ${diagnostics.length} diagnostics`);
    await sleep(PAUSE_MS - DEBOUNCE_MS);
    if (edit >= 0) perEdit.push({ block: Math.max(...blocks), delay: histogram.max / 1e6, blocks });
  }
  histogram.disable();
  const summary = (key) => {
    const sorted = perEdit.map((e) => e[key]).sort((a, b) => a - b);
    return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) };
  };
  const parts = perEdit[0].blocks.map((_, i) => {
    const sorted = perEdit.map((e) => e.blocks[i]).sort((x, y) => x - y);
    return `${percentile(sorted, 50).toFixed(2)}/${sorted.at(-1).toFixed(2)}`;
  });
  console.error(`${name}: each synchronous part, p50/max ms: ${parts.join(', ')}`);
  return { name, block: summary('block'), delay: summary('delay') };
}

async function main() {
  const { ListAnalyses, EngineClient, parseList } = await hostModules();
  const sizeMb = (makeLines().join('\n').length / 1e6).toFixed(2);
  console.error(`bench: ${LINES.toLocaleString('en-US')} lines (${sizeMb} MB), ${EDITS} edits ${PAUSE_MS} ms apart, Node ${process.version}`);

  const engine = new EngineClient(path.join(REPO, 'dist/worker.js'), () => undefined);
  const analyses = new ListAnalyses(engine);
  const worker = await runCase('worker (this design)', async ({ lines, version, timed }) => {
    const document = { uri: 'file:///bench/list.txt', version, sourceName: 'list.txt', getText: () => lines.join('\n') };
    // getText() + the structured clone of postMessage, synchronously on the host:
    let pending;
    timed(() => (pending = analyses.analyze(document)));
    const { analysis } = await pending;
    return timed(() => diagnosticsOf(analysis.summary.errors, lines));
  });
  analyses.dispose();
  await engine.dispose();

  const host = await runCase('host (parseList on the main thread)', async ({ lines, timed }) => {
    const text = timed(() => lines.join('\n'));
    const parsed = timed(() => parseList(text, { sourceName: 'list.txt' }));
    const errors = parsed.entries.filter((e) => e.error).map((e) => ({ line: e.line, message: e.error.replace(/^line \d+: /, '') }));
    return timed(() => diagnosticsOf(errors, lines));
  });

  const row = (r) => `| ${r.name} | ${r.block.p50.toFixed(1)} | ${r.block.p99.toFixed(1)} | ${r.block.max.toFixed(1)} | ${r.delay.p50.toFixed(1)} | ${r.delay.p99.toFixed(1)} | ${r.delay.max.toFixed(1)} |`;
  console.log(`${LINES.toLocaleString('en-US')}-line list (${sizeMb} MB), ${EDITS} edits, each analysed; ms per edit`);
  console.log('| approach | longest host block p50 | p99 | max | event-loop delay p50 | p99 | max |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  console.log(row(worker));
  console.log(row(host));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
