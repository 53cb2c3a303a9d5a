// Per-host headers against real servers. Two servers on 127.0.0.1; the second is also reached as
// "localhost", a different host (and origin) for the engine though the same socket for the test.
import assert from 'node:assert/strict';
import path from 'node:path';
import { Batch, parseList, type DownloadOptions, type ItemSnapshot } from '../../src/core';
import { payload, redirect, serve, startHostileServer, type HostileServer, type RecordedRequest } from '../support/hostileServer';
import { fetchList, useTempDirs, writeList } from '../support/run';

describe('per-host headers (integration)', () => {
  let origin: HostileServer;
  let cdn: HostileServer;
  /** cdn's address under the name "localhost". */
  let cdnByName: (route: string) => string;
  const tempDir = useTempDirs();
  const data = payload(500);

  before(async () => {
    origin = await startHostileServer();
    cdn = await startHostileServer();
    cdnByName = (route) => `http://localhost:${new URL(cdn.origin).port}${route}`;
  });
  after(async () => {
    await origin.close();
    await cdn.close();
  });

  async function download(urls: string[], options: Partial<DownloadOptions>): Promise<ItemSnapshot[]> {
    const { entries } = parseList(urls.join('\n'), { sourceName: 'host-headers-test' });
    const batch = new Batch(entries, { targetDir: path.join(tempDir('host-headers'), 'out'), retries: 0, ...options });
    try {
      return (await batch.run()).items;
    } finally {
      await batch.dispose();
    }
  }

  function onlyRequest(server: HostileServer, route: string): RecordedRequest {
    const requests = server.requestsTo(route);
    assert.equal(requests.length, 1, `${route} was requested ${requests.length} times`);
    return requests[0];
  }

  it('sends each host its own headers across a redirect from one host to the other', async () => {
    origin.route('/hop/start.bin', redirect(cdnByName('/hop/asset.bin')));
    cdn.route('/hop/asset.bin', serve(data));

    const [item] = await download([origin.url('/hop/start.bin')], {
      headers: { Authorization: 'Bearer for-the-listed-origin' },
      hostHeaders: { localhost: { 'X-Cdn-Key': 'cdn-secret' }, '127.0.0.1': { 'X-Origin-Key': 'origin-secret' } },
    });

    assert.equal(item.state, 'ok', item.error);
    const atOrigin = onlyRequest(origin, '/hop/start.bin').headers;
    assert.equal(atOrigin['x-origin-key'], 'origin-secret');
    assert.equal(atOrigin.authorization, 'Bearer for-the-listed-origin');
    assert.equal(atOrigin['x-cdn-key'], undefined, "the CDN's header reached the origin");
    const atCdn = onlyRequest(cdn, '/hop/asset.bin').headers;
    assert.equal(atCdn['x-cdn-key'], 'cdn-secret', 'the host header was not sent after the redirect');
    assert.equal(atCdn['x-origin-key'], undefined, "the origin's host header followed the redirect");
    assert.equal(atCdn.authorization, undefined, 'the global header followed the redirect');
  });

  it('sends a "host:port" header to that port only', async () => {
    origin.route('/port/a.bin', serve(data));
    cdn.route('/port/b.bin', serve(data));

    const items = await download([origin.url('/port/a.bin'), cdn.url('/port/b.bin')], {
      hostHeaders: { [new URL(origin.origin).host]: { 'X-Port-Key': 'only-here' } },
    });

    assert.deepEqual(items.map((i) => i.state), ['ok', 'ok']);
    assert.equal(onlyRequest(origin, '/port/a.bin').headers['x-port-key'], 'only-here');
    assert.equal(onlyRequest(cdn, '/port/b.bin').headers['x-port-key'], undefined, 'sent to another port of the same host');
  });

  it('fails every item with a clear message when a host key is not a host', async () => {
    origin.route('/bad-key/a.bin', serve(data));

    const [item] = await download([origin.url('/bad-key/a.bin')], { hostHeaders: { 'https://cdn.test': { 'X-Key': 'k' } } });

    assert.equal(item.state, 'failed');
    assert.match(item.error ?? '', /host header key "https:\/\/cdn\.test" is not a host name/);
    assert.equal(origin.requestsTo('/bad-key/a.bin').length, 0);
  });

  it('--host-header: entry header= beats --host-header beats --header, and the CDN gets its own', async () => {
    origin.route('/cli/with-entry.bin', serve(data));
    origin.route('/cli/to-cdn.bin', redirect(cdnByName('/cli/cdn.bin')));
    cdn.route('/cli/cdn.bin', serve(data));
    const dir = tempDir('host-headers-cli');
    const list = writeList(dir, 'list.txt', [origin.url('/cli/with-entry.bin'), '  header=Accept: from-entry', origin.url('/cli/to-cdn.bin')]);

    const run = await fetchList(list, path.join(dir, 'out'), [
      '--retries', '0',
      '--header', 'Accept: from-header',
      '--header', 'X-Global: g',
      '--host-header', '127.0.0.1: Accept: from-host-header',
      '--host-header', 'localhost: X-Cdn-Key: k',
    ]);

    assert.equal(run.code, 0, run.describe());
    const withEntry = onlyRequest(origin, '/cli/with-entry.bin').headers;
    assert.equal(withEntry.accept, 'from-entry');
    assert.equal(withEntry['x-global'], 'g');
    const withoutEntry = onlyRequest(origin, '/cli/to-cdn.bin').headers;
    assert.equal(withoutEntry.accept, 'from-host-header');
    assert.equal(withoutEntry['x-cdn-key'], undefined);
    const atCdn = onlyRequest(cdn, '/cli/cdn.bin').headers;
    assert.equal(atCdn['x-cdn-key'], 'k');
    assert.equal(atCdn.accept, undefined, 'neither the 127.0.0.1 host header nor --header followed the redirect');
    assert.equal(atCdn['x-global'], undefined);
  });
});
