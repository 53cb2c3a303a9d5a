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

  it('writes one file at a time, and makes a batch folder removed from outside again on the next write', async () => {
    const order: string[] = [];
    const realWrite = fs.promises.writeFile;
    let inFlight = 0;
    fs.promises.writeFile = (async (...args: Parameters<typeof realWrite>) => {
      inFlight++;
      order.push(`start ${inFlight}`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      await realWrite(...args);
      inFlight--;
    }) as typeof realWrite;
    try {
      await Promise.all([0, 1, 2].map((i) => chunks.write('k1-0-ab', i, `[${i}]`)));
    } finally {
      fs.promises.writeFile = realWrite;
    }
    assert.deepEqual(order, ['start 1', 'start 1', 'start 1'], 'never two writes at once');
    fs.rmSync(path.join(dir, 'batches', 'k1-0-ab'), { recursive: true });
    await assert.rejects(chunks.write('k1-0-ab', 0, '["lost"]'), /ENOENT/);
    await chunks.write('k1-0-ab', 0, '["again"]');
    assert.deepEqual(chunks.read('k1-0-ab', 1), ['["again"]']);
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
