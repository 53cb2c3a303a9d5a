// The downloads model on its own: how engine messages become state and events, and which user
// requests reach the engine.
import assert from 'node:assert/strict';
import { DEFAULT_OPTIONS, type BatchStats, type BatchUpdate, type HostWait, type ItemSnapshot } from '../../src/core';
import { DownloadsModel, updateInPlace, type ModelChange } from '../../src/model/downloadsModel';
import { hostWaitText, inTime } from '../../src/model/waits';
import type { BatchMessage } from '../../src/worker/protocol';
import { RecordingEngine } from '../support/recordingEngine';

function item(id: number, patch: Partial<ItemSnapshot> = {}): ItemSnapshot {
  return { id, url: `http://h/${id}`, source: `l:${id + 1}`, state: 'queued', relativePath: `${id}.bin`, bytes: 0, speed: 0, attempts: 0, ...patch };
}

/** The worker's 'started' message: the list was parsed (as a plain URL list unless told). */
function started(batchId: number, items: ItemSnapshot[], patch: Partial<Extract<BatchMessage, { type: 'started' }>> = {}): BatchMessage {
  return { type: 'started', batchId, items, stats: stats({ total: items.length }), warnings: [], formatReason: 'a URL list', formatGuessed: false, ...patch };
}

function stats(patch: Partial<BatchStats> = {}): BatchStats {
  return { total: 2, queued: 2, active: 0, retrying: 0, ok: 0, skipped: 0, failed: 0, cancelled: 0, bytes: 0, knownTotalBytes: 0, speed: 0, elapsedMs: 0, ...patch };
}

describe('DownloadsModel', () => {
  let engine: RecordingEngine;
  let model: DownloadsModel;
  const options = { ...DEFAULT_OPTIONS, targetDir: '/tmp/x' };

  beforeEach(() => {
    engine = new RecordingEngine();
    model = new DownloadsModel(engine);
  });

  it('starts a batch in the engine and lists it newest first', () => {
    const first = model.start({ title: 'a.txt', text: '', options });
    const second = model.start({ title: 'b.txt', text: '', options });
    assert.deepEqual(engine.calls, ['start a.txt', 'start b.txt']);
    assert.deepEqual(model.batches, [second, first]);
    assert.deepEqual(model.running, [second, first]);
  });

  it("receives the engine's messages through its event, and stops listening once disposed", () => {
    const batch = model.start({ title: 'a.txt', text: '', options });
    engine.send(started(batch.id, [item(0), item(1)]));
    assert.equal(batch.items.length, 2, 'the started message reached the model');
    model.dispose();
    engine.send({ type: 'update', batchId: batch.id, update: { stats: stats(), changed: [item(0, { state: 'ok' })], logs: [], done: false } });
    assert.equal(batch.items[0].snapshot.state, 'queued', 'a disposed model takes no more messages');
  });

  it('counts failed and cancelled items apart: failedCount is failures only', () => {
    const batch = model.start({ title: 'a.txt', text: '', options });
    model.receive(started(batch.id, [item(0), item(1), item(2)]));
    const end = stats({ total: 3, queued: 0, ok: 1, failed: 1, cancelled: 1 });
    model.receive({ type: 'update', batchId: batch.id, update: { stats: end, changed: [item(0, { state: 'ok' }), item(1, { state: 'failed', error: 'HTTP 404' }), item(2, { state: 'cancelled' })], logs: [], done: true } });
    model.receive({ type: 'finished', batchId: batch.id, stats: end });
    assert.deepEqual([batch.failedCount, batch.cancelledCount], [1, 1]);
  });

  it('applies updates to the same item records and tracks overall progress incrementally', () => {
    const batch = model.start({ title: 'a.txt', text: '', options });
    model.receive(started(batch.id, [item(0), item(1)]));
    const [first, second] = batch.items;
    const changes: number[][] = [];
    model.onDidChange(({ items }) => changes.push(items.map((i) => i.snapshot.id)));
    model.receive({ type: 'update', batchId: batch.id, update: { stats: stats(), changed: [item(1, { state: 'active', bytes: 50, total: 100 })], logs: [], done: false } });
    assert.equal(batch.items[1], second, 'records keep their identity (tree elements)');
    assert.equal(second.snapshot.bytes, 50);
    assert.equal(batch.progress, 0.25);
    model.receive({ type: 'update', batchId: batch.id, update: { stats: stats(), changed: [item(0, { state: 'ok' }), item(1, { state: 'failed', error: 'HTTP 404' })], logs: [], done: true } });
    assert.equal(first.snapshot.state, 'ok');
    assert.equal(batch.progress, 1);
    assert.deepEqual(changes, [[1], [0, 1]]);
  });

  it('announces the arrival of the item list as a change of structure', () => {
    const batch = model.start({ title: 'a.txt', text: '', options });
    let structureChanges = 0;
    model.onDidChangeBatches(() => structureChanges++);
    assert.equal(batch.listed, false);
    model.receive(started(batch.id, [item(0)]));
    assert.equal(batch.listed, true);
    assert.equal(structureChanges, 1);
  });

  it('ends a run once, on the engine\'s "finished" message', () => {
    const batch = model.start({ title: 'a.txt', text: '', options });
    let ends = 0;
    model.onDidFinishRun(() => ends++);
    model.receive({ type: 'finished', batchId: batch.id, stats: stats({ queued: 0, ok: 2 }) });
    model.receive({ type: 'finished', batchId: batch.id, stats: stats({ queued: 0, ok: 2 }) });
    assert.equal(ends, 1);
    assert.equal(batch.running, false);
    assert.equal(batch.stats?.ok, 2);
  });

  it('retries only failed or cancelled items that have a file name, and starts a new run', () => {
    const batch = model.start({ title: 'a.txt', text: '', options });
    model.receive(started(batch.id, [item(0, { state: 'failed' }), item(1, { state: 'ok' }), item(2, { state: 'failed', relativePath: undefined })]));
    model.receive({ type: 'finished', batchId: batch.id, stats: stats() });
    let runs = 0;
    model.onDidStartRun(() => runs++);
    model.retry(batch, [batch.items[1], batch.items[2]]);
    assert.equal(runs, 0, 'nothing retryable: no run');
    model.retry(batch, [batch.items[0], batch.items[1]]);
    model.retry(batch);
    assert.deepEqual(engine.calls.slice(1), ['retry 1 [0]', 'retry 1']);
    assert.equal(runs, 1, 'a retry while running joins the run');
    assert.equal(batch.running, true);
  });

  it('stays running when a retry is sent while the previous run\'s end is on its way', () => {
    const batch = model.start({ title: 'a.txt', text: '', options });
    model.receive(started(batch.id, [item(0, { state: 'failed' })]));
    let ends = 0;
    model.onDidFinishRun(() => ends++);
    model.retry(batch); // the worker has already posted "finished" for the first run
    model.receive({ type: 'finished', batchId: batch.id, stats: stats() });
    assert.equal(batch.running, true, 'the retry\'s run is still going');
    assert.equal(ends, 0);
    model.receive({ type: 'finished', batchId: batch.id, stats: stats() });
    assert.equal(batch.running, false);
    assert.equal(ends, 1);
  });

  it('passes cancel requests for a batch or one item to the engine', () => {
    const batch = model.start({ title: 'a.txt', text: '', options });
    model.receive(started(batch.id, [item(0), item(1)]));
    model.cancel(batch, batch.items[1]);
    model.cancel(batch);
    assert.deepEqual(engine.calls.slice(1), ['cancel 1/1', 'cancel 1']);
  });

  it('clears finished batches only and releases them in the engine', () => {
    const done = model.start({ title: 'done.txt', text: '', options });
    const busy = model.start({ title: 'busy.txt', text: '', options });
    model.receive({ type: 'finished', batchId: done.id, stats: stats() });
    model.clearFinished();
    assert.deepEqual(model.batches, [busy]);
    assert.deepEqual(engine.calls.slice(2), ['remove 1']);
    // Messages for a removed batch are ignored.
    model.receive({ type: 'update', batchId: done.id, update: { stats: stats(), changed: [], logs: [], done: false } });
  });

  it('fails a running batch on a worker failure, with its message in the log', () => {
    const batch = model.start({ title: 'a.txt', text: '', options });
    const logged: string[] = [];
    model.onDidLog(({ entries }) => logged.push(...entries.map((e) => `${e.level} ${e.message}`)));
    model.receive({ type: 'failed', batchId: batch.id, message: 'the download worker stopped: exit code 1' });
    assert.equal(batch.running, false);
    assert.equal(batch.error, 'the download worker stopped: exit code 1');
    assert.deepEqual(logged, ['error a.txt: the download worker stopped: exit code 1']);
  });

  it('logs the format the list was read in, then the parser warnings, once per batch, and keeps the format on the batch', () => {
    const batch = model.start({ title: 'a.txt', text: '', options });
    const logged: string[] = [];
    model.onDidLog(({ entries }) => logged.push(...entries.map((e) => `${e.level} ${e.message}`)));
    model.receive(started(batch.id, [item(0)], { formatReason: 'a URL list: 4 of 5 lines are URLs', formatGuessed: true, warnings: ['line 3: duplicate of line 1'] }));
    assert.deepEqual(logged, ['info read as a URL list: 4 of 5 lines are URLs', 'warn line 3: duplicate of line 1']);
    assert.equal(batch.formatReason, 'a URL list: 4 of 5 lines are URLs');
    assert.equal(batch.formatGuessed, true);
  });

  it('hands the analysed document version to the engine, so the worker reuses its parse', () => {
    model.start({ title: 'a.txt', text: 'http://h/1', options, key: { document: '1:file:///a.txt', version: 7 } });
    model.start({ title: 'b.txt', text: 'http://h/2', options });
    assert.deepEqual(engine.calls, ['start a.txt 1:file:///a.txt@7', 'start b.txt']);
  });

  describe('waiting hosts and retries', () => {
    const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    const wait = (host: string, patch: Partial<HostWait> = {}): HostWait => ({ host, until: Date.now() + 8000, status: 429, retryAfter: '8', waiting: 2, ...patch });
    const update = (batchId: number, patch: Partial<BatchUpdate> = {}): BatchMessage => ({ type: 'update', batchId, update: { stats: stats(), changed: [], logs: [], done: false, ...patch } });
    let ticking: DownloadsModel;

    beforeEach(() => {
      ticking = new DownloadsModel(engine, { tickMs: 20 });
    });
    afterEach(() => ticking.dispose());

    it('keeps the waiting hosts of each batch, replaced by each update that has them, with records kept per host', () => {
      const batch = ticking.start({ title: 'a.txt', text: '', options });
      const other = ticking.start({ title: 'b.txt', text: '', options });
      ticking.receive(started(batch.id, [item(0), item(1)]));
      const changes: ModelChange[] = [];
      ticking.onDidChange((change) => changes.push(change));

      ticking.receive(update(batch.id, { hostWaits: [wait('a:1'), wait('b:2', { status: 503, retryAfter: undefined })] }));
      const [a, b] = batch.hostWaits;
      assert.deepEqual(batch.hostWaits.map((r) => `${r.host} ${r.wait.status}`), ['a:1 429', 'b:2 503']);
      assert.equal(a.batch, batch);
      assert.deepEqual(other.hostWaits, [], 'per batch');
      assert.equal(changes.at(-1)?.hostWaits, 'rows');

      ticking.receive(update(batch.id, { changed: [item(0, { state: 'active' })] }));
      assert.deepEqual(batch.hostWaits, [a, b], 'an update without hostWaits keeps them');
      assert.equal(changes.at(-1)?.hostWaits, undefined);

      ticking.receive(update(batch.id, { hostWaits: [wait('a:1', { waiting: 1 }), wait('b:2', { waiting: 5 })] }));
      assert.deepEqual(batch.hostWaits, [a, b], 'the same records (tree elements)');
      assert.deepEqual(batch.hostWaits.map((r) => r.wait.waiting), [1, 5]);
      assert.equal(changes.at(-1)?.hostWaits, 'waits', 'same hosts: only the waits changed');

      ticking.receive(update(batch.id, { hostWaits: [wait('b:2')] }));
      assert.deepEqual(batch.hostWaits, [b]);
      assert.equal(changes.at(-1)?.hostWaits, 'rows');
      ticking.receive(update(batch.id, { hostWaits: [] }));
      assert.deepEqual(batch.hostWaits, []);
    });

    it('carries errorCode and retryAt on items, and knows which items wait for a retry', () => {
      const batch = ticking.start({ title: 'a.txt', text: '', options });
      ticking.receive(started(batch.id, [item(0), item(1)]));
      ticking.receive(update(batch.id, { changed: [item(0, { state: 'retrying', retryAt: 1234, error: 'HTTP 503' }), item(1, { state: 'failed', error: 'self-signed', errorCode: 'TLS_CERT' })] }));
      assert.equal(batch.items[0].snapshot.retryAt, 1234);
      assert.equal(batch.items[1].snapshot.errorCode, 'TLS_CERT');
      assert.deepEqual([...batch.retrying], [batch.items[0]]);
      ticking.receive(update(batch.id, { changed: [item(0, { state: 'active' })] }));
      assert.equal(batch.retrying.size, 0);
    });

    it('ticks once a second only while a host waits or an item waits to retry, with those batches, and stops after', async () => {
      const batch = ticking.start({ title: 'a.txt', text: '', options });
      const idle = ticking.start({ title: 'b.txt', text: '', options });
      ticking.receive(started(batch.id, [item(0)]));
      ticking.receive(started(idle.id, [item(0)]));
      const ticks: string[][] = [];
      ticking.onDidTick((batches) => ticks.push(batches.map((b) => b.title)));
      await sleep(60);
      assert.equal(ticks.length, 0, 'nothing waits: no tick');
      assert.equal(ticking.ticking, false, 'and no timer');

      ticking.receive(update(batch.id, { hostWaits: [wait('a:1')] }));
      assert.equal(ticking.ticking, true);
      await sleep(70);
      assert.ok(ticks.length >= 2, `ticks while a host waits (${ticks.length})`);
      assert.ok(ticks.every((t) => t.join() === 'a.txt'), 'names the batch that waits only');

      ticking.receive(update(batch.id, { hostWaits: [], changed: [item(0, { state: 'retrying', retryAt: Date.now() + 500 })] }));
      assert.equal(ticking.ticking, true, 'an item waiting to retry counts down too');
      ticking.receive(update(batch.id, { changed: [item(0, { state: 'ok' })] }));
      assert.equal(ticking.ticking, false, 'nothing waits: the timer is gone');
      const count = ticks.length;
      await sleep(60);
      assert.equal(ticks.length, count);
    });

    it('clears the waits of a batch whose run ended, and stops ticking; dispose() stops the timer too', () => {
      const batch = ticking.start({ title: 'a.txt', text: '', options });
      ticking.receive(started(batch.id, [item(0)]));
      ticking.receive(update(batch.id, { hostWaits: [wait('a:1')] }));
      const changes: ModelChange[] = [];
      ticking.onDidChange((change) => changes.push(change));
      ticking.receive({ type: 'finished', batchId: batch.id, stats: stats() });
      assert.deepEqual(batch.hostWaits, []);
      assert.equal(changes.at(-1)?.hostWaits, 'rows');
      assert.equal(ticking.ticking, false);

      const again = ticking.start({ title: 'b.txt', text: '', options });
      ticking.receive(update(again.id, { hostWaits: [wait('a:1')] }));
      assert.equal(ticking.ticking, true);
      ticking.dispose();
      assert.equal(ticking.ticking, false);
    });

    it('stops ticking when the waiting batch is removed', () => {
      const batch = ticking.start({ title: 'a.txt', text: '', options });
      ticking.receive(update(batch.id, { hostWaits: [wait('a:1')] }));
      ticking.receive({ type: 'finished', batchId: batch.id, stats: stats() });
      const next = ticking.start({ title: 'b.txt', text: '', options });
      ticking.receive(update(next.id, { hostWaits: [wait('a:1')] }));
      ticking.cancel(next);
      ticking.remove(next); // running: a tree command would not, but the model must not leak a timer
      assert.equal(ticking.ticking, false);
    });

    it('says what a host waits for and for how long', () => {
      const now = 1_000_000;
      assert.equal(hostWaitText(wait('h', { until: now + 12_000 }), now), 'rate limited (HTTP 429), resuming in 12 s');
      assert.equal(hostWaitText(wait('h', { until: now + 1, status: 503 }), now), 'unavailable (HTTP 503), resuming in 1 s');
      assert.equal(inTime(now - 5, now), 'now');
      assert.equal(inTime(now + 125_000, now), 'in 2 min 05 s');
    });
  });
});

describe('updateInPlace', () => {
  it('makes the kept snapshot read as the new one: fields set, changed, and cleared when left out', () => {
    const kept: ItemSnapshot = { id: 3, url: 'http://h/a.png', source: 'line 4', state: 'ok', relativePath: 'a.png', bytes: 10, total: 10, speed: 0, attempts: 1, etag: '"e1"', lastModified: 'Sun, 29 Nov 2026 10:00:00 GMT' };
    const next: ItemSnapshot = { id: 3, url: 'http://h/a.png', source: 'line 4', state: 'failed', relativePath: 'a (1).png', bytes: 4, total: 10, speed: 0, attempts: 2, error: 'HTTP 404', errorCode: 'HTTP_STATUS' };
    const same = kept;
    updateInPlace(kept, next);
    assert.equal(kept, same, 'the same object');
    // What the views read of it: every field of `next`, and nothing it left out.
    const read = Object.fromEntries(Object.entries(kept).filter(([, v]) => v !== undefined));
    assert.deepEqual(read, next);
    assert.equal(kept.etag, undefined);
    assert.equal(kept.lastModified, undefined);
  });
});
