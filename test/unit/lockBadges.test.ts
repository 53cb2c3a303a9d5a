// Files out of date against their lockfile (model/lockBadges.ts) and their place among the
// Explorer's badges (model/fileBadges.ts), without VS Code and without the worker: the check is a
// function answering with verifications the test makes.
import assert from 'node:assert/strict';
import path from 'node:path';
import { DEFAULT_OPTIONS, type BatchStats, type ItemSnapshot } from '../../src/core';
import { DownloadsModel } from '../../src/model/downloadsModel';
import { FileBadges } from '../../src/model/fileBadges';
import { LockBadges, watchFolders, type LockCheck } from '../../src/model/lockBadges';
import type { LockVerification, VerifyResult } from '../../src/worker/lockAndPlan';
import { RecordingEngine } from '../support/recordingEngine';

const DIR = path.resolve('/tmp/af-locks');
const LIST = path.join(DIR, 'assets.txt');
const LOCK = `${LIST}.lock`;
const at = (name: string) => path.join(DIR, name);
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function stats(patch: Partial<BatchStats> = {}): BatchStats {
  return { total: 0, queued: 0, active: 0, retrying: 0, ok: 0, skipped: 0, failed: 0, cancelled: 0, bytes: 0, knownTotalBytes: 0, speed: 0, elapsedMs: 0, ...patch };
}

function item(id: number, name: string, state: ItemSnapshot['state']): ItemSnapshot {
  return { id, url: `http://h/${name}`, source: `l:${id + 1}`, state, relativePath: name, bytes: 0, speed: 0, attempts: 0 };
}

/** A verification of LOCK: `changed` maps a file to [size on disk, size recorded]. */
function verification(files: { verified?: string[]; missing?: string[]; changed?: Record<string, [number, number]> }, quick = true): LockVerification {
  const changed = Object.entries(files.changed ?? {});
  return {
    lockFile: LOCK,
    report: { verified: files.verified ?? [], missing: files.missing ?? [], changed: changed.map(([p, [size]]) => ({ path: p, reason: 'differs', size })), extra: [] },
    total: (files.verified?.length ?? 0) + (files.missing?.length ?? 0) + changed.length,
    scannedForExtra: false,
    lines: {},
    recorded: Object.fromEntries(changed.map(([p, [, size]]) => [p, { url: `https://h/${p}`, size }])),
    quick,
  };
}

describe('LockBadges', () => {
  let model: DownloadsModel;
  let locks: LockBadges;
  let badges: FileBadges;
  /** The lockfiles checked, in order. */
  let checks: string[];
  /** The files each check was told to hash whatever their time. */
  let hashed: string[][];
  /** What the next checks answer (the last one is repeated). */
  let answers: VerifyResult[];
  let outcomes: LockCheck['outcome'][];
  let announced: string[];

  beforeEach(() => {
    model = new DownloadsModel(new RecordingEngine());
    checks = [];
    hashed = [];
    answers = [{ verification: verification({ verified: ['a.png', 'b.png'] }) }];
    locks = new LockBadges(
      model,
      async (lockFile, changed) => {
        checks.push(lockFile);
        hashed.push(changed);
        return answers.length > 1 ? answers.shift()! : answers[0];
      },
      20,
    );
    badges = new FileBadges(model, 5, locks);
    outcomes = [];
    locks.onDidCheck((c) => outcomes.push(c.outcome));
    announced = [];
    badges.onDidChange((files) => announced.push(...files));
  });

  afterEach(() => {
    badges.dispose();
    locks.dispose();
  });

  /** Until `n` checks have ended (each waits for its throttle). */
  async function checked(n: number): Promise<void> {
    for (let i = 0; i < 100 && outcomes.length < n; i++) await wait(10);
    assert.equal(outcomes.length, n, `${n} checks ended: ${JSON.stringify(outcomes)}`);
    await wait(15); // FileBadges' coalescing
  }

  it('checks a tracked lockfile once for a burst of events on its files, and not for other files', async () => {
    locks.track(LOCK);
    locks.fileChanged(at('a.png'));
    await checked(1);
    assert.deepEqual(checks, [LOCK]);
    // Its files are known now: an event on one of them checks again, once for the burst.
    for (let i = 0; i < 20; i++) locks.fileChanged(at(i % 2 ? 'a.png' : 'b.png'));
    locks.fileChanged(LOCK);
    locks.fileChanged(at('unrelated.txt'));
    await checked(2);
    assert.equal(checks.length, 2);
    locks.fileChanged(at('unrelated.txt'));
    locks.fileChanged(at('a.png.part'));
    await wait(60);
    assert.equal(checks.length, 2, 'a file the lockfile does not list checks nothing');
    assert.deepEqual(locks.foldersOf(LOCK), [{ path: DIR, recursive: false }]);
    // The lockfile now lists another file (a batch added it): an event on that one checks too.
    answers = [{ verification: verification({ verified: ['a.png', 'b.png', 'img/new.png'] }) }];
    locks.fileChanged(LOCK);
    await checked(3);
    locks.fileChanged(at('img/new.png'));
    await checked(4);
    assert.equal(checks.length, 4);
    assert.deepEqual(locks.foldersOf(LOCK), [{ path: DIR, recursive: true }]);
  });

  it('badges a changed file (over "downloaded") and the list (under its failures), and takes them away when the files are back', async () => {
    // A batch of the list downloaded a.png and b.png, c.png failed.
    const batch = model.start({ title: 'assets.txt', text: '', listPath: LIST, options: { ...DEFAULT_OPTIONS, targetDir: DIR, lockfile: { file: LOCK, prune: true } } });
    model.receive({ type: 'started', batchId: batch.id, items: [0, 1, 2].map((i) => item(i, `${'abc'[i]}.png`, 'queued')), stats: stats({ total: 3, queued: 3 }), warnings: [], formatReason: 'a URL list', formatGuessed: false });
    model.receive({ type: 'update', batchId: batch.id, update: { stats: stats({ total: 3, ok: 2, failed: 1 }), changed: [item(0, 'a.png', 'ok'), item(1, 'b.png', 'ok'), item(2, 'c.png', 'failed')], logs: [], done: false } });
    assert.equal(badges.badgeOf(at('a.png'))?.kind, 'downloaded');
    await wait(15);
    announced.length = 0;
    answers = [{ verification: verification({ changed: { 'a.png': [1234, 1000] }, missing: ['b.png'] }) }];
    model.receive({ type: 'finished', batchId: batch.id, stats: stats({ total: 3, ok: 2, failed: 1 }) });
    await checked(1);
    assert.ok(locks.isTracked(LOCK), 'a batch that writes a lockfile makes it tracked');
    const a = badges.badgeOf(at('a.png'));
    assert.equal(a?.kind, 'changed', 'changed wins over downloaded');
    assert.deepEqual(a?.kind === 'changed' && a.changed, { file: at('a.png'), lockFile: LOCK, key: 'a.png', url: 'https://h/a.png', size: 1234, recordedSize: 1000 });
    assert.equal(badges.badgeOf(LIST)?.kind, 'failed', 'the failures win over "out of date"');
    // (The list also had its failures announced.)
    assert.deepEqual([...new Set(announced)].sort(), [LIST, at('a.png')].sort());
    assert.deepEqual(locks.outOfDate(LIST), { lockFile: LOCK, listFile: LIST, changed: 1, missing: 1 });

    // A list without failures shows "out of date".
    model.remove(batch);
    const list = badges.badgeOf(LIST);
    assert.deepEqual(list?.kind === 'outOfDate' && list.outOfDate, { lockFile: LOCK, listFile: LIST, changed: 1, missing: 1 });

    // The files are back: both badges go, and are announced. The next check hashes a.png,
    // known changed, whatever its time.
    await wait(15);
    announced.length = 0;
    answers = [{ verification: verification({ verified: ['a.png', 'b.png'] }) }];
    locks.fileChanged(at('b.png'));
    await checked(2);
    assert.deepEqual(hashed, [[], ['a.png']]);
    assert.equal(badges.badgeOf(at('a.png')), undefined);
    assert.equal(badges.badgeOf(LIST), undefined);
    assert.deepEqual([...new Set(announced)].sort(), [LIST, at('a.png')].sort());
  });

  it('does not check while a batch of the list runs; checks once it finishes', async () => {
    locks.track(LOCK);
    await checked(1);
    const batch = model.start({ title: 'assets.txt', text: '', listPath: LIST, options: { ...DEFAULT_OPTIONS, targetDir: DIR } });
    model.receive({ type: 'started', batchId: batch.id, items: [item(0, 'a.png', 'active')], stats: stats({ total: 1, active: 1 }), warnings: [], formatReason: 'a URL list', formatGuessed: false });
    for (let i = 0; i < 5; i++) {
      locks.fileChanged(at('a.png'));
      locks.fileChanged(LOCK);
      await wait(25);
    }
    assert.deepEqual(checks, [LOCK], 'no check while its files are mid-write');
    assert.ok(outcomes.includes('deferred'));
    model.receive({ type: 'finished', batchId: batch.id, stats: stats({ total: 1, ok: 1 }) });
    for (let i = 0; i < 50 && checks.length < 2; i++) await wait(10);
    assert.equal(checks.length, 2, 'checked once the run ended');
  });

  it('drops a file that is not a lockfile (yarn.lock), silently: no badge, no more checks', async () => {
    answers = [{ problem: { code: 'LOCKFILE', message: 'not a version 1 lockfile' } }];
    const yarn = path.join(DIR, 'yarn.lock');
    locks.track(yarn);
    await checked(1);
    assert.deepEqual(outcomes, ['dropped']);
    assert.equal(locks.isTracked(yarn), false);
    assert.equal(badges.badgeOf(path.join(DIR, 'yarn')), undefined);
    locks.fileChanged(yarn);
    await wait(60);
    assert.equal(checks.length, 1);
    assert.deepEqual(announced, []);
  });

  it('takes a full verification as it is: a quick check sent before it does not overwrite it', async () => {
    let answer!: (result: VerifyResult) => void;
    const slow = new LockBadges(model, () => new Promise((resolve) => (answer = resolve)), 5);
    try {
      slow.track(LOCK);
      await wait(30); // the quick check is under way
      slow.apply(verification({ verified: ['a.png'], changed: { 'b.png': [10, 10] } }, false));
      answer({ verification: verification({ verified: ['a.png', 'b.png'] }) });
      await wait(10);
      assert.equal(slow.changedFile(at('b.png'))?.size, 10, 'the full check found b.png changed');
    } finally {
      slow.dispose();
    }
  });

  it('knows the files of a lockfile wherever they are: beside it, below it, in a folder beside its own', async () => {
    answers = [{ verification: verification({ verified: ['a.png', 'img/b.png', 'img/./x//c.png', '../out/d.png'] }) }];
    locks.track(LOCK);
    await checked(1);
    assert.deepEqual(locks.foldersOf(LOCK), [
      { path: path.resolve(DIR, '../out'), recursive: false },
      { path: DIR, recursive: true },
    ]);
    for (const file of [at('img/x/c.png'), path.resolve(DIR, '../out/d.png')]) {
      locks.fileChanged(file);
      await checked(outcomes.length + 1);
    }
    assert.equal(checks.length, 3, 'an event on each checks again');
  });

  it('watches the fewest folders: nested ones recursively from their parent, a common folder past 16', () => {
    assert.deepEqual(watchFolders([DIR, at('img'), at('img/x'), path.resolve('/srv/out'), DIR]), [
      { path: path.resolve('/srv/out'), recursive: false },
      { path: DIR, recursive: true },
    ]);
    const many = Array.from({ length: 20 }, (_, i) => path.join(DIR, `d${i}`));
    assert.deepEqual(watchFolders(many), [{ path: DIR, recursive: true }]);
  });
});
