// Shared by the scenarios: the command titles of the extension's contract, waiting for files with
// the served bytes, and reading the Downloads view.
import fs from 'node:fs';
import path from 'node:path';
import { AssertionError } from '../lib/assert.mjs';
import { waitFor } from '../lib/wait.mjs';

export const DOWNLOAD_URLS = { title: 'Asset Fetch: Download URLs', id: 'assetFetch.downloadUrls' };
export const DOWNLOAD_URLS_IN_FILE = 'Download URLs in File';
export const RETRY_FAILED = 'Retry Failed';
export const CONTAINER = 'Asset Fetch';

/** Waits until `file` holds exactly `body` (a download is complete and renamed into place). */
export async function waitForFile(file, body, timeout = 60_000) {
  await waitFor(`${path.basename(file)} with the ${body.length} served bytes`, () => fs.existsSync(file) && fs.readFileSync(file).equals(body), {
    timeout,
  }).catch((err) => {
    const state = fs.existsSync(file) ? `${fs.statSync(file).size} bytes on disk` : 'absent';
    throw new AssertionError(`${err.message}; ${path.basename(file)} is ${state}`);
  });
}

/** Opens the Downloads view and waits for a row labelled `label`; returns all rows. */
export async function downloadsRows(wb, label, timeout = 30_000) {
  await wb.showViewContainer(CONTAINER);
  await wb.sidebarRow(label).waitFor({ state: 'visible', timeout }).catch(async () => {
    throw new AssertionError(`Downloads view has no row "${label}"; rows: ${JSON.stringify(await wb.sidebarRows())}`);
  });
  await expand(wb, label);
  return wb.sidebarRows();
}

/** Expands a collapsed tree row. */
export async function expand(wb, label) {
  const row = wb.sidebarRow(label);
  if ((await row.getAttribute('aria-expanded')) === 'false') {
    await row.locator('.monaco-tl-twistie').click();
    await waitFor(`row ${label} to expand`, async () => (await row.getAttribute('aria-expanded')) === 'true', { timeout: 5000 });
  }
}

/** The row's description, aria label and hover text, for finding a message shown in any of them. */
/** A row's description alone: cheap enough to poll (rowTexts waits for the hover, up to 15 s). */
export async function rowDescription(wb, label) {
  return (await wb.sidebarRow(label).locator('.label-description').first().textContent().catch(() => '')) ?? '';
}

export async function rowTexts(wb, label) {
  const row = wb.sidebarRow(label);
  const description = await rowDescription(wb, label);
  const ariaLabel = (await row.getAttribute('aria-label')) ?? '';
  const hover = await wb.hoverText(row.locator('.monaco-icon-label').first()).catch(() => '');
  return { description, ariaLabel, hover, all: `${description}\n${ariaLabel}\n${hover}` };
}

export function listFile(lines) {
  return lines.join('\n') + '\n';
}

/** The badge letters the Explorer draws on a row (CSS ::after content of its decorations). */
export async function explorerBadges(wb, name) {
  return wb.explorerRow(name).evaluate((row) =>
    [...row.querySelectorAll('*')]
      .map((e) => getComputedStyle(e, '::after').content)
      .filter((c) => c && c !== 'none' && c !== 'normal')
      .map((c) => c.replace(/^"|"$/g, '')),
  ).catch(() => []);
}

/** Drags the side bar's edge so rows show their descriptions whole (for the screenshots). */
export async function widenSideBar(wb, width) {
  const box = await wb.page.locator('.part.sidebar').boundingBox();
  if (!box || box.width >= width) return;
  const y = box.y + box.height / 2;
  await wb.page.mouse.move(box.x + box.width + 1, y);
  await wb.page.mouse.down();
  await wb.page.mouse.move(box.x + width, y, { steps: 5 });
  await wb.page.mouse.up();
}
