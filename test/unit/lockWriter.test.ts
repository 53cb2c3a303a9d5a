// The lockfile writer and the download plan of src/core, which the CLI (--lock, --frozen,
// --dry-run) and the extension's worker (assetFetch.lockfile, Preview Download) share.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { planDownload } from '../../src/core/downloadPlan';
import { readLock } from '../../src/core/lockfile';
import { freezeEntries, LockWriter } from '../../src/core/lockWriter';
import type { BatchStats, BatchUpdate, ItemSnapshot, ListEntry } from '../../src/core/types';

const STATS = {} as BatchStats;
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

function okItem(id: number, relativePath: string, bytes: number, extra: Partial<ItemSnapshot> = {}): ItemSnapshot {
  return { id, url: `http://h/${relativePath}`, source: `l:${id}`, state: 'ok', relativePath, bytes, speed: 0, attempts: 1, ...extra };
}

function update(...changed: ItemSnapshot[]): BatchUpdate {
  return { stats: STATS, changed, logs: [], done: false };
}

async function until(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('LockWriter (core)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lockwriter-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('records finished files relative to the lockfile, keeps the validators for refresh, and drops unproduced entries only when asked', async () => {
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    fs.writeFileSync(path.join(out, 'a.txt'), 'aaa');
    const lockFile = path.join(dir, 'list.txt.lock');
    fs.writeFileSync(lockFile, JSON.stringify({ lockfileVersion: 1, files: { 'out/old.txt': { url: 'http://h/old', size: 1, sha256: sha('o'), etag: '"o"' } } }));
    const writer = await LockWriter.open(lockFile, out);
    assert.deepEqual(writer.knownValidators(), { 'old.txt': { etag: '"o"', lastModified: undefined } });

    writer.update(update(okItem(0, 'a.txt', 3, { etag: '"a"' })));
    await writer.finish(false);
    assert.deepEqual(Object.keys((await readLock(lockFile))!.files), ['out/a.txt', 'out/old.txt'], 'an incomplete run keeps the old entry');
    assert.deepEqual((await readLock(lockFile))!.files['out/a.txt'], { url: 'http://h/a.txt', size: 3, sha256: sha('aaa'), etag: '"a"' });

    await writer.finish(true);
    assert.deepEqual(Object.keys((await readLock(lockFile))!.files), ['out/a.txt'], 'a complete run drops what it did not produce');
  });

  it('after a finished run, a later run of the same batch (a retry) is written as its files finish', async () => {
    const lockFile = path.join(dir, 'l.lock');
    fs.writeFileSync(path.join(dir, 'a.txt'), 'a');
    fs.writeFileSync(path.join(dir, 'b.txt'), 'bb');
    const writer = await LockWriter.open(lockFile, dir);
    writer.update(update(okItem(0, 'a.txt', 1)));
    await writer.finish(false);
    writer.update(update(okItem(1, 'b.txt', 2)));
    // Without finish(): the periodic rewrite must pick it up.
    await until(async () => 'b.txt' in ((await readLock(lockFile))?.files ?? {}), 'b.txt in the lockfile');
    await writer.finish(true);
  });

  it('freezeEntries gives listed entries the locked sha-256 and fails the others, naming the lockfile', async () => {
    const lockFile = path.join(dir, 'l.lock');
    fs.writeFileSync(lockFile, JSON.stringify({ lockfileVersion: 1, files: { 'a.bin': { url: 'http://h/a.bin', size: 1, sha256: sha('a') } } }));
    const entries: ListEntry[] = [
      { file: 'l', line: 1, raw: 'http://h/a.bin', url: 'http://h/a.bin' },
      { file: 'l', line: 2, raw: 'http://h/b.bin', url: 'http://h/b.bin' },
    ];
    await freezeEntries(entries, lockFile);
    assert.deepEqual(entries[0].checksum, { algorithm: 'sha-256', hex: sha('a') });
    assert.equal(entries[1].url, undefined);
    assert.match(entries[1].error!, /^line 2: http:\/\/h\/b\.bin is not in .*l\.lock/);
  });
});

describe('planDownload (core)', () => {
  it('numbers duplicates in list order, checks the disk per onExisting, and writes nothing', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'plan-'));
    try {
      fs.writeFileSync(path.join(dir, 'logo.png'), 'x');
      const entries: ListEntry[] = [
        { file: 'l', line: 1, raw: 'http://a/logo.png', url: 'http://a/logo.png' },
        { file: 'l', line: 2, raw: 'http://b/logo.png', url: 'http://b/logo.png' },
        { file: 'l', line: 3, raw: 'prose', error: 'line 3: not a URL: "prose"' },
      ];
      const target = path.join(dir, 'not-yet');
      const inMissing = await planDownload(entries, { dir: target, onExisting: 'skip' });
      assert.deepEqual(inMissing.map((i) => [i.action, i.path && path.basename(i.path)]), [['download', 'logo.png'], ['download', 'logo (1).png'], ['failed', null]]);
      assert.equal(fs.existsSync(target), false, 'no folder created');

      const actions = async (onExisting: 'skip' | 'overwrite' | 'refresh' | 'rename') => (await planDownload(entries.slice(0, 1), { dir, onExisting })).map((i) => [i.action, path.basename(i.path!)]);
      assert.deepEqual(await actions('skip'), [['skip', 'logo.png']]);
      assert.deepEqual(await actions('overwrite'), [['overwrite', 'logo.png']]);
      assert.deepEqual(await actions('refresh'), [['refresh-check', 'logo.png']]);
      assert.deepEqual(await actions('rename'), [['rename', 'logo (1).png']]);
      assert.deepEqual(fs.readdirSync(dir), ['logo.png']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
