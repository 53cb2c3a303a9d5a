// Servers that compress although asked not to: the saved file is the resource itself (decoded),
// except a resource that is a compressed archive, kept byte for byte.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { payload, sha256, startHostileServer, type HostileServer, type Route } from '../support/hostileServer';
import { fetchList, readFile, useTempDirs, writeList } from '../support/run';

describe('Content-Encoding (integration)', () => {
  let server: HostileServer;
  const tempDir = useTempDirs();
  const text = Buffer.from('body { color: red }\n'.repeat(20_000));
  const archive = zlib.gzipSync(payload(5000));

  const compressed = (body: Buffer, encoding: string, type: string): Route => (_req, res) => {
    res.writeHead(200, { 'content-encoding': encoding, 'content-type': type, 'content-length': body.length }).end(body);
  };

  before(async () => {
    server = await startHostileServer();
    server.route('/e/style.css', compressed(zlib.gzipSync(text), 'gzip', 'text/css'));
    server.route('/e/notes.txt', compressed(zlib.brotliCompressSync(text), 'br', 'text/plain'));
    server.route('/e/data.json', compressed(zlib.deflateSync(text), 'deflate', 'application/json'));
    server.route('/e/bundle.tar.gz', compressed(archive, 'gzip', 'application/gzip'));
    server.route('/e/odd.bin', compressed(Buffer.from('xx'), 'zstd', 'application/octet-stream'));
    server.route('/e/corrupt.txt', compressed(Buffer.concat([zlib.gzipSync(text).subarray(0, 200), Buffer.alloc(300, 7)]), 'gzip', 'text/plain'));
  });
  after(() => server.close());

  it('asks for identity, and decodes gzip, br and deflate bodies sent anyway; a checksum covers the saved bytes', async () => {
    const dir = tempDir('decode');
    const out = path.join(dir, 'out');
    const list = writeList(dir, 'l.txt', [
      server.url('/e/style.css'), `  checksum=sha-256=${sha256(text)}`,
      server.url('/e/notes.txt'),
      server.url('/e/data.json'),
    ]);
    const run = await fetchList(list, out, ['--max-size', '1M']);
    assert.equal(run.code, 0, run.describe());
    for (const name of ['style.css', 'notes.txt', 'data.json']) assert.ok(readFile(out, name).equals(text), `${name} is saved decoded`);
    assert.equal(run.item(server.url('/e/style.css')).bytes, text.length);
    assert.equal(server.requestsTo('/e/style.css')[0].headers['accept-encoding'], 'identity');
  });

  it('keeps a .tar.gz served with Content-Encoding: gzip byte for byte', async () => {
    const dir = tempDir('archive');
    const out = path.join(dir, 'out');
    const run = await fetchList(writeList(dir, 'l.txt', [server.url('/e/bundle.tar.gz')]), out);
    assert.equal(run.code, 0, run.describe());
    assert.ok(readFile(out, 'bundle.tar.gz').equals(archive));
  });

  it('an encoding it cannot decode, and a corrupt compressed body, fail with a clear error and leave no file', async () => {
    const dir = tempDir('bad');
    const out = path.join(dir, 'out');
    const run = await fetchList(writeList(dir, 'l.txt', [server.url('/e/odd.bin'), server.url('/e/corrupt.txt')]), out, ['--retries', '0']);
    assert.equal(run.code, 1);
    assert.match(run.item(server.url('/e/odd.bin')).error ?? '', /compressed the body with "zstd" although Asset Fetch asked for none, and cannot decode it/);
    assert.match(run.item(server.url('/e/corrupt.txt')).error ?? '', /the gzip-compressed body is corrupt/);
    assert.deepEqual(run.items.map((i) => i.path), [null, null]);
    assert.deepEqual(fs.existsSync(out) ? fs.readdirSync(out) : [], [], 'no file or .part left');
  });
});
