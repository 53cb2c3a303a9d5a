// Scenario 2: right-click a list in the Explorer, "Download URLs in File": the files appear.
import fs from 'node:fs';
import path from 'node:path';
import * as assert from '../lib/assert.mjs';
import { bytesFor } from '../lib/fixtureServer.mjs';
import { DOWNLOAD_URLS_IN_FILE, downloadsRows, listFile, waitForFile } from './common.mjs';

const FILES = {
  '/s2/alpha.bin': { body: bytesFor('alpha', 20_000) },
  '/s2/beta.txt': { body: Buffer.from('beta: plain text served by the fixture\n') },
};

export default {
  name: 'explorerMenu',
  title: 'Explorer context menu "Download URLs in File"',
  async run(ctx) {
    const fixture = await ctx.serve(FILES);
    fs.mkdirSync(path.join(ctx.workspace, 'lists'));
    fs.writeFileSync(path.join(ctx.workspace, 'lists', 'images.urls'), listFile(Object.keys(FILES).map(fixture.url)));

    const wb = await ctx.open();
    await wb.explorerRow('lists').click();
    await wb.explorerRow('images.urls').waitFor({ state: 'visible' });
    await ctx.shot('explorer');
    await wb.contextMenu(wb.explorerRow('images.urls'), DOWNLOAD_URLS_IN_FILE);

    for (const [p, file] of Object.entries(FILES)) await waitForFile(path.join(ctx.workspace, 'lists', path.basename(p)), file.body);
    await wb.waitForToastSeen(/images\.urls: 2 downloaded/);
    await ctx.shot('done');
    const rows = await downloadsRows(wb, 'images.urls');
    for (const name of ['alpha.bin', 'beta.txt']) assert.ok(rows.some((r) => r.label === name), `Downloads view lists ${name}: ${JSON.stringify(rows)}`);
    await ctx.shot('downloads-view');
  },
};
