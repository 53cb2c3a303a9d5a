// Scenario 8: a list over two hosts, one of which answers 429 (Retry-After: 8) to the first request
// for each of its files. The Downloads view shows that host waiting, counting down ("rate limited
// (HTTP 429), resuming in N s"), with its items "retrying in N s"; the other host's files arrive
// during the wait; then the waiting host's files arrive and its row goes away.
import fs from 'node:fs';
import path from 'node:path';
import * as assert from '../lib/assert.mjs';
import { bytesFor } from '../lib/fixtureServer.mjs';
import { waitFor } from '../lib/wait.mjs';
import { DOWNLOAD_URLS, downloadsRows, listFile, waitForFile } from './common.mjs';
import { keepAsReadmeShot } from '../lib/readmeShots.mjs';

const LIST = 'assets.urls';
const RETRY_AFTER = 8;
const LIMITED = {
  '/s8/hero.png': { body: bytesFor('hero8', 20_000), rateLimited: { retryAfter: RETRY_AFTER } },
  '/s8/logo.svg': { body: bytesFor('logo8', 20_000), rateLimited: { retryAfter: RETRY_AFTER } },
  '/s8/font.woff2': { body: bytesFor('font8', 20_000), rateLimited: { retryAfter: RETRY_AFTER } },
};
const FINE = {
  '/s8/a.css': { body: bytesFor('a8', 20_000) },
  '/s8/b.js': { body: bytesFor('b8', 20_000) },
};

export default {
  name: 'rateLimitedHost',
  title: 'a host answering 429: its waiting row counts down while the other host downloads',
  async run(ctx) {
    const limited = await ctx.serve(LIMITED);
    const fine = await ctx.serve(FINE);
    const urls = [...Object.keys(LIMITED).map((p) => limited.url(p)), ...Object.keys(FINE).map((p) => fine.url(p)), fine.url('/s8/missing.png')];
    fs.writeFileSync(path.join(ctx.workspace, LIST), listFile(urls));
    const host = new URL(limited.url('/')).host;

    const wb = await ctx.open();
    await wb.quickOpen(LIST);
    await wb.runCommand(DOWNLOAD_URLS.title, DOWNLOAD_URLS.id);
    await downloadsRows(wb, LIST);
    const hostRow = wb.sidebarRow(host);
    await hostRow.waitFor({ state: 'visible', timeout: 20_000 }).catch(async () => {
      throw new assert.AssertionError(`no row for the waiting host ${host}; rows: ${JSON.stringify(await wb.sidebarRows())}`);
    });
    // The other host's files arrive while the limited one waits.
    for (const [p, file] of Object.entries(FINE)) await waitForFile(path.join(ctx.workspace, path.basename(p)), file.body, 10_000);
    for (const p of Object.keys(LIMITED)) assert.missing(path.join(ctx.workspace, path.basename(p)), `${p} waits for the host's Retry-After`);

    // A wider side bar, so that the rows' descriptions show whole in the screenshot.
    const box = await wb.page.locator('.part.sidebar').boundingBox();
    await wb.page.mouse.move(box.x + box.width + 1, box.y + 300);
    await wb.page.mouse.down();
    await wb.page.mouse.move(box.x + box.width + 220, box.y + 300, { steps: 10 });
    await wb.page.mouse.up();
    await wb.page.mouse.move(0, 0);
    const rows = await wb.sidebarRows();
    const waiting = rows.find((r) => r.label === host);
    assert.ok(/rate limited \(HTTP 429\), resuming in \d+ s/.test(waiting?.description ?? ''), `the host row says it is rate limited and when it resumes: ${JSON.stringify(waiting)}`);
    for (const name of ['hero.png', 'logo.svg', 'font.woff2']) {
      const row = rows.find((r) => r.label === name);
      assert.ok(/retrying in \d+ s/.test(row?.description ?? ''), `${name} says when it retries: ${JSON.stringify(row)}`);
    }
    keepAsReadmeShot(await ctx.shot('host-waiting'), 'screenshot-rate-limited.png');

    // The countdown moves on its own.
    const first = waiting.description;
    await waitFor('the countdown to move', async () => {
      const now = (await wb.sidebarRows()).find((r) => r.label === host);
      return now && now.description !== first;
    }, { timeout: 5000 });

    for (const [p, file] of Object.entries(LIMITED)) await waitForFile(path.join(ctx.workspace, path.basename(p)), file.body, 30_000);
    await waitFor('the waiting host row to go away', async () => !(await wb.sidebarRows()).some((r) => r.label === host), { timeout: 10_000 });
    assert.equal(limited.requests.filter((r) => r.status === 200).length, 3, 'each limited file was fetched once after the wait');
    const refused = limited.requests.filter((r) => r.status === 429).length;
    assert.ok(refused <= 3, `no file was refused twice: ${refused} refusals`);
    await ctx.shot('done');
  },
};
