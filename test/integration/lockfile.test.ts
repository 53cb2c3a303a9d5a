// The lockfile (--lock) and --verify, with the real CLI and a real server: what a run fetched, the
// same bytes on a re-run, differences found without the network, and a killed run's lockfile.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { neverRespond, serve, sha256, startHostileServer, type HostileServer } from '../support/hostileServer';
import { fetchList, runCli, useTempDirs, waitUntil, writeList } from '../support/run';

interface LockJson {
  lockfileVersion: number;
  files: Record<string, { url: string; size: number; sha256: string; etag?: string; lastModified?: string }>;
}

describe('lockfile and --verify (integration)', () => {
  const tempDir = useTempDirs();
  let server: HostileServer;
  before(async () => {
    server = await startHostileServer();
    server.route('/l/hero.png', serve('hero bytes\n', { etag: '"h1"', lastModified: 'Wed, 01 Jan 2025 00:00:00 GMT' }));
    server.route('/l/logo.svg', serve('<svg/>\n', { etag: '"s1"' }));
    server.route('/l/secret.css', serve('body{}\n'));
    for (let i = 0; i < 20; i++) server.route(`/l/many/${i}.txt`, serve(`file ${i}\n`));
    server.route('/l/stuck.bin', neverRespond());
  });
  after(() => server.close());

  function setUp(name: string, lines: string[]): { dir: string; list: string; out: string; lock: string } {
    const dir = tempDir(name);
    const list = writeList(dir, 'assets.txt', lines);
    return { dir, list, out: path.join(dir, 'out'), lock: `${list}.lock` };
  }

  const readLock = (file: string) => JSON.parse(fs.readFileSync(file, 'utf8')) as LockJson;

  it('records each file sorted by path: redacted URL, size, sha-256 and validators; a re-run writes the same bytes', async () => {
    const credentialed = server.url('/l/secret.css').replace('http://', 'http://me:pa55@');
    const { list, out, lock } = setUp('write', [server.url('/l/logo.svg'), '  out=brand/logo.svg', credentialed, server.url('/l/hero.png')]);
    const first = await fetchList(list, out, ['--lock']);
    assert.equal(first.code, 0, first.describe());

    const written = readLock(lock);
    assert.equal(written.lockfileVersion, 1);
    assert.deepEqual(Object.keys(written.files), ['out/brand/logo.svg', 'out/hero.png', 'out/secret.css'], 'sorted, relative to the lockfile, "/" separators');
    assert.deepEqual(written.files['out/hero.png'], {
      url: server.url('/l/hero.png'),
      size: 11,
      sha256: sha256('hero bytes\n'),
      etag: '"h1"',
      lastModified: 'Wed, 01 Jan 2025 00:00:00 GMT',
    });
    assert.equal(written.files['out/secret.css'].url, server.url('/l/secret.css').replace('http://', 'http://me:***@'));
    assert.ok(!fs.readFileSync(lock, 'utf8').includes('pa55'), 'no password in the lockfile');

    const bytes = fs.readFileSync(lock);
    const second = await fetchList(list, out, ['--lock']);
    assert.equal(second.code, 0, second.describe());
    assert.ok(fs.readFileSync(lock).equals(bytes), 'byte-identical after a re-run that skipped every file');
  });

  it('--verify: exit 0 when the folder matches; missing, changed and extra files named, exit 1, with no request', async () => {
    const { list, out } = setUp('verify', [server.url('/l/hero.png'), server.url('/l/logo.svg')]);
    assert.equal((await fetchList(list, out, ['--lock'])).code, 0);
    const requests = server.requests.length;

    const clean = await runCli(['--verify', '--dir', out, list]);
    assert.equal(clean.code, 0, clean.stderr);
    assert.match(clean.stdout, /^2 of 2 files verified against .*assets\.txt\.lock\n$/);

    fs.writeFileSync(path.join(out, 'hero.png'), 'tampered!!\n'); // same size, other bytes
    fs.rmSync(path.join(out, 'logo.svg'));
    fs.writeFileSync(path.join(out, 'stray.txt'), 'x');
    const dirty = await runCli(['--verify', '--dir', out, list]);
    assert.equal(dirty.code, 1, dirty.stderr);
    assert.match(dirty.stdout, /^missing {2}out\/logo\.svg$/m);
    assert.match(dirty.stdout, /^changed {2}out\/hero\.png: sha-256 [0-9a-f]{64}, the lockfile says [0-9a-f]{64}$/m);
    assert.match(dirty.stdout, /^extra {4}out\/stray\.txt: not in /m);
    assert.match(dirty.stdout, /0 of 2 files verified .*, 1 missing, 1 changed, 1 extra$/m);
    assert.equal(server.requests.length, requests, '--verify makes no request');
  });

  it('a run killed mid-way leaves a lockfile that verifies for every file it lists', async () => {
    const urls = [...Array.from({ length: 20 }, (_, i) => server.url(`/l/many/${i}.txt`)), server.url('/l/stuck.bin')];
    const { list, out, lock } = setUp('killed', urls);
    await runCli(['--lock', '--dir', out, '--jobs', '2', list], {
      onSpawn: (child) => void waitUntil(() => fs.existsSync(lock) && Object.keys(readLock(lock).files).length >= 5).then(() => child.kill('SIGKILL')),
    });
    const listed = Object.keys(readLock(lock).files);
    assert.ok(listed.length >= 5 && !listed.includes('out/stuck.bin'), JSON.stringify(listed));

    const check = await runCli(['--verify', '--json', '--dir', out, list]);
    const report = JSON.parse(check.stdout) as { verified: string[]; missing: string[]; changed: unknown[] };
    assert.deepEqual(report.missing, []);
    assert.deepEqual(report.changed, []);
    assert.deepEqual(report.verified.sort(), listed.sort());
    assert.deepEqual(fs.readdirSync(path.dirname(lock)).filter((f) => f.endsWith('.tmp')), [], 'no half-written lockfile left');
  });

  it('--frozen: re-fetches a corrupted file and checks it, refuses changed upstream bytes keeping the file, fails what the lockfile does not list', async () => {
    server.route('/l/frozen/a.bin', serve('locked a\n'));
    server.route('/l/frozen/b.bin', serve('locked b\n'));
    const { list, out, lock } = setUp('frozen', [server.url('/l/frozen/a.bin'), server.url('/l/frozen/b.bin')]);
    assert.equal((await fetchList(list, out, ['--lock'])).code, 0);
    const locked = fs.readFileSync(lock);

    fs.writeFileSync(path.join(out, 'a.bin'), 'corrupt!\n');
    const repaired = await fetchList(list, out, ['--frozen']);
    assert.equal(repaired.code, 0, repaired.describe());
    assert.equal(fs.readFileSync(path.join(out, 'a.bin'), 'utf8'), 'locked a\n', 'the corrupted file is fetched again');
    assert.equal(repaired.item(server.url('/l/frozen/b.bin')).status, 'skipped', 'a file that matches the lockfile is not fetched');

    server.route('/l/frozen/b.bin', serve('changed upstream\n'));
    fs.rmSync(path.join(out, 'b.bin'));
    const refused = await fetchList(list, out, ['--frozen']);
    assert.equal(refused.code, 1);
    assert.equal(refused.item(server.url('/l/frozen/b.bin')).errorCode, 'CHECKSUM_MISMATCH');
    assert.match(refused.item(server.url('/l/frozen/b.bin')).error!, /^checksum mismatch: expected sha-256 /);
    assert.equal(fs.existsSync(path.join(out, 'b.bin')), false, 'the changed bytes are not saved');
    assert.deepEqual(fs.readdirSync(out).sort(), ['a.bin'], 'no .part left');

    fs.appendFileSync(list, `${server.url('/l/hero.png')}\n`);
    const unlisted = await fetchList(list, out, ['--frozen']);
    assert.match(unlisted.item(server.url('/l/hero.png')).error!, /is not in .*assets\.txt\.lock \(--frozen fetches only what it lists/);
    assert.ok(fs.readFileSync(lock).equals(locked), '--frozen never changes the lockfile');
  });

  it('refuses a file that is not a lockfile, naming it', async () => {
    const { list, out, lock } = setUp('bad', [server.url('/l/hero.png')]);
    fs.writeFileSync(lock, '{"files": 3}');
    const run = await runCli(['--lock', '--dir', out, list]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /assets\.txt\.lock is not a version 1 lockfile/);
    assert.equal(fs.existsSync(out), true, 'checked before any download');
    assert.deepEqual(fs.readdirSync(out), []);
  });
});
