// Scenario 7: a .txt list the way people write them, with mistakes: three good URLs, a 404, a
// commented-out URL and a prose line. F1 "Asset Fetch: Download URLs" downloads the three without
// asking anything (it is a URL list: most of its lines are URLs), never requests the commented
// URL, and the prose line is an error naming its line: a failed row in the Downloads view, and a
// squiggle under that line in the editor with its entry in the Problems panel.
import fs from 'node:fs';
import path from 'node:path';
import * as assert from '../lib/assert.mjs';
import { bytesFor } from '../lib/fixtureServer.mjs';
import { waitFor } from '../lib/wait.mjs';
import { DOWNLOAD_URLS, downloadsRows, listFile, rowTexts, waitForFile } from './common.mjs';

const LIST = 'landing.txt';
const GOOD = {
  '/s7/hero.png': { body: bytesFor('hero', 5000) },
  '/s7/banner.png': { body: bytesFor('banner', 7000) },
  '/s7/logo.png': { body: bytesFor('logo7', 3000) },
};
// Served, so that a request for it would succeed and leave a file: it must never be asked for.
const COMMENTED = '/s7/old.png';
const MISSING = '/s7/missing.png';
const PROSE = 'images for the hero banner';
const PROSE_LINE = 4;

export default {
  name: 'listWithMistakes',
  title: 'a .txt list with a 404, a commented-out URL and a prose line: no question, errors name their lines',
  async run(ctx) {
    const fixture = await ctx.serve({ ...GOOD, [COMMENTED]: { body: bytesFor('old', 2000) } });
    const lines = [
      '# hero images for the landing page',
      fixture.url('/s7/hero.png'),
      fixture.url('/s7/banner.png'),
      PROSE,
      `# ${fixture.url(COMMENTED)}`,
      fixture.url('/s7/logo.png'),
      fixture.url(MISSING),
    ];
    assert.equal(lines[PROSE_LINE - 1], PROSE, 'the prose line is where the scenario expects it');
    fs.writeFileSync(path.join(ctx.workspace, LIST), listFile(lines));

    const wb = await ctx.open();
    await wb.quickOpen(LIST);
    // The editor has drawn the list (its lines are there) before the screenshot.
    await wb.page.locator('.editor-group-container.active .monaco-editor .view-line', { hasText: PROSE }).first().waitFor({ state: 'visible', timeout: 10_000 });
    await ctx.shot('list-open');

    // The command downloads at once: no modal confirmation ("... is not a URL list. Download the
    // N links found in it?"), which would mean the file was read as text.
    await wb.runCommand(DOWNLOAD_URLS.title, DOWNLOAD_URLS.id);
    const summaryPattern = new RegExp(`${LIST.replace('.', '\\.')}: \\d+ downloaded`);
    const outcome = await waitFor(`the summary notification of ${LIST}, or a dialog`, async () => {
      const dialogs = await wb.dialogsSeen();
      if (dialogs.length) return { dialog: dialogs[0] };
      const summary = (await wb.toastsSeen()).find((t) => summaryPattern.test(t));
      return summary && { summary };
    }, { timeout: 60_000 });
    if (outcome.dialog) {
      await ctx.shot('unexpected-dialog');
      throw new assert.AssertionError(`"Download URLs" asked in a dialog instead of downloading the list: ${JSON.stringify(outcome.dialog)}`);
    }
    for (const [p, file] of Object.entries(GOOD)) await waitForFile(path.join(ctx.workspace, path.basename(p)), file.body);
    assert.ok(/3 downloaded/.test(outcome.summary) && /2 failed/.test(outcome.summary), `the summary counts 3 downloaded and 2 failed (the 404 and the prose line): ${outcome.summary}`);
    await ctx.shot('done');

    const asked = [...new Set(fixture.requests.map((r) => r.path))].sort();
    assert.ok(!asked.includes(COMMENTED), `the commented-out URL ${COMMENTED} must never be requested; requests: ${JSON.stringify(asked)}`);
    assert.equal(asked, [...Object.keys(GOOD), MISSING].sort(), 'requested: the three good URLs and the 404, nothing else');
    assert.missing(path.join(ctx.workspace, 'old.png'), 'the commented-out URL leaves no file');
    assert.missing(path.join(ctx.workspace, 'missing.png'), 'the 404 leaves no file');
    assert.equal(await wb.dialogsSeen(), [], 'no dialog was shown');

    // The Downloads view: the three files, the 404, and the prose line as a failed row naming its line.
    const rows = await downloadsRows(wb, LIST);
    const labels = rows.map((r) => r.label);
    for (const name of ['hero.png', 'banner.png', 'logo.png', 'missing.png']) assert.ok(labels.includes(name), `Downloads view lists ${name}; rows: ${JSON.stringify(rows)}`);
    assert.ok(!labels.some((l) => l.includes('old.png')), `Downloads view has no row for the commented-out URL; rows: ${JSON.stringify(rows)}`);
    const missing = await rowTexts(wb, 'missing.png');
    assert.ok(/HTTP 404/.test(missing.all), `the 404 row shows "HTTP 404": ${JSON.stringify(missing)}`);
    const prose = await proseRowTexts(wb, rows);
    assert.ok(
      prose.all.includes(`line ${PROSE_LINE}`) && prose.all.includes('not a URL') && prose.all.includes(PROSE),
      `the row of the prose line says "line ${PROSE_LINE}: not a URL: \\"${PROSE}\\"" in its description or tooltip: ${JSON.stringify(prose)}`,
    );
    assert.ok(/fail/i.test(prose.all), `the row of the prose line is a failed item: ${JSON.stringify(prose)}`);
    await settledHover(wb);
    await ctx.shot('prose-row-hover');

    // The editor underlines the prose line, and only it.
    await wb.focusEditor();
    await checkSquiggleOnlyOn(wb, PROSE);
    await ctx.shot('squiggle');

    // The Problems panel (Ctrl+Shift+M) lists it with its line.
    await wb.page.keyboard.press('Control+Shift+M');
    const problem = wb.page.locator('.markers-panel .monaco-list-row', { hasText: 'not a URL' }).first();
    await problem.waitFor({ state: 'visible', timeout: 10_000 }).catch(async () => {
      const shown = await wb.page.locator('.markers-panel .monaco-list-row').allInnerTexts().catch(() => []);
      throw new assert.AssertionError(`the Problems panel has no "not a URL" entry; entries: ${JSON.stringify(shown)}`);
    });
    const problemText = `${(await problem.innerText()).replace(/\s+/g, ' ')} | ${(await problem.getAttribute('aria-label')) ?? ''}`;
    assert.ok(problemText.includes(PROSE), `the problem quotes the line: ${problemText}`);
    assert.ok(new RegExp(`Ln ${PROSE_LINE}\\b|line ${PROSE_LINE}\\b`).test(problemText), `the problem is on line ${PROSE_LINE}: ${problemText}`);
    await ctx.shot('problems-panel');
  },
};

/**
 * Description, aria label and hover of the Downloads row of the prose line. Its label is not
 * fixed by the contract (the line's text, or a name): it is the row that mentions the line's text.
 */
async function proseRowTexts(wb, rows) {
  const row = rows.find((r) => r.label.includes(PROSE) || r.description.includes(PROSE) || r.ariaLabel.includes(PROSE));
  if (!row) throw new assert.AssertionError(`Downloads view has no row for the prose line "${PROSE}"; rows: ${JSON.stringify(rows)}`);
  return rowTexts(wb, row.label);
}

/** The hover fades in: wait until it is drawn opaque, so the screenshot shows it legibly. */
async function settledHover(wb) {
  const hover = wb.page.locator('.workbench-hover, .monaco-hover:not(.hidden)').first();
  await waitFor('the hover to finish fading in', () => hover.evaluate((e) => {
    for (let el = e; el; el = el.parentElement) if (Number(getComputedStyle(el).opacity) < 1) return false;
    return true;
  }), { timeout: 2000, interval: 50 }).catch(() => {});
}

/**
 * Waits until the active editor shows an error squiggle (a diagnostic's `.squiggly-error`
 * decoration) on the line whose text is `lineText`, and checks no other line has one. Lines and
 * decorations are matched by their position on screen.
 */
async function checkSquiggleOnlyOn(wb, lineText) {
  const editor = wb.page.locator('.editor-group-container.active .monaco-editor').first();
  const found = await waitFor(`an error squiggle under "${lineText}"`, async () => {
    const boxes = (selector) =>
      editor.locator(selector).evaluateAll((els) =>
        els.map((e) => {
          const r = e.getBoundingClientRect();
          return { text: e.textContent.replace(/\u00a0/g, ' '), top: r.top, bottom: r.bottom };
        }),
      );
    const lines = await boxes('.view-lines .view-line');
    const squiggles = await boxes('.view-overlays .squiggly-error');
    // The text of the line each squiggle's vertical middle falls on.
    const on = squiggles.map((s) => lines.find((l) => (s.top + s.bottom) / 2 >= l.top && (s.top + s.bottom) / 2 <= l.bottom)?.text);
    return on.includes(lineText) ? on : undefined;
  }, { timeout: 15_000 }).catch((err) => {
    throw new assert.AssertionError(`${err.message}: the editor does not underline the prose line`);
  });
  const others = found.filter((text) => text !== lineText);
  assert.equal(others, [], 'no other line of the list is underlined as an error');
}
