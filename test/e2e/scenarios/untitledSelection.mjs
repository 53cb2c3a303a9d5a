// Scenario 5: four URLs typed into an unsaved editor, two lines selected, F1 "Asset Fetch:
// Download URLs": only those two are downloaded, into the first workspace folder's root.
import fs from 'node:fs';
import path from 'node:path';
import * as assert from '../lib/assert.mjs';
import { bytesFor } from '../lib/fixtureServer.mjs';
import { DOWNLOAD_URLS, downloadsRows, waitForFile } from './common.mjs';

const NAMES = ['one.bin', 'two.bin', 'three.bin', 'four.bin'];
const FILES = Object.fromEntries(NAMES.map((n, i) => [`/s5/${n}`, { body: bytesFor(n, 4000 + i * 1000) }]));

export default {
  name: 'untitledSelection',
  title: 'selection of two lines in an unsaved editor',
  async run(ctx) {
    const fixture = await ctx.serve(FILES);
    const wb = await ctx.open();
    const { page } = wb;
    await wb.runCommand('File: New Untitled Text File', 'workbench.action.files.newUntitledFile');
    await wb.activeTab('Untitled-1').waitFor({ state: 'visible' });
    await page.locator('.editor-group-container.active .monaco-editor.focused').waitFor({ state: 'visible' });
    const urls = NAMES.map((n) => fixture.url(`/s5/${n}`));
    for (const [i, url] of urls.entries()) {
      await page.keyboard.type(url);
      if (i < urls.length - 1) await page.keyboard.press('Enter');
    }
    // Lines 2 and 3, start to end.
    await page.keyboard.press('Control+Home');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Shift+ArrowDown');
    await page.keyboard.press('Shift+End');
    // The status bar says what is selected: "Ln 3, Col 36 (69 selected)".
    const twoLines = urls[1].length + 1 + urls[2].length;
    await page.locator('.part.statusbar', { hasText: `(${twoLines} selected)` }).waitFor({ state: 'visible', timeout: 5000 }).catch(() => {
      throw new assert.AssertionError(`the status bar does not show the ${twoLines} characters of lines 2-3 as selected`);
    });
    await ctx.shot('selected');

    await wb.runCommand(DOWNLOAD_URLS.title, DOWNLOAD_URLS.id);
    for (const n of ['two.bin', 'three.bin']) await waitForFile(path.join(ctx.workspace, n), FILES[`/s5/${n}`].body);
    await wb.waitForToastSeen(/Untitled-1: 2 downloaded/);
    await ctx.shot('done');
    for (const n of ['one.bin', 'four.bin']) assert.missing(path.join(ctx.workspace, n), `${n} is outside the selection`);
    const asked = fixture.requests.map((r) => r.path).sort();
    assert.equal(asked, ['/s5/three.bin', '/s5/two.bin'], 'only the selected URLs are requested');
    assert.equal(fs.readdirSync(ctx.workspace).sort(), ['three.bin', 'two.bin'], 'the workspace root holds just the two downloads');

    const rows = await downloadsRows(wb, 'Untitled-1');
    for (const n of ['two.bin', 'three.bin']) assert.ok(rows.some((r) => r.label === n), `Downloads view lists ${n}: ${JSON.stringify(rows)}`);
    await ctx.shot('downloads-view');
  },
};
