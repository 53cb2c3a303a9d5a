// Chromium driven by playwright-core: one browser per run, a fresh context (storage, focus) per page.
import fs from 'node:fs';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { log } from './log.mjs';
import { artifactsDir } from './paths.mjs';

const FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export async function launchBrowser(executablePath) {
  const browser = await chromium.launch({ executablePath, headless: true, args: FLAGS });
  log(`chromium ${browser.version()} started`);
  return {
    browser,
    /** A new page in its own context; its console lines go to artifacts/<name>-console.log. */
    async newPage(name) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const page = await context.newPage();
      fs.mkdirSync(artifactsDir, { recursive: true });
      const consoleLog = path.join(artifactsDir, `${name}-console.log`);
      fs.writeFileSync(consoleLog, '');
      page.on('console', (msg) => fs.appendFileSync(consoleLog, `[${msg.type()}] ${msg.text()}\n`));
      page.on('pageerror', (err) => fs.appendFileSync(consoleLog, `[pageerror] ${err.stack ?? err}\n`));
      return page;
    },
    close: () => browser.close(),
  };
}
