import assert from 'node:assert/strict';
import path from 'node:path';
import {
  listRelativePath,
  MAX_NAME_BYTES,
  nameFromContentDisposition,
  nameFromHost,
  nameFromUrl,
  numberedName,
  plainJoin,
  resolveInside,
  sanitizeFileName,
  truncateBytes,
} from '../../src/core/naming';

describe('naming: sanitizeFileName', () => {
  it('replaces separators, reserved and control characters', () => {
    assert.equal(sanitizeFileName('a/b\\c.txt'), 'a_b_c.txt');
    assert.equal(sanitizeFileName('<>:"|?*.txt'), '_______.txt');
    assert.equal(sanitizeFileName('a\u0000b\u001fc\u007fd\u009f.txt'), 'a_b_c_d_.txt');
    assert.equal(sanitizeFileName('line\nbreak\r.txt'), 'line_break_.txt');
  });

  it('never returns "", "." or ".."', () => {
    assert.equal(sanitizeFileName(''), 'download');
    assert.equal(sanitizeFileName('.'), 'download');
    assert.equal(sanitizeFileName('..'), 'download');
    assert.equal(sanitizeFileName('...'), 'download');
    assert.equal(sanitizeFileName('   '), 'download');
    assert.equal(sanitizeFileName('..', 'fb'), 'fb');
    assert.equal(sanitizeFileName('..hidden'), '..hidden');
  });

  it('drops trailing dots and spaces (Windows would)', () => {
    assert.equal(sanitizeFileName('name. . '), 'name');
    assert.equal(sanitizeFileName('report.pdf.'), 'report.pdf');
    assert.equal(sanitizeFileName('  lead.txt  '), 'lead.txt');
  });

  it('prefixes Windows device names, with or without extension, any case', () => {
    for (const [input, expected] of [
      ['CON', '_CON'], ['con', '_con'], ['nul.txt', '_nul.txt'], ['COM1', '_COM1'], ['LPT9', '_LPT9'],
      ['aux.tar.gz', '_aux.tar.gz'], ['PRN.', '_PRN'], ['com¹', '_com¹'], ['CONOUT$', '_CONOUT$'],
    ]) {
      assert.equal(sanitizeFileName(input), expected, input);
    }
    for (const ok of ['console.txt', 'nullable', 'COM10', 'xCON']) assert.equal(sanitizeFileName(ok), ok);
  });

  it('removes bidirectional override characters', () => {
    assert.equal(sanitizeFileName('invoice\u202Egpj.exe'), 'invoicegpj.exe');
    assert.equal(sanitizeFileName('\u2066a\u2069\u200E\u200Fb.txt'), 'ab.txt');
  });

  it('normalises to NFC', () => {
    const out = sanitizeFileName('Cafe\u0301.txt');
    assert.equal(out, 'Caf\u00e9.txt');
    assert.equal(out.length, 8);
  });

  it('limits names to MAX_NAME_BYTES (< 255) keeping the extension', () => {
    assert.ok(MAX_NAME_BYTES <= 255);
    const out = sanitizeFileName(`${'a'.repeat(400)}.jpeg`);
    assert.equal(out, `${'a'.repeat(MAX_NAME_BYTES - 5)}.jpeg`);
    assert.equal(Buffer.byteLength(out), MAX_NAME_BYTES);
  });

  it('never splits a multibyte UTF-8 character when truncating', () => {
    for (const char of ['é', '€', '😀']) {
      const out = sanitizeFileName(`${char.repeat(300)}.txt`);
      assert.ok(out.endsWith('.txt'), char);
      assert.ok(Buffer.byteLength(out) <= MAX_NAME_BYTES, char);
      const stem = out.slice(0, -4);
      assert.equal(stem, char.repeat(Array.from(stem).length), char);
      assert.equal(Buffer.from(out, 'utf8').toString('utf8'), out);
      // as many whole characters as fit
      assert.equal(Array.from(stem).length, Math.floor((MAX_NAME_BYTES - 4) / Buffer.byteLength(char)), char);
    }
  });

  it('truncateBytes leaves short names alone and drops an over-long extension', () => {
    assert.equal(truncateBytes('abc.txt', 10), 'abc.txt');
    assert.equal(truncateBytes('abcdefgh.txt', 10), 'abcdef.txt');
    assert.equal(truncateBytes(`a.${'x'.repeat(30)}`, 10), 'a.xxxxxxxx');
  });

  // Regression: sanitizeFileName strips trailing dots/spaces *before* truncating, so the cut can leave one.
  it('does not end in a dot or space after truncation', () => {
    for (const sep of [' ', '.']) {
      const out = sanitizeFileName(`${'x'.repeat(MAX_NAME_BYTES - 1)}${sep}${'y'.repeat(100)}`);
      assert.ok(Buffer.byteLength(out) <= MAX_NAME_BYTES);
      assert.doesNotMatch(out, /[. ]$/, `name ends with ${JSON.stringify(out.slice(-2))}`);
    }
  });

  // A quadratic truncation would take minutes for this name and hit mocha's timeout; linear is instant.
  it('truncates a very long name in linear time', () => {
    const out = sanitizeFileName(`${'a'.repeat(300_000)}.bin`);
    assert.equal(Buffer.byteLength(out), MAX_NAME_BYTES);
  });
});

describe('naming: nameFromUrl', () => {
  it('takes the percent-decoded last segment, ignoring query and fragment', () => {
    assert.equal(nameFromUrl('https://a.example/dir/My%20Report.pdf?x=1&y=2#p'), 'My Report.pdf');
    assert.equal(nameFromUrl('https://a.example/%E2%82%AC.txt'), '€.txt');
    assert.equal(nameFromUrl('https://a.example/a%2Fb%5Cc.png'), 'a_b_c.png');
  });

  it('keeps invalid percent-encoding as written', () => {
    assert.equal(nameFromUrl('https://a.example/100%25%zz.txt'), '100%25%zz.txt');
    assert.equal(nameFromUrl('https://a.example/%E0%A4%A.txt'), '%E0%A4%A.txt');
  });

  it('returns undefined when there is no usable last segment', () => {
    assert.equal(nameFromUrl('https://a.example/dir/'), undefined);
    assert.equal(nameFromUrl('https://a.example'), undefined);
    assert.equal(nameFromUrl('https://a.example/?file=x.png'), undefined);
    assert.equal(nameFromUrl('https://a.example/dir/%20'), undefined);
    assert.equal(nameFromUrl('https://a.example/dir/%2E%2E'), undefined);
  });

  it('sanitizes decoded traversal and device names', () => {
    assert.equal(nameFromUrl('https://a.example/..%2F..%2Fetc%2Fpasswd'), '.._.._etc_passwd');
    assert.equal(nameFromUrl('https://a.example/files/CON.txt'), '_CON.txt');
  });
});

describe('naming: nameFromHost', () => {
  it('uses the host name, the port and the content type', () => {
    assert.equal(nameFromHost('http://a.example/'), 'a.example');
    assert.equal(nameFromHost('http://a.example:8080/'), 'a.example_8080');
    assert.equal(nameFromHost('https://a.example:443/'), 'a.example');
    assert.equal(nameFromHost('http://a.example/', 'text/html; charset=utf-8'), 'a.example.html');
    assert.equal(nameFromHost('http://a.example:8080/', 'APPLICATION/JSON'), 'a.example_8080.json');
    assert.equal(nameFromHost('http://a.example/', 'application/x-unknown'), 'a.example');
    assert.equal(nameFromHost('http://[::1]:3000/'), '[__1]_3000');
  });
});

describe('naming: nameFromContentDisposition', () => {
  it('reads filename and filename*, preferring filename*', () => {
    assert.equal(nameFromContentDisposition('attachment; filename="a b.pdf"'), 'a b.pdf');
    assert.equal(nameFromContentDisposition('attachment; filename=plain.zip'), 'plain.zip');
    assert.equal(nameFromContentDisposition("attachment; filename*=UTF-8''%E2%82%AC%20rates.pdf"), '€ rates.pdf');
    assert.equal(nameFromContentDisposition("attachment; filename=\"rates.pdf\"; filename*=UTF-8''na%C3%AFve.pdf"), 'naïve.pdf');
    assert.equal(nameFromContentDisposition("attachment; filename*=UTF-8''na%C3%AFve.pdf; filename=\"naive.pdf\""), 'naïve.pdf');
    assert.equal(nameFromContentDisposition("attachment; filename*=iso-8859-1'en'%A3%20rates.txt"), '£ rates.txt');
  });

  it('strips path components', () => {
    assert.equal(nameFromContentDisposition('attachment; filename="../../x"'), 'x');
    assert.equal(nameFromContentDisposition('attachment; filename="/etc/passwd"'), 'passwd');
    assert.equal(nameFromContentDisposition('attachment; filename="C:\\\\x\\\\y.txt"'), 'y.txt');
    assert.equal(nameFromContentDisposition('attachment; filename=C:\\x\\y.txt'), 'y.txt');
    assert.equal(nameFromContentDisposition("attachment; filename*=UTF-8''..%2F..%2Fevil.sh"), 'evil.sh');
    const quotedBackslashes = nameFromContentDisposition('attachment; filename="C:\\x\\y.txt"');
    assert.ok(quotedBackslashes && !/[/\\:]/.test(quotedBackslashes), quotedBackslashes);
  });

  it('falls back to a lenient match for malformed headers', () => {
    assert.equal(nameFromContentDisposition('attachment; filename=my file.pdf'), 'my file.pdf');
    assert.equal(nameFromContentDisposition('attachment; filename="a.pdf"; filename="b.pdf"'), 'a.pdf');
    assert.equal(nameFromContentDisposition('attachment;; filename = "odd.txt"'), 'odd.txt');
  });

  it('returns undefined when there is no usable name', () => {
    assert.equal(nameFromContentDisposition(undefined), undefined);
    assert.equal(nameFromContentDisposition(''), undefined);
    assert.equal(nameFromContentDisposition('inline'), undefined);
    assert.equal(nameFromContentDisposition('attachment; filename="..."'), undefined);
    assert.equal(nameFromContentDisposition('attachment; filename="/"'), undefined);
    assert.equal(nameFromContentDisposition('garbage ;;; "'), undefined);
  });
});

describe('naming: listRelativePath', () => {
  it('joins dir= and out= with safe segments', () => {
    assert.equal(listRelativePath('img', 'a.png', 'fb'), 'img/a.png');
    assert.equal(listRelativePath(undefined, 'sub/dir/a.png', 'fb'), 'sub/dir/a.png');
    assert.equal(listRelativePath('a\\b', 'c\\d.png', 'fb'), 'a/b/c/d.png');
    assert.equal(listRelativePath('./x//y/', './a.png', 'fb'), 'x/y/a.png');
    assert.equal(listRelativePath('img', 'CON', 'fb'), 'img/_CON');
    assert.equal(listRelativePath(undefined, 'what?.png', 'fb'), 'what_.png');
  });

  it('uses the fallback name when out= is missing, empty of segments or a folder', () => {
    assert.equal(listRelativePath('img', undefined, 'fb.png'), 'img/fb.png');
    assert.equal(listRelativePath(undefined, undefined, 'fb.png'), 'fb.png');
    assert.equal(listRelativePath(undefined, 'sub/', 'fb.png'), 'sub/fb.png');
    assert.equal(listRelativePath(undefined, '.', 'fb.png'), 'fb.png');
  });

  it('rejects .. segments', () => {
    assert.deepEqual(listRelativePath(undefined, '../a.png', 'fb'), { error: 'out=../a.png leaves the target folder' });
    assert.deepEqual(listRelativePath('..', 'a.png', 'fb'), { error: 'dir=.. leaves the target folder' });
    assert.deepEqual(listRelativePath('a\\..\\..', 'x', 'fb'), { error: 'dir=a\\..\\.. leaves the target folder' });
  });

  it('rejects absolute paths, including Windows drive letters and UNC paths', () => {
    for (const [dir, out] of [
      ['/etc', 'x'], [undefined, '/etc/passwd'], ['C:\\Windows', 'x'], [undefined, 'C:/x.txt'],
      [undefined, 'c:x.txt'], ['\\\\server\\share', 'x'], [undefined, '\\x.txt'],
    ] as const) {
      const result = listRelativePath(dir, out, 'fb');
      assert.equal(typeof result, 'object', `${dir} ${out}`);
      assert.match((result as { error: string }).error, /is an absolute path; only paths inside the target folder are allowed$/);
    }
  });
});

describe('naming: resolveInside', () => {
  const root = path.resolve('/tmp/target');

  it('resolves paths inside the root', () => {
    assert.equal(resolveInside(root, 'a/b.png'), path.join(root, 'a', 'b.png'));
    assert.equal(resolveInside(root, 'a/../b.png'), path.join(root, 'b.png'));
  });

  it('throws for escapes and for the root itself', () => {
    for (const rel of ['../x', 'a/../../x', '/etc/passwd', '', '.']) {
      assert.throws(() => resolveInside(root, rel), /refusing to write outside the target folder/, rel);
    }
  });

  it('gives what path.resolve gives for 5,000 generated paths (the plain-name shortcut included)', () => {
    const pieces = ['a', 'b.png', '.', '..', '.hidden', '..x', ' ', 'é', '\\', '/', '//', 'c d', '\0'];
    let seed = 7;
    const pick = () => pieces[(seed = (seed * 1103515245 + 12345) % 2 ** 31) % pieces.length];
    for (let i = 0; i < 5000; i++) {
      const rel = Array.from({ length: 1 + (i % 5) }, pick).join(i % 3 === 0 ? '/' : '');
      const expected = path.resolve(root, rel);
      const inside = path.relative(root, expected);
      const escapes = inside === '' || inside === '..' || inside.startsWith(`..${path.sep}`) || path.isAbsolute(inside);
      if (escapes) assert.throws(() => resolveInside(root, rel), /refusing to write outside/, JSON.stringify(rel));
      else assert.equal(resolveInside(root, rel), expected, JSON.stringify(rel));
    }
  });

  it('plainJoin is path.join whenever it answers, for plain and unusual roots', () => {
    const roots = [root, '/', '/tmp/a/', '/tmp//a', '/tmp/./a', '/tmp/../a', '/tmp/a/.', 'relative/root'];
    const rels = ['a', 'a/b.png', '.hidden', 'a/../b', './a', 'a//b', 'a\\b', '..x', 'c d/é'];
    let answered = 0;
    for (const r of roots) {
      for (const rel of rels) {
        const joined = plainJoin(r, rel);
        if (joined === undefined) continue;
        answered++;
        assert.equal(joined, path.join(r, rel), `${r} + ${rel}`);
      }
    }
    assert.equal(answered, 3, 'the shortcut is taken for the plain names under the plain root');
  });

  // Regression: `rel.startsWith('..')` also matches names that merely begin with two dots.
  it('accepts names that start with ".." but stay inside', () => {
    assert.equal(resolveInside(root, '..hidden'), path.join(root, '..hidden'));
    assert.equal(resolveInside(root, '...txt'), path.join(root, '...txt'));
  });
});

describe('naming: numberedName', () => {
  it('inserts " (n)" before the extension', () => {
    assert.equal(numberedName('report.pdf', 1), 'report (1).pdf');
    assert.equal(numberedName('archive.tar.gz', 1), 'archive (1).tar.gz');
    assert.equal(numberedName('ARCHIVE.TAR.XZ', 2), 'ARCHIVE (2).TAR.XZ');
    assert.equal(numberedName('README', 3), 'README (3)');
    assert.equal(numberedName('a.b.c', 1), 'a.b (1).c');
    assert.equal(numberedName('.bashrc', 1), '.bashrc (1)');
    assert.equal(numberedName('docs/2024/report.pdf', 12), 'docs/2024/report (12).pdf');
    assert.equal(numberedName('notes.this is not ext', 1), 'notes.this is not ext (1)');
  });

  it('stays under 255 bytes for a maximal name', () => {
    const name = sanitizeFileName(`${'n'.repeat(400)}.pdf`);
    const numbered = numberedName(name, 12345);
    assert.ok(numbered.endsWith(' (12345).pdf'));
    assert.ok(Buffer.byteLength(numbered) <= 255);
  });
});
