// --save-session: a killed CLI run (SIGKILL, no chance to clean up) leaves a list of what it had
// not finished; running that list continues it without the original list: finished files are not
// asked for again and a large partial file continues with a Range request.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { neverRespond, payload, serve, sha256, startHostileServer, trickle, type HostileServer } from '../support/hostileServer';
import { fetchList, useTempDirs, waitUntil, writeList } from '../support/run';

describe('--save-session (integration)', () => {
  const tempDir = useTempDirs();
  let server: HostileServer;
  const big = payload(5 * 1024 * 1024);
  before(async () => {
    server = await startHostileServer();
    for (let i = 0; i < 4; i++) server.route(`/s/fast${i}.txt`, serve(`fast ${i}\n`));
    // Large enough that its validators are on disk from the start, slow enough to be killed mid-way.
    server.route('/s/big.bin', trickle(big, 256 * 1024, 100, { etag: '"big"' }));
    server.route('/s/stuck.bin', neverRespond());
  });
  after(() => server.close());

  it('a killed run leaves the unfinished downloads as a list; running it finishes them, resuming the partial file', async () => {
    const dir = tempDir('session');
    const out = path.join(dir, 'out');
    const session = path.join(dir, 'session.txt');
    const fast = Array.from({ length: 4 }, (_, i) => server.url(`/s/fast${i}.txt`));
    const list = writeList(dir, 'assets.txt', [
      ...fast,
      server.url('/s/big.bin'),
      `  checksum=sha-256=${sha256(big)}`,
      'not a URL: this line is no download',
      server.url('/s/stuck.bin'),
      '  out=later/stuck.bin',
      '  header=X-Token: abc',
    ]);
    const partPath = path.join(out, 'big.bin.part');
    const killed = await fetchList(list, out, ['--lock', '--save-session', session], {
      onSpawn: (child) =>
        void waitUntil(() => fs.existsSync(partPath) && fs.statSync(partPath).size >= 1024 * 1024 && !sessionUrls(session).includes(fast[3])).then(() => child.kill('SIGKILL')),
    }).catch((err: Error) => err);
    assert.ok(killed instanceof Error || killed.code === null, 'the first run was killed');

    const text = fs.readFileSync(session, 'utf8');
    assert.deepEqual(sessionUrls(session), [server.url('/s/big.bin'), server.url('/s/stuck.bin')], text);
    assert.match(text, /^ {2}out=big\.bin$/m);
    assert.match(text, new RegExp(`^  checksum=sha-256=${sha256(big)}$`, 'm'));
    assert.match(text, /^ {2}out=later\/stuck\.bin$/m);
    assert.match(text, /^ {2}header=X-Token: abc$/m);
    assert.match(text, /^# asset-fetch session: 2 of 6 downloads not done yet/m);
    assert.match(text, /^# Continue them with: asset-fetch --dir \S+ --lock-file \S+assets\.txt\.lock \S+session\.txt/m, 'the hint keeps the lockfile');

    server.route('/s/stuck.bin', serve('now served\n'));
    const before = server.requests.length;
    const partSize = fs.statSync(partPath).size;
    const resumed = await fetchList(session, out, ['--save-session', session]);
    assert.equal(resumed.code, 0, resumed.describe());
    const requests = server.requests.slice(before);
    assert.deepEqual(requests.map((r) => r.path).sort(), ['/s/big.bin', '/s/stuck.bin'], 'finished files are not asked for again');
    assert.equal(requests.find((r) => r.path === '/s/big.bin')?.headers.range, `bytes=${partSize}-`);
    assert.equal(requests.find((r) => r.path === '/s/stuck.bin')?.headers['x-token'], 'abc');
    assert.ok(fs.readFileSync(path.join(out, 'big.bin')).equals(big));
    assert.equal(fs.readFileSync(path.join(out, 'later/stuck.bin'), 'utf8'), 'now served\n');
    assert.deepEqual(sessionUrls(session), [], 'nothing left');
    assert.match(fs.readFileSync(session, 'utf8'), /nothing left to download/);
  });

  it('--save-session with --dry-run or --verify is a usage error', async () => {
    const dir = tempDir('session-usage');
    const list = writeList(dir, 'assets.txt', [server.url('/s/fast0.txt')]);
    const run = await fetchList(list, path.join(dir, 'out'), ['--dry-run', '--save-session', path.join(dir, 's.txt')]).catch((err: Error) => err);
    assert.ok(run instanceof Error && /--save-session saves what a download leaves to do; it does nothing with --dry-run/.test(run.message), String(run));
    assert.equal(fs.existsSync(path.join(dir, 's.txt')), false);
  });
});

function sessionUrls(file: string): string[] {
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => /^https?:\/\//.test(line));
}
