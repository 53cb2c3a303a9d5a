#!/usr/bin/env node
// Benchmark: the extension host's event-loop delay while a 2 MB URL list is edited inside a
// real VS Code (code-server), from each edit until its diagnostics are updated. The probe
// (editProbe.js) runs in the extension host through the smoke-test driver payload, as
// test/e2e/vscodeSuite.mjs does. Run after `npm run build`:
//
//   node bench/vscode/editRun.mjs [--extension DIR] [--lines 40000] [--edits 40]
//
// --extension loads another (built) copy of the extension, e.g. an older commit exported with
// `git archive` and built, to compare designs on the same machine.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { launchBrowser } from '../../test/e2e/lib/browser.mjs';
import { startCodeServer } from '../../test/e2e/lib/codeServer.mjs';
import { ensureInstalled } from '../../test/e2e/lib/install.mjs';
import { removeScratch, scratchDir } from '../../test/e2e/lib/paths.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const REPO = path.resolve(HERE, '../..');
const log = (message) => console.error(`bench-edit: ${message}`);

const { values } = parseArgs({
  options: {
    extension: { type: 'string', default: REPO },
    lines: { type: 'string', default: '40000' },
    edits: { type: 'string', default: '40' },
  },
});
const LINES = Number(values.lines);
const BAD_EVERY = 400;

function percentile(xs, p) {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main() {
  const extension = path.resolve(values.extension);
  if (!fs.existsSync(path.join(extension, 'dist/extension.js'))) throw new Error(`${extension}/dist/extension.js is missing: build it first`);
  const install = await ensureInstalled();
  const workspace = scratchDir('workspace-bench-edit');
  const list = path.join(workspace, 'list.txt');
  const lines = Array.from({ length: LINES }, (_, i) => (i % BAD_EVERY === BAD_EVERY - 1 ? `a note about batch ${i}` : `https://cdn.example.com/assets/img/f${String(i).padStart(6, '0')}.png`));
  fs.writeFileSync(list, lines.join('\n') + '\n');
  const resultsFile = path.join(workspace, '.bench-edit-results.json');
  fs.writeFileSync(path.join(workspace, 'bench-edit.json'), JSON.stringify({ list, resultsFile, edits: Number(values.edits), badLines: Math.floor(LINES / BAD_EVERY) }));
  log(`${LINES} lines (${(fs.statSync(list).size / 1e6).toFixed(2)} MB), extension ${extension}`);

  const server = await startCodeServer(install, { name: 'bench-edit', extensionsDir: scratchDir('extensions-bench-edit'), vscodeOptions: ['enable-smoke-test-driver'] });
  const browser = await launchBrowser(install.chromium);
  try {
    const page = await browser.newPage('bench-edit');
    let report;
    const exited = new Promise((resolve) => (report = resolve));
    await page.exposeFunction('codeAutomationLog', (_type, args) => {
      const text = Array.isArray(args) ? args.map(String).join(' ') : String(args);
      if (text.includes('[bench-edit]')) log(`probe | ${text.replace(/.*\[bench-edit\] /s, '')}`);
    });
    await page.exposeFunction('codeAutomationExit', (code) => report(code));
    const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
    const payload = [['extensionDevelopmentPath', remote(extension)], ['extensionTestsPath', remote(path.join(HERE, 'editProbe.js'))]];
    await page.goto(server.folderUrl(workspace, `&payload=${encodeURIComponent(JSON.stringify(payload))}`));
    const code = await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('timeout'), 600_000))]);
    const results = fs.existsSync(resultsFile) ? JSON.parse(fs.readFileSync(resultsFile, 'utf8')) : undefined;
    if (code !== 0 || !results || results.error) throw new Error(`the probe failed (exit ${code}): ${results?.error ?? 'no results'}`);
    const row = (name, windows) => {
      const max = windows.map((w) => w.max);
      return `| ${name} | ${windows.length} | ${percentile(max, 50).toFixed(1)} | ${percentile(max, 99).toFixed(1)} | ${Math.max(...max).toFixed(1)} | ${percentile(windows.map((w) => w.ms), 50).toFixed(0)} |`;
    };
    console.log(`Extension host (VS Code ${results.vscode}, Node ${results.node}), ${path.relative(process.cwd(), extension) || '.'}: largest event-loop delay per window (monitorEventLoopDelay, 1 ms), ms`);
    console.log('| window | count | p50 | p99 | max | window ms (p50) |');
    console.log('|---|---:|---:|---:|---:|---:|');
    console.log(row('edit → diagnostics updated', results.edits));
    console.log(row('no edit (background)', results.idle));
  } finally {
    await browser.close().catch(() => {});
    await server.stop();
    removeScratch();
  }
}

main().catch((err) => {
  console.error(err?.stack ?? err);
  process.exitCode = 1;
});
