// Issue 13, part A: what a list shows about its own lines. `assets.txt` (a comment, two good
// URLs, a 404) opened in the editor: CodeLens says "Download all (3)" above the first line and
// "Download" above each URL; after F1 "Asset Fetch: Download URLs" they say "✓ <size>" and
// "✗ HTTP 404 · Retry"; the hover of the failed URL names the error, its code, and offers Retry;
// clicking the Retry lens asks the server for that URL once more, and for nothing else.
// Saves media/screenshot-codelens.png and media/screenshot-hover.png.
import fs from 'node:fs';
import path from 'node:path';
import * as assert from '../lib/assert.mjs';
import { bytesFor } from '../lib/fixtureServer.mjs';
import { waitFor } from '../lib/wait.mjs';
import { DOWNLOAD_URLS, listFile, waitForFile } from './common.mjs';
import { readmeShotPath } from '../lib/readmeShots.mjs';

const LIST = 'assets.txt';
const FILES = {
  '/s13/hero.png': { body: bytesFor('hero13', 48_000) },
  '/s13/logo.svg': { body: bytesFor('logo13', 3_200) },
};
const MISSING = '/s13/banner.png';

/** The lens texts the editor shows, top to bottom (one string per lens line: "a | b"). */
async function lensTexts(wb) {
  return wb.page.locator('.editor-group-container.active .monaco-editor .codelens-decoration').evaluateAll((lenses) =>
    lenses
      .map((l) => ({ top: l.getBoundingClientRect().top, text: l.innerText.replace(/\s+/g, ' ').trim() }))
      .sort((a, b) => a.top - b.top)
      .map((l) => l.text),
  );
}

async function waitForLenses(wb, what, check) {
  return waitFor(what, async () => {
    const texts = await lensTexts(wb);
    return check(texts) ? texts : undefined;
  }, { timeout: 20_000 }).catch(async (err) => {
    throw new assert.AssertionError(`${err.message}; lenses on screen: ${JSON.stringify(await lensTexts(wb))}`);
  });
}

/** The hover fades in: wait until it is drawn opaque, so the screenshot shows it legibly. */
async function settledHover(wb) {
  const hover = wb.page.locator('.monaco-hover:not(.hidden)').first();
  await waitFor('the hover to finish fading in', () => hover.evaluate((e) => {
    for (let el = e; el; el = el.parentElement) if (Number(getComputedStyle(el).opacity) < 1) return false;
    return true;
  }), { timeout: 2000, interval: 50 }).catch(() => {});
}

export default {
  name: 'codeLensHover',
  title: 'CodeLens on a list before and after a run, the hover of a failed URL, the Retry lens',
  async run(ctx) {
    const fixture = await ctx.serve(FILES);
    fs.writeFileSync(path.join(ctx.workspace, LIST), listFile(['# landing page', fixture.url('/s13/hero.png'), fixture.url('/s13/logo.svg'), fixture.url(MISSING)]));
    const wb = await ctx.open();
    await wb.quickOpen(LIST);

    const before = await waitForLenses(wb, 'the lenses of the list before a run', (t) => t.length === 4);
    assert.equal(before, ['Download all (3)', 'Download', 'Download', 'Download'], 'before a run: Download all, and Download on each URL line');
    assert.equal(fixture.requests.length, 0, 'lenses request nothing');
    await ctx.shot('lenses-before');

    await wb.runCommand(DOWNLOAD_URLS.title, DOWNLOAD_URLS.id);
    for (const [p, file] of Object.entries(FILES)) await waitForFile(path.join(ctx.workspace, path.basename(p)), file.body);
    await wb.waitForToastSeen(/assets\.txt: 2 downloaded, 1 failed/);
    const after = await waitForLenses(wb, 'the lenses to show the outcome', (t) => t.some((l) => l.includes('✗')) && t.filter((l) => l.startsWith('✓')).length === 2);
    assert.equal(after, ['Download all (3) | Retry Failed', '✓ 48.0 KB', '✓ 3.2 KB', '✗ HTTP 404 · Retry'], 'after the run: each line its outcome');
    // Away from the notifications, so the lenses are what the picture shows.
    await wb.page.keyboard.press('Escape');
    await ctx.shot('lenses-after');
    await wb.page.screenshot({ path: readmeShotPath('screenshot-codelens.png') });

    // The hover of the failed URL: the error with its code, where it would go, and Retry.
    const failedLine = wb.page.locator('.editor-group-container.active .monaco-editor .view-line', { hasText: 'banner.png' }).first();
    // The hover's text keeps its spaces as no-break spaces.
    const hover = (await wb.hoverText(failedLine.locator('span').first())).replace(/\u00a0/g, ' ');
    assert.ok(/failed: HTTP 404 Not Found \(HTTP_STATUS\)/.test(hover), `the hover names the error and its code: ${JSON.stringify(hover)}`);
    assert.ok(hover.includes('banner.png') && /Retry/.test(hover), `the hover names the file and offers Retry: ${JSON.stringify(hover)}`);
    await settledHover(wb);
    await ctx.shot('hover');
    await wb.page.screenshot({ path: readmeShotPath('screenshot-hover.png') });
    await wb.page.mouse.move(0, 0);

    // The Retry lens asks for that URL again, and only for it.
    const asked = fixture.requests.length;
    await wb.page.locator('.codelens-decoration a', { hasText: '✗ HTTP 404 · Retry' }).first().click();
    await waitFor(`a new request for ${MISSING}`, () => fixture.requests.slice(asked).some((r) => r.path === MISSING), { timeout: 20_000 });
    await waitForLenses(wb, 'the Retry lens back after the retry', (t) => t.includes('✗ HTTP 404 · Retry'));
    assert.equal(fixture.requests.slice(asked).map((r) => r.path), [MISSING], 'the Retry lens requests only its URL');
  },
};
