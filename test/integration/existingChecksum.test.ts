// A file already on disk whose list entry carries a checksum is verified before it counts as
// "skipped"; a mismatch downloads it again, and the old file stays until the new one verified.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { payload, serve, sha256, startHostileServer, type HostileServer } from '../support/hostileServer';
import { fetchList, readFile, useTempDirs, writeList } from '../support/run';

describe('files on disk against the list\'s checksum (integration)', () => {
  let server: HostileServer;
  const tempDir = useTempDirs();
  const good = payload(4000);

  before(async () => {
    server = await startHostileServer();
    server.route('/c/c.bin', serve(good));
    server.route('/c/changed.bin', serve(payload(4100)));
    server.route('/c/named', serve(good, { headers: { 'content-disposition': 'attachment; filename="named.bin"' } }));
  });
  after(() => server.close());

  it('skips a file whose checksum matches, without a request', async () => {
    const dir = tempDir('match');
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'c.bin'), good);
    const before = server.requestsTo('/c/c.bin').length;
    const run = await fetchList(writeList(dir, 'l.txt', [server.url('/c/c.bin'), `  checksum=sha-256=${sha256(good)}`]), out);
    assert.equal(run.code, 0, run.describe());
    assert.equal(run.item(server.url('/c/c.bin')).status, 'skipped');
    assert.equal(server.requestsTo('/c/c.bin').length, before);
  });

  it('downloads a corrupted file again and says so', async () => {
    const dir = tempDir('corrupt');
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'c.bin'), Buffer.from('corrupted'));
    const run = await fetchList(writeList(dir, 'l.txt', [server.url('/c/c.bin'), `  checksum=sha-256=${sha256(good)}`]), out);
    assert.equal(run.code, 0, run.describe());
    assert.equal(run.item(server.url('/c/c.bin')).status, 'ok');
    assert.ok(readFile(out, 'c.bin').equals(good));
    assert.match(run.result.stderr, /c\.bin exists but its sha-256 is [0-9a-f]{64}, not [0-9a-f]{64} as listed: downloading it again/);
  });

  it('keeps the old file when the new download does not match either', async () => {
    const dir = tempDir('still-bad');
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'changed.bin'), Buffer.from('old bytes'));
    const run = await fetchList(writeList(dir, 'l.txt', [server.url('/c/changed.bin'), `  checksum=sha-256=${sha256(good)}`]), out);
    assert.equal(run.code, 1, run.describe());
    assert.match(run.item(server.url('/c/changed.bin')).error ?? '', /checksum mismatch/);
    assert.equal(readFile(out, 'changed.bin').toString(), 'old bytes');
    assert.deepEqual(fs.readdirSync(out), ['changed.bin'], 'no .part left behind');
  });

  it('verifies a file named by the server (Content-Disposition) too', async () => {
    const dir = tempDir('named');
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'named.bin'), Buffer.from('corrupted'));
    const run = await fetchList(writeList(dir, 'l.txt', [server.url('/c/named'), `  checksum=sha-256=${sha256(good)}`]), out);
    assert.equal(run.code, 0, run.describe());
    assert.equal(run.item(server.url('/c/named')).status, 'ok');
    assert.ok(readFile(out, 'named.bin').equals(good));
  });
});
