// Scenario 6: "Asset Fetch: Set Secret Header for Host..." asks for host, header name and value;
// the next download sends the header to that host, and the token is written to no file.
import fs from 'node:fs';
import path from 'node:path';
import * as assert from '../lib/assert.mjs';
import { bytesFor } from '../lib/fixtureServer.mjs';
import { DOWNLOAD_URLS, listFile, waitForFile } from './common.mjs';

const TOKEN = 'Bearer e2e-s3cret-token';
const FILES = { '/s6/private.bin': { body: bytesFor('private', 5000) } };

export default {
  name: 'secretHeader',
  title: 'a secret header set by its command reaches its host, and no file holds it',
  async run(ctx) {
    const fixture = await ctx.serve(FILES);
    const host = new URL(fixture.base).host;
    fs.writeFileSync(path.join(ctx.workspace, 'private.urls'), listFile([fixture.url('/s6/private.bin')]));

    const wb = await ctx.open();
    await wb.runCommand('Asset Fetch: Set Secret Header for Host...', 'assetFetch.setSecretHeader');
    const input = wb.page.locator('.quick-input-widget input');
    await answer(wb, input, /host/i, host);
    await answer(wb, input, /name/i, 'Authorization', { replace: true });
    await answer(wb, input, /value of Authorization/i, TOKEN);
    await wb.waitForToastSeen(/Authorization is stored in secret storage and sent to 127\.0\.0\.1:\d+ only/);
    await ctx.shot('stored');

    await wb.quickOpen('private.urls');
    await wb.runCommand(DOWNLOAD_URLS.title, DOWNLOAD_URLS.id);
    await waitForFile(path.join(ctx.workspace, 'private.bin'), FILES['/s6/private.bin'].body);
    await ctx.shot('downloaded');
    const request = fixture.requests.find((r) => r.path === '/s6/private.bin');
    assert.equal(request?.authorization, TOKEN, 'the secret header reached its host');
    for (const file of fs.readdirSync(ctx.workspace, { recursive: true })) {
      const full = path.join(ctx.workspace, file);
      if (fs.statSync(full).isFile()) assert.ok(!fs.readFileSync(full, 'utf8').includes('s3cret'), `${file} must not hold the token`);
    }
  },
};

/** Waits for the input box whose title matches `title`, types `text` and presses Enter. */
async function answer(wb, input, title, text, { replace = false } = {}) {
  await wb.page.locator('.quick-input-widget .quick-input-title', { hasText: title }).first().waitFor({ state: 'visible', timeout: 10_000 });
  if (replace) await input.fill('');
  await input.pressSequentially(text);
  await wb.page.keyboard.press('Enter');
}
