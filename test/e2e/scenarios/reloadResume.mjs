// Batches that survive a reload, and Pause/Resume. (1) A slow file is paused from the batch row:
// its row says "paused", the `.part` stays, and Resume asks for the rest with one Range request
// starting at the `.part`'s size (the server counts the body bytes it sends). (2) A second
// "Download URLs" of the running list shows the running batch instead of starting another. (3)
// "Developer: Reload Window" mid-download: the batch comes back as "interrupted" with its item's
// bytes, and Resume finishes it with a Range request. The screenshot of the interrupted batch is
// media/screenshot-interrupted.png.
import fs from 'node:fs';
import path from 'node:path';
import * as assert from '../lib/assert.mjs';
import { bytesFor } from '../lib/fixtureServer.mjs';
import { log } from '../lib/log.mjs';
import { waitFor } from '../lib/wait.mjs';
import { DOWNLOAD_URLS, downloadsRows, listFile, rowDescription, rowTexts, waitForFile } from './common.mjs';
import { keepAsReadmeShot } from '../lib/readmeShots.mjs';

const SLOW = { head: 128 * 1024, chunk: 8 * 1024, intervalMs: 100 };
const PAUSED = '/s9/paused.bin';
const RELOADED = '/s9/video.bin';
const FILES = {
  '/s9/quick.bin': { body: bytesFor('quick9', 10_000) },
  // 1 MiB each: 128 KiB at once, then 8 KiB every 100 ms (~11 s).
  [PAUSED]: { body: bytesFor('paused', 1024 * 1024), slow: SLOW },
  [RELOADED]: { body: bytesFor('video9', 1024 * 1024), slow: SLOW },
};

export default {
  name: 'reloadResume',
  title: 'Pause/Resume continues with Range; a reload leaves the batch "interrupted" and Resume finishes it with Range',
  timeout: 240_000,
  async run(ctx) {
    const fixture = await ctx.serve(FILES);
    fs.writeFileSync(path.join(ctx.workspace, 'pause.urls'), listFile([fixture.url(PAUSED)]));
    fs.mkdirSync(path.join(ctx.workspace, 'media'));
    fs.writeFileSync(path.join(ctx.workspace, 'media', 'media.urls'), listFile([fixture.url('/s9/quick.bin'), fixture.url(RELOADED)]));
    const wb = await ctx.open();

    // ---- (1) Pause, then Resume ----
    const pausedFile = path.join(ctx.workspace, 'paused.bin');
    await wb.quickOpen('pause.urls');
    await wb.runCommand(DOWNLOAD_URLS.title, DOWNLOAD_URLS.id);
    await waitFor('the server to send 200 KiB of paused.bin', () => fixture.sentOf(PAUSED) >= 200 * 1024, { timeout: 30_000 });
    await downloadsRows(wb, 'pause.urls');
    await clickRowAction(wb, 'pause.urls', 'Pause');
    await waitFor('the batch row to say "paused"', async () => /^paused/.test(await rowDescription(wb, 'pause.urls')), { timeout: 15_000 });
    await ctx.shot('paused');
    const item = await rowTexts(wb, 'paused.bin');
    assert.ok(/^paused at /.test(item.description), `the item says it is paused, with its bytes: ${JSON.stringify(item.description)}`);
    assert.ok(!/cancel|fail/i.test((await rowTexts(wb, 'pause.urls')).description), 'a paused batch is not counted as cancelled or failed');
    assert.missing(pausedFile, 'a paused download has no final file');
    const partSize = fs.statSync(`${pausedFile}.part`).size;
    assert.ok(partSize > 0 && partSize < FILES[PAUSED].body.length, `the .part keeps the bytes received (${partSize})`);
    const beforeResume = fixture.requests.length;
    const sentBefore = fixture.requests.filter((r) => r.path === PAUSED).reduce((n, r) => n + r.sent, 0);
    await clickRowAction(wb, 'pause.urls', 'Resume');
    await waitForFile(pausedFile, FILES[PAUSED].body, 60_000);
    const afterPause = fixture.requests.slice(beforeResume).filter((r) => r.path === PAUSED);
    assert.ok(afterPause.length === 1 && afterPause[0].status === 206 && afterPause[0].range === `bytes=${partSize}-`, `Resume asked once, for the rest (bytes=${partSize}-): ${JSON.stringify(afterPause)}`);
    assert.equal(afterPause[0].sent, FILES[PAUSED].body.length - partSize, 'the server sent exactly the missing bytes');
    log(`${ctx.name}: paused.bin: ${sentBefore} bytes sent before Pause (${partSize} on disk), ${afterPause[0].sent} after Resume, ${FILES[PAUSED].body.length} in the file`);

    // ---- (2) A second start of the running list shows it ----
    const video = path.join(ctx.workspace, 'media', 'video.bin');
    await wb.quickOpen('media.urls');
    await wb.runCommand(DOWNLOAD_URLS.title, DOWNLOAD_URLS.id);
    await waitFor('the server to send 200 KiB of video.bin', () => fixture.sentOf(RELOADED) >= 200 * 1024, { timeout: 30_000 });
    await waitForFile(path.join(ctx.workspace, 'media', 'quick.bin'), FILES['/s9/quick.bin'].body);
    await wb.quickOpen('media.urls');
    await wb.runCommand(DOWNLOAD_URLS.title, DOWNLOAD_URLS.id);
    await wb.waitForToastSeen(/media\.urls is already being downloaded/, 15_000);
    const batches = (await wb.sidebarRows()).filter((r) => r.label === 'media.urls');
    assert.equal(batches.length, 1, `one batch of media.urls, not two: ${JSON.stringify(batches)}`);
    assert.equal(fixture.requests.filter((r) => r.path === RELOADED).length, 1, 'video.bin was requested once');

    // ---- (3) Reload mid-download: interrupted, then Resume ----
    const navigated = wb.page.waitForEvent('framenavigated', { timeout: 30_000 });
    await wb.runCommand('Developer: Reload Window', 'workbench.action.reloadWindow').catch((err) => log(`${ctx.name}: after Reload Window: ${err.message}`));
    await navigated;
    await wb.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
    await wb.activityBarItem('Asset Fetch').waitFor({ state: 'visible', timeout: 60_000 });
    log(`${ctx.name}: the window reloaded`);
    assert.missing(video, 'the interrupted download has no final file');
    const rows = await downloadsRows(wb, 'media.urls', 60_000);
    log(`${ctx.name}: rows after the reload: ${JSON.stringify(rows)}`);
    await waitFor('the batch row to say "interrupted"', async () => /^interrupted/.test(await rowDescription(wb, 'media.urls')), { timeout: 15_000 });
    const interrupted = await rowTexts(wb, 'video.bin');
    assert.ok(/^interrupted at \d+% · /.test(interrupted.description), `video.bin shows its last bytes: ${JSON.stringify(interrupted.description)}`);
    const quick = await rowTexts(wb, 'quick.bin');
    assert.ok(!/interrupted/.test(quick.description), `the finished file keeps its state: ${JSON.stringify(quick.description)}`);
    assert.ok(fs.existsSync(`${video}.part.meta`), 'the window\'s end recorded the .part\'s validators');
    // Rows of the batch that finished before the reload are still there.
    assert.ok((await wb.sidebarRows()).some((r) => r.label === 'pause.urls'), 'the finished batch keeps its row after the reload');
    // For the picture: no hover left over, a side bar wide enough for the rows, the row's actions shown.
    await wb.page.keyboard.press('Escape');
    await wb.page.mouse.move(900, 600);
    const sidebar = await wb.page.locator('.part.sidebar').boundingBox();
    if (sidebar) {
      await wb.page.mouse.move(sidebar.x + sidebar.width + 1, sidebar.y + 300);
      await wb.page.mouse.down();
      await wb.page.mouse.move(sidebar.x + 560, sidebar.y + 300, { steps: 5 });
      await wb.page.mouse.up();
    }
    await wb.sidebarRow('media.urls').hover();
    const shot = await ctx.shot('interrupted');
    keepAsReadmeShot(shot, 'screenshot-interrupted.png');
    const kept = fs.statSync(`${video}.part`).size;
    const beforeReloadResume = fixture.requests.length;
    await clickRowAction(wb, 'media.urls', 'Resume');
    await waitForFile(video, FILES[RELOADED].body, 60_000);
    assert.missing(`${video}.part`, 'the .part is gone once the file is complete');
    assert.missing(`${video}.part.meta`, 'and its .part.meta');
    const resumed = fixture.requests.slice(beforeReloadResume).filter((r) => r.path.startsWith('/s9/'));
    assert.ok(resumed.length === 1 && resumed[0].path === RELOADED && resumed[0].status === 206 && resumed[0].range === `bytes=${kept}-`, `Resume asked for the rest of video.bin only (bytes=${kept}-): ${JSON.stringify(resumed)}`);
    assert.equal(resumed[0].sent, FILES[RELOADED].body.length - kept, 'the server sent exactly the missing bytes');
    await waitFor('the batch row to show it done', async () => /^2\/2/.test(await rowDescription(wb, 'media.urls')), { timeout: 15_000 });
    await ctx.shot('resumed');
  },
};

/** The row's inline action button (shown on hover), else its context menu item. */
async function clickRowAction(wb, label, action) {
  const row = wb.sidebarRow(label);
  await row.hover();
  const inline = row.locator(`.actions .action-label[aria-label="${action}"], .actions .action-label[title="${action}"]`).first();
  if (await inline.isVisible()) {
    log(`${wb.scenario}: clicking the inline "${action}" button of ${label}`);
    await inline.click();
    return;
  }
  log(`${wb.scenario}: no inline "${action}" button on ${label}; using its context menu`);
  await wb.contextMenu(row, action);
}
