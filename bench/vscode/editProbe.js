// Runs inside code-server's extension host (extensionTestsPath of the smoke-test payload, see
// editRun.mjs): opens a large URL list, edits it the way a person does (one line, then a pause
// longer than the diagnostics' debounce), and measures the extension host's event-loop delay
// (perf_hooks.monitorEventLoopDelay, 1 ms resolution) from each edit until its diagnostics are
// updated, and as much time again without edits (the host's background). Writes the numbers to
// the results file named in the workspace's bench-edit.json.
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS, loaded by the extension host */

const fs = require('node:fs');
const path = require('node:path');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const vscode = require('vscode');

const EXTENSION_ID = 'asset-fetch.asset-fetch';
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function log(message) {
  console.log(`[bench-edit] ${message}`);
}

/** Resolves once the diagnostics of `uri` satisfy `check`, or rejects after `timeoutMs`. */
function diagnosticsOf(uri, check, timeoutMs) {
  return new Promise((resolve, reject) => {
    const done = () => {
      const found = vscode.languages.getDiagnostics(uri);
      if (!check(found)) return false;
      clearTimeout(timer);
      subscription.dispose();
      resolve(found);
      return true;
    };
    const timer = setTimeout(() => {
      subscription.dispose();
      reject(new Error(`diagnostics of ${uri.fsPath}: ${vscode.languages.getDiagnostics(uri).length} after ${timeoutMs} ms`));
    }, timeoutMs);
    const subscription = vscode.languages.onDidChangeDiagnostics((e) => e.uris.some((u) => u.toString() === uri.toString()) && done());
    done();
  });
}

async function run() {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const config = JSON.parse(fs.readFileSync(path.join(folder.uri.fsPath, 'bench-edit.json'), 'utf8'));
  const results = { node: process.version, vscode: vscode.version, edits: [], idle: [], error: undefined };
  const save = () => fs.writeFileSync(config.resultsFile, JSON.stringify(results, null, 2));
  try {
    const extension = vscode.extensions.getExtension(EXTENSION_ID);
    await extension.activate();
    results.extensionPath = extension.extensionPath;
    const uri = vscode.Uri.file(config.list);
    const editor = await vscode.window.showTextDocument(uri);
    let expected = config.badLines;
    await diagnosticsOf(uri, (d) => d.length === expected, 60_000);
    log(`${config.list}: ${editor.document.lineCount} lines, ${expected} diagnostics; settling`);
    await sleep(5000);

    const histogram = monitorEventLoopDelay({ resolution: 1 });
    histogram.enable();
    const window = async (action) => {
      histogram.reset();
      await sleep(30); // the histogram drops its first sample after a reset
      const t0 = Date.now();
      await action();
      await sleep(100); // whatever the update sets off
      return { ms: Date.now() - t0, max: histogram.max / 1e6, p99: histogram.percentile(99) / 1e6, count: histogram.count };
    };
    for (let i = 0; i < config.edits; i++) {
      // A URL line becomes a prose line: one more diagnostic, so every edit changes them.
      const line = 1 + ((i * 997) % (editor.document.lineCount - 2));
      const target = editor.document.lineAt(line);
      if (!target.text.startsWith('http')) continue;
      expected++;
      results.edits.push(await window(async () => {
        await editor.edit((e) => e.replace(target.range, `note ${i} about this image`));
        await diagnosticsOf(uri, (d) => d.length === expected, 10_000);
      }));
      await sleep(200);
    }
    for (let i = 0; i < config.edits; i++) {
      results.idle.push(await window(() => sleep(400)));
      await sleep(200);
    }
    histogram.disable();
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  } catch (err) {
    results.error = err.stack || String(err);
    log(`FAILED: ${results.error}`);
    save();
    throw err;
  }
  save();
}

module.exports = { run };
