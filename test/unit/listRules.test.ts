// The rules of issue 9: in a list every line that is not blank or a comment is a download or an
// error naming its line; comments are never fetched in any format; one item per URL and target;
// encodings; bounded sizes; URLs on the command line.
import assert from 'node:assert/strict';
import { decodeListBytes, ListError, MAX_LIST_CHARS } from '../../src/core/listText';
import { ARGUMENTS_SOURCE, entrySource, MAX_URL_LENGTH, parseList, parseUrlArguments } from '../../src/core/listParser';

const fetched = (text: string, sourceName: string) => parseList(text, { sourceName }).entries.filter((e) => e.url).map((e) => e.url);

describe('list rules: every line is a download or an error', () => {
  const text = [
    '# hero images', //                                   1
    'https://a.example/1.png', //                         2
    'images for the hero banner', //                      3
    '# https://a.example/old.png', //                     4
    'https://a.example/my file.png', //                   5
    'https://a.example/2.png   # the blue one', //        6
    '   # https://a.example/indented-comment.png', //     7
    'cdn.example.com/3.png', //                           8
    'localhost:8080/4.png', //                            9
    'ftp://a.example/5.iso', //                           10
    '', //                                                11
    'https://a.example/6.png', //                         12
  ].join('\n');
  const list = parseList(text, { sourceName: 'assets.txt' });

  it('reads the file as a list although some lines are not URLs', () => {
    assert.equal(list.format, 'list');
    assert.equal(list.formatGuessed, true);
  });

  it('gives every content line an entry with its line number, in order', () => {
    assert.deepEqual(list.entries.map((e) => e.line), [2, 3, 5, 6, 8, 9, 10, 12]);
  });

  it('a prose line is an error naming its line', () => {
    assert.equal(list.entries[1].error, 'line 3: not a URL: "images for the hero banner"');
    assert.equal(list.entries[1].url, undefined);
  });

  it('never fetches a commented-out URL, indented or not', () => {
    assert.ok(!list.entries.some((e) => e.raw.includes('old.png') || e.raw.includes('indented-comment')));
  });

  it('a URL with a space is an error that says so, not a guess', () => {
    assert.equal(list.entries[2].error, 'line 5: a URL cannot contain spaces: "https://a.example/my file.png" (write a space as %20; one URL per line)');
  });

  it('text after " #" on a URL line is a comment', () => {
    assert.equal(list.entries[3].url, 'https://a.example/2.png');
    assert.equal(list.entries[3].error, undefined);
  });

  it('a URL without its scheme is an error that names the missing http(s)://', () => {
    assert.equal(list.entries[4].error, 'line 8: no http:// or https:// in "cdn.example.com/3.png"');
    assert.equal(list.entries[5].error, 'line 9: no http:// or https:// in "localhost:8080/4.png"');
  });

  it('an unsupported scheme is an error naming it', () => {
    assert.equal(list.entries[6].error, 'line 10: unsupported scheme "ftp:" in "ftp://a.example/5.iso" (only http and https)');
  });

  it('a URL longer than the limit is an error, and the entry does not carry all of it', () => {
    const long = `https://a.example/${'a'.repeat(100 * 1024)}`;
    const [entry] = parseList(`${long}\n`, { sourceName: 'l.txt' }).entries;
    assert.equal(entry.url, undefined);
    assert.match(entry.error ?? '', new RegExp(`^line 1: URL is 102,418 characters long, more than the ${MAX_URL_LENGTH.toLocaleString('en-US')} allowed`));
    assert.ok(entry.raw.length <= 2048 && entry.error!.length < 300);
  });
});

describe('list rules: comments in text are never fetched', () => {
  it('Markdown and HTML: <!-- --> comments, on one line or several', () => {
    const text = 'Logo: https://a.example/logo.png\n<!-- old: https://a.example/old.png -->\n<!--\nhttps://a.example/old2.png\n-->\n<img src="https://a.example/new.png"> <!-- x https://a.example/old3.png -->';
    assert.deepEqual(fetched(text, 'README.md'), ['https://a.example/logo.png', 'https://a.example/new.png']);
    assert.deepEqual(fetched(text, 'page.html'), ['https://a.example/logo.png', 'https://a.example/new.png']);
  });

  it('Markdown headings are not comments', () => {
    assert.deepEqual(fetched('# Logo https://a.example/logo.png', 'README.md'), ['https://a.example/logo.png']);
  });

  it('YAML, Python, shell: # lines and # tails', () => {
    const text = 'logo: https://a.example/logo.png  # was https://a.example/old.png\n# icon: https://a.example/old2.png\n';
    assert.deepEqual(fetched(text, 'assets.yaml'), ['https://a.example/logo.png']);
    assert.deepEqual(fetched(text, 'get.py'), ['https://a.example/logo.png']);
  });

  it('C-like code and CSS: // lines and /* */ blocks that begin a line', () => {
    const text = 'const a = "https://a.example/a.png";\n// const b = "https://a.example/old.png";\n/*\n * https://a.example/old2.png\n */\n/* https://a.example/old3.png */ const c = "https://a.example/c.png";';
    assert.deepEqual(fetched(text, 'assets.ts'), ['https://a.example/a.png', 'https://a.example/c.png']);
    assert.deepEqual(fetched('a { background: url(https://a.example/bg.png) }\n/* https://a.example/old.png */', 'site.css'), ['https://a.example/bg.png']);
  });

  it('prose read as text (a .txt, stdin): # lines are comments there too', () => {
    const text = 'Notes for the release.\nThe logo: https://a.example/logo.png\n# old: https://a.example/old.png\nThanks.';
    const list = parseList(text, { sourceName: 'notes.txt' });
    assert.equal(list.format, 'text');
    assert.deepEqual(list.entries.map((e) => e.url), ['https://a.example/logo.png']);
  });

  it('JSON reports the links it does not fetch', () => {
    const list = parseList('{"a": "https://a.example/a.png", "b": "ftp://a.example/b.iso"}', { sourceName: 'x.json' });
    assert.deepEqual(list.entries.map((e) => e.url), ['https://a.example/a.png']);
    assert.deepEqual(list.warnings, ['x.json: 1 link not fetched, only http and https are: ftp://a.example/b.iso (line 1)']);
  });

  it('the warning lists at most ten links and counts the rest', () => {
    const text = Array.from({ length: 12 }, (_, i) => `see ftp://a.example/${i}`).join('\n');
    const [warning] = parseList(text, { sourceName: 'n.md' }).warnings;
    assert.match(warning, /^n\.md: 12 links not fetched, only http and https are: ftp:\/\/a\.example\/0 \(line 1\), .*ftp:\/\/a\.example\/9 \(line 10\), and 2 more$/);
  });
});

describe('list rules: one item per URL and target', () => {
  it('the same URL with different out= or dir= is one item per file', () => {
    const text = 'https://a.example/f.bin\n  out=one.bin\nhttps://a.example/f.bin\n  out=two.bin\nhttps://a.example/f.bin\n  dir=sub\n';
    const list = parseList(text, { sourceName: 'l.txt' });
    assert.deepEqual(list.entries.map((e) => [e.line, e.out, e.dir]), [[1, 'one.bin', undefined], [3, 'two.bin', undefined], [5, undefined, 'sub']]);
    assert.deepEqual(list.warnings, []);
  });

  it('the same URL for the same file is fetched once, with a warning naming both lines', () => {
    const text = 'https://a.example/f.bin\n  out=one.bin\nhttps://a.example/f.bin\n  out=./one.bin\nhttps://a.example/g.png\nhttps://a.example/g.png\n  out=g.png\n';
    const list = parseList(text, { sourceName: 'l.txt' });
    assert.deepEqual(list.entries.map((e) => e.line), [1, 5]);
    assert.deepEqual(list.warnings, [
      'l.txt:3: https://a.example/f.bin is already listed at l.txt:1 for the same file; fetched once',
      'l.txt:6: https://a.example/g.png is already listed at l.txt:5 for the same file; fetched once',
    ]);
  });
});

describe('list rules: encodings and sizes', () => {
  const text = 'https://a.example/1.png\r\n# c\rhttps://a.example/2.png\nhttps://a.example/ü.png\n';
  const expected = ['https://a.example/1.png', 'https://a.example/2.png', 'https://a.example/%C3%BC.png'];
  const urlsOf = (bytes: Uint8Array) => parseList(decodeListBytes(bytes, 'l.txt'), { sourceName: 'l.txt' }).entries.map((e) => [e.line, e.url]);
  const lines = [[1, expected[0]], [3, expected[1]], [4, expected[2]]];

  it('UTF-8 with and without BOM, CRLF and lone CR line ends', () => {
    assert.deepEqual(urlsOf(Buffer.from(text, 'utf8')), lines);
    assert.deepEqual(urlsOf(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')])), lines);
  });

  it('UTF-16 LE and BE with BOM', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    assert.deepEqual(urlsOf(le), lines);
    assert.deepEqual(urlsOf(be), lines);
  });

  it('a binary file is refused with one clear error', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    assert.throws(() => decodeListBytes(png, 'logo.png'), (err: unknown) => {
      assert.ok(err instanceof ListError);
      assert.equal(err.code, 'LIST_BINARY');
      assert.equal(err.message, 'logo.png is not a list of URLs: it looks like a binary file (a NUL byte at offset 8)');
      return true;
    });
    assert.throws(() => parseList('https://a.example/1\n\u0000\u0001', { sourceName: 'x' }), /binary file/);
  });

  it('text over the size limit is refused with one clear error, without parsing it', () => {
    const huge = 'x'.repeat(MAX_LIST_CHARS + 1);
    assert.throws(() => parseList(huge, { sourceName: 'huge.txt' }), (err: unknown) => err instanceof ListError && err.code === 'LIST_TOO_LARGE' && /huge\.txt is too large for a list: 64 MiB/.test(err.message));
  });
});

describe('list rules: URLs on the command line', () => {
  it('one entry per argument, errors name the argument', () => {
    const list = parseUrlArguments([{ raw: 'https://a.example/1.png', position: 1 }, { raw: 'ftp://a.example/2', position: 3 }, { raw: 'https://a.example/1.png', position: 4 }]);
    assert.equal(list.entries.length, 2);
    assert.equal(list.entries[0].file, ARGUMENTS_SOURCE);
    assert.equal(entrySource(list.entries[1]), 'argument 3');
    assert.equal(list.entries[1].error, 'argument 3: unsupported scheme "ftp:" in "ftp://a.example/2" (only http and https)');
    assert.deepEqual(list.warnings, ['argument 4: https://a.example/1.png is already listed at argument 1; fetched once']);
  });
});
