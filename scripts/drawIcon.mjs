// Draws the extension's icon: media/icon.svg rendered to media/icon.png (128×128) by chromium
// through playwright-core, offline. Run after editing the SVG: node scripts/drawIcon.mjs
import fs from 'node:fs';
import { chromium } from 'playwright-core';

const SIZE = 128;
const svg = fs.readFileSync('media/icon.svg', 'utf8');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: SIZE, height: SIZE } });
  await page.setContent(`<html><body style="margin:0;background:transparent">${svg}</body></html>`);
  await page.locator('svg').screenshot({ path: 'media/icon.png', omitBackground: true });
  console.log('Wrote media/icon.png');
} finally {
  await browser.close();
}
