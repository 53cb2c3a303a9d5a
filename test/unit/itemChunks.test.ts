// The files that hold stored batches' items (model/itemChunks.ts): written atomically, the newest
// write of a chunk wins, read back in order, and removed by batch; nothing outside its folder.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileChunks } from '../../src/model/itemChunks';

describe('FileChunks', () => {
  let dir: string;
  let chunks: FileChunks;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'af-chunks-'));
    chunks = new FileChunks(path.join(dir, 'batches'));
  });

  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const filesIn = (folder: string) => (fs.existsSync(folder) ? fs.readdirSync(folder).sort() : []);

  it('reads back the chunks written, in order, and the newest of several writes of one chunk', async () => {
    const writes = [];
    for (let n = 0; n < 20; n++) writes.push(chunks.write('k1-0-ab', 1, `["second v${n}"]`));
    writes.push(chunks.write('k1-0-ab', 0, '["first"]'));
    await Promise.all(writes);
    assert.deepEqual(chunks.read('k1-0-ab', 2), ['["first"]', '["second v19"]']);
    assert.deepEqual(filesIn(path.join(dir, 'batches', 'k1-0-ab')), ['0.json', '1.json'], 'no temporary file left');
    assert.equal(chunks.read('k1-0-ab', 3), undefined, 'a missing chunk: nothing, not a part');
    assert.equal(chunks.read('other', 1), undefined);
  });

  it('removes a batch\'s chunks from an index on, or all of them, and keeps only the batches asked for', async () => {
    await Promise.all([0, 1, 2].map((n) => chunks.write('a', n, `[${n}]`)));
    await chunks.write('b', 0, '[]');
    await chunks.write('c', 0, '[]');
    await chunks.remove('a', 1);
    assert.deepEqual(filesIn(path.join(dir, 'batches', 'a')), ['0.json']);
    await chunks.retain(['a', 'c']);
    assert.deepEqual(filesIn(path.join(dir, 'batches')), ['a', 'c']);
    await chunks.remove('a');
    assert.deepEqual(filesIn(path.join(dir, 'batches')), ['c']);
  });

  it('uses no key read back from storage as a path unless it is one batchKey() makes', async () => {
    fs.writeFileSync(path.join(dir, 'outside.json'), 'x');
    await assert.rejects(chunks.write('../outside', 0, '[]'), /not a batch key/);
    assert.equal(chunks.read('..', 1), undefined);
    await chunks.remove('..');
    await chunks.retain([]);
    assert.ok(fs.existsSync(path.join(dir, 'outside.json')), 'the folder above is untouched');
  });
});
