// Resuming across runs: a failed run leaves `<name>.part` + `<name>.part.meta`; the next run
// continues with Range + If-Range, and falls back to the whole file when the entity changed.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { misplacedRange, partialBody, payload, serve, sequence, sha256, startHostileServer, status, type HostileServer, type ServeOptions } from '../support/hostileServer';
import { fetchList, listFiles, readFile, runCli, useTempDirs, writeList, type CliRun } from '../support/run';

const MiB = 1024 * 1024;
/** A first run that gives up quickly on a stalled body. */
const IMPATIENT = ['--timeout', '0.5', '--retries', '0'];

describe('resume across runs (integration)', () => {
  let server: HostileServer;
  const tempDir = useTempDirs();

  before(async () => {
    server = await startHostileServer();
  });
  after(() => server.close());

  /** A list with the one URL `route`, and the folder to download into. */
  function setUp(route: string): { list: string; out: string } {
    const dir = tempDir('resume');
    return { list: writeList(dir, 'list.txt', [server.url(route)]), out: path.join(dir, 'out') };
  }

  /** First run: the server stalls after `cut` bytes; returns the run. */
  async function interruptedRun(route: string, data: Buffer, cut: number, validators: ServeOptions, list: string, out: string): Promise<CliRun> {
    server.route(route, partialBody(data, cut, 'stall', validators));
    const run = await fetchList(list, out, IMPATIENT);
    assert.equal(run.item(server.url(route)).status, 'failed', run.describe());
    return run;
  }

  // Small bodies and bodies of several MiB take different paths to the disk.
  for (const { label, size, cut } of [
    { label: '1,000-byte', size: 1000, cut: 500 },
    { label: '3 MiB', size: 3 * MiB, cut: 2 * MiB },
  ]) {
    describe(`a ${label} file`, () => {
      it('keeps .part and .part.meta after a stall, then continues with Range + If-Range', async () => {
        const route = `/resume/${size}/same.bin`;
        const data = payload(size);
        const { list, out } = setUp(route);

        await interruptedRun(route, data, cut, { etag: '"r1"' }, list, out);

        assert.deepEqual(listFiles(out), ['same.bin.part', 'same.bin.part.meta']);
        assert.ok(readFile(out, 'same.bin.part').equals(data.subarray(0, cut)), 'the .part holds the bytes received');

        server.route(route, serve(data, { etag: '"r1"' }));
        const second = await fetchList(list, out);

        assert.equal(second.item(server.url(route)).status, 'ok', second.describe());
        const resumed = server.requestsTo(route).at(-1)!;
        assert.equal(resumed.headers.range, `bytes=${cut}-`);
        assert.equal(resumed.headers['if-range'], '"r1"');
        assert.deepEqual(listFiles(out), ['same.bin']);
        assert.equal(sha256(readFile(out, 'same.bin')), sha256(data));
      });

      it('downloads the whole new file when the ETag changed between runs', async () => {
        const route = `/resume/${size}/changed.bin`;
        const before = payload(size);
        const after = payload(size);
        const { list, out } = setUp(route);

        await interruptedRun(route, before, cut, { etag: '"old"' }, list, out);
        assert.deepEqual(listFiles(out), ['changed.bin.part', 'changed.bin.part.meta']);

        server.route(route, serve(after, { etag: '"new"' }));
        const second = await fetchList(list, out);

        assert.equal(second.item(server.url(route)).status, 'ok', second.describe());
        assert.equal(server.requestsTo(route).at(-1)!.headers['if-range'], '"old"', 'the old validator was offered');
        assert.deepEqual(listFiles(out), ['changed.bin']);
        assert.equal(sha256(readFile(out, 'changed.bin')), sha256(after), 'the new entity, not old bytes + new bytes');
      });
    });
  }

  it('uses Last-Modified for If-Range when there is no ETag', async () => {
    const route = '/resume/last-modified.bin';
    const data = payload(3 * MiB);
    const lastModified = 'Wed, 21 Oct 2015 07:28:00 GMT';
    const { list, out } = setUp(route);

    await interruptedRun(route, data, 2 * MiB, { lastModified }, list, out);
    server.route(route, serve(data, { lastModified }));
    const second = await fetchList(list, out);

    assert.equal(second.item(server.url(route)).status, 'ok', second.describe());
    const resumed = server.requestsTo(route).at(-1)!;
    assert.equal(resumed.headers.range, `bytes=${2 * MiB}-`);
    assert.equal(resumed.headers['if-range'], lastModified);
    assert.equal(sha256(readFile(out, 'last-modified.bin')), sha256(data));
  });

  it('does not keep a partial file validated only by a weak ETag', async () => {
    const route = '/resume/weak.bin';
    const { list, out } = setUp(route);

    await interruptedRun(route, payload(3 * MiB), 2 * MiB, { etag: 'W/"weak"' }, list, out);

    assert.deepEqual(listFiles(out), [], 'a weak validator cannot make a byte range safe');
  });

  it('finishes a .part that already holds the whole file when the server answers 416', async () => {
    const route = '/resume/complete.bin';
    const data = payload(2 * MiB);
    const { list, out } = setUp(route);

    // Chunked: every byte arrives, but the terminating chunk never does.
    await interruptedRun(route, data, data.length, { etag: '"c1"', chunked: true }, list, out);
    assert.equal(fs.statSync(path.join(out, 'complete.bin.part')).size, data.length);

    server.route(route, serve(data, { etag: '"c1"' }));
    const second = await fetchList(list, out);

    assert.equal(second.item(server.url(route)).status, 'ok', second.describe());
    assert.equal(server.requestsTo(route).at(-1)!.headers.range, `bytes=${data.length}-`);
    assert.deepEqual(listFiles(out), ['complete.bin']);
    assert.equal(sha256(readFile(out, 'complete.bin')), sha256(data));
  });

  it('keeps the .part of an earlier run when a later run fails before any body arrives', async () => {
    const route = '/resume/kept.bin';
    const data = payload(3 * MiB);
    const { list, out } = setUp(route);
    await interruptedRun(route, data, 2 * MiB, { etag: '"k1"' }, list, out);
    assert.deepEqual(listFiles(out), ['kept.bin.part', 'kept.bin.part.meta']);

    // Second run: the server is overloaded and never sends a byte of the body.
    server.route(route, status(503));
    const second = await fetchList(list, out, ['--retries', '0']);
    assert.equal(second.item(server.url(route)).status, 'failed');
    assert.deepEqual(listFiles(out), ['kept.bin.part', 'kept.bin.part.meta'], 'a 503 must not throw away 2 MiB already downloaded');

    // Third run: healthy again, and it still resumes.
    server.route(route, serve(data, { etag: '"k1"' }));
    const third = await fetchList(list, out);
    assert.equal(third.item(server.url(route)).status, 'ok', third.describe());
    assert.equal(server.requestsTo(route).at(-1)!.headers.range, `bytes=${2 * MiB}-`);
    assert.equal(sha256(readFile(out, 'kept.bin')), sha256(data));
  });

  it('never appends a 206 that starts at the wrong byte', async () => {
    const route = '/resume/misplaced.bin';
    const data = payload(1000);
    const { list, out } = setUp(route);
    await interruptedRun(route, data, 500, { etag: '"m1"' }, list, out);

    // Asked for bytes=500-, the server sends bytes 0-999 as a 206; the retry gets a plain 200.
    server.route(route, sequence(misplacedRange(data, { etag: '"m1"' }), serve(data, { etag: '"m1"', ranges: false })));
    const second = await fetchList(list, out, ['--retries', '1']);

    assert.equal(second.item(server.url(route)).status, 'ok', second.describe());
    assert.equal(server.requestsTo(route).at(-2)!.headers.range, 'bytes=500-');
    assert.equal(sha256(readFile(out, 'misplaced.bin')), sha256(data), 'not 500 old bytes followed by the whole file');
  });

  it('finishes (and exits) after rejecting a large 206 that starts at the wrong byte', async () => {
    const route = '/resume/misplaced-large.bin';
    const data = payload(8 * MiB);
    const { list, out } = setUp(route);
    await interruptedRun(route, data, 2 * MiB, { etag: '"m2"' }, list, out);

    server.route(route, sequence(misplacedRange(data, { etag: '"m2"' }), serve(data, { etag: '"m2"', ranges: false })));
    // The rejected 206 body is far larger than socket buffers: unless the engine aborts it, that
    // response stays half-read and closing the connection pool never completes.
    const result = await runCli(['--json', '--dir', out, '--retries', '1', '--timeout', '2', list], { killAfterMs: 10_000 });

    assert.equal(result.code, 0, result.stderr);
    assert.equal(result.json?.items[0].status, 'ok');
    assert.equal(sha256(readFile(out, 'misplaced-large.bin')), sha256(data));
  });

  it('verifies an aria2 checksum over the resumed file as a whole', async () => {
    const good = payload(1000);
    const dir = tempDir('resume-checksum');
    const out = path.join(dir, 'out');
    const list = writeList(dir, 'list.txt', [
      server.url('/resume/sum-good.bin'),
      `  checksum=sha-256=${sha256(good)}`,
      server.url('/resume/sum-bad.bin'),
      `  checksum=sha-256=${sha256(good)}`,
    ]);
    const bad = payload(1000);
    server.route('/resume/sum-good.bin', partialBody(good, 500, 'stall', { etag: '"g"' }));
    server.route('/resume/sum-bad.bin', partialBody(bad, 500, 'stall', { etag: '"b"' }));
    await fetchList(list, out, IMPATIENT);
    assert.deepEqual(listFiles(out), ['sum-bad.bin.part', 'sum-bad.bin.part.meta', 'sum-good.bin.part', 'sum-good.bin.part.meta']);

    server.route('/resume/sum-good.bin', serve(good, { etag: '"g"' }));
    server.route('/resume/sum-bad.bin', serve(bad, { etag: '"b"' }));
    const second = await fetchList(list, out);

    assert.equal(second.item(server.url('/resume/sum-good.bin')).status, 'ok', second.describe());
    assert.equal(server.requestsTo('/resume/sum-good.bin').at(-1)!.headers.range, 'bytes=500-', 'it did resume');
    const mismatch = second.item(server.url('/resume/sum-bad.bin'));
    assert.equal(mismatch.status, 'failed');
    assert.match(mismatch.error ?? '', /checksum/);
    assert.deepEqual(listFiles(out), ['sum-good.bin'], 'a file failing its checksum leaves nothing, not even a .part');
  });

  it('never leaves a hole in a file resumed after a reset while chunks were waiting for the disk', async () => {
    // Large bodies reset mid-way: data that arrived but was not yet written when the connection
    // broke must not be counted as on disk, or the retry resumes past a gap of zero bytes.
    const files = Array.from({ length: 6 }, (_, i) => ({ route: `/resume/burst/${i}.bin`, data: payload(16 * MiB), etag: `"b${i}"` }));
    for (const { route, data, etag } of files) {
      server.route(route, sequence(partialBody(data, 12 * MiB, 'reset', { etag }), serve(data, { etag })));
    }
    const dir = tempDir('burst');
    const out = path.join(dir, 'out');

    const run = await fetchList(writeList(dir, 'list.txt', files.map((f) => server.url(f.route))), out, ['--retries', '2', '--jobs', '6']);

    for (const { route, data } of files) {
      assert.equal(run.item(server.url(route)).status, 'ok', run.describe());
      assert.equal(sha256(readFile(out, path.basename(route))), sha256(data), `${route} is corrupted`);
    }
  });

  it('continues the .part of a run that was killed (no chance to tidy up)', async () => {
    // Downloads of 4 MiB or more write their resume record before the body, for exactly this case.
    const route = '/resume/killed.bin';
    const data = payload(6 * MiB);
    const { list, out } = setUp(route);
    server.route(route, partialBody(data, 5 * MiB, 'stall', { etag: '"k1"' }));
    const part = path.join(out, 'killed.bin.part');
    const meta = `${part}.meta`;

    await runCli(['--dir', out, list], {
      // The record is written before the .part exists: a bare statSync could throw here, and the
      // stalled run would then never be killed.
      onSpawn: (child) => void waitUntil(() => fs.existsSync(meta) && (fs.statSync(part, { throwIfNoEntry: false })?.size ?? 0) >= 4 * MiB).then(() => child.kill('SIGKILL')),
    });
    const kept = fs.statSync(part).size;

    server.route(route, serve(data, { etag: '"k1"' }));
    const second = await fetchList(list, out);

    assert.equal(second.item(server.url(route)).status, 'ok', second.describe());
    assert.equal(server.requestsTo(route).at(-1)!.headers.range, `bytes=${kept}-`);
    assert.deepEqual(listFiles(out), ['killed.bin']);
    assert.equal(sha256(readFile(out, 'killed.bin')), sha256(data));
  });
});

/** Polls the file system until `condition` holds (bounded, so a broken build fails, not hangs). */
async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
