// The CLI end to end: list formats (plain, aria2 options, text extraction), exit codes, usage
// errors, stdin, and the plain (non-JSON, non-TTY) output.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { partialBody, payload, serve, sha256, startHostileServer, type HostileServer } from '../support/hostileServer';
import { fetchList, listFiles, readFile, runCli, useTempDirs, writeList } from '../support/run';

describe('CLI (integration)', () => {
  let server: HostileServer;
  const tempDir = useTempDirs();
  const alpha = payload(3000);
  const beta = payload(5000);

  before(async () => {
    server = await startHostileServer();
    server.route('/files/alpha.bin', serve(alpha));
    server.route('/files/beta.bin', serve(beta));
  });
  after(() => server.close());

  describe('plain lists', () => {
    it('downloads the good lines and reports a 404, a malformed line and an ftp: line by line number', async () => {
      const dir = tempDir('plain');
      const list = writeList(dir, 'assets.txt', [
        '# assets for the release', //        line 1
        server.url('/files/alpha.bin'), //     line 2
        '', //                                 line 3
        server.url('/files/missing.bin'), //   line 4
        'not-a-url', //                        line 5
        'ftp://127.0.0.1/file.txt', //         line 6
        '   # an indented comment', //         line 7
        server.url('/files/alpha.bin'), //     line 8: duplicate
        server.url('/files/beta.bin'), //      line 9
      ]);
      const out = path.join(dir, 'out');

      const run = await fetchList(list, out);

      assert.equal(run.code, 1, run.describe());
      assert.equal(run.item(server.url('/files/alpha.bin')).status, 'ok');
      assert.equal(run.item(server.url('/files/beta.bin')).status, 'ok');
      const missing = run.item(server.url('/files/missing.bin'));
      assert.equal(missing.status, 'failed');
      assert.match(missing.error ?? '', /HTTP 404 Not Found/);
      const malformed = run.item('not-a-url');
      assert.equal(malformed.status, 'failed');
      assert.match(malformed.error ?? '', /line 5\b/);
      assert.match(malformed.error ?? '', /not a URL/);
      const ftp = run.item('ftp://127.0.0.1/file.txt');
      assert.equal(ftp.status, 'failed');
      assert.match(ftp.error ?? '', /line 6\b/);
      assert.match(ftp.error ?? '', /scheme/i);

      assert.equal(run.items.length, 5, 'the duplicate line is not a second item');
      assert.equal(server.requestsTo('/files/alpha.bin').length, 1, 'the same URL twice is fetched once');
      assert.deepEqual(listFiles(out), ['alpha.bin', 'beta.bin']);
      assert.ok(readFile(out, 'alpha.bin').equals(alpha));
      assert.ok(readFile(out, 'beta.bin').equals(beta));
    });

    it('exits 0 when every item is ok, and reports each path and size', async () => {
      const dir = tempDir('allok');
      const list = writeList(dir, 'list.txt', [server.url('/files/alpha.bin'), server.url('/files/beta.bin')]);
      const out = path.join(dir, 'out');

      const run = await fetchList(list, out);

      assert.equal(run.code, 0, run.describe());
      const item = run.item(server.url('/files/beta.bin'));
      assert.equal(item.path, path.join(out, 'beta.bin'));
      assert.equal(item.bytes, beta.length);
      assert.equal(item.error, null);
    });

    it('reads the list from stdin when the list is "-"', async () => {
      const out = path.join(tempDir('stdin'), 'out');

      const result = await runCli(['--json', '--dir', out, '-'], { stdin: `${server.url('/files/alpha.bin')}\n` });

      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.json?.items[0].status, 'ok');
      assert.ok(readFile(out, 'alpha.bin').equals(alpha));
    });
  });

  describe('several lists and interruptions', () => {
    it('fetches a URL listed in two list files once', async () => {
      const dir = tempDir('two-lists');
      const first = writeList(dir, 'first.txt', [server.url('/files/alpha.bin')]);
      const second = writeList(dir, 'second.txt', [server.url('/files/beta.bin'), server.url('/files/alpha.bin')]);
      const out = path.join(dir, 'out');
      const requestsBefore = server.requestsTo('/files/alpha.bin').length;

      const result = await runCli(['--json', '--dir', out, first, second]);

      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.json?.items.length, 2);
      assert.equal(server.requestsTo('/files/alpha.bin').length - requestsBefore, 1);
      assert.deepEqual(listFiles(out), ['alpha.bin', 'beta.bin']);
    });

    it('stops on Ctrl+C (SIGINT), reports the item as not done and exits 1', async () => {
      server.route('/interrupt/stuck.bin', partialBody(payload(1000), 500, 'stall', { etag: '"i"' }));
      const dir = tempDir('sigint');
      const list = writeList(dir, 'list.txt', [server.url('/interrupt/stuck.bin')]);
      const arrived = server.waitForRequests('/interrupt/stuck.bin');

      const result = await runCli(['--json', '--dir', path.join(dir, 'out'), list], {
        onSpawn: (child) => void arrived.then(() => child.kill('SIGINT')),
      });

      assert.equal(result.code, 1, result.stderr);
      const [item] = result.json?.items ?? [];
      assert.equal(item.status, 'failed');
      assert.match(item.error ?? '', /cancel/);
      assert.equal(fs.existsSync(path.join(dir, 'out', 'stuck.bin')), false);
    });
  });

  describe('aria2 input files', () => {
    const good = payload(2048);
    const bad = payload(2048);

    before(() => {
      server.route('/aria/a.bin', serve(alpha));
      server.route('/aria/b.bin', serve(beta));
      server.route('/aria/c.bin', serve(alpha));
      server.route('/aria/good.bin', serve(good));
      server.route('/aria/bad.bin', serve(bad));
      server.route('/aria/private.bin', serve(beta));
    });

    it('honours out= (also a relative sub-path), dir=, checksum= and header=', async () => {
      const dir = tempDir('aria2');
      const list = writeList(dir, 'input.txt', [
        server.url('/aria/a.bin'),
        '  out=renamed.bin',
        server.url('/aria/b.bin'),
        '  out=nested/deeper/file.bin',
        server.url('/aria/c.bin'),
        '  dir=sub',
        server.url('/aria/good.bin'),
        `  checksum=sha-256=${sha256(good)}`,
        server.url('/aria/bad.bin'),
        `  checksum=sha-256=${sha256(good)}`,
        server.url('/aria/private.bin'),
        '  header=X-Token: abc123',
      ]);
      const out = path.join(dir, 'out');

      const run = await fetchList(list, out);

      assert.equal(run.code, 1, run.describe());
      assert.deepEqual(listFiles(out), ['good.bin', 'nested/deeper/file.bin', 'private.bin', 'renamed.bin', 'sub/c.bin']);
      assert.ok(readFile(out, 'renamed.bin').equals(alpha));
      assert.ok(readFile(out, 'nested/deeper/file.bin').equals(beta));
      assert.ok(readFile(out, 'sub/c.bin').equals(alpha));
      assert.ok(readFile(out, 'good.bin').equals(good));
      assert.equal(run.item(server.url('/aria/good.bin')).status, 'ok');

      const mismatch = run.item(server.url('/aria/bad.bin'));
      assert.equal(mismatch.status, 'failed');
      assert.match(mismatch.error ?? '', /checksum/i);
      // listFiles above also proves that neither bad.bin nor bad.bin.part was left behind.

      const [privateRequest] = server.requestsTo('/aria/private.bin');
      assert.equal(privateRequest.headers['x-token'], 'abc123');
      const [otherRequest] = server.requestsTo('/aria/a.bin');
      assert.equal(otherRequest.headers['x-token'], undefined, 'header= applies to its own URL only');
    });
  });

  describe('URLs inside other text', () => {
    const md = payload(100);
    const html = payload(200);
    const json = payload(300);

    before(() => {
      server.route('/text/from-markdown.png', serve(md));
      server.route('/text/from-html.css', serve(html));
      server.route('/text/from-json.dat', serve(json));
      server.route('/text/second-json.dat', serve(json));
    });

    it('extracts links from Markdown, HTML and JSON lists', async () => {
      const dir = tempDir('text');
      const markdown = writeList(dir, 'README.md', [
        '# Assets',
        `See [the logo](${server.url('/text/from-markdown.png')}) for details.`,
      ]);
      const page = writeList(dir, 'page.html', [`<link rel="stylesheet" href="${server.url('/text/from-html.css')}">`]);
      const urls = writeList(dir, 'urls.json', JSON.stringify([server.url('/text/from-json.dat'), server.url('/text/second-json.dat')]));
      const out = path.join(dir, 'out');

      const result = await runCli(['--json', '--dir', out, markdown, page, urls]);

      assert.equal(result.code, 0, result.stderr);
      assert.equal(result.json?.items.length, 4);
      assert.deepEqual(listFiles(out), ['from-html.css', 'from-json.dat', 'from-markdown.png', 'second-json.dat']);
      assert.ok(readFile(out, 'from-markdown.png').equals(md));
      assert.ok(readFile(out, 'from-html.css').equals(html));
      assert.ok(readFile(out, 'second-json.dat').equals(json));
    });
  });

  describe('usage errors', () => {
    let list: string;
    before(() => {
      list = writeList(tempDir('usage'), 'list.txt', [server.url('/usage/never.bin')]);
    });

    const cases: { name: string; args: () => string[]; message: RegExp }[] = [
      { name: 'an unknown option', args: () => ['--frobnicate', list], message: /--frobnicate/ },
      { name: '--jobs 0', args: () => ['--jobs', '0', list], message: /--jobs.*"0"/ },
      { name: 'a non-numeric --timeout', args: () => ['--timeout', 'soon', list], message: /--timeout.*"soon"/ },
      { name: 'an unknown --on-existing policy', args: () => ['--on-existing', 'clobber', list], message: /--on-existing.*"clobber"/ },
      { name: 'a --header without a colon', args: () => ['--header', 'Authorization', list], message: /--header/ },
      { name: 'no list at all', args: () => [], message: /no URL or list file given/ },
    ];
    for (const { name, args, message } of cases) {
      it(`exits 2 and names the problem for ${name}`, async () => {
        const result = await runCli(['--json', ...args()]);
        assert.equal(result.code, 2);
        assert.match(result.stderr, message);
        assert.equal(server.requestsTo('/usage/never.bin').length, 0, 'nothing is downloaded');
      });
    }

    it('exits 2 when a list file does not exist', async () => {
      const missing = path.join(tempDir('usage'), 'nope.txt');
      const result = await runCli(['--json', '--dir', tempDir('usage'), list, missing]);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /cannot read list .*nope\.txt/);
      assert.equal(server.requestsTo('/usage/never.bin').length, 0, 'no list is downloaded when one is unreadable');
    });

    it('exits 2 when --dir cannot be a folder (it is a file)', async () => {
      const dir = tempDir('usage');
      const file = path.join(dir, 'a-file');
      fs.writeFileSync(file, 'not a folder');
      const result = await runCli(['--json', '--dir', file, list]);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /cannot use --dir .*a-file/);
      assert.equal(server.requestsTo('/usage/never.bin').length, 0);
    });

    it('warns when a list holds no URL at all, and exits 0', async () => {
      const dir = tempDir('usage');
      const empty = writeList(dir, 'empty.txt', ['# nothing here yet', '']);
      const result = await runCli(['--json', '--dir', path.join(dir, 'out'), empty]);
      assert.equal(result.code, 0);
      assert.match(result.stderr, /no URLs found in .*empty\.txt/);
      assert.deepEqual(result.json?.items, []);
    });

    it('exits 2 when the list is a folder', async () => {
      const folder = tempDir('usage');
      const result = await runCli(['--json', '--dir', tempDir('usage'), folder]);
      assert.equal(result.code, 2);
      assert.match(result.stderr, /cannot read list/);
    });
  });

  describe('plain output (no --json, stdout not a terminal)', () => {
    it('prints one line per item and a summary line', async () => {
      const dir = tempDir('lines');
      const list = writeList(dir, 'list.txt', [server.url('/files/alpha.bin'), server.url('/files/beta.bin'), server.url('/files/gone.bin')]);
      const out = path.join(dir, 'out');

      const result = await runCli(['--dir', out, '--retries', '0', list]);

      assert.equal(result.code, 1, result.stderr);
      const lines = result.stdout.trimEnd().split('\n');
      assert.equal(lines.length, 4, `3 item lines and a summary:\n${result.stdout}`);
      assert.equal(lines.filter((l) => l.startsWith('ok ') && l.includes(path.join(out, 'alpha.bin'))).length, 1);
      assert.equal(lines.filter((l) => l.startsWith('ok ') && l.includes(path.join(out, 'beta.bin'))).length, 1);
      assert.equal(lines.filter((l) => l.startsWith('failed ') && l.includes(server.url('/files/gone.bin')) && l.includes('404')).length, 1);
      assert.match(lines[3], /^2 ok, 1 failed\b/);
      assert.doesNotThrow(() => fs.accessSync(path.join(out, 'alpha.bin')));
    });
  });
});
