// Scenario 4: in an untrusted workspace (Restricted Mode) "Asset Fetch: Download URLs" is still
// offered, explains that downloads need trust, and writes nothing.
import fs from 'node:fs';
import path from 'node:path';
import * as assert from '../lib/assert.mjs';
import { bytesFor } from '../lib/fixtureServer.mjs';
import { DOWNLOAD_URLS, listFile } from './common.mjs';

const FILES = { '/s4/never.bin': { body: bytesFor('never', 5000) } };

export default {
  name: 'untrusted',
  title: 'Restricted Mode: the command explains and writes nothing',
  trust: false,
  async run(ctx) {
    const fixture = await ctx.serve(FILES);
    fs.writeFileSync(path.join(ctx.workspace, 'assets.txt'), listFile([fixture.url('/s4/never.bin')]));

    const wb = await ctx.open();
    const restricted = wb.page.locator('.part.statusbar', { hasText: 'Restricted Mode' });
    await restricted.waitFor({ state: 'visible' }).catch(() => {
      throw new assert.AssertionError('the workspace did not open in Restricted Mode');
    });
    await ctx.shot('restricted');
    await wb.quickOpen('assets.txt');
    await wb.runCommand(DOWNLOAD_URLS.title, DOWNLOAD_URLS.id);
    const message = await wb.waitForToast(/Restricted Mode/);
    assert.includes(await message.innerText(), 'Restricted Mode', 'the warning');
    await ctx.shot('message');

    assert.equal(fixture.requests, [], 'no request reaches the server');
    assert.equal(fs.readdirSync(ctx.workspace, { recursive: true }), ['assets.txt'], 'nothing is written to the workspace');
  },
};
