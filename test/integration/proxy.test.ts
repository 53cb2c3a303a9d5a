// Proxies, through a real one: tinyproxy forwards http:// requests (adding its Via header, which the
// test server records) and tunnels https:// ones with CONNECT (which its log records). Covers the
// proxy option, noProxy, strictSSL, a proxy that refuses connections, and the CLI's --proxy,
// --no-proxy and the curl environment variables.
import assert from 'node:assert/strict';
import path from 'node:path';
import { Batch, parseList, type DownloadOptions, type ItemSnapshot } from '../../src/core';
import { partialBody, payload, serve, startHostileServer, type HostileServer, type RecordedRequest } from '../support/hostileServer';
import { fetchList, readFile, useTempDirs, writeList } from '../support/run';
import { findTinyproxy, freePort, startTinyproxy, VIA_NAME, type Tinyproxy } from '../support/tinyproxy';
import { startUntrustedHttpsServer, type UntrustedHttpsServer } from '../support/untrustedHttpsServer';

describe('proxy (integration, through tinyproxy)', function () {
  let proxy: Tinyproxy;
  let server: HostileServer;
  let other: HostileServer;
  let secure: UntrustedHttpsServer;
  const tempDir = useTempDirs();
  const data = payload(2000);

  before(async function () {
    const executable = findTinyproxy();
    if (!executable) {
      if (process.env.CI) throw new Error('tinyproxy is not installed; CI must run the proxy suite (.ci/run installs it)');
      console.warn('      skipped: tinyproxy is not installed (apt-get install tinyproxy)');
      this.skip();
    }
    proxy = await startTinyproxy(executable);
    server = await startHostileServer();
    other = await startHostileServer();
    secure = await startUntrustedHttpsServer(data);
  });
  after(async () => {
    await Promise.all([proxy?.close(), server?.close(), other?.close(), secure?.close()]);
  });

  /** Downloads `urls` with the Batch API (no retries); returns the items' final states and the folder. */
  async function download(urls: string[], options: Partial<DownloadOptions>): Promise<ItemSnapshot[] & { dir: string }> {
    const dir = path.join(tempDir('proxy'), 'out');
    const { entries } = parseList(urls.join('\n'), { sourceName: 'proxy-test' });
    const batch = new Batch(entries, { targetDir: dir, retries: 0, timeoutSeconds: 5, ...options });
    try {
      return Object.assign((await batch.run()).items, { dir });
    } finally {
      await batch.dispose();
    }
  }

  /** The one request `host` received for `route`. */
  function onlyRequest(host: HostileServer, route: string): RecordedRequest {
    const requests = host.requestsTo(route);
    assert.equal(requests.length, 1, `${route} was requested ${requests.length} times`);
    return requests[0];
  }

  function assertProxied(host: HostileServer, route: string): void {
    assert.match(onlyRequest(host, route).headers.via ?? '', new RegExp(VIA_NAME), `${route} did not come through the proxy`);
    assert.ok(proxy.log().includes(`GET ${host.url(route)} `), `the proxy did not log ${route}:\n${proxy.log()}`);
  }

  function assertDirect(host: HostileServer, route: string): void {
    assert.equal(onlyRequest(host, route).headers.via, undefined, `${route} came through the proxy`);
    assert.ok(!proxy.log().includes(host.url(route)), `the proxy logged ${route}`);
  }

  describe('Batch API', () => {
    it('sends http:// requests through the proxy of the options', async () => {
      server.route('/batch/proxied.bin', serve(data));

      const [item] = await download([server.url('/batch/proxied.bin')], { proxy: { url: proxy.url } });

      assert.equal(item.state, 'ok', item.error);
      assertProxied(server, '/batch/proxied.bin');
    });

    it('reaches a host in noProxy directly, and a "host:port" entry only on that port', async () => {
      server.route('/batch/listed-port.bin', serve(data));
      other.route('/batch/other-port.bin', serve(data));
      const port = new URL(server.origin).port;

      const items = await download([server.url('/batch/listed-port.bin'), other.url('/batch/other-port.bin')], {
        proxy: { url: proxy.url, noProxy: [`127.0.0.1:${port}`] },
      });

      assert.deepEqual(items.map((i) => i.state), ['ok', 'ok'], JSON.stringify(items));
      assertDirect(server, '/batch/listed-port.bin');
      assertProxied(other, '/batch/other-port.bin');
    });

    it('keeps the body-idle timeout through the proxy', async function () {
      // undici's own default is 300 s: failing within 5 s shows the proxy path got timeoutSeconds.
      this.timeout(5000);
      server.route('/batch/stalled.bin', partialBody(data, 500, 'stall'));

      const [item] = await download([server.url('/batch/stalled.bin')], { proxy: { url: proxy.url }, timeoutSeconds: 0.5 });

      assert.equal(item.state, 'failed');
      assert.equal(item.error, 'no data received within the timeout after 500 B');
      assertProxied(server, '/batch/stalled.bin');
    });

    it('names the proxy when it refuses connections', async () => {
      const closedPort = await freePort();
      server.route('/batch/unreachable-proxy.bin', serve(data));

      const [item] = await download([server.url('/batch/unreachable-proxy.bin')], { proxy: { url: `http://127.0.0.1:${closedPort}` } });

      assert.equal(item.state, 'failed');
      assert.equal(item.error, `cannot connect to proxy http://127.0.0.1:${closedPort}: connection refused`);
      assert.equal(server.requestsTo('/batch/unreachable-proxy.bin').length, 0);
    });

    describe('a proxy that wants credentials', () => {
      let guarded: Tinyproxy;
      before(async () => {
        guarded = await startTinyproxy(findTinyproxy()!, { basicAuth: { user: 'fetcher', password: 'open-sesame_42' } });
      });
      after(() => guarded?.close());

      it('says so, by name, when the proxy URL has none', async () => {
        server.route('/auth/without.bin', serve(data));
        secure.requests.length = 0;

        const items = await download([server.url('/auth/without.bin'), `${secure.origin}/auth/without.bin`], { proxy: { url: guarded.url, strictSSL: false } });

        const expected = `proxy ${guarded.url} requires authentication (HTTP 407): put the user name and password in the proxy URL`;
        assert.deepEqual(items.map((i) => [i.state, i.error]), [['failed', expected], ['failed', expected]], 'forwarded http:// and tunnelled https:// alike');
        assert.equal(server.requestsTo('/auth/without.bin').length, 0);
        assert.deepEqual(secure.requests, []);
      });

      it('sends the credentials of the proxy URL to the proxy, not to the site', async () => {
        server.route('/auth/with.bin', serve(data));
        const url = `http://fetcher:open-sesame_42@127.0.0.1:${guarded.port}`;

        const [item] = await download([server.url('/auth/with.bin')], { proxy: { url } });

        assert.equal(item.state, 'ok', item.error);
        const request = onlyRequest(server, '/auth/with.bin');
        assert.match(request.headers.via ?? '', new RegExp(VIA_NAME));
        assert.equal(request.headers['proxy-authorization'], undefined, 'the proxy credentials reached the site');
      });
    });

    describe('https:// through a CONNECT tunnel, and strictSSL', () => {
      const tunnelTo = () => `CONNECT 127.0.0.1:${secure.port} `;

      it('reports a tunnel the proxy would not open as a failure naming both ends, not as cancelled', async () => {
        const closedPort = await freePort();

        const [item] = await download([`https://127.0.0.1:${closedPort}/nowhere.bin`], { proxy: { url: proxy.url } });

        assert.equal(item.state, 'failed');
        assert.match(item.error ?? '', new RegExp(`^proxy ${proxy.url} would not connect to 127\\.0\\.0\\.1:${closedPort} \\(HTTP 5\\d\\d `));
      });

      it('refuses a certificate it cannot verify by default', async () => {
        const [item] = await download([`${secure.origin}/strict.bin`], { proxy: { url: proxy.url } });

        assert.equal(item.state, 'failed');
        assert.match(item.error ?? '', /certificate/i);
        assert.ok(proxy.log().includes(tunnelTo()), 'the connection went through the proxy');
        assert.ok(!secure.requests.includes('/strict.bin'), 'no request was sent over an unverified connection');
      });

      it('accepts it with strictSSL false', async () => {
        const items = await download([`${secure.origin}/lenient.bin`], { proxy: { url: proxy.url, strictSSL: false } });

        assert.equal(items[0].state, 'ok', items[0].error);
        assert.ok(readFile(items.dir, 'lenient.bin').equals(data));
        assert.ok(secure.requests.includes('/lenient.bin'));
        assert.ok(proxy.log().includes(tunnelTo()));
      });

      it('still verifies a direct connection (a host in noProxy) when strictSSL is false', async () => {
        const logBefore = proxy.log().length;

        const [item] = await download([`${secure.origin}/direct.bin`], { proxy: { url: proxy.url, strictSSL: false, noProxy: ['127.0.0.1'] } });

        assert.equal(item.state, 'failed');
        assert.match(item.error ?? '', /certificate/i);
        assert.ok(!proxy.log().slice(logBefore).includes(tunnelTo()), 'the connection did not go through the proxy');
      });
    });
  });

  describe('CLI', () => {
    /** Runs the CLI over one URL of `server` with `args` and extra environment variables. */
    async function cliDownload(route: string, args: string[], env: Record<string, string> = {}) {
      server.route(route, serve(data));
      const dir = tempDir('proxy-cli');
      const run = await fetchList(writeList(dir, 'list.txt', [server.url(route)]), path.join(dir, 'out'), ['--retries', '0', ...args], { env });
      assert.equal(run.item(server.url(route)).status, 'ok', run.describe());
    }

    it('--proxy sends requests through the proxy', async () => {
      await cliDownload('/cli/flag.bin', ['--proxy', proxy.url]);
      assertProxied(server, '/cli/flag.bin');
    });

    it('uses HTTP_PROXY from the environment, as curl does', async () => {
      await cliDownload('/cli/env.bin', [], { HTTP_PROXY: proxy.url });
      assertProxied(server, '/cli/env.bin');
    });

    it('does not use HTTPS_PROXY for an http:// URL', async () => {
      await cliDownload('/cli/https-variable.bin', [], { HTTPS_PROXY: proxy.url });
      assertDirect(server, '/cli/https-variable.bin');
    });

    it('reaches hosts in NO_PROXY directly', async () => {
      await cliDownload('/cli/no-proxy-env.bin', [], { http_proxy: proxy.url, NO_PROXY: 'example.com, 127.0.0.1' });
      assertDirect(server, '/cli/no-proxy-env.bin');
    });

    it('--no-proxy adds hosts to NO_PROXY instead of replacing it', async () => {
      server.route('/cli/no-proxy-variable.bin', serve(data));
      other.route('/cli/no-proxy-flag.bin', serve(data));
      const urls = [server.url('/cli/no-proxy-variable.bin'), other.url('/cli/no-proxy-flag.bin')];
      const dir = tempDir('proxy-cli');
      const noProxy = `example.com,127.0.0.1:${new URL(other.origin).port}`;

      const run = await fetchList(writeList(dir, 'list.txt', urls), path.join(dir, 'out'), ['--retries', '0', '--proxy', proxy.url, '--no-proxy', noProxy], {
        env: { NO_PROXY: `127.0.0.1:${new URL(server.origin).port}` },
      });

      assert.equal(run.code, 0, run.describe());
      assertDirect(server, '/cli/no-proxy-variable.bin');
      assertDirect(other, '/cli/no-proxy-flag.bin');
    });
  });
});
