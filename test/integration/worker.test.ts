// The extension's path to the engine: the downloads model talking to the engine in a worker
// thread (dist/worker.js, as bundled) against a real local server.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_OPTIONS } from '../../src/core';
import { DownloadsModel, type BatchRecord, type BatchRequest } from '../../src/model/downloadsModel';
import { EngineClient } from '../../src/worker/engineClient';
import type { BatchMessage, ListKey } from '../../src/worker/protocol';
import { ENGINE_NICE_STEPS } from '../../src/worker/threadPriority';
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
    engine = new EngineClient(WORKER_FILE);
    model = new DownloadsModel(engine);
  });
  afterEach(async () => {
    model.dispose();
    await engine.dispose();
  });
  after(() => server.close());

  function start(lines: string[], dir: string, request: Partial<BatchRequest> = {}): BatchRecord {
    const options = { ...DEFAULT_OPTIONS, targetDir: dir, retries: 0, timeoutSeconds: 10, progressIntervalMs: 20 };
    return model.start({ title: 'list.txt', text: lines.join('\n'), options, ...request });
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

  it('runs the engine thread at a lower priority than the extension host on Linux, and only that thread', async function () {
    if (process.platform !== 'linux') this.skip();
    const nice = (task: string) => Number(fs.readFileSync(`/proc/self/task/${task}/stat`, 'utf8').replace(/^.*\) /s, '').split(' ')[16]);
    const before = new Set(fs.readdirSync('/proc/self/task'));
    const own = nice(String(process.pid));
    // The worker starts with the first request.
    await engine.analyze({ document: 'untitled:1', version: 1 }, 'http://h/a.bin', 'list.txt');
    const added = fs.readdirSync('/proc/self/task').filter((t) => !before.has(t));
    assert.ok(added.map(nice).includes(Math.min(19, own + ENGINE_NICE_STEPS)), `a new thread at nice ${own + ENGINE_NICE_STEPS}: ${added.map((t) => `${t}:${nice(t)}`).join(' ')}`);
    assert.equal(nice(String(process.pid)), own, 'the main thread keeps its priority');
  });

  it('answers a retry of a batch it does not hold (a restarted worker) with a failure', async () => {
    const messages: BatchMessage[] = [];
    const bare = new EngineClient(WORKER_FILE);
    bare.onBatchMessage((message) => messages.push(message));
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
    model.dispose();
    await engine.dispose();
    engine = new EngineClient(path.resolve('test/support/crashingWorker.mjs'));
    model = new DownloadsModel(engine);
    const batch = start([server.url('/w/never.bin')], tempDir('worker-crash'));
    await runEnd(batch);
    assert.equal(batch.running, false);
    assert.match(batch.error ?? '', /download worker stopped: exit code 3/);
  });

  describe('list analyses: the worker is the one parser', () => {
    const key: ListKey = { document: '1:file:///w/list.txt', version: 3 };

    it('summarises a .txt list with a prose line and a commented URL: the format and why, the URL count, the error naming its line', async () => {
      const text = ['# hero images', 'https://cdn.example/a.png', 'images for the hero banner', '# https://cdn.example/old.png', 'https://cdn.example/b.png'].join('\n');
      const { summary, failure } = await engine.analyze(key, text, 'list.txt');
      assert.equal(failure, undefined);
      assert.deepEqual(summary, {
        format: 'list',
        formatReason: 'a URL list: 2 of 3 lines are URLs',
        formatGuessed: true,
        urlCount: 2,
        urlLines: [2, 5],
        errors: [{ line: 3, message: 'not a URL: "images for the hero banner"' }],
        errorCount: 1,
        warnings: [],
      });
      const prose = await engine.analyze({ document: '2:file:///w/notes.txt', version: 1 }, 'Notes for the launch.\nThe logo is at https://cdn.example/logo.png today.\nAsk Sam.', 'notes.txt');
      assert.equal(prose.summary?.format, 'text');
      assert.equal(prose.summary?.urlCount, 1);
    });

    it('starts a download of an analysed version from the kept parse, without parsing the text again', async () => {
      server.route('/k/kept.bin', serve(payload(100)));
      server.route('/k/sent.bin', serve(payload(100)));
      await engine.analyze(key, server.url('/k/kept.bin'), 'list.txt');
      // Another text under the same key: only a parse of the text sent now would see sent.bin.
      const batch = start([server.url('/k/sent.bin')], tempDir('kept'), { key });
      await runEnd(batch);
      assert.deepEqual(batch.items.map((i) => i.snapshot.url), [server.url('/k/kept.bin')]);
      assert.equal(server.requestsTo('/k/sent.bin').length, 0);
      assert.equal(batch.formatReason, 'a URL list');
    });

    it('parses the text sent when the key is not kept: another version, another document, a forgotten document', async () => {
      server.route('/k/text.bin', serve(payload(100)));
      await engine.analyze(key, server.url('/k/other.bin'), 'list.txt');
      for (const other of [{ ...key, version: key.version + 1 }, { document: '9:file:///w/elsewhere.txt', version: key.version }]) {
        const batch = start([server.url('/k/text.bin')], tempDir('fallback'), { key: other });
        await runEnd(batch);
        assert.deepEqual(batch.items.map((i) => i.snapshot.url), [server.url('/k/text.bin')], `key ${JSON.stringify(other)}`);
      }
      engine.forget(key.document);
      const batch = start([server.url('/k/text.bin')], tempDir('forgotten'), { key });
      await runEnd(batch);
      assert.deepEqual(batch.items.map((i) => i.snapshot.url), [server.url('/k/text.bin')]);
    });

    it('refuses binary text with one error: a failed analysis, and a batch that fails with that message and has no rows', async () => {
      const binary = `\u0089PNG\r\n\u001a\n\u0000\u0000\u0000\rIHDR${'x'.repeat(5000)}\nhttps://cdn.example/a.png`;
      const { failure } = await engine.analyze(key, binary, 'logo.txt');
      assert.equal(failure?.code, 'LIST_BINARY');
      assert.match(failure?.message ?? '', /^logo\.txt is not a list of URLs: it looks like a binary file \(a NUL byte at offset 8\)$/);
      for (const request of [{ key }, {}]) {
        const batch = start([binary], tempDir('binary'), { title: 'logo.txt', ...request });
        await runEnd(batch);
        assert.equal(batch.error, failure?.message);
        assert.equal(batch.items.length, 0);
      }
    });

    it('turns the prose line of a list into a failed row naming its line, downloads the rest, never requests a commented URL', async () => {
      server.route('/k/good.bin', serve(payload(100)));
      server.route('/k/old.bin', serve(payload(100)));
      const lines = [server.url('/k/good.bin'), 'images for the hero banner', `# ${server.url('/k/old.bin')}`];
      const batch = start(lines, tempDir('prose'));
      await runEnd(batch);
      assert.deepEqual(batch.items.map((i) => `${i.snapshot.state} ${i.snapshot.source}${i.snapshot.error ? ` ${i.snapshot.error}` : ''}`), [
        'ok list.txt:1',
        'failed list.txt:2 line 2: not a URL: "images for the hero banner"',
      ]);
      assert.equal(server.requestsTo('/k/old.bin').length, 0);
      assert.equal(batch.formatReason, 'a URL list: 1 of 2 lines are URLs');
      assert.equal(batch.formatGuessed, true);
    });

    it('answers a pending analysis when the worker dies, and when it is stopped', async () => {
      const crashing = new EngineClient(path.resolve('test/support/crashingWorker.mjs'));
      const crashed = await crashing.analyze(key, 'https://cdn.example/a.png', 'list.txt');
      assert.deepEqual(crashed.failure, { code: 'WORKER_FAILED', message: 'the download worker stopped: exit code 3' });
      await crashing.dispose();

      const stopped = engine.analyze(key, 'https://cdn.example/a.png\n'.repeat(200_000), 'list.txt');
      await engine.dispose();
      assert.equal((await stopped).failure?.code, 'WORKER_FAILED');
    });
  });
});
