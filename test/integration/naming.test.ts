// File names chosen by servers and lists are hostile input: nothing may be written outside the
// target folder, names must be safe on every OS, and two items never share a file.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { payload, redirect, serve, startHostileServer, status, type HostileServer } from '../support/hostileServer';
import { fetchList, listFiles, readFile, useTempDirs, writeList, type CliRun } from '../support/run';

describe('file naming (integration)', () => {
  let server: HostileServer;
  const tempDir = useTempDirs();

  before(async () => {
    server = await startHostileServer();
  });
  after(() => server.close());

  /**
   * A target folder three levels below a fresh parent folder, so that "../../x" or an absolute
   * path into the parent would show up when the parent is listed.
   */
  function nestedTarget(): { parent: string; out: string; outRelative: string } {
    const parent = tempDir('naming');
    const outRelative = 'deep/er/out';
    return { parent, out: path.join(parent, outRelative), outRelative };
  }

  /** Asserts that under `parent` only the list file, `expected` and files below `outRelative` exist. */
  function assertNothingOutside(parent: string, outRelative: string, expected: string[] = []): void {
    const stray = listFiles(parent).filter((f) => f !== 'list.txt' && !expected.includes(f) && !f.startsWith(outRelative + '/'));
    assert.deepEqual(stray, [], 'files were written outside the target folder');
  }

  describe('hostile Content-Disposition names', () => {
    let parent: string;
    let out: string;
    let outRelative: string;
    let run: CliRun;
    const body = (n: number) => `body of /cd/${n}\n`;
    // The absolute-path case points into this test's own parent folder (never at a real system
    // file: the suite may run as root).
    let absoluteTarget: string;

    const cases: { name: string; header: () => string; expected: string | ((name: string, index: number) => void) }[] = [
      { name: 'a relative path climbing out', header: () => 'attachment; filename="../../evil.sh"', expected: 'evil.sh' },
      { name: 'an absolute path', header: () => `attachment; filename="${absoluteTarget}"`, expected: 'absolute.txt' },
      { name: 'a percent-encoded path in filename*', header: () => "attachment; filename*=UTF-8''..%2F..%2Fencoded.sh", expected: 'encoded.sh' },
      { name: 'an unquoted path (malformed header)', header: () => 'attachment; filename=../../unquoted.sh', expected: 'unquoted.sh' },
      { name: 'UTF-8 in filename*', header: () => "attachment; filename*=UTF-8''%E2%82%AC%20rates.pdf", expected: '€ rates.pdf' },
      {
        name: 'filename* together with filename',
        header: () => `attachment; filename="fallback.pdf"; filename*=UTF-8''preferred%E2%82%AC.pdf`,
        expected: 'preferred€.pdf',
      },
      {
        name: 'filename* before filename',
        header: () => `attachment; filename*=UTF-8''first.txt; filename="second.txt"`,
        expected: 'first.txt',
      },
      { name: 'control characters', header: () => "attachment; filename*=UTF-8''bell%07new%0Aline%7F.txt", expected: 'bell_new_line_.txt' },
      { name: 'a bidi override', header: () => "attachment; filename*=UTF-8''invoice%E2%80%AEfdp.exe", expected: 'invoicefdp.exe' },
      { name: 'the Windows device name CON', header: () => 'attachment; filename="CON"', expected: '_CON' },
      { name: 'the Windows device name nul.txt', header: () => 'attachment; filename="nul.txt"', expected: '_nul.txt' },
      {
        name: 'a 400-byte ASCII name',
        header: () => `attachment; filename="${'a'.repeat(396)}.txt"`,
        expected: (name) => {
          assert.ok(Buffer.byteLength(name) <= 240, `${Buffer.byteLength(name)} bytes leaves no room for ".part.meta"`);
          assert.match(name, /^a+\.txt$/);
        },
      },
      {
        name: 'a 400-byte UTF-8 name',
        header: () => `attachment; filename*=UTF-8''${'%E2%82%AC'.repeat(132)}.pdf`,
        expected: (name) => {
          assert.ok(Buffer.byteLength(name) <= 240, `${Buffer.byteLength(name)} bytes leaves no room for ".part.meta"`);
          assert.match(name, /^€+\.pdf$/u, 'cut between characters, keeping the extension');
        },
      },
      {
        name: 'a name that is only ".."',
        header: () => 'attachment; filename=".."',
        expected: (name, index) => assert.equal(name, String(index), 'falls back to the name from the URL'),
      },
    ];

    before(async () => {
      ({ parent, out, outRelative } = nestedTarget());
      absoluteTarget = path.join(parent, 'absolute.txt');
      cases.forEach((c, i) => server.route(`/cd/${i}`, status(200, { 'content-disposition': c.header() }, body(i))));
      const list = writeList(parent, 'list.txt', cases.map((_, i) => server.url(`/cd/${i}`)));
      run = await fetchList(list, out, ['--retries', '0']);
    });

    cases.forEach(({ name, expected }, i) => {
      it(`keeps ${name} inside the folder with a safe name`, () => {
        const item = run.item(server.url(`/cd/${i}`));
        assert.equal(item.status, 'ok', run.describe());
        assert.ok(item.path, 'an ok item has a path');
        assert.equal(path.dirname(item.path), out, 'directly inside the target folder');
        const fileName = path.basename(item.path);
        if (typeof expected === 'string') assert.equal(fileName, expected);
        else expected(fileName, i);
        assert.equal(readFile(out, fileName).toString(), body(i), 'the reported path holds this item');
      });
    });

    it('writes nothing outside the target folder', () => {
      assertNothingOutside(parent, outRelative);
      assert.equal(fs.existsSync(absoluteTarget), false);
      assert.equal(listFiles(out).length, cases.length, 'one file per item, no leftovers');
    });
  });

  describe('hostile names in the list itself', () => {
    it('refuses out= and dir= that leave the folder, and a folder symlinked elsewhere', async () => {
      const { parent, out, outRelative } = nestedTarget();
      const outside = path.join(parent, 'outside');
      fs.mkdirSync(outside);
      fs.mkdirSync(out, { recursive: true });
      fs.symlinkSync(outside, path.join(out, 'link'));
      server.route('/list-names/data.bin', serve('data\n'));
      const url = (n: number) => server.url(`/list-names/data.bin?${n}`);
      const list = writeList(parent, 'list.txt', [
        url(1),
        '  out=../../escape.bin',
        url(2),
        `  out=${path.join(parent, 'absolute.bin')}`,
        url(3),
        '  dir=../..',
        url(4),
        '  dir=link',
        url(5),
        '  out=link/through-symlink.bin',
        server.url('/list-names/..%2F..%2Fencoded.bin'),
      ]);
      server.route('/list-names/..%2F..%2Fencoded.bin', serve('encoded\n'));

      const run = await fetchList(list, out, ['--retries', '0']);

      for (const n of [1, 2, 3]) {
        const item = run.item(url(n));
        assert.equal(item.status, 'failed', run.describe());
        assert.match(item.error ?? '', /line \d+/);
        assert.match(item.error ?? '', /outside|leaves|absolute/);
      }
      for (const n of [4, 5]) {
        const item = run.item(url(n));
        assert.equal(item.status, 'failed', `${url(n)} must not be written through a symlink:\n${run.describe()}`);
        assert.match(item.error ?? '', /outside the target folder/);
      }
      assert.deepEqual(fs.readdirSync(outside), [], 'nothing went through the symlink');
      assert.equal(run.item(server.url('/list-names/..%2F..%2Fencoded.bin')).status, 'ok', run.describe());
      assertNothingOutside(parent, outRelative);
    });
  });

  describe('URLs without a file name', () => {
    it('names the file after the redirect target, or after the host and content type', async () => {
      server.route('/latest/', redirect('/releases/tool-2.1.zip'));
      server.route('/releases/tool-2.1.zip', serve('zip bytes\n'));
      server.route('/', serve('<html></html>\n', { contentType: 'text/html; charset=utf-8' }));
      const dir = tempDir('no-name');
      const out = path.join(dir, 'out');

      const run = await fetchList(writeList(dir, 'list.txt', [server.url('/latest/'), server.url('/')]), out);

      assert.equal(run.code, 0, run.describe());
      const { port } = new URL(server.origin);
      assert.deepEqual(listFiles(out), [`127.0.0.1_${port}.html`, 'tool-2.1.zip']);
      assert.equal(readFile(out, 'tool-2.1.zip').toString(), 'zip bytes\n');
    });
  });

  describe('symlinks planted in the target folder', () => {
    it('never writes through a symlinked final file or .part file', async () => {
      const { parent, out, outRelative } = nestedTarget();
      fs.mkdirSync(out, { recursive: true });
      const victimFinal = path.join(parent, 'victim-final.txt');
      const victimPart = path.join(parent, 'victim-part.txt');
      fs.writeFileSync(victimFinal, 'untouched\n');
      fs.writeFileSync(victimPart, 'untouched\n');
      fs.symlinkSync(victimFinal, path.join(out, 'final.bin'));
      fs.symlinkSync(victimPart, path.join(out, 'partial.bin.part'));
      server.route('/symlink/final.bin', serve('downloaded\n'));
      server.route('/symlink/partial.bin', serve('downloaded\n'));
      const list = writeList(parent, 'list.txt', [server.url('/symlink/final.bin'), server.url('/symlink/partial.bin')]);

      const run = await fetchList(list, out, ['--on-existing', 'overwrite', '--retries', '0']);

      assert.equal(fs.readFileSync(victimFinal, 'utf8'), 'untouched\n', `written through final.bin:\n${run.describe()}`);
      assert.equal(fs.readFileSync(victimPart, 'utf8'), 'untouched\n', `written through partial.bin.part:\n${run.describe()}`);
      const final = run.item(server.url('/symlink/final.bin'));
      assert.equal(final.status, 'ok', run.describe());
      assert.equal(fs.lstatSync(path.join(out, 'final.bin')).isSymbolicLink(), false, 'the symlink was replaced by the download');
      assertNothingOutside(parent, outRelative, ['victim-final.txt', 'victim-part.txt']);
    });
  });

  describe('two items wanting the same name', () => {
    it('names the second "report (1).pdf" and keeps both contents', async () => {
      const a = payload(1111);
      const b = payload(2222);
      server.route('/a/report.pdf', serve(a));
      server.route('/b/report.pdf', serve(b));
      const dir = tempDir('dupes');
      const out = path.join(dir, 'out');

      const run = await fetchList(writeList(dir, 'list.txt', [server.url('/a/report.pdf'), server.url('/b/report.pdf')]), out);

      assert.equal(run.code, 0, run.describe());
      assert.deepEqual(listFiles(out), ['report (1).pdf', 'report.pdf']);
      assert.ok(readFile(out, 'report.pdf').equals(a), 'the first listed keeps the plain name');
      assert.ok(readFile(out, 'report (1).pdf').equals(b));
      assert.equal(run.item(server.url('/b/report.pdf')).path, path.join(out, 'report (1).pdf'));
    });

    it('numbers equal Content-Disposition names too', async () => {
      server.route('/same-cd/1', status(200, { 'content-disposition': 'attachment; filename="same.txt"' }, 'one\n'));
      server.route('/same-cd/2', status(200, { 'content-disposition': 'attachment; filename="same.txt"' }, 'two\n'));
      const dir = tempDir('dupes');
      const out = path.join(dir, 'out');

      const run = await fetchList(writeList(dir, 'list.txt', [server.url('/same-cd/1'), server.url('/same-cd/2')]), out);

      assert.equal(run.code, 0, run.describe());
      assert.deepEqual(listFiles(out), ['same (1).txt', 'same.txt']);
      const contents = listFiles(out).map((f) => readFile(out, f).toString()).sort();
      assert.deepEqual(contents, ['one\n', 'two\n']);
    });

    it('does not let one item\'s ".part" file clobber another item named "<name>.part"', async () => {
      server.route('/temp-names/notes', serve('I am notes\n'));
      server.route('/temp-names/notes.part', serve('I am notes.part\n'));
      const dir = tempDir('dupes');
      const out = path.join(dir, 'out');
      const list = writeList(dir, 'list.txt', [server.url('/temp-names/notes.part'), server.url('/temp-names/notes')]);

      // One job: "notes.part" is finished before "notes" starts streaming into its temporary file.
      const run = await fetchList(list, out, ['--jobs', '1']);

      assert.equal(run.code, 0, run.describe());
      for (const [route, content] of [['/temp-names/notes.part', 'I am notes.part\n'], ['/temp-names/notes', 'I am notes\n']]) {
        const item = run.item(server.url(route));
        assert.ok(item.path && fs.existsSync(item.path), `${route} is reported ok at ${item.path}, but that file is gone`);
        assert.equal(fs.readFileSync(item.path, 'utf8'), content, `${item.path} holds another item's bytes`);
      }
      assert.equal(listFiles(out).length, 2);
    });
  });

  describe('--on-existing', () => {
    const fresh = 'fresh content\n';
    before(() => server.route('/existing/keep.bin', serve(fresh)));

    /** A target folder that already holds keep.bin ("old"). */
    function folderWithExistingFile(): { dir: string; out: string } {
      const dir = tempDir('existing');
      const out = path.join(dir, 'out');
      fs.mkdirSync(out);
      fs.writeFileSync(path.join(out, 'keep.bin'), 'old\n');
      return { dir, out };
    }

    it('skip leaves the existing file untouched and reports skipped', async () => {
      const { dir, out } = folderWithExistingFile();
      const before = server.requestsTo('/existing/keep.bin').length;

      const run = await fetchList(writeList(dir, 'list.txt', [server.url('/existing/keep.bin')]), out, ['--on-existing', 'skip']);

      assert.equal(run.code, 0, run.describe());
      assert.equal(run.item(server.url('/existing/keep.bin')).status, 'skipped');
      assert.equal(readFile(out, 'keep.bin').toString(), 'old\n');
      assert.deepEqual(listFiles(out), ['keep.bin']);
      assert.equal(server.requestsTo('/existing/keep.bin').length, before, 'nothing is downloaded for a skipped file');
    });

    it('overwrite replaces the existing file', async () => {
      const { dir, out } = folderWithExistingFile();

      const run = await fetchList(writeList(dir, 'list.txt', [server.url('/existing/keep.bin')]), out, ['--on-existing', 'overwrite']);

      assert.equal(run.item(server.url('/existing/keep.bin')).status, 'ok', run.describe());
      assert.equal(readFile(out, 'keep.bin').toString(), fresh);
      assert.deepEqual(listFiles(out), ['keep.bin']);
    });

    it('skip also applies to a name the server gives in Content-Disposition', async () => {
      const { dir, out } = folderWithExistingFile();
      server.route('/existing/download', status(200, { 'content-disposition': 'attachment; filename="keep.bin"' }, fresh));

      const run = await fetchList(writeList(dir, 'list.txt', [server.url('/existing/download')]), out, ['--on-existing', 'skip']);

      assert.equal(run.item(server.url('/existing/download')).status, 'skipped', run.describe());
      assert.equal(readFile(out, 'keep.bin').toString(), 'old\n');
      assert.deepEqual(listFiles(out), ['keep.bin'], 'no .part or second copy left');
    });

    it('rename keeps the existing file and saves the new one as "keep (1).bin"', async () => {
      const { dir, out } = folderWithExistingFile();

      const run = await fetchList(writeList(dir, 'list.txt', [server.url('/existing/keep.bin')]), out, ['--on-existing', 'rename']);

      const item = run.item(server.url('/existing/keep.bin'));
      assert.equal(item.status, 'ok', run.describe());
      assert.equal(item.path, path.join(out, 'keep (1).bin'));
      assert.equal(readFile(out, 'keep.bin').toString(), 'old\n');
      assert.equal(readFile(out, 'keep (1).bin').toString(), fresh);
      assert.deepEqual(listFiles(out), ['keep (1).bin', 'keep.bin']);
    });

    // Regression: the second of two items wanting keep.bin was numbered by the batch ("keep (1).bin")
    // and then numbered again against the disk: "keep (1) (1).bin".
    it('rename numbers on from the files on disk: "keep (3).bin", never "keep (1) (1).bin"', async () => {
      const { dir, out } = folderWithExistingFile();
      fs.writeFileSync(path.join(out, 'keep (1).bin'), 'old 1\n');
      fs.writeFileSync(path.join(out, 'keep (2).bin'), 'old 2\n');

      const run = await fetchList(writeList(dir, 'list.txt', [server.url('/existing/keep.bin'), server.url('/existing/keep.bin?v=2')]), out, ['--on-existing', 'rename']);

      assert.equal(run.code, 0, run.describe());
      assert.deepEqual(listFiles(out), ['keep (1).bin', 'keep (2).bin', 'keep (3).bin', 'keep (4).bin', 'keep.bin']);
      assert.equal(readFile(out, 'keep (1).bin').toString(), 'old 1\n');
    });
  });
});
