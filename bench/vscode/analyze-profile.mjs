#!/usr/bin/env node
// Reads a .cpuprofile of the extension host (run.mjs --profile) and prints where its main thread
// spent time: self time per function, and every "long task" (a stretch of busy samples longer
// than --min ms) with the functions that took most of it (inclusive time within the stretch).
//
//   node bench/vscode/analyze-profile.mjs bench/results/vscode-profiles/worker-10k-r1.cpuprofile [--min 15] [--top 12]
import fs from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { min: { type: 'string', default: '15' }, top: { type: 'string', default: '12' }, gap: { type: 'string', default: '1' } },
});
if (!positionals.length) {
  console.error('usage: node bench/vscode/analyze-profile.mjs <file.cpuprofile> [--min 15] [--top 12] [--gap 1]');
  process.exit(2);
}
const minMs = Number(values.min);
const top = Number(values.top);
// Idle gaps shorter than this (ms) do not end a long task: the loop did not get to timers.
const gapMs = Number(values.gap);

for (const file of positionals) analyze(file);

function analyze(file) {
  const profile = JSON.parse(fs.readFileSync(file, 'utf8'));
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const label = (n) => {
    const f = n.callFrame;
    const where = f.url ? `${f.url.replace(/^.*\/(extensions|node_modules|out|dist|lib)\//, '$1/')}:${f.lineNumber + 1}` : '';
    return `${f.functionName || '(anonymous)'}${where ? ` ${where}` : ''}`;
  };
  const isIdle = (n) => n.callFrame.functionName === '(idle)';

  // Timeline: sample i lasts timeDeltas[i + 1] (the time until the next sample).
  const { samples, timeDeltas } = profile;
  const dur = samples.map((_, i) => (timeDeltas[i + 1] ?? 0) / 1000);
  const total = dur.reduce((a, b) => a + b, 0);

  const self = new Map();
  for (let i = 0; i < samples.length; i++) {
    const n = nodes.get(samples[i]);
    const key = label(n);
    self.set(key, (self.get(key) ?? 0) + dur[i]);
  }
  const idle = [...self.entries()].filter(([k]) => k.startsWith('(idle)')).reduce((a, [, v]) => a + v, 0);
  console.log(`\n== ${file}: ${total.toFixed(0)} ms profiled, ${(total - idle).toFixed(0)} ms busy (${((1 - idle / total) * 100).toFixed(0)}%)`);
  console.log(`-- self time, top ${top}`);
  for (const [k, v] of [...self.entries()].filter(([k2]) => !k2.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, top)) {
    console.log(`${v.toFixed(1).padStart(8)} ms  ${k}`);
  }

  // Long tasks: runs of busy samples, allowing idle gaps shorter than gapMs inside.
  const tasks = [];
  let start = -1;
  let idleRun = 0;
  let lastBusy = -1;
  let t = 0;
  const times = [];
  for (let i = 0; i < samples.length; i++) {
    times.push(t);
    t += dur[i];
  }
  for (let i = 0; i < samples.length; i++) {
    if (!isIdle(nodes.get(samples[i]))) {
      if (start < 0) start = i;
      lastBusy = i;
      idleRun = 0;
    } else if (start >= 0) {
      idleRun += dur[i];
      if (idleRun >= gapMs) {
        tasks.push([start, lastBusy]);
        start = -1;
        idleRun = 0;
      }
    }
  }
  if (start >= 0) tasks.push([start, lastBusy]);
  const long = tasks
    .map(([a, b]) => ({ a, b, ms: times[b] + dur[b] - times[a] }))
    .filter((x) => x.ms >= minMs);
  console.log(`-- ${long.length} busy stretches of ${minMs} ms or more (of ${tasks.length}); total ${long.reduce((s, x) => s + x.ms, 0).toFixed(0)} ms`);
  for (const task of long.sort((x, y) => y.ms - x.ms).slice(0, top)) {
    const inclusive = new Map();
    for (let i = task.a; i <= task.b; i++) {
      const seen = new Set();
      for (let id = samples[i]; id !== undefined; id = parent.get(id)) {
        const key = label(nodes.get(id));
        if (seen.has(key)) continue;
        seen.add(key);
        inclusive.set(key, (inclusive.get(key) ?? 0) + dur[i]);
      }
    }
    const interesting = [...inclusive.entries()]
      .filter(([k]) => !/^\((root|program)\)/.test(k))
      .sort((x, y) => y[1] - x[1])
      .slice(0, top);
    console.log(`\n  ${task.ms.toFixed(1)} ms at +${times[task.a].toFixed(0)} ms:`);
    for (const [k, v] of interesting) console.log(`  ${v.toFixed(1).padStart(8)} ms  ${k}`);
  }
}
