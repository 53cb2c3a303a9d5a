// --dry-run: the plan names every file exactly as the real run then writes it, says what would
// happen to each entry, and neither sends a request nor writes anything (not even a folder).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { payload, serve, sha256, startHostileServer, type HostileServer } from '../support/hostileServer';
import { fetchList, listFiles, runCli, useTempDirs, writeList } from '../support/run';

interface PlanItem {
  url: string;
  source: string;
  path: string | null;
  action: string;
  error?: string;
}

describe('--dry-run (integration)', () => {
  let server: HostileServer;
  const tempDir = useTempDirs();
  const good = payload(3000);
  const old = Buffer.from('already here');
  const WIDTH = 'download again (exists, checksum differs)'.length;

  before(async () => {
    server = await startHostileServer();
    server.route('/a/logo.png', serve(payload(100)));
    server.route('/b/logo.png', serve(payload(200)));
    server.route('/c/LOGO.png', serve(payload(300)));
    server.route('/c/c.bin', serve(good));
    server.route('/report', serve(payload(400)));
    server.route('/e/existing.txt', serve(payload(500)));
  });
  after(() => server.close());

  /** A list with duplicates (also by case), out=/dir=, a checksum, an existing file and a prose line. */
  function setUp(label: string): { list: string; out: string; credUrl: string } {
    const dir = tempDir(label);
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'c.bin'), Buffer.from('corrupted'));
    fs.writeFileSync(path.join(out, 'existing.txt'), old);
    const credUrl = server.url('/a/logo.png').replace('http://', 'http://me:s3cret@');
    const list = writeList(dir, 'assets.txt', [
      credUrl,
      server.url('/b/logo.png'),
      server.url('/c/LOGO.png'),
      server.url('/c/c.bin'),
      `  checksum=sha-256=${sha256(good)}`,
      server.url('/report?id=7'),
      '  out=report.pdf',
      '  dir=docs',
      server.url('/e/existing.txt'),
      'images for the hero banner',
    ]);
    return { list, out, credUrl };
  }

  it('prints the plan, requests nothing and writes nothing', async () => {
    const { list, out } = setUp('text');
    const before = server.requests.length;
    const result = await runCli(['--dry-run', '--dir', out, list]);
    assert.equal(result.code, 1, `an unusable line fails the run, as in a real one\n${result.stderr}`);
    const redacted = server.url('/a/logo.png').replace('http://', 'http://me:***@');
    const line = (action: string, url: string, file: string) => `${action.padEnd(WIDTH)}  ${url} → ${path.join(out, file)}`;
    assert.deepEqual(result.stdout.split('\n').slice(0, 8), [
      line('download', redacted, 'logo.png'),
      line('download', server.url('/b/logo.png'), 'logo (1).png'),
      line('download', server.url('/c/LOGO.png'), 'LOGO (2).png'),
      line('download again (exists, checksum differs)', server.url('/c/c.bin'), 'c.bin'),
      line('download', server.url('/report?id=7'), 'docs/report.pdf'),
      line('skip (exists)', server.url('/e/existing.txt'), 'existing.txt'),
      `failed   ${list}:10: not a URL: "images for the hero banner"`,
      '4 to download, 1 to download again, 1 to skip, 1 unusable line',
    ]);
    assert.match(result.stdout, /nothing was requested or written\. A server may still choose another name \(Content-Disposition/);
    assert.doesNotMatch(result.stdout + result.stderr, /s3cret/);
    assert.equal(server.requests.length, before, 'no request');
    assert.deepEqual(listFiles(out), ['c.bin', 'existing.txt'], 'nothing written: no file, no docs/ folder');
    assert.equal(fs.readFileSync(path.join(out, 'c.bin'), 'utf8'), 'corrupted');
  });

  it('creates no target folder, and --json gives one object', async () => {
    const { list, out } = setUp('json');
    const missing = path.join(out, 'not-yet');
    const before = server.requests.length;
    const result = await runCli(['--dry-run', '--json', '--dir', missing, list]);
    assert.equal(result.code, 1, result.stderr);
    const items = (result.json as unknown as { items: PlanItem[] }).items;
    assert.deepEqual(
      items.map((i) => [i.action, i.path && path.relative(missing, i.path)]),
      [['download', 'logo.png'], ['download', 'logo (1).png'], ['download', 'LOGO (2).png'], ['download', 'c.bin'], ['download', path.join('docs', 'report.pdf')], ['download', 'existing.txt'], ['failed', null]],
    );
    assert.deepEqual(items[6], { url: 'images for the hero banner', source: `${list}:10`, path: null, action: 'failed', error: 'line 10: not a URL: "images for the hero banner"' });
    assert.equal(items[0].url, server.url('/a/logo.png').replace('http://', 'http://me:***@'));
    assert.match(result.stderr, /A server may still choose another name/);
    assert.equal(fs.existsSync(missing), false, 'the --dir is not created');
    assert.equal(server.requests.length, before);
  });

  for (const policy of ['skip', 'rename', 'overwrite'] as const) {
    it(`announces exactly the files the real run then writes (--on-existing ${policy})`, async () => {
      const { list, out, credUrl } = setUp(policy);
      const before = server.requests.length;
      const dry = await runCli(['--dry-run', '--json', '--on-existing', policy, '--dir', out, list]);
      const planned = (dry.json as unknown as { items: PlanItem[] }).items;
      assert.equal(server.requests.length, before, 'the dry run requested nothing');
      if (policy === 'rename') {
        assert.deepEqual(
          planned.filter((i) => i.action === 'rename').map((i) => path.basename(i.path!)),
          ['c (1).bin', 'existing (1).txt'],
        );
      } else {
        const expected = policy === 'skip' ? ['download-again', 'skip'] : ['overwrite', 'overwrite'];
        assert.deepEqual([planned[3].action, planned[5].action], expected);
      }

      const run = await fetchList(list, out, ['--on-existing', policy]);
      assert.equal(run.code, 1, run.describe());
      const urls = [credUrl, ...['/b/logo.png', '/c/LOGO.png', '/c/c.bin', '/report?id=7', '/e/existing.txt'].map((p) => server.url(p))];
      // Item by item, list order: the same path (null for the prose line).
      assert.deepEqual(
        run.items.map((i) => i.path),
        planned.map((i) => i.path),
        `paths differ\nplanned: ${JSON.stringify(planned, null, 2)}\n${run.describe()}`,
      );
      assert.equal(run.items.length, urls.length + 1);
      const written = planned.filter((i) => i.action !== 'skip' && i.action !== 'failed').map((i) => path.relative(out, i.path!).split(path.sep).join('/'));
      const untouched = ['c.bin', 'existing.txt'].filter((f) => !written.includes(f));
      assert.deepEqual(listFiles(out), [...written, ...untouched].sort(), 'the run wrote the announced files and nothing else');
    });
  }
});
