// Scenario: open assets.txt (one file already there, two new ones that want the same name, a prose
// line), F1 "Asset Fetch: Preview Download": a QuickPick lists each entry's file and action with a
// "Download" row first, and nothing is requested or written; Enter on "Download" then downloads
// exactly as planned. Its screenshot is the README's media/screenshot-preview.png.
import fs from 'node:fs';
import path from 'node:path';
import * as assert from '../lib/assert.mjs';
import { bytesFor } from '../lib/fixtureServer.mjs';
import { waitFor } from '../lib/wait.mjs';
import { listFile, waitForFile } from './common.mjs';
import { keepAsReadmeShot } from '../lib/readmeShots.mjs';

const FILES = {
  '/s9/hero.png': { body: bytesFor('hero', 3000) },
  '/s9/cdn/logo.png': { body: bytesFor('logo-a', 2000) },
  '/s9/mirror/logo.png': { body: bytesFor('logo-b', 2500) },
};

export default {
  name: 'previewDownload',
  title: 'F1 "Asset Fetch: Preview Download" shows the plan, then downloads it',
  async run(ctx) {
    const fixture = await ctx.serve(FILES);
    fs.writeFileSync(path.join(ctx.workspace, 'hero.png'), 'already here');
    fs.writeFileSync(path.join(ctx.workspace, 'assets.txt'), listFile([
      '# landing page',
      fixture.url('/s9/hero.png'),
      fixture.url('/s9/cdn/logo.png'),
      fixture.url('/s9/mirror/logo.png'),
      'images for the hero banner',
    ]));
    const wb = await ctx.open();
    const { page } = wb;
    await wb.quickOpen('assets.txt');

    await wb.closeQuickInput();
    await page.keyboard.press('F1');
    await page.keyboard.type('Asset Fetch: Preview Download');
    await wb.commandRow('Asset Fetch: Preview Download', 'assetFetch.previewDownload').click();
    const rows = await waitFor('the preview QuickPick', async () => {
      const labels = await wb.quickInputRows();
      return labels.some((l) => /start the batch as planned/.test(l ?? '')) ? labels : undefined;
    }, { timeout: 20_000 });
    keepAsReadmeShot(await ctx.shot('preview'), 'screenshot-preview.png');
    const text = rows.join('\n');
    for (const part of ['hero.png, skip (exists)', 'logo.png, download', 'logo (1).png, download', 'assets.txt:5, error']) {
      assert.ok(text.includes(part), `the preview has a row "${part}": ${text}`);
    }
    assert.equal(fixture.requests.length, 0, 'the preview requests nothing');
    assert.equal(fs.readdirSync(ctx.workspace).sort(), ['assets.txt', 'hero.png'], 'the preview writes nothing');

    await page.keyboard.press('Enter');
    await waitForFile(path.join(ctx.workspace, 'logo.png'), FILES['/s9/cdn/logo.png'].body);
    await waitForFile(path.join(ctx.workspace, 'logo (1).png'), FILES['/s9/mirror/logo.png'].body);
    await wb.waitForToastSeen(/assets\.txt: 2 downloaded, 1 skipped/);
    assert.equal(fixture.requests.map((r) => r.path).sort(), ['/s9/cdn/logo.png', '/s9/mirror/logo.png'], 'the existing file is not requested');
    assert.equal(fs.readFileSync(path.join(ctx.workspace, 'hero.png'), 'utf8'), 'already here');
    await ctx.shot('done');
  },
};
