// aria2's TAB-separated mirrors: alternatives tried in order when a source fails (404, 5xx after
// retries, network errors); when all fail, the error names every source tried.
import assert from 'node:assert/strict';
import path from 'node:path';
import { payload, serve, startHostileServer, status, type HostileServer } from '../support/hostileServer';
import { fetchList, readFile, useTempDirs, writeList } from '../support/run';
import { startUnacceptingPort } from '../support/unacceptingPort';

describe('mirrors (integration)', () => {
  let a: HostileServer;
  let b: HostileServer;
  const tempDir = useTempDirs();
  const body = payload(6000);

  before(async () => {
    a = await startHostileServer();
    b = await startHostileServer();
    a.route('/m/busy.iso', status(503));
    b.route('/m/f.iso', serve(body));
  });
  after(async () => {
    await a.close();
    await b.close();
  });

  it('tries the next source after a 404 and after a 5xx whose retries are spent, and saves under the listed name', async () => {
    const dir = tempDir('fallback');
    const out = path.join(dir, 'out');
    const line = [a.url('/m/gone.iso'), a.url('/m/busy.iso'), b.url('/m/f.iso')].join('\t');
    const run = await fetchList(writeList(dir, 'l.txt', [line]), out, ['--retries', '1']);
    assert.equal(run.code, 0, run.describe());
    assert.ok(readFile(out, 'gone.iso').equals(body), 'the file is named from the listed URL');
    assert.equal(a.requestsTo('/m/gone.iso').length, 1, 'a 404 is not retried');
    assert.equal(a.requestsTo('/m/busy.iso').length, 2, 'a 503 is retried, then the next mirror');
    assert.equal(b.requestsTo('/m/f.iso').length, 1);
    assert.match(run.result.stderr, /mirror 2 of 3 next: .*\/m\/gone\.iso: HTTP 404/);
    assert.equal(run.items.length, 1);
  });

  it('names every source tried when all fail, and warns about a mirror that is not a usable URL', async () => {
    const dir = tempDir('all-fail');
    const port = await startUnacceptingPort();
    const line = [a.url('/m/nothing.iso'), `http://127.0.0.1:${port.port}/m/x.iso`, 'ftp://127.0.0.1/x.iso'].join('\t');
    try {
      const run = await fetchList(writeList(dir, 'l.txt', [line]), path.join(dir, 'out'), ['--retries', '0', '--timeout', '0.5']);
      assert.equal(run.code, 1, run.describe());
      assert.match(run.items[0].error ?? '', /^all 2 mirrors failed: http:\/\/127\.0\.0\.1:\d+\/m\/nothing\.iso: HTTP 404 Not Found; http:\/\/127\.0\.0\.1:\d+\/m\/x\.iso: timed out connecting/);
      assert.match(run.result.stderr, /l\.txt:1: mirror not used: unsupported scheme "ftp:"/);
    } finally {
      await port.close();
    }
  });
});
