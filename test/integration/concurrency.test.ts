// Concurrency limits and connection reuse, measured by the servers: requests in flight at once
// (--jobs, --per-host) and TCP connections opened (keep-alive).
import assert from 'node:assert/strict';
import path from 'node:path';
import { delayed, InFlightCounter, serve, startHostileServer, type HostileServer } from '../support/hostileServer';
import { fetchList, listFiles, useTempDirs, writeList, type CliRun } from '../support/run';

describe('concurrency and connection reuse (integration)', () => {
  const tempDir = useTempDirs();
  const servers: HostileServer[] = [];
  const bothHosts = new InFlightCounter();
  let first: HostileServer;
  let second: HostileServer;

  before(async () => {
    first = await startHostileServer({ sharedInFlight: bothHosts });
    second = await startHostileServer({ sharedInFlight: bothHosts });
    servers.push(first, second);
  });
  after(() => Promise.all(servers.map((s) => s.close())));

  /** Serves `count` slow files under `prefix` on `server` and returns their URLs. */
  function slowFiles(server: HostileServer, prefix: string, count: number, delayMs: number): string[] {
    return Array.from({ length: count }, (_, i) => {
      server.route(`${prefix}/${i}.txt`, delayed(delayMs, serve(`${prefix} ${i}\n`)));
      return server.url(`${prefix}/${i}.txt`);
    });
  }

  async function download(urls: string[], args: string[]): Promise<{ run: CliRun; out: string }> {
    const dir = tempDir('concurrency');
    const out = path.join(dir, 'out');
    const run = await fetchList(writeList(dir, 'list.txt', urls), out, args);
    assert.equal(run.code, 0, run.describe());
    assert.equal(listFiles(out).length, urls.length);
    return { run, out };
  }

  it('runs at most --jobs downloads at once over all hosts, and uses all of them', async () => {
    // Two hosts, so that only the global limit (not a per-connection-pool one) can hold it at 3.
    const urls = [...slowFiles(first, '/jobs', 6, 100), ...slowFiles(second, '/jobs', 6, 100)];
    bothHosts.max = 0;

    await download(urls, ['--jobs', '3']);

    assert.equal(bothHosts.max, 3);
  });

  it('runs at most --per-host downloads on one host while other hosts proceed', async () => {
    const urls = [...slowFiles(first, '/per-host', 6, 150), ...slowFiles(second, '/per-host', 6, 150)];
    first.inFlight.max = 0;
    second.inFlight.max = 0;
    bothHosts.max = 0;

    await download(urls, ['--jobs', '8', '--per-host', '2']);

    assert.equal(first.inFlight.max, 2, 'first host');
    assert.equal(second.inFlight.max, 2, 'second host');
    assert.equal(bothHosts.max, 4, 'the per-host limit is not a global one');
  });

  it('reuses connections (keep-alive) instead of opening one per file', async () => {
    const urls = Array.from({ length: 20 }, (_, i) => {
      second.route(`/keep-alive/${i}.txt`, serve(`keep-alive ${i}\n`));
      return second.url(`/keep-alive/${i}.txt`);
    });
    const connectionsBefore = second.connectionCount;

    await download(urls, ['--jobs', '2']);

    const opened = second.connectionCount - connectionsBefore;
    assert.ok(opened >= 1 && opened <= 4, `${opened} connections for 20 files`);
    const sockets = new Set(second.requests.filter((r) => r.path.startsWith('/keep-alive/')).map((r) => r.socketId));
    assert.ok(sockets.size <= 4, `requests came over ${sockets.size} connections`);
  });
});
