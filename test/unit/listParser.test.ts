import assert from 'node:assert/strict';
import { checkUrl, chooseFormat, mergeLists, parseList } from '../../src/core/listParser';

const SHA1 = 'a9993e364706816aba3e25717850c26c9cd0d89d';
const SHA256 = 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad';
const SHA512 = 'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f';
const MD5 = '900150983cd24fb0d6963f7d28e17f72';

const urls = (text: string, sourceName?: string) => parseList(text, { sourceName }).entries.map((e) => e.url);

describe('listParser: plain lists', () => {
  it('skips blank lines and # comments, keeps order and line numbers', () => {
    const list = parseList('# assets\n\nhttps://a.example/1.png\n\n# more\nhttps://a.example/2.png\n', { sourceName: 'assets.txt' });
    assert.equal(list.format, 'list');
    assert.deepEqual(list.warnings, []);
    assert.deepEqual(list.entries, [
      { file: 'assets.txt', line: 3, raw: 'https://a.example/1.png', url: 'https://a.example/1.png' },
      { file: 'assets.txt', line: 6, raw: 'https://a.example/2.png', url: 'https://a.example/2.png' },
    ]);
  });

  it('trims trailing whitespace, handles CRLF, lone CR and a BOM', () => {
    const list = parseList('\uFEFFhttps://a.example/1.png   \r\nhttps://a.example/2.png\t\rhttps://a.example/3.png\r\n');
    assert.equal(list.format, 'list');
    assert.deepEqual(list.entries.map((e) => [e.line, e.url]), [
      [1, 'https://a.example/1.png'],
      [2, 'https://a.example/2.png'],
      [3, 'https://a.example/3.png'],
    ]);
    assert.ok(list.entries.every((e) => e.error === undefined));
  });

  // Regression: a URL line with leading whitespace is taken for an aria2 option and silently dropped.
  it('keeps a URL line that has leading whitespace', () => {
    const list = parseList('  https://a.example/1.png\nhttps://a.example/2.png\n');
    assert.deepEqual(list.entries.map((e) => e.url), ['https://a.example/1.png', 'https://a.example/2.png']);
  });

  it('removes URL fragments and normalises the URL', () => {
    assert.deepEqual(urls('https://A.example/x.png#top\nhttps://a.example/y%20z.png#\n'), [
      'https://a.example/x.png',
      'https://a.example/y%20z.png',
    ]);
  });

  it('turns malformed URLs and non-http schemes into entries with an error naming the line', () => {
    const list = parseList('https://ok.example/a\nnot-a-url\nftp://ftp.example/f.iso\nfile:///etc/passwd\njavascript:alert(1)\nhttp://\n');
    assert.equal(list.format, 'list');
    const [ok, malformed, ftp, file, js, empty] = list.entries;
    assert.equal(ok.url, 'https://ok.example/a');
    assert.equal(ok.error, undefined);
    assert.equal(malformed.url, undefined);
    assert.equal(malformed.error, 'line 2: not a URL: "not-a-url"');
    assert.equal(ftp.error, 'line 3: unsupported scheme "ftp:" in "ftp://ftp.example/f.iso" (only http and https)');
    assert.equal(file.error, 'line 4: unsupported scheme "file:" in "file:///etc/passwd" (only http and https)');
    assert.equal(js.error, 'line 5: unsupported scheme "javascript:" in "javascript:alert(1)" (only http and https)');
    assert.equal(empty.error, 'line 6: malformed URL "http://"');
    assert.deepEqual(list.entries.map((e) => e.raw), ['https://ok.example/a', 'not-a-url', 'ftp://ftp.example/f.iso', 'file:///etc/passwd', 'javascript:alert(1)', 'http://']);
  });

  it('checkUrl returns a URL without the hash or a message', () => {
    const ok = checkUrl('https://a.example/p?q=1#h');
    assert.ok(ok instanceof URL);
    assert.equal(ok.href, 'https://a.example/p?q=1');
    assert.equal(checkUrl('mailto:a@b.example'), 'unsupported scheme "mailto:" in "mailto:a@b.example" (only http and https)');
  });

  it('fetches a duplicate URL once and warns where it was first listed', () => {
    const list = parseList('https://a.example/x\nhttps://a.example/y\nhttps://a.example/x#again\n', { sourceName: 'l.txt' });
    assert.deepEqual(list.entries.map((e) => e.url), ['https://a.example/x', 'https://a.example/y']);
    assert.deepEqual(list.warnings, ['l.txt:3: https://a.example/x is already listed at l.txt:1; fetched once']);
  });

  it('does not merge distinct malformed lines', () => {
    const list = parseList('bad1\nbad1\n', { format: 'list' });
    assert.equal(list.entries.length, 2);
    assert.deepEqual(list.warnings, []);
  });
});

describe('listParser: aria2 input-file options', () => {
  it('applies out=, dir=, header= and checksum= to the URL above', () => {
    const text = [
      'https://a.example/file?id=1',
      '  out=report.pdf',
      '\tdir=docs/2024',
      `  checksum=sha-256=${SHA256.toUpperCase()}`,
      '  header=Authorization: Bearer a:b',
      '  header=X-Trace:   42  ',
      'https://a.example/other.bin',
    ].join('\n');
    const list = parseList(text, { sourceName: 'in.aria2' });
    assert.equal(list.format, 'list');
    assert.deepEqual(list.warnings, []);
    assert.deepEqual(list.entries[0], {
      file: 'in.aria2',
      line: 1,
      raw: 'https://a.example/file?id=1',
      url: 'https://a.example/file?id=1',
      out: 'report.pdf',
      dir: 'docs/2024',
      checksum: { algorithm: 'sha-256', hex: SHA256 },
      headers: { Authorization: 'Bearer a:b', 'X-Trace': '42' },
    });
    assert.deepEqual(list.entries[1], { file: 'in.aria2', line: 7, raw: 'https://a.example/other.bin', url: 'https://a.example/other.bin' });
  });

  for (const [written, algorithm, hex] of [
    ['sha-1', 'sha-1', SHA1],
    ['sha1', 'sha-1', SHA1],
    ['sha-512', 'sha-512', SHA512],
    ['SHA512', 'sha-512', SHA512],
    ['md5', 'md5', MD5],
    ['sha256', 'sha-256', SHA256],
  ] as const) {
    it(`accepts checksum=${written}=<hex>`, () => {
      const [entry] = parseList(`https://a.example/f\n  checksum=${written}=${hex}\n`).entries;
      assert.deepEqual(entry.checksum, { algorithm, hex });
      assert.equal(entry.error, undefined);
    });
  }

  it('malformed checksums make the entry fail, naming the URL line and the option line', () => {
    const text = [
      'https://a.example/1', '  checksum=sha-256=abc',
      'https://a.example/2', '  checksum=crc32=deadbeef',
      'https://a.example/3', `  checksum=md5=${'z'.repeat(32)}`,
      'https://a.example/4', '  checksum=sha-1',
    ].join('\n');
    const entries = parseList(text, { sourceName: 'c.txt' }).entries;
    assert.equal(entries[0].error, 'line 1: checksum sha-256 must be 64 hex digits, got "abc" (c.txt:2)');
    assert.equal(entries[1].error, 'line 3: checksum= needs "<sha-1|sha-256|sha-512|md5>=<hex>", got "crc32=deadbeef" (c.txt:4)');
    assert.equal(entries[2].error, `line 5: checksum md5 must be 32 hex digits, got "${'z'.repeat(32)}" (c.txt:6)`);
    assert.equal(entries[3].error, 'line 7: checksum= needs "<sha-1|sha-256|sha-512|md5>=<hex>", got "sha-1" (c.txt:8)');
    assert.ok(entries.every((e) => e.checksum === undefined));
    // The URL itself is still known so the failure can be shown against it.
    assert.equal(entries[0].url, 'https://a.example/1');
  });

  it('a header= without "Name: value" and an empty out= are entry errors', () => {
    const entries = parseList('https://a.example/1\n  header=NoColon\nhttps://a.example/2\n  out=\n').entries;
    assert.equal(entries[0].error, 'line 1: header= must look like "Name: value", got "NoColon" (<input>:2)');
    assert.equal(entries[1].error, 'line 3: empty out= (<input>:4)');
  });

  it('warns about unknown options; an option without a URL above it is an error naming its line', () => {
    const list = parseList('  out=orphan.txt\nhttps://a.example/1\n  max-connection-per-server=4\n  out=a.txt\n', { sourceName: 'o.txt' });
    assert.equal(list.format, 'list');
    assert.deepEqual(list.warnings, ['o.txt:3: option "max-connection-per-server" is not supported; ignored']);
    assert.equal(list.entries.length, 2);
    assert.equal(list.entries[0].error, 'line 1: option "out=orphan.txt" has no URL line above it (options go on indented lines below their URL)');
    assert.equal(list.entries[1].out, 'a.txt');
    assert.equal(list.entries[1].error, undefined);
  });

  it('an unindented option line is an error that says to indent it', () => {
    const list = parseList('https://a.example/1\nout=a.txt\n', { sourceName: 'o.txt' });
    assert.equal(list.entries.length, 2);
    assert.equal(list.entries[0].out, undefined);
    assert.equal(list.entries[1].error, 'line 2: option "out=a.txt" must be indented below its URL line');
  });

  it('accepts spaces around the = of an indented option', () => {
    const [entry] = parseList('https://a.example/1\n  out = a.txt\n').entries;
    assert.equal(entry.out, 'a.txt');
  });

  // Regression: aria2 allows mirrors separated by TAB on one URL line; the tab makes detectFormat say 'text',
  // so every mirror becomes its own download and the indented options are lost.
  it('treats TAB-separated mirrors as one entry (first URI) and keeps its options', () => {
    const list = parseList('https://a.example/f.iso\thttps://b.example/f.iso\n  out=f.iso\n');
    assert.equal(list.format, 'list');
    assert.equal(list.entries.length, 1);
    assert.equal(list.entries[0].url, 'https://a.example/f.iso');
    assert.equal(list.entries[0].out, 'f.iso');
  });
});

describe('listParser: mergeLists', () => {
  it('fetches a URL listed in two files once and keeps both files\' warnings', () => {
    const a = parseList('https://a.example/x\n  out=x\nhttps://a.example/y\n  foo=1\n', { sourceName: 'a.txt' });
    const b = parseList('https://a.example/z\nhttps://a.example/x\n', { sourceName: 'b.txt' });
    const merged = mergeLists([a, b]);
    assert.equal(merged.format, 'list');
    assert.deepEqual(merged.entries.map((e) => [`${e.file}:${e.line}`, e.url]), [
      ['a.txt:1', 'https://a.example/x'],
      ['a.txt:3', 'https://a.example/y'],
      ['b.txt:1', 'https://a.example/z'],
    ]);
    assert.equal(merged.entries[0].out, 'x');
    assert.deepEqual(merged.warnings, [
      'a.txt:4: option "foo" is not supported; ignored',
      'b.txt:2: https://a.example/x is already listed at a.txt:1; fetched once',
    ]);
  });

  it('merging nothing gives an empty list', () => {
    const merged = mergeLists([]);
    assert.deepEqual([merged.entries, merged.warnings], [[], []]);
  });
});

describe('listParser: chooseFormat', () => {
  const lines = (text: string) => text.split('\n');
  const format = (text: string, name = '') => chooseFormat(lines(text), name).format;

  it('a URL list (with comments and aria2 options) is a list, not guessed', () => {
    const choice = chooseFormat(lines('# c\nhttps://a.example/x\n  out=a b.txt\n  header=X-A: b\nhttp://b.example/(y)'), 'assets.txt');
    assert.deepEqual(choice, { format: 'list', reason: 'a URL list', guessed: false });
    assert.equal(format('https://a.example/x', 'urls.txt'), 'list');
    assert.equal(format(''), 'list');
  });

  it('a .txt, .list, extension-less, stdin or unsaved list with a few non-URL lines is still a list, and says so', () => {
    const text = 'https://a.example/1\nimages for the hero banner\nhttp://a.example/my file.png\nhttps://a.example/3\n# https://a.example/old';
    for (const name of ['assets.txt', 'assets.list', 'assets', '<stdin>', 'Untitled-1', 'dir.v2/assets.TXT']) {
      assert.deepEqual(chooseFormat(lines(text), name), { format: 'list', reason: 'a URL list: 3 of 4 lines are URLs', guessed: true }, name);
    }
    // Half of the lines is enough; a URL without its scheme counts as a URL line.
    assert.equal(format('https://a.example/1\nnote one', 'a.txt'), 'list');
    assert.equal(format('cdn.example.com/a.png\nnote one', 'a.txt'), 'list');
  });

  it('prose with a few links is text, and says so', () => {
    const choice = chooseFormat(lines('Release notes\nThe logo is at https://a.example/logo.png\nThanks'), 'notes.txt');
    assert.equal(choice.format, 'text');
    assert.equal(choice.guessed, true);
    assert.match(choice.reason, /^text: none of 3 lines/);
    assert.equal(format('a\nb\nhttps://a.example/x', 'n.txt'), 'text');
  });

  it('.urls is always a list; Markdown, HTML, CSV, YAML and code are text; JSON is json', () => {
    const prose = 'See [logo](https://a.example/logo.png).\nand more';
    assert.deepEqual(chooseFormat(lines(prose), 'assets.urls'), { format: 'list', reason: 'a URL list (.urls file)', guessed: false });
    const list = 'https://a.example/x';
    for (const name of ['README.md', 'page.HTML', 'data.csv', 'data.tsv', 'cfg.yaml', 'app.ts', 'x.py']) assert.equal(format(list, name), 'text', name);
    assert.equal(format(list, 'dir/urls.json'), 'json');
    assert.equal(chooseFormat(lines(list), 'README.md').guessed, false);
  });

  it('content that starts with a bracket and is not mostly URLs is json', () => {
    assert.equal(format('\n  ["https://a.example/x"]'), 'json');
    assert.equal(format('{"url": "https://a.example/x"}'), 'json');
  });

  it('a forced format wins', () => {
    assert.deepEqual(chooseFormat(lines('prose'), 'README.md', 'list'), { format: 'list', reason: 'a URL list (as asked)', guessed: false });
    const list = parseList('see https://a.example/x', { format: 'list' });
    assert.equal(list.format, 'list');
    assert.equal(list.entries[0].error, 'line 1: not a URL: "see https://a.example/x"');
  });
});

describe('listParser: URLs in text', () => {
  it('extracts URLs from Markdown links and autolinks with line numbers', () => {
    const text = '# Title\n\n![logo](http://a.example/y.png) and <https://b.example/z>\n* **https://c.example/bold**\n';
    const list = parseList(text, { sourceName: 'README.md' });
    assert.equal(list.format, 'text');
    assert.deepEqual(list.entries.map((e) => [`${e.file}:${e.line}`, e.url]), [
      ['README.md:3', 'http://a.example/y.png'],
      ['README.md:3', 'https://b.example/z'],
      ['README.md:4', 'https://c.example/bold'],
    ]);
  });

  it('decodes &amp; in HTML attributes', () => {
    const list = parseList('<a href="https://a.example/get?id=1&amp;size=2">x</a> <img src=\'https://a.example/i.png\'>');
    assert.equal(list.format, 'text');
    assert.deepEqual(list.entries.map((e) => e.url), ['https://a.example/get?id=1&size=2', 'https://a.example/i.png']);
  });

  it('extracts from JSON arrays', () => {
    const list = parseList('[\n  "https://a.example/1.png",\n  "https://a.example/2.png"\n]\n');
    assert.equal(list.format, 'json');
    assert.deepEqual(list.entries.map((e) => [e.line, e.url]), [[2, 'https://a.example/1.png'], [3, 'https://a.example/2.png']]);
  });

  // Regression: JSON string escapes are not decoded: PHP's json_encode writes "https:\/\/..." (URL not found at
  // all) and Go's encoding/json writes "&" as \u0026 (URL cut at the backslash -> wrong URL fetched).
  it('decodes JSON string escapes (\\/ and \\u0026)', () => {
    const list = parseList('{"a": "https:\\/\\/a.example\\/1.png", "b": "https://a.example/get?x=1\\u0026y=2"}', { sourceName: 'u.json' });
    assert.deepEqual(list.entries.map((e) => e.url), ['https://a.example/1.png', 'https://a.example/get?x=1&y=2']);
  });

  // Regression: in a CSV the comma ends the field, but the URL regex runs on across it.
  it('stops a URL at the CSV field separator', () => {
    const list = parseList('url,name\nhttps://a.example/a.png,Alpha\n', { sourceName: 'assets.csv' });
    assert.deepEqual(list.entries.map((e) => e.url), ['https://a.example/a.png']);
  });

  it('trims trailing punctuation but keeps balanced parentheses', () => {
    const text = [
      'See https://a.example/a.png. Also https://a.example/b.png, and https://a.example/c.png!',
      '[Foo](https://en.wikipedia.org/wiki/Foo_(bar)) and (https://a.example/d)?',
      'Bare https://en.wikipedia.org/wiki/Foo_(bar) here; also https://a.example/e:',
    ].join('\n');
    assert.deepEqual(urls(text), [
      'https://a.example/a.png',
      'https://a.example/b.png',
      'https://a.example/c.png',
      'https://en.wikipedia.org/wiki/Foo_(bar)',
      'https://a.example/d',
      'https://a.example/e',
    ]);
  });

  it('removes fragments and drops duplicates in text too', () => {
    const list = parseList('Go to https://a.example/doc#intro or https://a.example/doc#usage', { sourceName: 'n.md' });
    assert.deepEqual(list.entries.map((e) => e.url), ['https://a.example/doc']);
    assert.deepEqual(list.warnings, ['n.md:1: https://a.example/doc is already listed at n.md:1; fetched once']);
  });

  it('does not fetch non-http URLs in text, and lists them in one warning with their lines', () => {
    const list = parseList('mail mailto:x@y.example or ftp://f.example/a\nthen https://ok.example/b\nfile:///etc/passwd and s3://bucket/key', { sourceName: 'n.md' });
    assert.deepEqual(list.entries.map((e) => e.url), ['https://ok.example/b']);
    assert.deepEqual(list.warnings, ['n.md: 3 links not fetched, only http and https are: ftp://f.example/a (line 1), file:///etc/passwd (line 3), s3://bucket/key (line 3)']);
  });
});
