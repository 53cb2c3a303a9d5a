// Finding a list's items by line (CodeLens, hovers) and what a line's lens says about its item.
import assert from 'node:assert/strict';
import { DEFAULT_OPTIONS, type BatchStats, type ItemSnapshot } from '../../src/core';
import { DownloadsModel } from '../../src/model/downloadsModel';
import { batchesOfList, itemAtLine, latestItemAtLine } from '../../src/model/itemsByLine';
import { lineState, shortError, stateInWords } from '../../src/vscode/lineStates';
import { RecordingEngine } from '../support/recordingEngine';

function item(id: number, line: number, patch: Partial<ItemSnapshot> = {}): ItemSnapshot {
  return { id, url: `http://h/${id}`, source: `assets.txt:${line}`, state: 'queued', relativePath: `${id}.bin`, bytes: 0, speed: 0, attempts: 0, ...patch };
}

function stats(total: number): BatchStats {
  return { total, queued: total, active: 0, retrying: 0, ok: 0, skipped: 0, failed: 0, cancelled: 0, bytes: 0, knownTotalBytes: 0, speed: 0, elapsedMs: 0 };
}

describe('items by line', () => {
  let engine: RecordingEngine;
  let model: DownloadsModel;

  beforeEach(() => {
    engine = new RecordingEngine();
    model = new DownloadsModel(engine);
  });

  function run(title: string, listPath: string | undefined, items: ItemSnapshot[]) {
    const batch = model.start({ title, text: '', options: { ...DEFAULT_OPTIONS, targetDir: '/w' }, listPath });
    model.receive({ type: 'started', batchId: batch.id, items, stats: stats(items.length), warnings: [], formatReason: 'a URL list', formatGuessed: false });
    return batch;
  }

  it('finds the item of a line from its source, and follows updates without rebuilding', () => {
    const batch = run('assets.txt', '/w/assets.txt', [item(0, 2), item(1, 5)]);
    assert.equal(itemAtLine(batch, 5), batch.items[1]);
    assert.equal(itemAtLine(batch, 3), undefined);
    model.receive({ type: 'update', batchId: batch.id, update: { stats: stats(2), changed: [item(1, 5, { state: 'ok', bytes: 1200 })], logs: [], done: false } });
    assert.equal(itemAtLine(batch, 5)?.snapshot.state, 'ok', 'the same record, its new snapshot');
  });

  it('finds lines in any order, the first item of a line with two links, and none for sources without a line', () => {
    const sources = ['argument 1', 'assets.txt:3', 'assets.txt:3', 'c:\\lists\\assets.txt:12', 'assets.txt:x7'];
    const ascending = run('assets.txt', '/w/assets.txt', sources.map((source, i) => ({ ...item(i, 1), source })));
    assert.equal(itemAtLine(ascending, 3), ascending.items[1], 'the first of the two items of line 3');
    assert.equal(itemAtLine(ascending, 12), ascending.items[3]);
    assert.equal(itemAtLine(ascending, 7), undefined, '"x7" is not a line number');
    assert.equal(itemAtLine(ascending, 1), undefined, '"argument 1" has no line');
    const shuffled = run('two lists', undefined, [item(0, 9), item(1, 4), item(2, 4), item(3, 700)]);
    assert.equal(itemAtLine(shuffled, 4), shuffled.items[1]);
    assert.equal(itemAtLine(shuffled, 9), shuffled.items[0]);
    assert.equal(itemAtLine(shuffled, 700), shuffled.items[3]);
    assert.equal(itemAtLine(shuffled, 5), undefined);
  });

  it('takes each line from the newest batch of the list that has it: a one-line retry wins over the whole run', () => {
    const whole = run('assets.txt', '/w/assets.txt', [item(0, 1, { state: 'ok' }), item(1, 2, { state: 'failed', error: 'HTTP 404 Not Found' })]);
    const oneLine = run('assets.txt', '/w/assets.txt', [item(0, 2, { state: 'active' })]);
    run('other.txt', '/w/other.txt', [item(0, 1, { state: 'failed' })]);
    run('Untitled-1', undefined, [item(0, 1, { state: 'failed' })]);
    const batches = batchesOfList(model.batches, { path: '/w/assets.txt', title: 'assets.txt' });
    assert.deepEqual(batches, [oneLine, whole]);
    assert.equal(latestItemAtLine(batches, 2), oneLine.items[0]);
    assert.equal(latestItemAtLine(batches, 1), whole.items[0]);
    const untitled = batchesOfList(model.batches, { path: undefined, title: 'Untitled-1' });
    assert.deepEqual(untitled.map((b) => b.title), ['Untitled-1']);
  });

  it('says each state in a lens and a hover', () => {
    const batch = run('assets.txt', '/w/assets.txt', [
      item(0, 1, { state: 'ok', bytes: 1_200_000 }),
      item(1, 2, { state: 'failed', error: 'HTTP 404 Not Found', errorCode: 'HTTP_STATUS' }),
      item(2, 3, { state: 'active', bytes: 45, total: 100 }),
      item(3, 4),
      item(4, 5, { state: 'failed', error: 'line 5: a bad checksum', errorCode: 'LIST_LINE', relativePath: undefined }),
    ]);
    const [ok, notFound, active, queued, unretryable] = batch.items;
    assert.deepEqual(lineState(undefined), { title: 'Download', action: 'download' });
    assert.deepEqual(lineState(ok), { title: '✓ 1.2 MB', action: 'open' });
    assert.deepEqual(lineState(notFound), { title: '✗ HTTP 404 · Retry', action: 'retry' });
    assert.deepEqual(lineState(active), { title: '↻ 45%', action: 'showBatch' });
    assert.deepEqual(lineState(queued), { title: 'waiting', action: 'showBatch' });
    assert.deepEqual(lineState(unretryable), { title: '✗ line 5: a bad checksum · Download', action: 'download' });
    assert.equal(stateInWords(notFound), 'failed: HTTP 404 Not Found (HTTP_STATUS)');
    assert.equal(shortError({ ...notFound.snapshot, error: `connection refused by ${'x'.repeat(80)}` }).length, 48);
  });
});
