#!/usr/bin/env node
// End-to-end tests of Asset Fetch in a real VS Code (code-server) driven by Playwright.
//   node test/e2e/run.mjs [step ...]     (npm run test:e2e)
// Steps: the scenarios in scenarios/ and vscodeSuite (the mocha suite in the extension host).
// Without arguments every step runs. See README.md for the environment variables.
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser } from './lib/browser.mjs';
import { installVsix } from './lib/codeServer.mjs';
import { ensureInstalled } from './lib/install.mjs';
import { log, step } from './lib/log.mjs';
import { artifactsDir, removeScratch, repoDir } from './lib/paths.mjs';
import { run } from './lib/proc.mjs';
import { runScenario } from './lib/scenario.mjs';
import { scenarios } from './scenarios/index.mjs';
import { runVscodeSuite } from './vscodeSuite.mjs';

// Also on Ctrl+C or an error: lib/proc.mjs (imported first) kills the process groups on exit,
// then the scratch folders go.
process.on('exit', () => removeScratch());

const STEPS = [...scenarios.map((s) => s.name), 'vscodeSuite'];

async function main() {
  const wanted = process.argv.slice(2);
  const unknown = wanted.filter((w) => !STEPS.includes(w));
  if (unknown.length) {
    console.error(`unknown step(s) ${unknown.join(', ')}; steps: ${STEPS.join(', ')}`);
    return 2;
  }
  const selected = wanted.length ? wanted : STEPS;
  fs.rmSync(artifactsDir, { recursive: true, force: true });
  fs.mkdirSync(artifactsDir, { recursive: true });

  const install = await step('install tools', ensureInstalled);
  const vsix = await step('package the extension', packageExtension);
  const results = [];
  let browser;
  try {
    const uiScenarios = scenarios.filter((s) => selected.includes(s.name));
    if (uiScenarios.length) {
      const extensionsDir = await step(`install ${path.basename(vsix)} into a fresh extensions folder`, () => installVsix(install, vsix));
      browser = await launchBrowser(install.chromium);
      for (const scenario of uiScenarios) {
        results.push(await runScenario(scenario, { install, extensionsDir, browser }));
      }
    }
    if (selected.includes('vscodeSuite')) {
      results.push(await runVscodeSuite({ install, browser: browser ?? (browser = await launchBrowser(install.chromium)) }));
    }
  } finally {
    await browser?.close();
    const kept = removeScratch();
    if (kept) log(`E2E_KEEP: scratch folders kept in ${kept}`);
  }

  log('results:');
  for (const r of results) log(`  ${r.ok ? 'PASS' : 'FAIL'} ${r.name} (${r.seconds.toFixed(1)}s)${r.ok ? '' : `: ${r.error}`}`);
  log(`artifacts (screenshots, logs): ${path.relative(process.cwd(), artifactsDir) || artifactsDir}`);
  const failed = results.filter((r) => !r.ok).length;
  log(failed ? `${failed} of ${results.length} failed` : `all ${results.length} passed`);
  return failed ? 1 : 0;
}

/** `npm run package` (production bundle + vsce) → asset-fetch.vsix; E2E_VSIX uses a given file. */
async function packageExtension() {
  if (process.env.E2E_VSIX) {
    const vsix = path.resolve(process.env.E2E_VSIX);
    if (!fs.existsSync(vsix)) throw new Error(`E2E_VSIX=${vsix} does not exist`);
    log(`using ${vsix} (E2E_VSIX)`);
    return vsix;
  }
  const vsix = path.join(repoDir, 'asset-fetch.vsix');
  fs.rmSync(vsix, { force: true });
  await run('npm', ['run', 'package'], { cwd: repoDir, logFile: path.join(artifactsDir, 'package.log'), timeout: 5 * 60_000 });
  if (!fs.existsSync(vsix)) throw new Error(`npm run package did not write ${vsix}`);
  log(`packaged ${vsix} (${(fs.statSync(vsix).size / 1024).toFixed(0)} KiB)`);
  return vsix;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err?.stack ?? err);
    process.exit(1);
  },
);
