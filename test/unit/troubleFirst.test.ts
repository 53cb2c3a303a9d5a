// The Downloads view's order and filter (model/troubleFirst.ts) and the Explorer's badges as the
// model decides them (model/fileBadges.ts), without VS Code.
import assert from 'node:assert/strict';
import path from 'node:path';
import { DEFAULT_OPTIONS, type BatchStats, type ItemSnapshot, type ItemState } from '../../src/core';
import { DownloadsModel } from '../../src/model/downloadsModel';
import { FileBadges, normalPathKey, pathKey } from '../../src/model/fileBadges';
import { needsAttention, troubleFirst } from '../../src/model/troubleFirst';
import { RecordingEngine } from '../support/recordingEngine';

function item(id: number, state: ItemState = 'queued', patch: Partial<ItemSnapshot> = {}): ItemSnapshot {
  return { id, url: `http://h/${id}`, source: `l:${id + 1}`, state, relativePath: `${id}.bin`, bytes: 0, speed: 0, attempts: 0, ...patch };
}

function stats(patch: Partial<BatchStats> = {}): BatchStats {
  return { total: 0, queued: 0, active: 0, retrying: 0, ok: 0, skipped: 0, failed: 0, cancelled: 0, bytes: 0, knownTotalBytes: 0, speed: 0, elapsedMs: 0, ...patch };
}

const TARGET = path.resolve('/tmp/af-target');
const LIST = path.join(TARGET, 'assets.txt');

describe('troubleFirst', () => {
  let model: DownloadsModel;

  beforeEach(() => {
    model = new DownloadsModel(new RecordingEngine());
  });

  function batchOf(states: ItemState[]) {
    const batch = model.start({ title: 'a.txt', text: '', options: { ...DEFAULT_OPTIONS, targetDir: TARGET } });
    model.receive({ type: 'started', batchId: batch.id, items: states.map((s, i) => item(i, s)), stats: stats({ total: states.length }), warnings: [], formatReason: 'a URL list', formatGuessed: false });
    return batch;
  }

  it('puts failed, then retrying items first, then running, queued, cancelled and done ones, each in list order', () => {
    const batch = batchOf(['ok', 'failed', 'queued', 'retrying', 'active', 'skipped', 'failed', 'cancelled', 'ok', 'retrying']);
    const order = troubleFirst(batch.items).map((i) => `${i.snapshot.id}:${i.snapshot.state}`);
    assert.deepEqual(order, ['1:failed', '6:failed', '3:retrying', '9:retrying', '4:active', '2:queued', '7:cancelled', '0:ok', '5:skipped', '8:ok']);
  });

  it('keeps only failed, retrying and cancelled items for "Show Failed Only"', () => {
    const batch = batchOf(['ok', 'failed', 'queued', 'retrying', 'active', 'skipped', 'cancelled']);
    const shown = troubleFirst(batch.items, true).map((i) => i.snapshot.state);
    assert.deepEqual(shown, ['failed', 'retrying', 'cancelled']);
    assert.deepEqual(batch.items.filter(needsAttention).map((i) => i.snapshot.id), [1, 3, 6]);
  });

  it('orders 10,000 items with every row kept exactly once', () => {
    const states: ItemState[] = ['ok', 'failed', 'queued', 'retrying', 'active', 'skipped', 'cancelled'];
    const batch = batchOf(Array.from({ length: 10_000 }, (_, i) => states[(i * 7919) % states.length]));
    const ordered = troubleFirst(batch.items);
    assert.equal(new Set(ordered).size, 10_000);
    assert.equal(ordered.filter((i) => i.snapshot.state === 'failed').length, ordered.findIndex((i) => i.snapshot.state !== 'failed'));
  });
});

describe('FileBadges', () => {
  let model: DownloadsModel;
  let badges: FileBadges;
  let announced: string[][];

  beforeEach(() => {
    model = new DownloadsModel(new RecordingEngine());
    badges = new FileBadges(model, 10);
    announced = [];
    badges.onDidChange((files) => announced.push(files));
  });

  afterEach(() => badges.dispose());

  const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  function startList(count: number) {
    const batch = model.start({ title: 'assets.txt', text: '', listPath: LIST, options: { ...DEFAULT_OPTIONS, targetDir: TARGET } });
    model.receive({ type: 'started', batchId: batch.id, items: Array.from({ length: count }, (_, i) => item(i)), stats: stats({ total: count, queued: count }), warnings: [], formatReason: 'a URL list', formatGuessed: false });
    return batch;
  }

  function update(batchId: number, changed: ItemSnapshot[], patch: Partial<BatchStats> = {}) {
    model.receive({ type: 'update', batchId, update: { stats: stats(patch), changed, logs: [], done: false } });
  }

  it('badges a downloaded file with its item, and the list with the failures of its latest batch', async () => {
    const batch = startList(3);
    update(batch.id, [item(0, 'ok', { url: 'http://user:***@h/0' }), item(1, 'failed', { error: 'HTTP 404' })], { ok: 1, failed: 1 });
    const downloaded = badges.badgeOf(path.join(TARGET, '0.bin'));
    assert.equal(downloaded?.kind, 'downloaded');
    assert.equal(downloaded?.kind === 'downloaded' && downloaded.item.snapshot.url, 'http://user:***@h/0');
    assert.equal(badges.badgeOf(path.join(TARGET, '1.bin')), undefined, 'a failed item has no file');
    assert.equal(badges.badgeOf(path.join(TARGET, '2.bin')), undefined, 'a queued item has no file yet');
    const list = badges.badgeOf(LIST);
    assert.deepEqual(list?.kind === 'failed' && [list.failed, list.batch], [1, batch]);
    // A newer batch of the same list without failures takes the list's badge away.
    const again = startList(1);
    update(again.id, [item(0, 'ok')], { ok: 1 });
    assert.equal(badges.badgeOf(LIST), undefined);
    await wait(30);
    assert.ok(announced.flat().includes(LIST));
  });

  it('announces only the paths that changed, coalesced, each once', async () => {
    const batch = startList(1000);
    await wait(30);
    announced.length = 0;
    for (let i = 0; i < 10; i++) update(batch.id, [item(i, 'active', { bytes: 5 })]);
    for (let i = 0; i < 10; i++) update(batch.id, [item(i, 'ok')], { ok: i + 1 });
    update(batch.id, [item(3, 'ok')], { ok: 10 }); // the same state again: nothing new
    assert.equal(announced.length, 0, 'nothing before the throttle runs');
    await wait(30);
    assert.equal(announced.length, 1, 'one announcement for the burst');
    assert.deepEqual(announced[0].sort(), Array.from({ length: 10 }, (_, i) => path.join(TARGET, `${i}.bin`)).sort());
  });

  it('takes the badge away when a downloaded item runs again, and moves it when its file is renamed', async () => {
    const batch = startList(2);
    update(batch.id, [item(0, 'ok'), item(1, 'ok')], { ok: 2 });
    await wait(30);
    announced.length = 0;
    update(batch.id, [item(0, 'active')]);
    update(batch.id, [item(1, 'ok', { relativePath: '1 (2).bin' })], { ok: 2 });
    assert.equal(badges.badgeOf(path.join(TARGET, '0.bin')), undefined, 'running again: no longer downloaded');
    assert.equal(badges.badgeOf(path.join(TARGET, '1.bin')), undefined, 'the old name lost its badge');
    assert.equal(badges.badgeOf(path.join(TARGET, '1 (2).bin'))?.kind, 'downloaded');
    await wait(30);
    assert.deepEqual(announced.flat().sort(), [path.join(TARGET, '0.bin'), path.join(TARGET, '1 (2).bin'), path.join(TARGET, '1.bin')].sort());
  });

  it('keys paths as path.normalize would, normalizing only those that need it', () => {
    const parts = ['a', '.', '..', '', '.hidden', '..b', 'b..', 'c.png'];
    for (let i = 0; i < 2000; i++) {
      const segments = Array.from({ length: 1 + (i % 5) }, (_, k) => parts[(i * 7 + k * 13) % parts.length]);
      const file = path.sep + segments.join(path.sep) + (i % 3 === 0 ? path.sep : '');
      assert.equal(pathKey(file), normalPathKey(path.normalize(file)), file);
    }
  });

  it('drops the badges of a removed batch', async () => {
    const batch = startList(2);
    update(batch.id, [item(0, 'ok'), item(1, 'failed')], { ok: 1, failed: 1 });
    model.receive({ type: 'finished', batchId: batch.id, stats: stats({ total: 2, ok: 1, failed: 1 }) });
    await wait(30);
    announced.length = 0;
    model.remove(batch);
    assert.equal(badges.badgeOf(path.join(TARGET, '0.bin')), undefined);
    assert.equal(badges.badgeOf(LIST), undefined);
    await wait(30);
    assert.deepEqual(announced.flat().sort(), [path.join(TARGET, '0.bin'), LIST].sort());
  });
});
