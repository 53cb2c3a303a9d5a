// The Batch API directly (as the editor extension uses it): cancelling a batch or one item,
// retrying after a cancel, and coalesced progress updates.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Batch, parseList, type BatchUpdate, type DownloadOptions, type ItemSnapshot } from '../../src/core';
import { partialBody, payload, serve, startHostileServer, type HostileServer } from '../support/hostileServer';
import { listFiles, readFile, useTempDirs } from '../support/run';

/** Records every update of a batch and lets a test wait for a state it describes. */
class UpdateLog {
  readonly updates: BatchUpdate[] = [];
  /** The newest snapshot of every item that has appeared in an update. */
  readonly latest = new Map<number, ItemSnapshot>();
  private waiters: { ready: () => boolean; resolve: () => void }[] = [];

  constructor(batch: Batch) {
    batch.onUpdate((update) => {
      this.updates.push(update);
      for (const item of update.changed) this.latest.set(item.id, item);
      this.waiters = this.waiters.filter((w) => (w.ready() ? (w.resolve(), false) : true));
    });
  }

  /** Resolves once `ready(latest)` holds after some update (the mocha timeout bounds the wait). */
  until(ready: (latest: Map<number, ItemSnapshot>) => boolean): Promise<void> {
    if (ready(this.latest)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ ready: () => ready(this.latest), resolve }));
  }

  /** Waits until each of `ids` is active with `bytes` received. */
  untilReceiving(ids: number[], bytes: number): Promise<void> {
    return this.until((latest) => ids.every((id) => latest.get(id)?.state === 'active' && latest.get(id)?.bytes === bytes));
  }
}

describe('Batch API (integration)', () => {
  let server: HostileServer;
  const tempDir = useTempDirs();
  const batches: Batch[] = [];

  before(async () => {
    server = await startHostileServer();
  });
  afterEach(async () => {
    await Promise.all(batches.splice(0).map((b) => b.dispose()));
  });
  after(() => server.close());

  function newBatch(urls: string[], options: Partial<DownloadOptions> = {}): { batch: Batch; dir: string; log: UpdateLog } {
    const dir = path.join(tempDir('engine'), 'out');
    const { entries } = parseList(urls.join('\n'), { sourceName: 'test-list' });
    const batch = new Batch(entries, { targetDir: dir, retries: 0, timeoutSeconds: 10, progressIntervalMs: 10, retryBaseDelayMs: 50, ...options });
    batches.push(batch);
    return { batch, dir, log: new UpdateLog(batch) };
  }

  describe('run(signal)', () => {
    it('cancels the batch when the AbortSignal aborts, keeping resumable .part files', async () => {
      const data = payload(1000);
      server.route('/signal/stuck.bin', partialBody(data, 500, 'stall', { etag: '"sig"' }));
      const { batch, dir, log } = newBatch([server.url('/signal/stuck.bin')]);
      const controller = new AbortController();

      const running = batch.run(controller.signal);
      await log.untilReceiving([0], 500);
      controller.abort();
      const result = await running;

      assert.equal(result.items[0].state, 'cancelled');
      assert.deepEqual(listFiles(dir), ['stuck.bin.part', 'stuck.bin.part.meta']);
    });

    it('starts nothing when the signal is already aborted', async () => {
      server.route('/signal/never.bin', serve(payload(10)));
      const { batch, dir } = newBatch([server.url('/signal/never.bin')]);

      const result = await batch.run(AbortSignal.abort());

      assert.equal(result.items[0].state, 'cancelled');
      assert.equal(server.requestsTo('/signal/never.bin').length, 0);
      assert.deepEqual(listFiles(dir), []);
    });
  });

  describe('cancel()', () => {
    it('ends every running item as cancelled, resolves run(), and keeps resumable .part files', async () => {
      const data = [payload(1000), payload(1000), payload(1000)];
      data.forEach((d, i) => server.route(`/cancel/all-${i}.bin`, partialBody(d, 500, 'stall', { etag: `"a${i}"` })));
      const { batch, dir, log } = newBatch(data.map((_, i) => server.url(`/cancel/all-${i}.bin`)));

      const running = batch.run();
      await log.untilReceiving([0, 1, 2], 500);
      batch.cancel();
      const result = await running;

      assert.deepEqual(result.items.map((i) => i.state), ['cancelled', 'cancelled', 'cancelled']);
      assert.equal(result.stats.cancelled, 3);
      assert.deepEqual(listFiles(dir), [0, 1, 2].flatMap((i) => [`all-${i}.bin.part`, `all-${i}.bin.part.meta`]));
      data.forEach((d, i) => assert.ok(readFile(dir, `all-${i}.bin.part`).equals(d.subarray(0, 500)), `all-${i}.bin.part`));
    });

    it('resumes the cancelled items with Range when retried', async () => {
      const data = payload(1000);
      server.route('/cancel/retry.bin', partialBody(data, 500, 'stall', { etag: '"rt"' }));
      const { batch, dir, log } = newBatch([server.url('/cancel/retry.bin')]);
      const running = batch.run();
      await log.untilReceiving([0], 500);
      batch.cancel();
      assert.equal((await running).items[0].state, 'cancelled');

      server.route('/cancel/retry.bin', serve(data, { etag: '"rt"' }));
      const result = await batch.retry();

      assert.equal(result.items[0].state, 'ok', result.items[0].error);
      assert.equal(server.requestsTo('/cancel/retry.bin').at(-1)!.headers.range, 'bytes=500-');
      assert.deepEqual(listFiles(dir), ['retry.bin']);
      assert.ok(readFile(dir, 'retry.bin').equals(data));
    });

    it('does not delete the .part of an earlier batch for items that were still queued', async () => {
      const slow = payload(1000);
      const queued = payload(1000);
      server.route('/cancel/slow.bin', partialBody(slow, 500, 'stall', { etag: '"s"' }));
      server.route('/cancel/queued.bin', partialBody(queued, 500, 'stall', { etag: '"q"' }));
      const urls = [server.url('/cancel/slow.bin'), server.url('/cancel/queued.bin')];

      // An earlier batch left queued.bin.part behind.
      const earlier = newBatch([urls[1]]);
      const earlierRun = earlier.batch.run();
      await earlier.log.untilReceiving([0], 500);
      earlier.batch.cancel();
      await earlierRun;
      assert.deepEqual(listFiles(earlier.dir), ['queued.bin.part', 'queued.bin.part.meta']);

      // This batch runs one item at a time: queued.bin never starts before the cancel.
      const { batch, log } = newBatch(urls, { targetDir: earlier.dir, jobs: 1 });
      const running = batch.run();
      await log.untilReceiving([0], 500);
      batch.cancel();
      const result = await running;

      assert.deepEqual(result.items.map((i) => i.state), ['cancelled', 'cancelled']);
      assert.equal(server.requestsTo('/cancel/queued.bin').length, 1, 'queued.bin was not requested again');
      assert.ok(readFile(earlier.dir, 'queued.bin.part').equals(queued.subarray(0, 500)), 'the earlier .part is still there');
      assert.ok(fs.existsSync(path.join(earlier.dir, 'queued.bin.part.meta')), 'and so is its resume record');
    });
  });

  describe('cancelItem()', () => {
    it('cancels one item while the others finish', async () => {
      const fast = [payload(2000), payload(3000)];
      server.route('/cancel-one/stuck.bin', partialBody(payload(1000), 500, 'stall', { etag: '"x"' }));
      fast.forEach((d, i) => server.route(`/cancel-one/fast-${i}.bin`, serve(d, { delayMs: 50 })));
      const { batch, dir, log } = newBatch([server.url('/cancel-one/stuck.bin'), server.url('/cancel-one/fast-0.bin'), server.url('/cancel-one/fast-1.bin')]);

      const running = batch.run();
      await log.untilReceiving([0], 500);
      batch.cancelItem(0);
      const result = await running;

      assert.deepEqual(result.items.map((i) => i.state), ['cancelled', 'ok', 'ok']);
      assert.ok(readFile(dir, 'fast-0.bin').equals(fast[0]));
      assert.ok(readFile(dir, 'fast-1.bin').equals(fast[1]));
      assert.ok(fs.existsSync(path.join(dir, 'stuck.bin.part')), 'the cancelled item keeps its resumable .part');
    });
  });

  describe('progress updates', () => {
    it('coalesces the changes of 300 downloads into a few updates that together report every item', async () => {
      const count = 300;
      for (let i = 0; i < count; i++) server.route(`/many/${i}.txt`, serve(`file ${i}\n`));
      const urls = Array.from({ length: count }, (_, i) => server.url(`/many/${i}.txt`));
      const { batch, dir, log } = newBatch(urls, { progressIntervalMs: 100 });

      const result = await batch.run();

      assert.equal(result.stats.ok, count);
      assert.ok(log.updates.length < 60, `${log.updates.length} updates for ${count} items (each changes state at least twice)`);
      const last = log.updates.at(-1)!;
      assert.equal(last.done, true, 'the last update says the run is done');
      assert.equal(last.stats.ok, count);
      assert.equal(log.updates.filter((u) => u.done).length, 1, 'only the last update of the run says done');
      const finished = new Set([...log.latest.values()].filter((i) => i.state === 'ok').map((i) => i.id));
      assert.equal(finished.size, count, 'every item was reported finished in some update');
      assert.equal(listFiles(dir).length, count);
    });
  });

  describe('log lines', () => {
    it('logs each saved file for the editor, and nothing for it with logSuccesses: false (the CLI), warnings kept', async () => {
      server.route('/log/a.txt', serve('a'));
      server.route('/log/missing.txt', (_req, res) => res.writeHead(404).end());
      const messages = async (options: Partial<DownloadOptions>) => {
        const { batch, log } = newBatch([server.url('/log/a.txt'), server.url('/log/missing.txt')], options);
        await batch.run();
        return log.updates.flatMap((u) => u.logs).map((l) => `${l.level} ${l.message.split(' ')[0]}`);
      };
      assert.deepEqual((await messages({})).sort(), ['error failed', 'info ok']);
      assert.deepEqual(await messages({ logSuccesses: false }), ['error failed']);
    });
  });
});
