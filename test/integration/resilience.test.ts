// Misbehaving servers: broken connections, wrong lengths, stalls, error statuses with and without
// Retry-After, redirect loops and cross-origin redirects, oversized bodies.
import assert from 'node:assert/strict';
import path from 'node:path';
import {
  chunkedWithoutTerminator,
  neverRespond,
  overlongBody,
  partialBody,
  payload,
  redirect,
  sequence,
  serve,
  startHostileServer,
  status,
  trickle,
  type HostileServer,
  type RecordedRequest,
} from '../support/hostileServer';
import { fetchList, listFiles, readFile, useTempDirs, writeList, type CliRun } from '../support/run';
import { startUnacceptingPort } from '../support/unacceptingPort';

describe('resilience against hostile servers (integration)', () => {
  let server: HostileServer;
  let other: HostileServer;
  const tempDir = useTempDirs();

  before(async () => {
    server = await startHostileServer();
    other = await startHostileServer();
  });
  after(async () => {
    await server.close();
    await other.close();
  });

  /** Downloads `urls` into a fresh folder with the CLI; returns the run and the folder. */
  async function download(urls: string[], args: string[] = []): Promise<{ run: CliRun; out: string }> {
    const dir = tempDir('resilience');
    const out = path.join(dir, 'out');
    const run = await fetchList(writeList(dir, 'list.txt', urls), out, args);
    return { run, out };
  }

  const gapMs = (first: RecordedRequest, second: RecordedRequest) => second.at - first.at;

  describe('broken connections', () => {
    it('resumes with Range and If-Range after the connection closes mid-body (strong ETag)', async () => {
      const data = payload(1000);
      server.route('/broken/strong.bin', sequence(partialBody(data, 500, 'destroy', { etag: '"v1"' }), serve(data, { etag: '"v1"' })));

      const { run, out } = await download([server.url('/broken/strong.bin')], ['--retries', '2']);

      assert.equal(run.item(server.url('/broken/strong.bin')).status, 'ok', run.describe());
      assert.ok(readFile(out, 'strong.bin').equals(data), 'the resumed file has the right bytes');
      const [, second] = server.requestsTo('/broken/strong.bin');
      assert.equal(second.headers.range, 'bytes=500-');
      assert.equal(second.headers['if-range'], '"v1"');
      assert.deepEqual(listFiles(out), ['strong.bin'], 'no .part or .part.meta is left');
    });

    it('recovers from a TCP reset mid-body with the right bytes', async () => {
      const data = payload(64 * 1024);
      server.route('/broken/rst.bin', sequence(partialBody(data, 32 * 1024, 'reset', { etag: '"r1"' }), serve(data, { etag: '"r1"' })));

      const { run, out } = await download([server.url('/broken/rst.bin')], ['--retries', '2']);

      assert.equal(run.item(server.url('/broken/rst.bin')).status, 'ok', run.describe());
      assert.ok(readFile(out, 'rst.bin').equals(data));
      assert.equal(server.requestsTo('/broken/rst.bin').length, 2);
    });

    it('starts over without Range when the server gave no validator', async () => {
      const data = payload(1000);
      server.route('/broken/plain.bin', sequence(partialBody(data, 500, 'destroy'), serve(data)));

      const { run, out } = await download([server.url('/broken/plain.bin')], ['--retries', '2']);

      assert.equal(run.item(server.url('/broken/plain.bin')).status, 'ok', run.describe());
      assert.ok(readFile(out, 'plain.bin').equals(data));
      const [, second] = server.requestsTo('/broken/plain.bin');
      assert.equal(second.headers.range, undefined, 'without ETag or Last-Modified a range cannot be validated');
    });
  });

  describe('bodies that do not match their framing', () => {
    it('fails a body cut short of its Content-Length and leaves nothing when it cannot resume', async () => {
      server.route('/short/plain.bin', partialBody(payload(1000), 500, 'end'));

      const { run, out } = await download([server.url('/short/plain.bin')], ['--retries', '1']);

      const item = run.item(server.url('/short/plain.bin'));
      assert.equal(item.status, 'failed');
      assert.match(item.error ?? '', /retried 1 time\b/);
      assert.equal(server.requestsTo('/short/plain.bin').length, 2, 'a truncated body is retried');
      assert.deepEqual(listFiles(out), [], 'no file under the final name and no .part');
    });

    it('fails a body cut short of its Content-Length and keeps .part + .part.meta when it can resume', async () => {
      const data = payload(1000);
      server.route('/short/etag.bin', partialBody(data, 500, 'end', { etag: '"t1"' }));

      const { run, out } = await download([server.url('/short/etag.bin')], ['--retries', '1']);

      assert.equal(run.item(server.url('/short/etag.bin')).status, 'failed');
      assert.deepEqual(listFiles(out), ['etag.bin.part', 'etag.bin.part.meta']);
      assert.ok(readFile(out, 'etag.bin.part').equals(data.subarray(0, 500)), 'the .part holds exactly the bytes received');
      const [, retry] = server.requestsTo('/short/etag.bin');
      assert.equal(retry.headers.range, 'bytes=500-', 'the retry continued the .part');
    });

    it('never stores more than Content-Length when the body is longer', async () => {
      const sent = payload(1500);
      server.route('/long/overlong.bin', overlongBody(1000, sent));

      const { run, out } = await download([server.url('/long/overlong.bin')], ['--retries', '0']);

      const item = run.item(server.url('/long/overlong.bin'));
      if (item.status === 'ok') {
        assert.ok(readFile(out, 'overlong.bin').equals(sent.subarray(0, 1000)), 'exactly the announced bytes');
        assert.equal(item.bytes, 1000);
      } else {
        assert.deepEqual(listFiles(out), [], 'a rejected body leaves nothing behind');
      }
    });

    it('fails a chunked body that ends without its terminating chunk', async () => {
      server.route('/chunked/cut.bin', chunkedWithoutTerminator(payload(500)));

      const { run, out } = await download([server.url('/chunked/cut.bin')], ['--retries', '1']);

      const item = run.item(server.url('/chunked/cut.bin'));
      assert.equal(item.status, 'failed');
      assert.equal(server.requestsTo('/chunked/cut.bin').length, 2, 'retried once');
      assert.deepEqual(listFiles(out), [], 'never a complete-looking file');
    });
  });

  describe('timeouts', () => {
    it('fails with a connect timeout when the server never completes the connection', async function () {
      // undici's own connect timeout is 10 s: finishing well within 8 s shows --timeout is applied.
      this.timeout(8000);
      const unaccepting = await startUnacceptingPort();
      try {
        const url = `http://127.0.0.1:${unaccepting.port}/never-connects.bin`;
        const dir = tempDir('connect');
        const run = await fetchList(writeList(dir, 'list.txt', [url]), path.join(dir, 'out'), ['--timeout', '0.5', '--retries', '0']);
        assert.equal(run.item(url).status, 'failed');
        assert.equal(run.item(url).error, 'timed out connecting');
      } finally {
        await unaccepting.close();
      }
    });

    it('fails with a timeout when the body never starts', async () => {
      server.route('/stall/headers-only.bin', partialBody(payload(1000), 0, 'stall'));

      const { run, out } = await download([server.url('/stall/headers-only.bin')], ['--timeout', '0.5', '--retries', '0']);

      const item = run.item(server.url('/stall/headers-only.bin'));
      assert.equal(item.status, 'failed');
      assert.match(item.error ?? '', /timed out|timeout/i);
      assert.deepEqual(listFiles(out), []);
    });

    it('fails with a timeout when the body stalls halfway', async () => {
      server.route('/stall/half.bin', partialBody(payload(1000), 500, 'stall'));

      const { run, out } = await download([server.url('/stall/half.bin')], ['--timeout', '0.5', '--retries', '0']);

      const item = run.item(server.url('/stall/half.bin'));
      assert.equal(item.status, 'failed');
      assert.match(item.error ?? '', /timed out|timeout/i);
      assert.deepEqual(listFiles(out), [], 'without a validator the partial file is removed');
    });

    it('fails with a timeout when the server never sends headers', async () => {
      server.route('/stall/silent.bin', neverRespond());

      const { run } = await download([server.url('/stall/silent.bin')], ['--timeout', '0.5', '--retries', '0']);

      const item = run.item(server.url('/stall/silent.bin'));
      assert.equal(item.status, 'failed');
      assert.match(item.error ?? '', /timed out/i);
      assert.match(item.error ?? '', /header/i);
    });
  });

  describe('error statuses and retries', () => {
    for (const code of [503, 429]) {
      it(`waits for Retry-After on HTTP ${code}, then succeeds`, async () => {
        const data = payload(100);
        const route = `/busy/${code}.bin`;
        server.route(route, sequence(status(code, { 'retry-after': '1' }), serve(data)));

        const { run, out } = await download([server.url(route)], ['--retries', '2']);

        assert.equal(run.item(server.url(route)).status, 'ok', run.describe());
        assert.ok(readFile(out, `${code}.bin`).equals(data));
        const [first, second] = server.requestsTo(route);
        assert.ok(gapMs(first, second) >= 900, `the retry came ${gapMs(first, second).toFixed(0)} ms after the ${code}, not after Retry-After: 1`);
      });
    }

    it('gives up on a persistent 500 after the allowed retries and says so', async () => {
      server.route('/busy/500.bin', status(500));

      const { run, out } = await download([server.url('/busy/500.bin')], ['--retries', '2']);

      const item = run.item(server.url('/busy/500.bin'));
      assert.equal(item.status, 'failed');
      assert.match(item.error ?? '', /HTTP 500 Internal Server Error/);
      assert.match(item.error ?? '', /retried 2 times/);
      assert.equal(server.requestsTo('/busy/500.bin').length, 3);
      assert.deepEqual(listFiles(out), []);
    });

    it('does not retry a 404', async () => {
      const { run } = await download([server.url('/busy/nothing-here.bin')], ['--retries', '2']);

      assert.match(run.item(server.url('/busy/nothing-here.bin')).error ?? '', /^HTTP 404 Not Found$/);
      assert.equal(server.requestsTo('/busy/nothing-here.bin').length, 1);
    });
  });

  describe('redirects', () => {
    it('fails a redirect loop with "too many redirects"', async () => {
      server.route('/redirect/loop', redirect('/redirect/loop'));

      const { run, out } = await download([server.url('/redirect/loop')], ['--retries', '0']);

      const item = run.item(server.url('/redirect/loop'));
      assert.equal(item.status, 'failed');
      assert.match(item.error ?? '', /too many redirects/);
      assert.deepEqual(listFiles(out), []);
    });

    it('follows a chain of three redirects (absolute and relative)', async () => {
      const data = payload(700);
      server.route('/redirect/one.bin', redirect(server.url('/redirect/two'), 301));
      server.route('/redirect/two', redirect('three', 307));
      server.route('/redirect/three', redirect('/redirect/final.bin', 302));
      server.route('/redirect/final.bin', serve(data));

      const { run, out } = await download([server.url('/redirect/one.bin')], ['--retries', '0']);

      assert.equal(run.item(server.url('/redirect/one.bin')).status, 'ok', run.describe());
      assert.ok(readFile(out, 'one.bin').equals(data), 'the list URL names the file');
      assert.equal(server.requestsTo('/redirect/final.bin').length, 1);
    });

    it('sends --header credentials and header= to the listed origin only, not across a redirect', async () => {
      const data = payload(300);
      server.route('/redirect/to-cdn.bin', redirect(other.url('/cdn/asset.bin')));
      other.route('/cdn/asset.bin', serve(data));

      const dir = tempDir('cross-origin');
      const out = path.join(dir, 'out');
      const list = writeList(dir, 'list.txt', [server.url('/redirect/to-cdn.bin'), '  header=X-Api-Key: k123']);
      const run = await fetchList(list, out, ['--retries', '0', '--header', 'Authorization: Bearer x', '--header', 'Cookie: session=s3cr3t']);

      assert.equal(run.item(server.url('/redirect/to-cdn.bin')).status, 'ok', run.describe());
      assert.ok(readFile(out, 'to-cdn.bin').equals(data));
      const [atOrigin] = server.requestsTo('/redirect/to-cdn.bin');
      assert.equal(atOrigin.headers.authorization, 'Bearer x');
      assert.equal(atOrigin.headers.cookie, 'session=s3cr3t');
      assert.equal(atOrigin.headers['x-api-key'], 'k123');
      const [atCdn] = other.requestsTo('/cdn/asset.bin');
      assert.equal(atCdn.headers.authorization, undefined, 'Authorization leaked to another origin');
      assert.equal(atCdn.headers.cookie, undefined, 'Cookie leaked to another origin');
      assert.equal(atCdn.headers['x-api-key'], undefined, 'a header= leaked to another origin');
    });
  });

  describe('--max-size', () => {
    it('fails a file whose Content-Length is over the limit without writing it', async () => {
      server.route('/size/declared.bin', serve(payload(2000), { etag: '"big"' }));

      const { run, out } = await download([server.url('/size/declared.bin')], ['--max-size', '1000', '--retries', '2']);

      const item = run.item(server.url('/size/declared.bin'));
      assert.equal(item.status, 'failed');
      assert.match(item.error ?? '', /size limit/);
      assert.equal(server.requestsTo('/size/declared.bin').length, 1, 'an oversized file is not retried');
      assert.deepEqual(listFiles(out), []);
    });

    it('stops a chunked body that streams past the limit and removes the partial file', async () => {
      // 1,000-byte chunks: the first five are within the limit and already received.
      server.route('/size/streamed.bin', trickle(payload(20_000), 1000, 5, { etag: '"stream"' }));

      const { run, out } = await download([server.url('/size/streamed.bin')], ['--max-size', '5000', '--retries', '2']);

      const item = run.item(server.url('/size/streamed.bin'));
      assert.equal(item.status, 'failed', run.describe());
      assert.match(item.error ?? '', /size limit/);
      assert.equal(server.requestsTo('/size/streamed.bin').length, 1, 'not retried');
      assert.deepEqual(listFiles(out), [], 'neither the file nor a .part (even with a validator)');
    });

    it('accepts a file exactly at the limit', async () => {
      const data = payload(1000);
      server.route('/size/exact.bin', serve(data));

      const { run, out } = await download([server.url('/size/exact.bin')], ['--max-size', '1000']);

      assert.equal(run.item(server.url('/size/exact.bin')).status, 'ok', run.describe());
      assert.ok(readFile(out, 'exact.bin').equals(data));
    });
  });
});
