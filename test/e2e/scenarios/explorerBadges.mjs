// Issue 13, part B: what the editor shows of a list's results. `lists/assets.urls` (three good
// files, two 404s) downloaded from the Explorer: the downloaded files get a "↓" badge in the
// Explorer whose hover names the URL, the list a red "2"; the Downloads view lists the two failed
// items first, "Show Failed Only" hides the finished ones, "Reveal Downloads Folder" selects
// `lists` in the Explorer, and a click on the finished logo.png opens VS Code's image preview.
// Saves media/screenshot-badges.png and media/screenshot-trouble-first.png.
import fs from 'node:fs';
import path from 'node:path';
import * as assert from '../lib/assert.mjs';
import { bytesFor } from '../lib/fixtureServer.mjs';
import { repoDir } from '../lib/paths.mjs';
import { waitFor } from '../lib/wait.mjs';
import { CONTAINER, DOWNLOAD_URLS_IN_FILE, expand, explorerBadges, listFile, rowDescription, waitForFile, widenSideBar } from './common.mjs';
import { readmeShotPath } from '../lib/readmeShots.mjs';

const FILES = {
  // A real PNG, so the image preview has something to show.
  '/b/logo.png': { body: fs.readFileSync(path.join(repoDir, 'media', 'icon.png')) },
  '/b/data.bin': { body: bytesFor('data', 40_000) },
  '/b/style.css': { body: Buffer.from('body { color: #333; }\n') },
};
const FAILED = ['missing.png', 'gone.bin'];

/** The labels of the Downloads view's rows, top to bottom. */
async function downloadsLabels(wb) {
  return (await wb.sidebarRows()).map((r) => r.label);
}

export default {
  name: 'explorerBadges',
  title: 'Explorer badges, failed items first, Show Failed Only, Reveal Downloads Folder, click opens',
  async run(ctx) {
    const fixture = await ctx.serve(FILES);
    fs.mkdirSync(path.join(ctx.workspace, 'lists'));
    const list = path.join(ctx.workspace, 'lists', 'assets.urls');
    // The failures in the middle of the list: the view moves them up.
    fs.writeFileSync(list, listFile([fixture.url('/b/logo.png'), fixture.url('/b/missing.png'), fixture.url('/b/data.bin'), fixture.url('/b/gone.bin'), fixture.url('/b/style.css')]));

    const wb = await ctx.open();
    await widenSideBar(wb, 520);
    await wb.explorerRow('lists').click();
    await wb.explorerRow('assets.urls').waitFor({ state: 'visible' });
    await wb.contextMenu(wb.explorerRow('assets.urls'), DOWNLOAD_URLS_IN_FILE);
    for (const [p, file] of Object.entries(FILES)) await waitForFile(path.join(ctx.workspace, 'lists', path.basename(p)), file.body);
    await wb.waitForToastSeen(/assets\.urls: 3 downloaded, 2 failed/);

    // The Explorer: "↓" on each downloaded file, the failure count on the list.
    await wb.page.keyboard.press('Control+Shift+E');
    await wb.explorerRow('logo.png').waitFor({ state: 'visible' });
    for (const name of Object.keys(FILES).map((p) => path.posix.basename(p))) {
      await waitFor(`a "↓" badge on ${name} in the Explorer`, async () => (await explorerBadges(wb, name)).includes('↓'), { timeout: 15_000 }).catch(async (err) => {
        throw new assert.AssertionError(`${err.message}; its decorations: ${JSON.stringify(await explorerBadges(wb, name))}`);
      });
    }
    await waitFor('a "2" badge on assets.urls', async () => (await explorerBadges(wb, 'assets.urls')).includes('2'), { timeout: 15_000 }).catch(async (err) => {
      throw new assert.AssertionError(`${err.message}; its decorations: ${JSON.stringify(await explorerBadges(wb, 'assets.urls'))}`);
    });
    assert.equal(await explorerBadges(wb, 'missing.png').then((b) => b.includes('↓')), false, 'no badge on a file that failed');
    const hover = await wb.hoverText(wb.explorerRow('logo.png').locator('.monaco-icon-label').first()).catch(() => '');
    assert.ok(hover.includes(`Downloaded by Asset Fetch from ${fixture.url('/b/logo.png')}`), `the hover of logo.png names its URL: ${JSON.stringify(hover)}`);
    await wb.quickOpen('assets.urls');
    await wb.hoverText(wb.explorerRow('logo.png').locator('.monaco-icon-label').first()).catch(() => '');
    await ctx.shot('explorer-badges');
    await wb.page.screenshot({ path: readmeShotPath('screenshot-badges.png') });
    await wb.page.mouse.move(0, 0);

    // The Downloads view: the two failures first, in list order, then the finished files.
    await wb.showViewContainer(CONTAINER);
    await wb.sidebarRow('assets.urls').waitFor({ state: 'visible', timeout: 30_000 });
    await expand(wb, 'assets.urls');
    const expected = ['assets.urls', ...FAILED, 'logo.png', 'data.bin', 'style.css'];
    await waitFor('failed items first in the Downloads view', async () => JSON.stringify(await downloadsLabels(wb)) === JSON.stringify(expected), { timeout: 10_000 }).catch(async (err) => {
      throw new assert.AssertionError(`${err.message}; rows: ${JSON.stringify(await downloadsLabels(wb))}`);
    });
    assert.ok(/HTTP 404/.test(await rowDescription(wb, 'missing.png')), 'the failed row says why');
    // No pointer over the rows: no hover covers them in the picture.
    await wb.page.mouse.move(900, 700);
    await wb.page.locator('.workbench-hover, .monaco-hover:not(.hidden)').first().waitFor({ state: 'hidden', timeout: 5000 }).catch(() => {});
    await ctx.shot('trouble-first');
    await wb.page.screenshot({ path: readmeShotPath('screenshot-trouble-first.png') });
    // Its menu offers the failures' URLs and the folder.
    await wb.sidebarRow('assets.urls').click({ button: 'right' });
    const menuItems = wb.page.locator('.context-view .monaco-menu .action-menu-item');
    await menuItems.filter({ hasText: 'Copy Failed URLs' }).first().waitFor({ state: 'visible', timeout: 10_000 });
    const offered = (await menuItems.allInnerTexts()).map((t) => t.trim());
    for (const entry of ['Retry Failed', 'Copy Failed URLs', 'Reveal Downloads Folder']) assert.ok(offered.includes(entry), `the batch's menu offers "${entry}": ${JSON.stringify(offered)}`);
    await ctx.shot('batch-menu');
    await wb.page.keyboard.press('Escape');
    await expand(wb, 'assets.urls');

    // "Show Failed Only" in the view's title: only the failures stay; "Show All Downloads" undoes it.
    const filterButton = (label) => wb.page.locator(`.part.sidebar .action-label[aria-label^="${label}"]`).first();
    await filterButton('Show Failed Only').click();
    await waitFor('only the failed rows', async () => JSON.stringify(await downloadsLabels(wb)) === JSON.stringify(['assets.urls', ...FAILED]), { timeout: 10_000 }).catch(async (err) => {
      throw new assert.AssertionError(`${err.message}; rows: ${JSON.stringify(await downloadsLabels(wb))}`);
    });
    await ctx.shot('failed-only');
    await filterButton('Show All Downloads').click();
    await waitFor('all rows again', async () => (await downloadsLabels(wb)).length === expected.length, { timeout: 10_000 });

    // A click on a finished image opens it in VS Code's image preview.
    await wb.sidebarRow('logo.png').click();
    await wb.activeTab('logo.png').waitFor({ state: 'visible', timeout: 10_000 }).catch(() => {
      throw new assert.AssertionError('a click on logo.png in the Downloads view did not open it');
    });
    // The image preview puts the image's size in the status bar once it has loaded it.
    await wb.page.locator('.part.statusbar', { hasText: '128x128' }).waitFor({ state: 'visible', timeout: 15_000 }).catch(() => {
      throw new assert.AssertionError('logo.png did not open in the image preview (no "128x128" in the status bar)');
    });
    await ctx.shot('image-preview');

    // "Reveal Downloads Folder" on the batch selects its folder in the Explorer.
    await wb.contextMenu(wb.sidebarRow('assets.urls'), 'Reveal Downloads Folder');
    const revealed = wb.page.locator('.explorer-folders-view .monaco-list-row.selected', { hasText: /^lists$/ }).first();
    await revealed.waitFor({ state: 'visible', timeout: 10_000 }).catch(() => {
      throw new assert.AssertionError('"Reveal Downloads Folder" did not select lists/ in the Explorer');
    });
    await ctx.shot('revealed-folder');
  },
};
