// Two runs, one folder: each target is downloaded by one run only (`<name>.part.lock`), the other
// waits for it and then finds the file there; a lock left by a killed run is taken over; nothing
// stray is left. Real CLIs and real engine batches against a server that counts requests.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Batch, parseList, type BatchUpdate } from '../../src/core';
import { delayed, payload, serve, startHostileServer, trickle, type HostileServer } from '../support/hostileServer';
import { fetchList, listFiles, useTempDirs, writeList } from '../support/run';

const FILES = 40;

describe('two runs, one folder (integration)', () => {
  const tempDir = useTempDirs();
  let server: HostileServer;
  const bodies = new Map<number, Buffer>();
  before(async () => {
    server = await startHostileServer();
    for (let i = 0; i < FILES; i++) {
      bodies.set(i, payload(64 * 1024 + i));
      // Slow enough that the two runs overlap.
      server.route(`/two/${i}.bin`, delayed(60, serve(bodies.get(i)!, { etag: `"e${i}"` })));
    }
    server.route('/two/slow.bin', trickle(payload(200_000), 20_000, 40, { etag: '"slow"' }));
  });
  after(() => server.close());

  const urls = () => Array.from({ length: FILES }, (_, i) => server.url(`/two/${i}.bin`));

  it('two CLIs on one list: every file requested once, both runs succeed, the waiting run says who has the file', async () => {
    const dir = tempDir('two-clis');
    const list = writeList(dir, 'assets.txt', urls());
    const out = path.join(dir, 'out');
    const before = server.requests.length;

    const [first, second] = await Promise.all([fetchList(list, out, ['--jobs', '8']), fetchList(list, out, ['--jobs', '8'])]);
    assert.equal(first.code, 0, first.describe());
    assert.equal(second.code, 0, second.describe());

    const requested = server.requests.slice(before).map((r) => r.path);
    assert.equal(requested.length, FILES, `each file requested once, got ${requested.length} requests`);
    assert.equal(new Set(requested).size, FILES);
    for (let i = 0; i < FILES; i++) assert.ok(fs.readFileSync(path.join(out, `${i}.bin`)).equals(bodies.get(i)!), `${i}.bin has the served bytes`);
    assert.deepEqual(listFiles(out), Array.from({ length: FILES }, (_, i) => `${i}.bin`).sort(), 'no .part, .part.meta or .part.lock left');

    // Each file was fetched by exactly one of the runs; the other skipped it.
    for (const url of urls()) {
      const states = [first.item(url).status, second.item(url).status].sort();
      assert.deepEqual(states, ['ok', 'skipped'], `${url}: ${states.join(', ')}`);
    }
    const stderr = first.result.stderr + second.result.stderr;
    assert.match(stderr, /waiting: \d+\.bin is being downloaded by another run \(process \d+\)/);
  });

  it('a lock left by a killed run is taken over: the file is fetched and the lock removed', async () => {
    const dir = tempDir('stale');
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    // A process that has exited: its id is free (or reused by something that is not ours, which
    // the test cannot rule out; a pid of an exited child is the usual case after a SIGKILL).
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    fs.writeFileSync(path.join(out, '3.bin.part.lock'), `${gone.stdout} ${(await import('node:os')).hostname()} some-earlier-run\n`);
    const list = writeList(dir, 'assets.txt', [server.url('/two/3.bin')]);

    const run = await fetchList(list, out);
    assert.equal(run.code, 0, run.describe());
    assert.equal(run.item(server.url('/two/3.bin')).status, 'ok');
    assert.deepEqual(listFiles(out), ['3.bin']);
  });

  it('two batches in one process (two in a VS Code window): one downloads, the other waits and skips', async () => {
    const dir = path.join(tempDir('one-process'), 'out');
    const { entries } = parseList(urls().slice(0, 10).join('\n'), { sourceName: 'list' });
    const before = server.requests.length;
    const a = new Batch(entries, { targetDir: dir, retries: 0, progressIntervalMs: 10 });
    const b = new Batch(entries, { targetDir: dir, retries: 0, progressIntervalMs: 10 });
    const logs: string[] = [];
    for (const batch of [a, b]) batch.onUpdate((update: BatchUpdate) => logs.push(...update.logs.map((l) => l.message)));
    try {
      const [ra, rb] = await Promise.all([a.run(), b.run()]);
      assert.equal(server.requests.length - before, 10, 'each file requested once');
      assert.equal(ra.stats.ok + rb.stats.ok, 10);
      assert.equal(ra.stats.skipped + rb.stats.skipped, 10);
      assert.equal(ra.stats.failed + rb.stats.failed, 0);
      assert.deepEqual(listFiles(dir).length, 10, 'no lock files left');
      assert.match(logs.join('\n'), /waiting: \d+\.bin is being downloaded by another batch in this window/);
    } finally {
      await Promise.all([a.dispose(), b.dispose()]);
    }
  });

  it('cancelling a batch that waits for another one ends it at once; the owner goes on', async () => {
    const dir = path.join(tempDir('cancel-wait'), 'out');
    const { entries } = parseList(server.url('/two/slow.bin'), { sourceName: 'list' });
    const owner = new Batch(entries, { targetDir: dir, retries: 0, progressIntervalMs: 10 });
    const waiter = new Batch(entries, { targetDir: dir, retries: 0, progressIntervalMs: 10 });
    try {
      const owning = owner.run();
      await server.waitForRequests('/two/slow.bin');
      const waiting = waiter.run();
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(server.requestsTo('/two/slow.bin').length, 1, 'the waiting batch sent no request');
      waiter.cancel();
      const cancelled = await waiting;
      assert.equal(cancelled.items[0].state, 'cancelled');
      const done = await owning;
      assert.equal(done.items[0].state, 'ok');
      assert.deepEqual(listFiles(dir), ['slow.bin']);
    } finally {
      await Promise.all([owner.dispose(), waiter.dispose()]);
    }
  });
});
