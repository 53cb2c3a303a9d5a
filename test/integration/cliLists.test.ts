// Issue 9 through the CLI: lists with mistakes in them, URLs as arguments, the same URL for two
// files, encodings and files that are not lists, against a real local server.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { payload, serve, startHostileServer, type HostileServer } from '../support/hostileServer';
import { fetchList, listFiles, readFile, runCli, useTempDirs, writeList } from '../support/run';

describe('CLI lists as people write them (integration)', () => {
  let server: HostileServer;
  const tempDir = useTempDirs();
  const one = payload(1500);
  const two = payload(2500);
  const three = payload(3500);

  before(async () => {
    server = await startHostileServer();
    server.route('/l/one.png', serve(one));
    server.route('/l/two.png', serve(two));
    server.route('/l/three.png', serve(three));
    server.route('/l/old.png', serve(one));
    server.route('/l/inline.png', serve(one));
  });
  after(() => server.close());

  it('a .txt list with a prose line and a commented-out URL: the good URLs download, the prose line fails naming its line, the comment is never fetched', async () => {
    const dir = tempDir('mistakes');
    const list = writeList(dir, 'assets.txt', [
      '# hero images', //                               1
      server.url('/l/one.png'), //                      2
      'images for the hero banner', //                  3
      `# ${server.url('/l/old.png')}`, //               4
      `${server.url('/l/two.png')}  # the blue one`, // 5
      `${server.url('/l/my file.png')}`, //             6
      server.url('/l/three.png'), //                    7
      'ftp://127.0.0.1/l/x.iso', //                     8
    ]);
    const out = path.join(dir, 'out');

    const run = await fetchList(list, out);

    assert.equal(run.code, 1, run.describe());
    assert.deepEqual(listFiles(out), ['one.png', 'three.png', 'two.png']);
    assert.ok(readFile(out, 'two.png').equals(two));
    assert.equal(server.requestsTo('/l/old.png').length, 0, 'the commented-out URL is never requested');
    const prose = run.item('images for the hero banner');
    assert.deepEqual([prose.status, prose.source, prose.error], ['failed', `${list}:3`, 'line 3: not a URL: "images for the hero banner"']);
    assert.match(run.item(`${server.url('/l/my file.png')}`).error ?? '', /^line 6: a URL cannot contain spaces/);
    assert.match(run.item('ftp://127.0.0.1/l/x.iso').error ?? '', /^line 8: unsupported scheme "ftp:"/);
    assert.equal(run.items.length, 6, 'every content line is an item');
    assert.match(run.result.stderr, /note: .*assets\.txt read as a URL list: 5 of 6 lines are URLs \(--format text to read it as text\)/);
  });

  it('prints a list\'s unusable lines like compiler messages, file:line first', async () => {
    const dir = tempDir('lines');
    const list = writeList(dir, 'assets.txt', [server.url('/l/one.png'), 'images for the hero banner']);
    const result = await runCli(['--dir', path.join(dir, 'out'), list]);
    assert.equal(result.code, 1);
    assert.match(result.stdout, new RegExp(`^failed   ${list.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:2: not a URL: "images for the hero banner"$`, 'm'));
  });

  it('--format list reads prose as a list; --format text extracts links from a list file', async () => {
    const dir = tempDir('format');
    const notes = writeList(dir, 'notes.txt', ['Release notes', `The logo is at ${server.url('/l/one.png')}`, 'Thanks']);
    const asText = await fetchList(notes, path.join(dir, 'a'));
    assert.equal(asText.code, 0, asText.describe());
    assert.deepEqual(asText.items.map((i) => i.url), [server.url('/l/one.png')]);
    assert.match(asText.result.stderr, /note: .*notes\.txt read as text: none of 3 lines is a URL/);
    const asList = await fetchList(notes, path.join(dir, 'b'), ['--format', 'list']);
    assert.equal(asList.items.length, 3);
    assert.equal(asList.items.filter((i) => i.status === 'failed').length, 3);
  });

  it('takes URLs as arguments, mixed with list files, each error naming its argument', async () => {
    const dir = tempDir('args');
    const list = writeList(dir, 'list.txt', [server.url('/l/two.png')]);
    const out = path.join(dir, 'out');
    const result = await runCli(['--json', '--dir', out, server.url('/l/one.png'), list, 'ftp://127.0.0.1/x']);
    assert.equal(result.code, 1, result.stderr);
    assert.deepEqual(listFiles(out), ['one.png', 'two.png']);
    const items = result.json!.items;
    assert.deepEqual(items.map((i) => [i.source, i.status]), [['argument 1', 'ok'], [`${list}:1`, 'ok'], ['argument 3', 'failed']]);
    assert.equal(items[2].error, 'argument 3: unsupported scheme "ftp:" in "ftp://127.0.0.1/x" (only http and https)');
  });

  it('a missing list file that looks like a URL without its scheme says how to write a URL', async () => {
    const result = await runCli(['--json', '--dir', tempDir('noscheme'), '127.0.0.1/l/one.png']);
    assert.equal(result.code, 2);
    assert.match(result.stderr, /cannot read list 127\.0\.0\.1\/l\/one\.png: no such file \(a URL to download starts with http:\/\/ or https:\/\/\)/);
  });

  // Measured choice: the same URL for two files is fetched twice (each target its own request,
  // headers and checksum) rather than fetched once and copied.
  it('the same URL with two out= names writes both files; the same URL and name is fetched once', async () => {
    const dir = tempDir('twice');
    const before = server.requestsTo('/l/three.png').length;
    const list = writeList(dir, 'in.aria2', [
      server.url('/l/three.png'), '  out=first.png',
      server.url('/l/three.png'), '  out=second.png',
      server.url('/l/three.png'), '  out=first.png',
    ]);
    const out = path.join(dir, 'out');
    const run = await fetchList(list, out);
    assert.equal(run.code, 0, run.describe());
    assert.deepEqual(listFiles(out), ['first.png', 'second.png']);
    assert.ok(readFile(out, 'second.png').equals(three));
    assert.equal(server.requestsTo('/l/three.png').length - before, 2);
    assert.match(run.result.stderr, /in\.aria2:5: .*three\.png is already listed at .*in\.aria2:1 for the same file; fetched once/);
  });

  it('reads a UTF-16 list with a BOM and CRLF line ends', async () => {
    const dir = tempDir('utf16');
    const list = path.join(dir, 'list.txt');
    fs.writeFileSync(list, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${server.url('/l/one.png')}\r\n# c\r\n${server.url('/l/two.png')}\r\n`, 'utf16le')]));
    const run = await fetchList(list, path.join(dir, 'out'));
    assert.equal(run.code, 0, run.describe());
    assert.deepEqual(listFiles(path.join(dir, 'out')), ['one.png', 'two.png']);
  });

  it('refuses a binary file given as a list with one clear error and downloads nothing of it', async () => {
    const dir = tempDir('binary');
    const image = path.join(dir, 'logo.png');
    fs.writeFileSync(image, Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]), payload(4000)]));
    const result = await runCli(['--json', '--dir', path.join(dir, 'out'), image]);
    assert.equal(result.code, 2);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
    assert.match(result.stderr, /logo\.png is not a list of URLs: it looks like a binary file \(a NUL byte at offset 8\)/);
  });

  it('lists links with schemes it does not fetch from text in one warning', async () => {
    const dir = tempDir('schemes');
    const md = writeList(dir, 'README.md', [`Logo ${server.url('/l/one.png')}`, 'Mirror ftp://mirror.example/a.iso', '<!-- ' + server.url('/l/old.png') + ' -->']);
    const run = await fetchList(md, path.join(dir, 'out'));
    assert.equal(run.code, 0, run.describe());
    assert.equal(server.requestsTo('/l/old.png').length, 0, 'the commented-out link is never requested');
    assert.match(run.result.stderr, /warning: .*README\.md: 1 link not fetched, only http and https are: ftp:\/\/mirror\.example\/a\.iso \(line 2\)/);
  });
});
