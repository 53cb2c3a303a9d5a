// Batches that survive a reload (the model's side): what is stored in workspace state and read
// back, the URL list that resumes items into the same paths, Pause/Resume, and Discard's file
// removal. The engine is a recording fake; the storage a Map.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEFAULT_OPTIONS, parseList, type BatchStats, type DownloadOptions, type ItemSnapshot } from '../../src/core';
import { entryRelativePath } from '../../src/core/naming';
import { nonSecretOptions, resumeList } from '../../src/model/batchRuns';
import { BatchStore, CHUNK_ITEMS, INDEX_KEY, storeDelayOf, type BatchStorage } from '../../src/model/batchStore';
import { MementoChunks } from '../../src/model/itemChunks';
import { DownloadsModel, type BatchRecord } from '../../src/model/downloadsModel';
import { removePartFiles } from '../../src/vscode/partFiles';
import type { BatchMessage } from '../../src/worker/protocol';
import { RecordingEngine } from '../support/recordingEngine';

/** workspaceState as a Map, counting writes. */
class MapStorage implements BatchStorage {
  readonly values = new Map<string, unknown>();
  writes = 0;
  /** The keys written, in order. */
  readonly written: string[] = [];
  get<T>(key: string): T | undefined {
    // A Memento hands out copies: what is stored must survive JSON.
    const value = this.values.get(key);
    return value === undefined ? undefined : (JSON.parse(JSON.stringify(value)) as T);
  }
  update(key: string, value: unknown): Promise<void> {
    this.writes++;
    this.written.push(key);
    if (value === undefined) this.values.delete(key);
    else this.values.set(key, JSON.parse(JSON.stringify(value)));
    return Promise.resolve();
  }
  keys(): string[] {
    return [...this.values.keys()];
  }
  /** Everything stored, as text. */
  dump(): string {
    return JSON.stringify([...this.values]);
  }
}

function item(id: number, patch: Partial<ItemSnapshot> = {}): ItemSnapshot {
  return { id, url: `http://h/${id}.bin`, source: `a.txt:${id + 1}`, state: 'queued', relativePath: `${id}.bin`, bytes: 0, speed: 0, attempts: 0, ...patch };
}

function stats(patch: Partial<BatchStats> = {}): BatchStats {
  return { total: 0, queued: 0, active: 0, retrying: 0, ok: 0, skipped: 0, failed: 0, cancelled: 0, bytes: 0, knownTotalBytes: 0, speed: 0, elapsedMs: 0, ...patch };
}

function started(batchId: number, items: ItemSnapshot[]): BatchMessage {
  return { type: 'started', batchId, items, stats: stats({ total: items.length, queued: items.length }), warnings: ['a.txt:9: option "x" is not supported; ignored'], formatReason: 'a URL list', formatGuessed: false };
}

function update(batchId: number, changed: ItemSnapshot[], patch: Partial<BatchStats> = {}): BatchMessage {
  return { type: 'update', batchId, update: { stats: stats(patch), changed, logs: [], done: false } };
}

const SECRET = 'Bearer s3cr3t-t0ken';
const options: DownloadOptions = {
  ...DEFAULT_OPTIONS,
  targetDir: '/work/ws/assets',
  jobs: 3,
  onExisting: 'rename',
  headers: { 'x-list-token': SECRET },
  hostHeaders: { 'cdn.example.com': { authorization: SECRET } },
  proxy: { url: 'http://user:proxy-pa55@proxy:8080' },
};

describe('Batches across reloads', () => {
  let engine: RecordingEngine;
  let model: DownloadsModel;
  let storage: MapStorage;
  let store: BatchStore;

  beforeEach(() => {
    engine = new RecordingEngine();
    model = new DownloadsModel(engine);
    storage = new MapStorage();
    // A delay no test waits for: writes happen on flush(), on a run's end, or not at all.
    store = new BatchStore(model, storage, { delayMs: 60_000 });
  });

  afterEach(() => {
    store.dispose();
    model.dispose();
  });

  /** A window after a reload: a new model and store on the same storage. */
  function reload(): { model: DownloadsModel; store: BatchStore; engine: RecordingEngine } {
    const next = { engine: new RecordingEngine(), model: undefined as unknown as DownloadsModel, store: undefined as unknown as BatchStore };
    next.model = new DownloadsModel(next.engine);
    next.store = new BatchStore(next.model, storage, { delayMs: 60_000 });
    next.store.restore();
    return next;
  }

  /** A batch of four: one saved, one failed, one half downloaded (in a sub-folder), one queued. */
  function runningBatch() {
    const batch = model.start({ title: 'a.txt', text: 'ignored', options, listPath: '/work/ws/a.txt', source: 'file:///work/ws/a.txt' });
    model.receive(started(batch.id, [item(0), item(1), item(2, { relativePath: 'img/2 x #2.bin' }), item(3)]));
    model.receive(
      update(batch.id, [item(0, { state: 'ok', bytes: 100, total: 100 }), item(1, { state: 'failed', error: 'HTTP 404 Not Found', errorCode: 'HTTP_STATUS' }), item(2, { state: 'active', relativePath: 'img/2 x #2.bin', bytes: 400, total: 1000 })], {
        total: 4, ok: 1, failed: 1, active: 1, queued: 1, bytes: 500, knownTotalBytes: 1100,
      }),
    );
    return batch;
  }

  it('stores a batch and reads it back after a reload: the unfinished items are interrupted, with their bytes', async () => {
    runningBatch();
    await store.flush();
    const after = reload();
    const [batch] = after.model.batches;
    assert.ok(batch, 'the batch is back');
    assert.equal(batch.title, 'a.txt');
    assert.equal(batch.targetDir, '/work/ws/assets');
    assert.equal(batch.listPath, '/work/ws/a.txt');
    assert.equal(batch.running, false);
    assert.equal(batch.interrupted, true);
    assert.equal(batch.resumable, true);
    assert.deepEqual(batch.items.map((i) => i.status), ['ok', 'failed', 'interrupted', 'interrupted']);
    assert.equal(batch.items[1].snapshot.error, 'HTTP 404 Not Found');
    assert.equal(batch.items[1].snapshot.errorCode, 'HTTP_STATUS');
    assert.deepEqual([batch.items[2].snapshot.relativePath, batch.items[2].snapshot.bytes, batch.items[2].snapshot.total], ['img/2 x #2.bin', 400, 1000]);
    // Counted as waiting, not as cancelled or failed: only the 404 is a failure.
    assert.equal(batch.failedCount, 1);
    assert.deepEqual([batch.stats?.total, batch.stats?.ok, batch.stats?.queued, batch.stats?.bytes], [4, 1, 2, 500]);
    assert.deepEqual(batch.warnings, ['a.txt:9: option "x" is not supported; ignored']);
    after.store.dispose();
    after.model.dispose();
  });

  it('never stores a header, the proxy or a URL password: only the non-secret options', async () => {
    const batch = model.start({ title: 'a.txt', text: '', options });
    model.receive(started(batch.id, [item(0, { url: 'http://user:***@h/0.bin' })]));
    await store.flush();
    const text = storage.dump();
    assert.ok(storage.writes > 0, 'something was stored');
    for (const secret of ['s3cr3t', 'proxy-pa55', 'authorization', 'x-list-token', 'hostHeaders', 'proxy']) assert.ok(!text.includes(secret), `"${secret}" is not stored: ${text}`);
    assert.ok(text.includes('"jobs":3') && text.includes('"onExisting":"rename"'), 'the non-secret options are');
    assert.deepEqual(Object.keys(nonSecretOptions(options)).sort(), ['jobs', 'maxRetryWaitMs', 'onExisting', 'perHost', 'retries', 'split', 'timeoutSeconds']);
  });

  it('writes a changing batch at most once per interval, and at once when its run ends', async () => {
    const batch = runningBatch();
    await store.flush();
    const before = storage.writes;
    for (let n = 1; n <= 500; n++) model.receive(update(batch.id, [item(3, { state: 'active', bytes: n, total: 1000 })]));
    assert.equal(storage.writes, before, '500 updates wait for the interval');
    model.receive({ type: 'finished', batchId: batch.id, stats: stats({ total: 4, ok: 1, failed: 1, cancelled: 2 }) });
    assert.deepEqual(storage.written.slice(before), [`assetFetch.items/${batch.key}/0`, `assetFetch.batch/${batch.key}`], 'the end of the run is one write of its chunk and one of the header, at once');
  });

  it('stores a new batch as soon as its list is read, without waiting for the interval (a reload right after the start finds it)', async () => {
    const before = storage.writes;
    const batch = model.start({ title: 'new.txt', text: '', options });
    assert.equal(storage.writes, before, 'nothing to store before the list is read');
    model.receive(started(batch.id, [item(0), item(1)]));
    assert.ok(storage.writes > before, 'stored at once');
    await store.settled();
    const after = reload();
    assert.deepEqual(after.model.batches.map((b) => b.title), ['new.txt']);
    after.store.dispose();
    after.model.dispose();
  });

  it('stores a large batch in slices of the event loop: a chunk per turn when each takes the whole slice, the header once they are all written', async () => {
    store.dispose();
    store = new BatchStore(model, storage, { delayMs: 60_000, sliceMs: 0 });
    const batch = model.start({ title: 'big.txt', text: '', options });
    model.receive(started(batch.id, Array.from({ length: 3 * CHUNK_ITEMS }, (_, i) => item(i))));
    assert.deepEqual(storage.written, [`assetFetch.items/${batch.key}/0`, INDEX_KEY], 'this turn: the first chunk only, no header yet');
    await store.settled();
    assert.deepEqual(storage.written.slice(2), [`assetFetch.items/${batch.key}/1`, `assetFetch.items/${batch.key}/2`, `assetFetch.batch/${batch.key}`]);
    assert.equal(reload().model.batches[0]?.items.length, 3 * CHUNK_ITEMS);
  });

  it('writes a chunk again at the next store when its write failed', async () => {
    store.dispose();
    const chunks = new MementoChunks(storage);
    let failures = 0;
    const write = chunks.write.bind(chunks);
    chunks.write = (key, index, text) => (failures-- > 0 ? Promise.reject(new Error('disk full')) : write(key, index, text));
    store = new BatchStore(model, storage, { delayMs: 60_000, chunks });
    const batch = runningBatch();
    await store.flush();
    failures = 1;
    model.receive(update(batch.id, [item(3, { state: 'ok', bytes: 7, total: 7 })]));
    await store.flush();
    assert.equal(reload().model.batches[0]?.items[3].status, 'interrupted', 'that write failed: the old chunk is stored');
    await store.flush();
    assert.equal(reload().model.batches[0]?.items[3].status, 'ok', 'the next store wrote it, with no new change to it');
  });

  it('forgets batches stored by an earlier version (items inline), key and all', async () => {
    storage.values.set(INDEX_KEY, ['old-1']);
    storage.values.set('assetFetch.batch/old-1', { version: 1, key: 'old-1', title: 'a.txt', targetDir: '/w', options: {}, elapsedMs: 0, warnings: [], formatReason: '', items: [{ url: 'http://h/0.bin', source: 'a.txt:1', state: 'ok', bytes: 1 }] });
    const after = reload();
    assert.deepEqual(after.model.batches, []);
    await after.store.flush();
    assert.deepEqual(storage.keys().sort(), [INDEX_KEY]);
    assert.deepEqual(storage.get(INDEX_KEY), []);
    after.store.dispose();
    after.model.dispose();
  });

  it('stores a large running batch less often: a second per 2,000 items, 1 s to 5 s', () => {
    const withItems = (n: number) => ({ items: new Array(n) }) as unknown as Pick<BatchRecord, 'items'>;
    assert.deepEqual([10, 2000, 6000, 10_000, 100_000].map((n) => storeDelayOf(withItems(n))), [1000, 1000, 3000, 5000, 5000]);
  });

  it('stores a large batch in chunks and rewrites only the chunks whose items changed', async () => {
    const batch = model.start({ title: 'big.txt', text: '', options });
    const count = 2 * CHUNK_ITEMS + 7;
    model.receive(started(batch.id, Array.from({ length: count }, (_, i) => item(i))));
    await store.settled();
    const chunkKeys = [0, 1, 2].map((n) => `assetFetch.items/${batch.key}/${n}`);
    assert.deepEqual(storage.written.filter((k) => k.startsWith('assetFetch.items/')), chunkKeys, 'a new batch: all three chunks');
    const before = storage.writes;
    model.receive(update(batch.id, [item(CHUNK_ITEMS + 3, { state: 'ok', bytes: 10, total: 10 })]));
    await store.flush();
    assert.deepEqual(storage.written.slice(before).sort(), [`assetFetch.batch/${batch.key}`, chunkKeys[1]].sort(), 'one item changed: its chunk and the header');
    const after = reload();
    const [back] = after.model.batches;
    assert.equal(back.items.length, count);
    assert.equal(back.items[CHUNK_ITEMS + 3].status, 'ok');
    assert.equal(back.items[count - 1].snapshot.url, `http://h/${count - 1}.bin`);
    assert.equal(back.items[count - 1].status, 'interrupted');
    after.store.dispose();
    after.model.dispose();
    // A chunk lost (a crash between writes): the batch is not restored half, it is forgotten with its chunks.
    storage.values.delete(chunkKeys[2]);
    const damaged = reload();
    assert.deepEqual(damaged.model.batches, []);
    await damaged.store.flush();
    assert.deepEqual(storage.keys().filter((k) => k.includes(batch.key)), [], 'nothing of it is left');
    damaged.store.dispose();
    damaged.model.dispose();
  });

  it('keeps a finished batch\'s summary until it is cleared, and forgets it then', async () => {
    const batch = model.start({ title: 'done.txt', text: '', options });
    model.receive(started(batch.id, [item(0)]));
    model.receive(update(batch.id, [item(0, { state: 'ok', bytes: 100, total: 100 })], { total: 1, ok: 1, bytes: 100 }));
    model.receive({ type: 'finished', batchId: batch.id, stats: stats({ total: 1, ok: 1, bytes: 100 }) });
    await store.settled();
    const after = reload();
    const [restored] = after.model.batches;
    assert.equal(restored.interrupted, false);
    assert.equal(restored.resumable, false);
    assert.deepEqual([restored.stats?.ok, restored.stats?.total, restored.stats?.bytes], [1, 1, 100]);
    after.model.clearFinished();
    await after.store.flush();
    assert.deepEqual(storage.get(INDEX_KEY), []);
    assert.equal(storage.values.size, 1, 'only the empty index is left');
    after.store.dispose();
    after.model.dispose();
  });

  it('resumes an interrupted batch as a URL list of its unfinished items, each with out= its path, with the options of now minus nothing secret', async () => {
    runningBatch();
    await store.flush();
    const after = reload();
    const [batch] = after.model.batches;
    const fresh = { ...DEFAULT_OPTIONS, targetDir: '/elsewhere', jobs: 8, hostHeaders: { 'cdn.example.com': { authorization: 'fresh' } } };
    after.model.resume(batch, fresh);
    assert.deepEqual(after.engine.calls, ['start a.txt']);
    const [run] = after.engine.starts;
    assert.equal(run.text, 'http://h/2.bin\n  out=img/2 x #2.bin\nhttp://h/3.bin\n  out=3.bin\n');
    assert.equal(run.format, 'list');
    assert.equal(run.options.targetDir, '/work/ws/assets', 'the batch\'s folder');
    assert.equal(run.options.jobs, 3, 'the batch\'s own options');
    assert.equal(run.options.onExisting, 'rename');
    assert.deepEqual(run.options.hostHeaders, { 'cdn.example.com': { authorization: 'fresh' } }, 'headers of now (secret storage)');
    assert.equal(batch.running, true);
    assert.equal(batch.interrupted, false);

    // The engine's items 0 and 1 are the batch's 2 and 3.
    after.model.receive(started(batch.engineId!, [item(0, { url: 'http://h/2.bin', relativePath: 'img/2 x #2.bin' }), item(1, { url: 'http://h/3.bin', relativePath: '3.bin' })]));
    after.model.receive(update(batch.engineId!, [item(0, { state: 'ok', bytes: 1000, total: 1000 }), item(1, { state: 'ok', bytes: 10, total: 10 })], { total: 2, ok: 2, bytes: 1010 }));
    after.model.receive({ type: 'finished', batchId: batch.engineId!, stats: stats({ total: 2, ok: 2, bytes: 1010 }) });
    assert.deepEqual(batch.items.map((i) => i.status), ['ok', 'failed', 'ok', 'ok']);
    assert.equal(batch.items[2].snapshot.id, 2);
    assert.deepEqual([batch.stats?.total, batch.stats?.ok, batch.stats?.failed, batch.stats?.bytes], [4, 3, 1, 1110]);
    assert.equal(batch.running, false);
    after.store.dispose();
    after.model.dispose();
  });

  it('writes each resumed item to the very path it had: out= round-trips through the list parser, sub-folders included, and stays inside the folder', () => {
    const paths = ['a.bin', 'img/hero.png', 'deep/er/x (1).tar.gz', 'with space/#hash & ü.txt', 'numbered (12).png', '.hidden', 'café/€uro.bin'];
    const items = paths.map((p, i) => ({ snapshot: item(i, { url: `https://cdn.example.com/f${i}?v=${i}#frag`, relativePath: p }) }));
    const { text, runnable, refused } = resumeList(items);
    assert.equal(refused.length, 0);
    const parsed = parseList(text, { sourceName: 'resume', format: 'list' });
    assert.equal(parsed.entries.length, paths.length);
    parsed.entries.forEach((entry, i) => {
      assert.equal(entry.url, runnable[i].snapshot.url.replace(/#.*$/, ''));
      assert.equal(entryRelativePath(entry, entry.url!), paths[i]);
    });
    // A stored path that leaves the folder (a damaged or edited workspace state) is refused by the parser's rules.
    const hostile = parseList(resumeList([{ snapshot: item(0, { relativePath: '../../etc/passwd' }) }]).text, { sourceName: 'resume', format: 'list' });
    assert.deepEqual(entryRelativePath(hostile.entries[0], hostile.entries[0].url!), { error: 'out=../../etc/passwd leaves the target folder' });
    // A password is not stored, so its item cannot be asked for again.
    assert.equal(resumeList([{ snapshot: item(0, { url: 'http://user:***@h/0.bin' }) }]).refused.length, 1);
  });

  it('pauses a running batch: items the engine stops are paused, not cancelled, and Resume retries just them', () => {
    const batch = runningBatch();
    model.pause(batch);
    assert.deepEqual(engine.calls.slice(-1), ['cancel 1']);
    model.receive(update(batch.id, [item(2, { state: 'cancelled', relativePath: 'img/2 x #2.bin', bytes: 400, total: 1000 }), item(3, { state: 'cancelled' })], { total: 4, ok: 1, failed: 1, cancelled: 2, bytes: 500 }));
    model.receive({ type: 'finished', batchId: batch.id, stats: stats({ total: 4, ok: 1, failed: 1, cancelled: 2, bytes: 500 }) });
    assert.equal(batch.running, false);
    assert.equal(batch.resumable, true);
    assert.deepEqual(batch.items.map((i) => i.status), ['ok', 'failed', 'paused', 'paused']);
    assert.equal(batch.stats?.cancelled, 0, 'paused is not cancelled');
    assert.equal(batch.failedCount, 1, 'and not a failure');
    assert.ok(batch.progress > 0.5 && batch.progress < 1, `progress counts the paused items by their bytes (${batch.progress})`);
    model.resume(batch, { ...DEFAULT_OPTIONS, targetDir: '/x' });
    assert.deepEqual(engine.calls.slice(-1), ['retry 1 [2,3]']);
    assert.equal(batch.running, true);
    assert.equal(batch.paused.size, 0);
  });

  it('a paused batch survives a reload as interrupted, and Cancel of a paused item makes it cancelled', async () => {
    const batch = runningBatch();
    model.pause(batch);
    model.receive(update(batch.id, [item(2, { state: 'cancelled', relativePath: 'img/2 x #2.bin', bytes: 400, total: 1000 }), item(3, { state: 'cancelled' })], { total: 4, ok: 1, failed: 1, cancelled: 2, bytes: 500 }));
    model.receive({ type: 'finished', batchId: batch.id, stats: stats({ total: 4, ok: 1, failed: 1, cancelled: 2, bytes: 500 }) });
    model.cancel(batch, batch.items[3]);
    assert.deepEqual(batch.items.map((i) => i.status), ['ok', 'failed', 'paused', 'cancelled']);
    await store.settled();
    await store.flush();
    const after = reload();
    assert.deepEqual(after.model.batches[0].items.map((i) => i.status), ['ok', 'failed', 'interrupted', 'cancelled']);
    after.store.dispose();
    after.model.dispose();
  });

  it('finds the running batch of a list and folder, so a second start shows it instead', () => {
    const batch = model.start({ title: 'a.txt', text: '', options, source: 'file:///work/ws/a.txt' });
    assert.equal(model.findActive('file:///work/ws/a.txt', options.targetDir), batch);
    assert.equal(model.findActive('file:///work/ws/a.txt', '/other'), undefined);
    assert.equal(model.findActive('file:///work/ws/b.txt', options.targetDir), undefined);
    model.receive({ type: 'finished', batchId: batch.id, stats: stats() });
    assert.equal(model.findActive('file:///work/ws/a.txt', options.targetDir), undefined, 'a finished batch may run again');
  });

  it('Discard removes the .part and .part.meta of the batch\'s items only, inside its folder only', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'discard-'));
    const target = path.join(root, 'target');
    const outside = path.join(root, 'outside');
    fs.mkdirSync(path.join(target, 'img'), { recursive: true });
    fs.mkdirSync(outside);
    const files = ['a.bin.part', 'a.bin.part.meta', 'img/b.bin.part', 'a.bin', 'other.bin.part', 'busy.bin.part'];
    for (const f of files) fs.writeFileSync(path.join(target, f), 'x');
    fs.writeFileSync(path.join(outside, 'c.bin.part'), 'x');
    fs.symlinkSync(outside, path.join(target, 'link'));
    try {
      const result = await removePartFiles(target, ['a.bin', 'img/b.bin', 'busy.bin', '../outside/c.bin', 'link/c.bin', 'gone/x.bin'], new Set([path.join(target, 'busy.bin')]));
      assert.deepEqual(result.removed.map((f) => path.relative(target, f)).sort(), ['a.bin.part', 'a.bin.part.meta', path.join('img', 'b.bin.part')]);
      assert.deepEqual(result.skipped.map((s) => s.reason).sort(), ['another batch is downloading it', 'its folder leads outside the target folder', 'outside the target folder']);
      assert.ok(fs.existsSync(path.join(target, 'a.bin')), 'a finished file is never touched');
      assert.ok(fs.existsSync(path.join(target, 'other.bin.part')), 'another batch\'s .part stays');
      assert.ok(fs.existsSync(path.join(outside, 'c.bin.part')), 'nothing outside the folder is removed');
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
