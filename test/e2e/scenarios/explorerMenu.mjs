// Scenario 2: right-click a list in the Explorer, "Download URLs in File": the files appear.
import fs from 'node:fs';
import path from 'node:path';
import * as assert from '../lib/assert.mjs';
import { bytesFor } from '../lib/fixtureServer.mjs';
import { waitFor } from '../lib/wait.mjs';
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
    // The batch row can show before its item rows (items refresh on their own, coalesced): look
    // again for a while rather than judge the first picture (a fresh-clone CI run saw the row alone).
    let rows = [];
    const names = ['alpha.bin', 'beta.txt'];
    await waitFor('the Downloads view to list both files', async () => {
      rows = await downloadsRows(wb, 'images.urls');
      return names.every((name) => rows.some((r) => r.label === name));
    }, { timeout: 10_000 }).catch(() => undefined);
    for (const name of names) assert.ok(rows.some((r) => r.label === name), `Downloads view lists ${name}: ${JSON.stringify(rows)}`);
    await ctx.shot('downloads-view');
  },
};
