import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { lockKey, readLock, serializeLock, verifyLock, writeLockSync, type Lockfile } from '../../src/core/lockfile';
import { verifyLockFile } from '../../src/worker/lockAndPlan';

const SHA = 'a'.repeat(64);

describe('lockfile', () => {
  it('serialises paths sorted and fields in one order, whatever order they were added in', () => {
    const a: Lockfile = { lockfileVersion: 1, files: { 'b.png': { lastModified: 'x', sha256: SHA, size: 2, url: 'u2' } as never, 'a.png': { url: 'u1', size: 1, sha256: SHA } } };
    const text = serializeLock(a);
    assert.equal(
      text,
      `{\n  "lockfileVersion": 1,\n  "files": {\n    "a.png": {\n      "url": "u1",\n      "size": 1,\n      "sha256": "${SHA}"\n    },\n    "b.png": {\n      "url": "u2",\n      "size": 2,\n      "sha256": "${SHA}",\n      "lastModified": "x"\n    }\n  }\n}\n`,
    );
  });

  it('keys are relative to the lockfile, with "/" separators', () => {
    assert.equal(lockKey('/w/lists/a.txt.lock', '/w/lists/out/img/x.png'), 'out/img/x.png');
    assert.equal(lockKey('/w/lists/a.txt.lock', '/w/assets/x.png'), '../assets/x.png');
  });

  it('reads a lockfile back, none when missing, and names a broken one', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lock-'));
    try {
      const file = path.join(dir, 'l.lock');
      assert.equal(await readLock(file), undefined);
      fs.writeFileSync(file, serializeLock({ lockfileVersion: 1, files: { 'a.png': { url: 'u', size: 1, sha256: SHA } } }));
      assert.equal((await readLock(file))!.files['a.png'].size, 1);
      fs.writeFileSync(file, '{"lockfileVersion":1,"files":{"a.png":{"url":"u","size":1,"sha256":"nope"}}}');
      await assert.rejects(readLock(file), /l\.lock: the entry for "a\.png" has no valid size and sha256/);
      fs.writeFileSync(file, 'not json');
      await assert.rejects(readLock(file), /l\.lock is not a lockfile/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  describe('verifyLock quick (the Explorer badges)', () => {
    let dir: string;
    let lockFile: string;
    const sha256 = (data: string) => createHash('sha256').update(data).digest('hex');
    /** Seconds since the epoch: the lockfile's time, files before or after it. */
    const T = Math.floor(Date.now() / 1000);
    const setTime = (file: string, seconds: number) => fs.utimesSync(file, seconds, seconds);
    const CONTENT: Record<string, string> = { 'same.bin': 'aaaa', 'old-edit.bin': 'bbbb', 'new-edit.bin': 'cccc', 'resized.bin': 'dddd', 'gone.bin': 'eeee', 'touched.bin': 'ffff', 'sub/deep.bin': 'gggg' };

    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lock-quick-'));
      lockFile = path.join(dir, 'assets.txt.lock');
      const lock: Lockfile = { lockfileVersion: 1, files: {} };
      fs.mkdirSync(path.join(dir, 'sub'));
      for (const [key, text] of Object.entries(CONTENT)) {
        fs.writeFileSync(path.join(dir, key), text);
        setTime(path.join(dir, key), T - 60);
        lock.files[key] = { url: `https://h/${key}`, size: text.length, sha256: sha256(text) };
      }
      writeLockSync(lockFile, lock);
      setTime(lockFile, T);
      // After the lockfile was written: same size, other bytes, an older time (as `cp -p` or a
      // checkout keeps it) and a newer one (an edit); another size; deleted; touched only.
      fs.writeFileSync(path.join(dir, 'old-edit.bin'), 'BBBB');
      setTime(path.join(dir, 'old-edit.bin'), T - 60);
      fs.writeFileSync(path.join(dir, 'new-edit.bin'), 'CCCC');
      setTime(path.join(dir, 'new-edit.bin'), T + 60);
      fs.writeFileSync(path.join(dir, 'resized.bin'), 'dddd and more');
      fs.rmSync(path.join(dir, 'gone.bin'));
      setTime(path.join(dir, 'touched.bin'), T + 60);
    });

    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('hashes only files modified after the lockfile: an edit of the same size is found by its SHA-256', async () => {
      const lock = (await readLock(lockFile))!;
      const quick = await verifyLock(lockFile, lock, { quick: true });
      assert.deepEqual(quick.missing, ['gone.bin']);
      assert.deepEqual(
        quick.changed.map((c) => [c.path, c.size, c.reason.replace(/[0-9a-f]{64}/g, 'H')]),
        [
          ['new-edit.bin', 4, 'sha-256 H, the lockfile says H'],
          ['resized.bin', 13, '13 bytes, the lockfile says 4'],
        ],
      );
      // Not read: its time says it is as recorded (the price of not hashing every file).
      assert.deepEqual(quick.verified, ['old-edit.bin', 'same.bin', 'sub/deep.bin', 'touched.bin']);
      // The full check hashes all of them, and finds the old-timed edit too.
      const full = await verifyLock(lockFile, lock);
      assert.deepEqual(full.changed.map((c) => c.path), ['new-edit.bin', 'old-edit.bin', 'resized.bin']);
      assert.deepEqual(full.verified, ['same.bin', 'sub/deep.bin', 'touched.bin']);
      // Once known to differ (the full check found it), a quick check hashes it whatever its time.
      const again = await verifyLock(lockFile, lock, { quick: true, hash: ['old-edit.bin'] });
      assert.deepEqual(again.changed.map((c) => c.path), ['new-edit.bin', 'old-edit.bin', 'resized.bin']);
    });

    it('hashes every file of the recorded size when the lockfile is the older one', async () => {
      setTime(lockFile, T - 120);
      const quick = await verifyLock(lockFile, (await readLock(lockFile))!, { quick: true });
      assert.deepEqual(quick.changed.map((c) => c.path), ['new-edit.bin', 'old-edit.bin', 'resized.bin']);
    });

    it('the worker answers a quick check with what the lockfile recorded of each changed file, and no lines', async () => {
      const result = await verifyLockFile(lockFile, undefined, [], true);
      assert.ok(result.verification, result.problem?.message);
      const v = result.verification;
      assert.equal(v.quick, true);
      assert.deepEqual(v.lines, {});
      assert.equal(v.total, 7);
      assert.deepEqual(v.recorded, { 'new-edit.bin': { url: 'https://h/new-edit.bin', size: 4 }, 'resized.bin': { url: 'https://h/resized.bin', size: 4 } });
      const full = await verifyLockFile(lockFile, undefined, [], false);
      assert.equal(full.verification?.quick, false);
      assert.equal(full.verification?.lines['same.bin'], 23);
      // Not an Asset Fetch lockfile (yarn.lock...): a LOCKFILE problem, which the badges ignore.
      fs.writeFileSync(lockFile, '# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n');
      assert.equal((await verifyLockFile(lockFile, undefined, [], true)).problem?.code, 'LOCKFILE');
      fs.rmSync(lockFile);
      assert.equal((await verifyLockFile(lockFile, undefined, [], true)).problem?.code, 'NO_LOCKFILE');
    });
  });
});
