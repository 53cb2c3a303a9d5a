// --refresh against a real server that answers conditional requests and counts the body bytes it
// sends: an unchanged re-run costs 304s and no body, a changed file is replaced (and its lockfile
// entry updated), and saved files carry the server's Last-Modified as their time.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { sha256 } from '../support/hostileServer';
import { fetchList, runCli, useTempDirs, writeList } from '../support/run';

interface Version {
  body: string;
  etag: string;
  lastModified: string;
}

describe('--refresh (integration)', () => {
  const tempDir = useTempDirs();
  const files = new Map<string, Version>();
  const seen: Array<{ path: string; ifNoneMatch?: string; ifModifiedSince?: string; status: number }> = [];
  let bodyBytes = 0;
  let server: http.Server;
  let origin: string;

  before(async () => {
    server = http.createServer((req, res) => {
      const file = files.get(req.url ?? '');
      const record = { path: req.url ?? '', ifNoneMatch: req.headers['if-none-match'], ifModifiedSince: req.headers['if-modified-since'], status: 404 };
      seen.push(record);
      if (!file) return void res.writeHead(404).end();
      const notModified = record.ifNoneMatch !== undefined ? record.ifNoneMatch === file.etag : record.ifModifiedSince !== undefined && Date.parse(record.ifModifiedSince) >= Date.parse(file.lastModified);
      const headers = { etag: file.etag, 'last-modified': file.lastModified };
      if (notModified) {
        record.status = 304;
        return void res.writeHead(304, headers).end();
      }
      record.status = 200;
      bodyBytes += Buffer.byteLength(file.body);
      res.writeHead(200, { ...headers, 'content-length': Buffer.byteLength(file.body) }).end(file.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  beforeEach(() => {
    files.set('/a.txt', { body: 'first a\n', etag: '"a1"', lastModified: 'Wed, 01 Jan 2025 00:00:00 GMT' });
    files.set('/b.txt', { body: 'first b\n', etag: '"b1"', lastModified: 'Thu, 02 Jan 2025 00:00:00 GMT' });
    seen.length = 0;
    bodyBytes = 0;
  });

  it('transfers no body for unchanged files (304), replaces a changed one and updates the lockfile', async () => {
    const dir = tempDir('refresh-lock');
    const out = path.join(dir, 'out');
    const list = writeList(dir, 'assets.txt', [`${origin}/a.txt`, `${origin}/b.txt`]);
    assert.equal((await fetchList(list, out, ['--lock'])).code, 0);
    assert.equal(fs.statSync(path.join(out, 'a.txt')).mtime.toUTCString(), 'Wed, 01 Jan 2025 00:00:00 GMT', 'the file time is the Last-Modified');

    seen.length = 0;
    bodyBytes = 0;
    const unchanged = await fetchList(list, out, ['--lock', '--refresh']);
    assert.equal(unchanged.code, 0, unchanged.describe());
    assert.deepEqual(seen.map((r) => [r.path, r.ifNoneMatch, r.status]).sort(), [['/a.txt', '"a1"', 304], ['/b.txt', '"b1"', 304]], 'the lockfile\'s ETags are sent');
    assert.equal(bodyBytes, 0, 'no body bytes for an unchanged re-run');
    assert.deepEqual(unchanged.items.map((i) => i.status), ['skipped', 'skipped']);

    files.set('/b.txt', { body: 'second b, longer\n', etag: '"b2"', lastModified: 'Fri, 03 Jan 2025 00:00:00 GMT' });
    seen.length = 0;
    const changed = await fetchList(list, out, ['--lock', '--refresh']);
    assert.equal(changed.code, 0, changed.describe());
    assert.equal(fs.readFileSync(path.join(out, 'b.txt'), 'utf8'), 'second b, longer\n');
    assert.equal(fs.readFileSync(path.join(out, 'a.txt'), 'utf8'), 'first a\n');
    const lock = JSON.parse(fs.readFileSync(`${list}.lock`, 'utf8')) as { files: Record<string, { sha256: string; etag?: string }> };
    assert.deepEqual(lock.files['out/b.txt'].etag, '"b2"');
    assert.equal(lock.files['out/b.txt'].sha256, sha256('second b, longer\n'));
    assert.equal(lock.files['out/a.txt'].etag, '"a1"', 'an unchanged file keeps its entry');
  });

  it('without a lockfile, sends the file time as If-Modified-Since', async () => {
    const dir = tempDir('refresh-mtime');
    const out = path.join(dir, 'out');
    const list = writeList(dir, 'assets.txt', [`${origin}/a.txt`]);
    assert.equal((await fetchList(list, out)).code, 0);
    seen.length = 0;
    bodyBytes = 0;

    const run = await fetchList(list, out, ['--refresh']);
    assert.equal(run.code, 0, run.describe());
    assert.deepEqual(seen.map((r) => [r.ifModifiedSince, r.ifNoneMatch, r.status]), [['Wed, 01 Jan 2025 00:00:00 GMT', undefined, 304]]);
    assert.equal(bodyBytes, 0);
    const plain = await runCli(['--refresh', '--dir', out, list]);
    assert.match(plain.stdout, /^skipped {2}.*a\.txt \(unchanged: HTTP 304\)$/m, 'the line says why it was skipped');
  });
});
