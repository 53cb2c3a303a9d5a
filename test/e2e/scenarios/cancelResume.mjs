// Scenario 3: cancel a batch from its progress notification while a slow file is half done; the
// file stays a `<name>.part`. "Retry Failed" on the batch row in the Downloads view then resumes
// it with a Range request and the final file holds exactly the served bytes.
import fs from 'node:fs';
import path from 'node:path';
import * as assert from '../lib/assert.mjs';
import { bytesFor } from '../lib/fixtureServer.mjs';
import { log } from '../lib/log.mjs';
import { waitFor } from '../lib/wait.mjs';
import { CONTAINER, DOWNLOAD_URLS, RETRY_FAILED, downloadsRows, listFile, rowTexts, waitForFile } from './common.mjs';

const SLOW = '/s3/video.bin';
const FILES = {
  '/s3/quick.bin': { body: bytesFor('quick', 10_000) },
  // 1 MiB: 128 KiB at once, then 8 KiB every 100 ms (~11 s), so a cancel lands mid-way.
  [SLOW]: { body: bytesFor('video', 1024 * 1024), slow: { head: 128 * 1024, chunk: 8 * 1024, intervalMs: 100 } },
};

export default {
  name: 'cancelResume',
  title: 'cancel from the notification, then "Retry Failed" resumes with Range',
  async run(ctx) {
    const fixture = await ctx.serve(FILES);
    fs.writeFileSync(path.join(ctx.workspace, 'media.urls'), listFile(Object.keys(FILES).map(fixture.url)));
    const final = path.join(ctx.workspace, 'video.bin');
    const part = `${final}.part`;
    const body = FILES[SLOW].body;

    const wb = await ctx.open();
    await wb.quickOpen('media.urls');
    await wb.runCommand(DOWNLOAD_URLS.title, DOWNLOAD_URLS.id);
    const progress = wb.progressToast(/Asset Fetch: media\.urls/);
    await progress.waitFor({ state: 'visible', timeout: 20_000 }).catch(async () => {
      throw new assert.AssertionError(`no progress notification "Asset Fetch: media.urls" with a "Cancel" button; seen: ${JSON.stringify(await wb.toastsSeen())}`);
    });
    const cancel = wb.toastButton(progress, 'Cancel');
    // Mid-way: the server has sent a fifth of the file (the engine may still hold it in memory;
    // it writes in large batches), most of it is still to come.
    await waitFor('the server to send the first 200 KiB of video.bin', () => fixture.sentOf(SLOW) >= 200 * 1024, { timeout: 20_000 });
    await waitForFile(path.join(ctx.workspace, 'quick.bin'), FILES['/s3/quick.bin'].body);
    await ctx.shot('running');
    // While downloads run, a status bar item shows them; clicking it opens the Downloads view.
    const status = wb.page.locator('.part.statusbar .statusbar-item', { hasText: /\d+ active · / }).first();
    await status.waitFor({ state: 'visible', timeout: 10_000 }).catch(() => {
      throw new assert.AssertionError('no status bar item "N active · speed" while the batch runs');
    });
    await status.click();
    await wb.page.locator('.part.sidebar .composite.title', { hasText: CONTAINER }).first().waitFor({ state: 'visible', timeout: 10_000 }).catch(() => {
      throw new assert.AssertionError('clicking the status bar item did not show the Asset Fetch Downloads view');
    });
    await ctx.shot('status-bar-opened-view');
    await cancel.click();

    await progress.waitFor({ state: 'hidden', timeout: 15_000 }).catch(() => {
      throw new assert.AssertionError('the progress notification is still open 15 s after Cancel');
    });
    await ctx.shot('cancelled');
    assert.missing(final, 'a cancelled download must not appear under its final name');
    assert.ok(fs.existsSync(part), 'a cancelled download keeps its .part file');
    const kept = fs.readFileSync(part);
    assert.ok(kept.length > 0 && kept.length < body.length, `the .part holds part of the file (${kept.length} of ${body.length} bytes)`);
    assert.ok(kept.equals(body.subarray(0, kept.length)), 'the .part holds the first bytes served');
    const requestsBefore = fixture.requests.length;

    await downloadsRows(wb, 'media.urls');
    await ctx.shot('downloads-view-cancelled');
    const video = await rowTexts(wb, 'video.bin');
    assert.ok(!/100%/.test(video.description), `video.bin is not shown as complete: ${JSON.stringify(video)}`);
    await clickRetryFailed(wb, 'media.urls');

    await waitForFile(final, body, 60_000);
    assert.missing(part, 'the .part is gone once the file is complete');
    assert.missing(`${part}.meta`, 'the .part.meta is gone once the file is complete');
    const resumed = fixture.requests.slice(requestsBefore).filter((r) => r.path === SLOW);
    const ranged = resumed.find((r) => r.status === 206);
    assert.ok(ranged, `the retry asked for the rest with a Range request; requests: ${JSON.stringify(resumed)}`);
    const offset = Number(/^bytes=(\d+)-$/.exec(ranged.range)?.[1]);
    assert.ok(offset > 0, `the Range starts after the bytes kept (${ranged.range})`);
    await wb.waitForToastSeen(/media\.urls: 2 downloaded/);
    await wb.progressToast(/Asset Fetch: media\.urls/).waitFor({ state: 'hidden', timeout: 10_000 }).catch(() => {
      throw new assert.AssertionError('the progress notification of the retry stays open after the batch completed');
    });
    await downloadsRows(wb, 'media.urls');
    await ctx.shot('resumed');
  },
};

/** The batch row's inline "Retry Failed" button (shown on hover), else its context menu item. */
async function clickRetryFailed(wb, batchLabel) {
  const row = wb.sidebarRow(batchLabel);
  await row.hover();
  const inline = row.locator(`.actions .action-label[aria-label="${RETRY_FAILED}"], .actions .action-label[title="${RETRY_FAILED}"]`).first();
  if (await inline.isVisible()) {
    log(`${wb.scenario}: clicking the inline "${RETRY_FAILED}" button of ${batchLabel}`);
    await inline.click();
    return;
  }
  log(`${wb.scenario}: no inline "${RETRY_FAILED}" button on ${batchLabel}; using its context menu`);
  await wb.contextMenu(row, RETRY_FAILED);
}
