import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { lockKey, readLock, serializeLock, type Lockfile } from '../../src/core/lockfile';

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
});
