// `npm run demo:vscode`: the extension in a real VS Code (code-server) in your browser, offline.
// Packages the .vsix, installs it into a fresh extensions folder, serves demo/assets on
// 127.0.0.1, opens a workspace holding the demo list, prints the address and waits for Ctrl+C.
// With --screenshots it drives the workbench itself and saves the README's screenshots to media/.
import fs from 'node:fs';
import path from 'node:path';
import { launchBrowser } from '../test/e2e/lib/browser.mjs';
import { installVsix, startCodeServer } from '../test/e2e/lib/codeServer.mjs';
import { ensureInstalled } from '../test/e2e/lib/install.mjs';
import { removeScratch } from '../test/e2e/lib/paths.mjs';
import { README_SHOTS_ENV } from '../test/e2e/lib/readmeShots.mjs';
import { run } from '../test/e2e/lib/proc.mjs';
import { Workbench } from '../test/e2e/lib/workbench.mjs';
import { demoList, startDemoServer } from './demoServer.mjs';

const screenshots = process.argv.includes('--screenshots');
const README_SCENARIOS = ['rateLimitedHost', 'previewDownload', 'reloadResume', 'codeLensHover', 'explorerBadges', 'lockBadges'];
const README_SCENARIO_SHOTS = ['rate-limited', 'preview', 'interrupted', 'codelens', 'hover', 'badges', 'trouble-first', 'lock-badges'].map((n) => `media/screenshot-${n}.png`).join(', ');
const workspace = path.resolve('demo-output/vscode');
process.on('exit', () => removeScratch());

const install = await ensureInstalled();
await run('npm', ['run', 'package'], { cwd: process.cwd(), logFile: path.resolve('demo-output/package.log') });
const extensionsDir = await installVsix(install, path.resolve('asset-fetch.vsix'));
const demo = await startDemoServer();
fs.rmSync(workspace, { recursive: true, force: true });
fs.mkdirSync(workspace, { recursive: true });
// The demo list plus a slow download (progress to watch) and two lines that fail (what
// failures look like).
const extra = [`${demo.origin}/slow/dataset.bin`, `${demo.origin}/img/missing.png`, 'ftp://example.com/not-http.bin'];
fs.writeFileSync(path.join(workspace, 'assets.txt'), `${demoList(demo.origin)}${extra.join('\n')}\n`);
const server = await startCodeServer(install, { name: 'demo', extensionsDir });
try {
  if (screenshots) await takeScreenshots(server.folderUrl(workspace));
  else {
    console.log(`\nOpen ${server.folderUrl(workspace)} in a browser. Ctrl+C stops the demo.`);
    await new Promise((resolve) => process.once('SIGINT', resolve));
  }
} finally {
  await server.stop();
  demo.close();
}
// The other README screenshots come from the end-to-end scenarios that set up what they show (a
// host answering 429, a reload, lenses after a run, badges): run with the README's folder as target.
if (screenshots) {
  console.log(`Running the scenarios ${README_SCENARIOS.join(', ')} for ${README_SCENARIO_SHOTS}...`);
  await run(process.execPath, ['test/e2e/run.mjs', ...README_SCENARIOS], {
    cwd: process.cwd(),
    env: { ...process.env, [README_SHOTS_ENV]: '1', E2E_VSIX: path.resolve('asset-fetch.vsix') },
    logFile: path.resolve('demo-output/screenshot-scenarios.log'),
  });
  console.log(`Saved ${README_SCENARIO_SHOTS}`);
}

async function takeScreenshots(url) {
  const browser = await launchBrowser(install.chromium);
  try {
    const page = await browser.newPage('demo');
    const wb = new Workbench(page, 'demo');
    await wb.open(url);
    await wb.quickOpen('assets.txt');
    await page.keyboard.press('F1');
    await page.keyboard.type('Asset Fetch: Download URLs');
    await wb.commandRow('Asset Fetch: Download URLs').waitFor({ state: 'visible' });
    await page.screenshot({ path: 'media/screenshot-palette.png' });
    await page.keyboard.press('Enter');
    // /slow/dataset.bin takes about 2.5 s: long enough to see progress.
    await wb.progressToast(/Asset Fetch: assets\.txt: [1-9]\d*\/\d+ files · [1-9]/).waitFor({ state: 'visible', timeout: 20_000 });
    await page.waitForTimeout(300); // the toast slides in
    await page.screenshot({ path: 'media/screenshot-notification.png' });
    await wb.waitForToast(/assets\.txt: \d+ downloaded/);
    await wb.showViewContainer('Asset Fetch');
    await wb.sidebarRow('missing.png').waitFor({ state: 'visible' });
    await wb.hoverText(wb.sidebarRow('missing.png'));
    await page.screenshot({ path: 'media/screenshot-tree.png' });
    console.log('Saved media/screenshot-palette.png, media/screenshot-notification.png, media/screenshot-tree.png');
  } finally {
    await browser.close();
  }
}
