import assert from 'node:assert/strict';
import { Item } from '../../src/core/item';
import { ProgressReporter } from '../../src/core/progress';
import type { BatchUpdate, ItemState } from '../../src/core/types';

function makeItem(id: number): Item {
  return new Item(id, { file: 'l.txt', line: id, raw: `https://a.example/${id}`, url: `https://a.example/${id}` });
}

function move(reporter: ProgressReporter, item: Item, to: ItemState): void {
  const from = item.state;
  item.state = to;
  reporter.stateChanged(item, from);
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('ProgressReporter', () => {
  let reporter: ProgressReporter;
  afterEach(() => reporter?.dispose());

  it('counts items per state (retrying apart from active: a waiting retry holds no slot)', () => {
    reporter = new ProgressReporter(10_000);
    const items = Array.from({ length: 7 }, (_, i) => makeItem(i));
    items.forEach((item) => reporter.added(item));
    move(reporter, items[0], 'active');
    move(reporter, items[1], 'active');
    move(reporter, items[1], 'retrying');
    move(reporter, items[2], 'active');
    move(reporter, items[2], 'ok');
    move(reporter, items[3], 'skipped');
    move(reporter, items[4], 'failed');
    move(reporter, items[5], 'cancelled');
    const stats = reporter.stats();
    assert.deepEqual(
      { total: stats.total, queued: stats.queued, active: stats.active, retrying: stats.retrying, ok: stats.ok, skipped: stats.skipped, failed: stats.failed, cancelled: stats.cancelled },
      { total: 7, queued: 1, active: 1, retrying: 1, ok: 1, skipped: 1, failed: 1, cancelled: 1 },
    );
  });

  it('adds up bytes and known totals', () => {
    reporter = new ProgressReporter(10_000);
    const a = makeItem(1);
    reporter.added(a);
    a.bytes = 100;
    reporter.bytesChanged(a, 100, 1_000);
    a.bytes = 250;
    reporter.bytesChanged(a, 150, 0);
    assert.equal(reporter.stats().bytes, 250);
    assert.equal(reporter.stats().knownTotalBytes, 1_000);
  });

  it('reports no speed while every download waits for a retry, not the last estimate', () => {
    reporter = new ProgressReporter(10_000);
    const updates: BatchUpdate[] = [];
    reporter.onUpdate((u) => updates.push(u));
    const item = makeItem(1);
    reporter.added(item);
    move(reporter, item, 'active');
    reporter.flush();
    item.bytes = 1_000_000;
    reporter.bytesChanged(item, 1_000_000, 0);
    reporter.flush();
    assert.ok(updates[1].stats.speed > 0);
    move(reporter, item, 'retrying');
    reporter.flush();
    assert.equal(updates[2].stats.speed, 0);
  });

  it('sends an update early once the item cap is reached, and the rest at the interval', async () => {
    reporter = new ProgressReporter(30, 100);
    const updates: BatchUpdate[] = [];
    reporter.onUpdate((u) => updates.push(u));
    const items = Array.from({ length: 250 }, (_, i) => makeItem(i));
    for (const item of items) reporter.added(item);
    for (const item of items) move(reporter, item, 'active');
    // Two full updates at once, in the order the items changed; the last 50 wait for the timer.
    assert.deepEqual(updates.map((u) => u.changed.length), [100, 100]);
    assert.deepEqual(updates[1].changed.map((s) => s.id), items.slice(100, 200).map((i) => i.id));
    assert.equal(updates[1].stats.active, 200, 'stats as of the moment it was sent');
    // The same item changing again while pending counts once.
    for (const item of items.slice(200)) move(reporter, item, 'ok');
    assert.equal(updates.length, 2);
    await wait(120);
    assert.deepEqual(updates.map((u) => u.changed.length), [100, 100, 50]);
    assert.equal(updates[2].changed.every((s) => s.state === 'ok'), true);
  });

  it('coalesces many changes into one update per interval, each item once', async () => {
    reporter = new ProgressReporter(30);
    const updates: BatchUpdate[] = [];
    reporter.onUpdate((u) => updates.push(u));
    const items = Array.from({ length: 500 }, (_, i) => makeItem(i));
    for (const item of items) reporter.added(item);
    for (const item of items) move(reporter, item, 'active');
    for (const item of items) {
      item.bytes = 10;
      reporter.bytesChanged(item, 10, 0);
    }
    for (const item of items.slice(0, 100)) move(reporter, item, 'ok');
    reporter.log({ level: 'warn', itemId: 3, message: 'retrying' });
    assert.equal(updates.length, 0, 'nothing is sent synchronously');
    await wait(120);
    assert.equal(updates.length, 1);
    const [update] = updates;
    assert.equal(update.done, false);
    assert.equal(update.changed.length, 500);
    assert.deepEqual(new Set(update.changed.map((s) => s.id)).size, 500);
    assert.equal(update.changed.find((s) => s.id === 0)?.state, 'ok');
    assert.equal(update.changed.find((s) => s.id === 499)?.state, 'active');
    assert.deepEqual(update.logs, [{ level: 'warn', itemId: 3, message: 'retrying' }]);
    assert.equal(update.stats.ok, 100);
    assert.equal(update.stats.active, 400);
    assert.equal(update.stats.bytes, 5_000);
  });

  it('sends only what changed since the previous update', async () => {
    reporter = new ProgressReporter(20);
    const updates: BatchUpdate[] = [];
    reporter.onUpdate((u) => updates.push(u));
    const items = [makeItem(1), makeItem(2), makeItem(3)];
    items.forEach((item) => reporter.added(item));
    reporter.flush();
    assert.equal(updates.length, 1);
    assert.equal(updates[0].changed.length, 0, 'queued items are read with Batch.snapshot, not sent as changes');
    assert.equal(updates[0].stats.queued, 3);
    move(reporter, items[1], 'active');
    await wait(80);
    assert.equal(updates.length, 2);
    assert.deepEqual(updates[1].changed.map((s) => s.id), [2]);
    assert.deepEqual(updates[1].logs, []);
    await wait(50);
    assert.equal(updates.length, 2, 'no update without changes');
  });

  it('flush(true) sends at once with done set and cancels the pending timer', async () => {
    reporter = new ProgressReporter(20);
    const updates: BatchUpdate[] = [];
    reporter.onUpdate((u) => updates.push(u));
    const item = makeItem(1);
    reporter.added(item);
    move(reporter, item, 'ok');
    reporter.flush(true);
    assert.equal(updates.length, 1);
    assert.equal(updates[0].done, true);
    assert.equal(updates[0].stats.ok, 1);
    assert.deepEqual(updates[0].changed.map((s) => [s.id, s.state]), [[1, 'ok']]);
    await wait(60);
    assert.equal(updates.length, 1);
  });

  it('stops sending after unsubscribe and after dispose', async () => {
    reporter = new ProgressReporter(10);
    const a: BatchUpdate[] = [];
    const b: BatchUpdate[] = [];
    const off = reporter.onUpdate((u) => a.push(u));
    reporter.onUpdate((u) => b.push(u));
    off();
    reporter.added(makeItem(1));
    reporter.flush();
    assert.equal(a.length, 0);
    assert.equal(b.length, 1);
    reporter.added(makeItem(2));
    reporter.dispose();
    await wait(40);
    assert.equal(b.length, 1);
  });
});
