// Segmented downloads against a real server that caps each connection's rate and serves ranges:
// the parts are assembled byte-exact in place, a killed run continues with range requests for what
// is missing only, a server that ignores ranges or changes the file mid-way ends in a whole correct
// file, mirrors serve parts, and fast or small downloads are not split.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import type { Segment } from '../../src/core/partFile';
import { payload, sha256 } from '../support/hostileServer';
import { startRangeServer, type RangeServer } from '../support/rangeServer';
import { fetchList, readFile, runCli, useTempDirs, writeList } from '../support/run';

const MiB = 1024 * 1024;

describe('segmented downloads (integration)', function () {
  this.timeout(30_000);
  const tempDir = useTempDirs();
  const servers: RangeServer[] = [];
  afterEach(() => Promise.all(servers.splice(0).map((s) => s.close())));

  async function server(body: Buffer, options: Parameters<typeof startRangeServer>[1]): Promise<RangeServer> {
    const s = await startRangeServer(body, options);
    servers.push(s);
    return s;
  }

  /** Ranges requested after the first (whole-file) request, as [start, end] pairs. */
  function ranges(s: RangeServer): Array<[number, number]> {
    return s.requests.filter((r) => r.range).map((r) => {
      const [, a, b] = /^bytes=(\d+)-(\d*)$/.exec(r.range!)!;
      return [Number(a), Number(b)];
    });
  }

  it('splits a slow large download into ranges over more connections and assembles them byte-exact', async () => {
    const data = payload(12 * MiB);
    const s = await server(data, { rate: 3 * MiB });
    const dir = tempDir('split');
    const out = path.join(dir, 'out');
    const run = await fetchList(writeList(dir, 'l.txt', [s.url()]), out);

    assert.equal(run.code, 0, run.describe());
    assert.equal(sha256(readFile(out, 'file.bin')), sha256(data));
    const parts = ranges(s);
    assert.ok(parts.length >= 2, `ranges requested: ${JSON.stringify(parts)}`);
    assert.ok(s.requests.filter((r) => r.range).every((r) => r.ifRange === '"v1"' && r.status === 206), 'each range is validated with If-Range');
    // The ranges and the first connection's share cover the file once, without overlap.
    const sorted = parts.sort((x, y) => x[0] - y[0]);
    for (let i = 1; i < sorted.length; i++) assert.equal(sorted[i][0], sorted[i - 1][1] + 1, 'ranges are contiguous');
    assert.equal(sorted.at(-1)![1], data.length - 1);
    assert.deepEqual(fs.readdirSync(out), ['file.bin'], 'no .part or .part.meta left');
  });

  it('splits once a connection that started fast slows down (a burst, then the cap)', async () => {
    const data = payload(24 * MiB);
    // 6 MiB at full speed (faster than any split would be), then 2 MiB/s: 9 s on one connection.
    const s = await server(data, { rate: 2 * MiB, burstBytes: 6 * MiB });
    const dir = tempDir('burst');
    const out = path.join(dir, 'out');
    const run = await fetchList(writeList(dir, 'l.txt', [s.url()]), out);

    assert.equal(run.code, 0, run.describe());
    assert.equal(sha256(readFile(out, 'file.bin')), sha256(data));
    assert.ok(ranges(s).length >= 2, `ranges requested after the burst: ${JSON.stringify(ranges(s))}`);
  });

  it('continues a killed segmented run with range requests for the missing bytes only', async () => {
    const data = payload(16 * MiB);
    // Slow enough that the kill, after the first progress save (1 s in), lands mid-download:
    // at 2 MiB/s per connection a fast machine finished the file first.
    const s = await server(data, { rate: 1 * MiB });
    const dir = tempDir('killed');
    const out = path.join(dir, 'out');
    const list = writeList(dir, 'l.txt', [s.url()]);
    const meta = path.join(out, 'file.bin.part.meta');
    const segmentsOnDisk = (): Segment[] | undefined => {
      try {
        return (JSON.parse(fs.readFileSync(meta, 'utf8')) as { segments?: Segment[] }).segments;
      } catch {
        return undefined;
      }
    };
    await runCli(['--dir', out, list], {
      onSpawn: (child) =>
        void waitUntil(() => (segmentsOnDisk()?.filter((x) => x.done > 0).length ?? 0) >= 3).then(() => child.kill('SIGKILL')),
    });
    const kept = segmentsOnDisk();
    assert.ok(kept, 'the killed run left its segments in .part.meta (it was killed before it finished)');
    const before = s.requests.length;

    const second = await fetchList(list, out);

    assert.equal(second.code, 0, second.describe());
    assert.equal(sha256(readFile(out, 'file.bin')), sha256(data), 'byte-exact after the resume');
    const resumed = s.requests.slice(before);
    const missing = kept.filter((x) => x.done < x.end - x.start).map((x) => `bytes=${x.start + x.done}-${x.end - 1}`);
    assert.ok(missing.length > 0, 'something was left to resume');
    assert.deepEqual(resumed.map((r) => r.range).sort(), missing.sort(), 'one range per unfinished segment, from where it stopped');
    assert.ok(resumed.every((r) => r.status === 206));
  });

  it('downloads in one piece again when a server answers ranges with the whole file', async () => {
    const data = payload(12 * MiB);
    const s = await server(data, { rate: 3 * MiB, ignoreRanges: true });
    const dir = tempDir('ignored');
    const out = path.join(dir, 'out');
    const run = await fetchList(writeList(dir, 'l.txt', [s.url()]), out);

    assert.equal(run.code, 0, run.describe());
    assert.equal(sha256(readFile(out, 'file.bin')), sha256(data));
    assert.match(run.result.stderr, /answered a range request with HTTP 200.*downloading it again in one piece/);
    assert.equal(s.requests.at(-1)!.range, undefined, 'the last attempt is one plain request');
  });

  it('starts over when the file changes between parts (If-Range), and saves the new file whole', async () => {
    const first = payload(12 * MiB);
    const second = payload(12 * MiB);
    // The file changes as soon as the first request is answered: every range then fails If-Range.
    // (Changed by a poll, it came after the ranges once splitting started after 20 ms.)
    const s = await server(first, { rate: 3 * MiB, changeAfterFirst: second });
    const dir = tempDir('changed');
    const out = path.join(dir, 'out');
    const run = await fetchList(writeList(dir, 'l.txt', [s.url()]), out);

    assert.equal(run.code, 0, run.describe());
    assert.equal(sha256(readFile(out, 'file.bin')), sha256(second), 'the new version, not a mix');
    assert.ok(s.requests.some((r) => r.ifRange === '"v1"' && r.status === 200), 'a range was refused by If-Range');
  });

  it('fetches ranges from the mirrors of the list line too, without the first server\'s validator', async () => {
    const data = payload(12 * MiB);
    const a = await server(data, { rate: 2 * MiB, host: '127.0.0.1' });
    const b = await server(data, { rate: 2 * MiB, host: '127.0.0.2' });
    const dir = tempDir('mirrors');
    const out = path.join(dir, 'out');
    const run = await fetchList(writeList(dir, 'l.txt', [`${a.url()}\t${b.url()}`]), out);

    assert.equal(run.code, 0, run.describe());
    assert.equal(sha256(readFile(out, 'file.bin')), sha256(data));
    assert.ok(b.requests.length >= 1 && b.requests.every((r) => r.range && r.ifRange === undefined && r.status === 206), JSON.stringify(b.requests));
    assert.ok(a.requests.some((r) => r.range), 'the listed server serves ranges too');
  });

  it('does not split a fast download, a small file, a server without Accept-Ranges, or with --split 1', async () => {
    const big = payload(12 * MiB);
    const cases: Array<[string, Buffer, Parameters<typeof startRangeServer>[1], string[]]> = [
      ['fast', big, { rate: 1024 * MiB }, []],
      ['small', payload(3 * MiB), { rate: 1 * MiB }, []],
      ['no Accept-Ranges', big, { rate: 4 * MiB, acceptRanges: false }, []],
      ['--split 1', big, { rate: 4 * MiB }, ['--split', '1']],
    ];
    for (const [name, body, options, args] of cases) {
      const s = await server(body, options);
      const dir = tempDir('nosplit');
      const out = path.join(dir, 'out');
      const run = await fetchList(writeList(dir, 'l.txt', [s.url()]), out, args);
      assert.equal(run.code, 0, `${name}: ${run.describe()}`);
      assert.equal(sha256(readFile(out, 'file.bin')), sha256(body), name);
      assert.deepEqual(s.requests.map((r) => r.range), [undefined], `${name}: one plain request`);
    }
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
