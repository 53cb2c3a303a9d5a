// Per-host politeness against two real hosts (127.0.0.1 and 127.0.0.2): a 429 or 503 pauses that
// host's downloads for one shared wait, never shorter than the server said; the other host keeps
// every free slot; a waiting retry holds none; hosts are served in turn from the first item on.
// Assertions are on the order and arrival times of the requests the servers recorded, measured
// against the moment each server itself sent its 429 (one process, one monotonic clock).
import assert from 'node:assert/strict';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Batch, parseList, type BatchUpdate, type DownloadOptions, type HostWait } from '../../src/core';
import { delayed, serve, startHostileServer, type HostileServer, type Route } from '../support/hostileServer';
import { fetchList, useTempDirs, writeList } from '../support/run';

/** A host that answers `status` to every request until `retryAfterSeconds` after its first refusal. */
class RateLimiter {
  /** performance.now() when the first refusal was sent, and until when the server refuses. */
  firstRefusalAt = Infinity;
  closedUntil = 0;
  refusals = 0;
  /** performance.now() when each successful response finished, in order. */
  finishedAt: number[] = [];

  constructor(
    private readonly retryAfterSeconds: number | undefined,
    private readonly status = 429,
    /** Refuse only this many times in all (then serve even while "closed"). */
    private readonly maxRefusals = Infinity,
  ) {}

  route(body: string, delayMs = 0): Route {
    return (req, res, ctx) => {
      const now = performance.now();
      if (this.refusals < this.maxRefusals && (this.refusals === 0 || now < this.closedUntil)) {
        if (this.refusals === 0) {
          this.firstRefusalAt = now;
          this.closedUntil = now + (this.retryAfterSeconds ?? 0) * 1000;
        }
        this.refusals++;
        const headers = this.retryAfterSeconds === undefined ? {} : { 'retry-after': String(this.retryAfterSeconds) };
        res.writeHead(this.status, headers).end();
        return;
      }
      res.once('finish', () => this.finishedAt.push(performance.now()));
      delayed(delayMs, serve(body))(req, res, ctx);
    };
  }
}

describe('per-host politeness: 429/503 (integration)', () => {
  const tempDir = useTempDirs();
  let a: HostileServer;
  let b: HostileServer;
  const batches: Batch[] = [];

  beforeEach(async () => {
    a = await startHostileServer({ host: '127.0.0.1' });
    b = await startHostileServer({ host: '127.0.0.2' });
  });
  afterEach(async () => {
    await Promise.all(batches.splice(0).map((batch) => batch.dispose()));
    await a.close();
    await b.close();
  });

  function files(server: HostileServer, prefix: string, count: number, route: (i: number) => Route): string[] {
    return Array.from({ length: count }, (_, i) => {
      server.route(`${prefix}/${i}.txt`, route(i));
      return server.url(`${prefix}/${i}.txt`);
    });
  }

  function newBatch(urls: string[], options: Partial<DownloadOptions>): { batch: Batch; updates: BatchUpdate[] } {
    const { entries } = parseList(urls.join('\n'), { sourceName: 'list' });
    const batch = new Batch(entries, { targetDir: path.join(tempDir('polite'), 'out'), timeoutSeconds: 10, progressIntervalMs: 10, ...options });
    batches.push(batch);
    const updates: BatchUpdate[] = [];
    batch.onUpdate((update) => updates.push(update));
    return { batch, updates };
  }

  it('pauses the limited host for one shared wait while the other host keeps every slot, then probes with one request', async () => {
    const limiter = new RateLimiter(3);
    const aUrls = files(a, '/a', 6, (i) => limiter.route(`a${i}`));
    const bUrls = files(b, '/b', 30, (i) => delayed(10, serve(`b${i}`)));
    const { batch, updates } = newBatch([...aUrls, ...bUrls], { jobs: 4, retries: 1 });

    const result = await batch.run();

    assert.deepEqual(
      result.items.filter((item) => item.state !== 'ok').map((item) => `${item.url}: ${item.error}`),
      [],
      'every item downloads: one shared wait needs one retry',
    );
    const all = [...a.requests.map((r) => ({ ...r, host: 'a' })), ...b.requests.map((r) => ({ ...r, host: 'b' }))].sort((x, y) => x.at - y.at);
    assert.deepEqual(
      all.slice(0, 4).map((r) => r.host).sort(),
      ['a', 'a', 'b', 'b'],
      'the first requests take the hosts in turn, not the first --jobs items of the list',
    );
    assert.ok(limiter.refusals <= 2, `only requests already on their way when the first 429 came are refused (${limiter.refusals})`);
    assert.equal(
      a.requests.filter((r) => r.at < limiter.closedUntil).length,
      limiter.refusals,
      'no request to the limited host but the refused ones before its Retry-After is over',
    );
    const resumed = a.requests.filter((r) => r.at >= limiter.closedUntil);
    assert.equal(resumed.length, 6, 'every item of the limited host is requested after the wait');
    assert.ok(
      b.requests.every((r) => r.at < limiter.closedUntil),
      'the other host got all 30 of its requests during the wait',
    );
    assert.ok(resumed[1].at >= limiter.finishedAt[0], 'after the wait, one request probes the host before the others start');

    const waits = updates.filter((u) => u.hostWaits !== undefined).map((u) => u.hostWaits!);
    const shown = waits.find((w) => w.length > 0)?.[0] as HostWait;
    assert.equal(shown.host, new URL(a.origin).host);
    assert.equal(shown.status, 429);
    assert.equal(shown.retryAfter, '3');
    assert.ok(shown.waiting >= 4, `the wait counts the host's unfinished downloads (${shown.waiting})`);
    assert.deepEqual(waits.at(-1), [], 'the wait is gone once the host is served again');
  });

  it('gives the slot of a waiting retry to the next item: with --jobs 1 the other host is served during the wait', async () => {
    const limiter = new RateLimiter(2);
    const aUrl = files(a, '/a', 1, () => limiter.route('a'));
    const bUrls = files(b, '/b', 5, (i) => serve(`b${i}`));
    const { batch } = newBatch([...aUrl, ...bUrls], { jobs: 1, retries: 1 });

    const result = await batch.run();

    assert.equal(result.stats.ok, 6);
    assert.equal(b.requests.length, 5);
    assert.ok(b.requests.every((r) => r.at < limiter.closedUntil), 'every request to the other host arrived during the wait');
    assert.equal(a.requests.length, 2);
    assert.ok(a.requests[1].at >= limiter.closedUntil, 'the retry came after the Retry-After');
  });

  it('waits the whole Retry-After even when it is longer than the backoff maximum', async () => {
    // A 500 with Retry-After is retried by the item alone (no host pause), but just as late.
    const limiter = new RateLimiter(2, 500);
    const url = files(a, '/a', 1, () => limiter.route('a'));
    const { batch } = newBatch(url, { retries: 1, retryMaxDelayMs: 100 });

    const result = await batch.run();

    assert.equal(result.stats.ok, 1);
    assert.equal(a.requests.length, 2);
    assert.ok(a.requests[1].at >= limiter.closedUntil, `retried ${(limiter.closedUntil - a.requests[1].at).toFixed(0)} ms before the server said`);
  });

  it('pauses the host after a 503 without Retry-After, for a backoff', async () => {
    const limiter = new RateLimiter(undefined, 503, 1);
    const urls = files(a, '/a', 3, (i) => limiter.route(`a${i}`));
    const { batch } = newBatch(urls, { jobs: 1, retries: 1, retryBaseDelayMs: 1000 });

    const result = await batch.run();

    assert.equal(result.stats.ok, 3);
    assert.equal(a.requests.length, 4);
    // The backoff of a first refusal is between half the base delay and the base delay.
    assert.ok(a.requests[1].at >= limiter.firstRefusalAt + 500, 'the next item of the host waited too');
  });

  it('fails items whose host asks for longer than --max-retry-wait, quoting the server, without asking it again', async () => {
    const limiter = new RateLimiter(600);
    const aUrls = files(a, '/a', 4, (i) => limiter.route(`a${i}`));
    const bUrls = files(b, '/b', 2, (i) => serve(`b${i}`));
    const { batch } = newBatch([...aUrls, ...bUrls], { jobs: 1, retries: 3, maxRetryWaitMs: 2000 });

    const result = await batch.run();

    const failed = result.items.filter((item) => item.state === 'failed');
    assert.equal(failed.length, 4);
    assert.equal(result.stats.ok, 2);
    assert.equal(a.requests.length, 1, 'the host is not asked again during the wait it asked for');
    assert.match(failed[0].error!, /^HTTP 429 Too Many Requests: 127\.0\.0\.1:\d+ asked to wait 10m00s \(Retry-After: 600\), longer than the 2s limit/);
    for (const item of failed.slice(1)) assert.match(item.error!, /^not requested: 127\.0\.0\.1:\d+ asked to wait 10m00s \(Retry-After: 600\)/);
    assert.deepEqual(new Set(failed.map((item) => item.errorCode)), new Set(['RATE_LIMITED']));
  });

  it('cancels at once: an item waiting for its host, and a batch whose host waits', async function () {
    this.timeout(8000); // the host asks for 30 s: waiting it out would time the test out
    const limiter = new RateLimiter(30);
    const aUrls = files(a, '/a', 3, (i) => limiter.route(`a${i}`));
    const { batch, updates } = newBatch(aUrls, { jobs: 1, retries: 2 });
    const running = batch.run();
    await a.waitForRequests('/a/0.txt');
    const retrying = () => updates.flatMap((u) => u.changed).find((item) => item.id === 0 && item.state === 'retrying');
    while (!retrying()) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(retrying()!.retryAt! > Date.now() + 20_000, 'the retrying item says when it retries');

    batch.cancelItem(0);
    while (!updates.flatMap((u) => u.changed).some((item) => item.id === 0 && item.state === 'cancelled')) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    batch.cancel();
    const result = await running;

    assert.deepEqual(result.items.map((item) => item.state), ['cancelled', 'cancelled', 'cancelled']);
    assert.equal(a.requests.length, 1);
  });

  it('CLI: --max-retry-wait fails the limited host\'s items with the server\'s Retry-After; the other host downloads', async () => {
    const limiter = new RateLimiter(120);
    const aUrls = files(a, '/a', 2, (i) => limiter.route(`a${i}`));
    const bUrls = files(b, '/b', 2, (i) => serve(`b${i}`));
    const dir = tempDir('cli');
    const run = await fetchList(writeList(dir, 'list.txt', [...aUrls, ...bUrls]), path.join(dir, 'out'), ['--max-retry-wait', '5', '--jobs', '1']);

    assert.equal(run.code, 1, run.describe());
    assert.match(run.result.stderr, /asked to wait 2m00s \(Retry-After: 120\), longer than the 5s limit/);
    assert.deepEqual(
      run.items.map((item) => [item.url.startsWith(a.origin) ? 'a' : 'b', item.status]),
      [['a', 'failed'], ['a', 'failed'], ['b', 'ok'], ['b', 'ok']],
    );
    assert.equal(a.requests.length, 1);
  });
});
