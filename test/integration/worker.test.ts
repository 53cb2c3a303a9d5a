// The extension's path to the engine: the downloads model talking to the engine in a worker
// thread (dist/worker.js, as bundled) against a real local server.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_OPTIONS } from '../../src/core';
import { DownloadsModel, type BatchRecord } from '../../src/model/downloadsModel';
import { EngineClient } from '../../src/worker/engineClient';
import type { FromWorker } from '../../src/worker/protocol';
import { payload, serve, startHostileServer, status, trickle, type HostileServer } from '../support/hostileServer';
import { readFile, useTempDirs } from '../support/run';

const WORKER_FILE = path.resolve('dist/worker.js');

describe('downloads model with the engine worker (integration)', () => {
  let server: HostileServer;
  let engine: EngineClient;
  let model: DownloadsModel;
  const tempDir = useTempDirs();

  before(async () => {
    assert.ok(fs.existsSync(WORKER_FILE), 'dist/worker.js is built (npm run build)');
    server = await startHostileServer();
  });
  beforeEach(() => {
    engine = new EngineClient(WORKER_FILE, (message) => model.receive(message));
    model = new DownloadsModel(engine);
  });
  afterEach(async () => {
    model.dispose();
    await engine.dispose();
  });
  after(() => server.close());

  function start(lines: string[], dir: string): BatchRecord {
    const options = { ...DEFAULT_OPTIONS, targetDir: dir, retries: 0, timeoutSeconds: 10, progressIntervalMs: 20 };
    return model.start({ title: 'list.txt', text: lines.join('\n'), options });
  }

  function runEnd(batch: BatchRecord): Promise<void> {
    return new Promise((resolve) => {
      const s = model.onDidFinishRun((b) => b === batch && (s.dispose(), resolve()));
    });
  }

  it('downloads a list in the worker and mirrors every item state in the model', async () => {
    const a = payload(70_000);
    server.route('/w/a.bin', serve(a));
    server.route('/w/gone.bin', status(404));
    const dir = tempDir('worker');
    const batch = start([server.url('/w/a.bin'), server.url('/w/gone.bin'), 'ftp://example.com/x'], dir);
    assert.equal(batch.running, true);
    await runEnd(batch);
    assert.equal(batch.running, false);
    assert.deepEqual(readFile(dir, 'a.bin'), a);
    assert.deepEqual(batch.items.map((i) => i.snapshot.state), ['ok', 'failed', 'failed']);
    assert.match(batch.items[1].snapshot.error ?? '', /404/);
    assert.match(batch.items[2].snapshot.error ?? '', /^line 3: /);
    assert.equal(batch.stats?.ok, 1);
    assert.equal(batch.stats?.failed, 2);
    assert.equal(batch.progress, 1);
  });

  it('cancels from the model, keeps the .part file, and a retry resumes it with a Range request', async () => {
    const body = payload(200_000);
    server.route('/w/slow.bin', trickle(body, 10_000, 50, { etag: '"v1"' }));
    const dir = tempDir('worker-cancel');
    const batch = start([server.url('/w/slow.bin')], dir);
    await new Promise<void>((resolve) => {
      const s = model.onDidChange(({ items }) => items.some((i) => i.snapshot.bytes >= 30_000) && (s.dispose(), resolve()));
    });
    const ended = runEnd(batch);
    model.cancel(batch);
    await ended;
    assert.equal(batch.items[0].snapshot.state, 'cancelled');
    assert.ok(fs.existsSync(path.join(dir, 'slow.bin.part')), 'the partial download is kept');
    assert.ok(!fs.existsSync(path.join(dir, 'slow.bin')));

    server.route('/w/slow.bin', serve(body, { etag: '"v1"' }));
    const again = runEnd(batch);
    model.retry(batch);
    assert.equal(batch.running, true);
    await again;
    assert.equal(batch.items[0].snapshot.state, 'ok');
    assert.deepEqual(readFile(dir, 'slow.bin'), body);
    assert.match(String(server.requestsTo('/w/slow.bin').at(-1)?.headers.range), /^bytes=\d+-$/);
  });

  it('answers a retry of a batch it does not hold (a restarted worker) with a failure', async () => {
    const messages: FromWorker[] = [];
    const bare = new EngineClient(WORKER_FILE, (message) => messages.push(message));
    try {
      bare.retry(41);
      while (messages.length === 0) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.equal(messages[0].type, 'failed');
      assert.equal(messages[0].batchId, 41);
    } finally {
      await bare.dispose();
    }
  });

  it('fails the running batch with a clear message when the worker dies', async () => {
    await engine.dispose();
    engine = new EngineClient(path.resolve('test/support/crashingWorker.mjs'), (message) => model.receive(message));
    model = new DownloadsModel(engine);
    const batch = start([server.url('/w/never.bin')], tempDir('worker-crash'));
    await runEnd(batch);
    assert.equal(batch.running, false);
    assert.match(batch.error ?? '', /download worker stopped: exit code 3/);
  });
});
