import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BodyConsumer, Exchange } from '../../src/core/http';
import { PartFile, RANGE_BUFFERING, partFilesOf, removePartFiles, removeResumeRecord, writeResumeRecord, writeResumeRecordSync, type WriteOptions } from '../../src/core/partFile';

/**
 * Stands in for a response body: the test pushes chunks as fast as it likes and sees whether the
 * writer asked it to pause, as undici's dispatch controller would be asked.
 */
class FakeBody {
  consumer: BodyConsumer | undefined;
  paused = false;
  pauses = 0;
  aborted: Error | undefined;
  private resumeWaiters: (() => void)[] = [];

  consume(consumer: BodyConsumer): void {
    this.consumer = consumer;
  }
  pause(): void {
    this.paused = true;
    this.pauses++;
  }
  resume(): void {
    this.paused = false;
    this.resumeWaiters.splice(0).forEach((resolve) => resolve());
  }
  abort(reason: Error): void {
    this.aborted = reason;
  }
  whenResumed(): Promise<void> {
    return this.paused ? new Promise((resolve) => this.resumeWaiters.push(resolve)) : Promise.resolve();
  }
  asExchange(): Exchange {
    return this as unknown as Exchange;
  }
}

describe('PartFile.writeBody', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asset-fetch-part-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Sends `total` bytes as a socket honouring pause would; returns the most that waited for the disk. */
  async function mostUnwrittenWhileSending(options: WriteOptions): Promise<{ mostUnwritten: number; pauses: number }> {
    const body = new FakeBody();
    const part = new PartFile(path.join(dir, 'big.bin.part'), false);
    const chunk = Buffer.alloc(64 * 1024, 7);
    const done = part.writeBody(body.asExchange(), 0, () => undefined, options);

    let sent = 0;
    let mostUnwritten = 0;
    const total = 48 * 1024 * 1024;
    while (sent < total) {
      // The sender honours pause as a socket would: it waits for resume before sending more.
      await body.whenResumed();
      body.consumer!.onData(chunk);
      sent += chunk.length;
      const onDisk = fs.existsSync(part.path) ? fs.statSync(part.path).size : 0;
      mostUnwritten = Math.max(mostUnwritten, sent - onDisk);
    }
    body.consumer!.onEnd();
    assert.equal(await done, total);
    part.close();
    assert.equal(fs.statSync(part.path).size, total);
    return { mostUnwritten, pauses: body.pauses };
  }

  it('pauses the connection instead of buffering a large body faster than the disk takes it', async () => {
    const { mostUnwritten, pauses } = await mostUnwrittenWhileSending({});
    assert.ok(pauses > 0, 'the writer asked the connection to pause');
    assert.ok(mostUnwritten <= 8 * 1024 * 1024, `at most a few MB wait for the disk (saw ${mostUnwritten} bytes)`);
  });

  it('buffers less on each connection of a segmented download', async () => {
    // Up to 16 connections write one file: what each holds back adds up.
    const bound = { end: Number.MAX_SAFE_INTEGER, buffering: RANGE_BUFFERING };
    const { mostUnwritten, pauses } = await mostUnwrittenWhileSending({ bound });
    assert.ok(pauses > 0, 'the writer asked the connection to pause');
    // A full buffer being written, the next one filling up, and the chunk that arrives meanwhile.
    const limit = 2 * RANGE_BUFFERING.maxPendingBytes + 64 * 1024;
    assert.ok(limit <= 3 * 1024 * 1024, 'a range connection holds back at most about 2 MiB');
    assert.ok(mostUnwritten <= limit, `at most ${limit} bytes wait for the disk (saw ${mostUnwritten})`);
  });

  it('writes a small body in one go and creates no file for a body that never starts', async () => {
    const small = new FakeBody();
    const written = new PartFile(path.join(dir, 'small.bin.part'), false);
    const done = written.writeBody(small.asExchange(), 0, () => undefined);
    small.consumer!.onData(Buffer.from('hello '));
    small.consumer!.onData(Buffer.from('world'));
    small.consumer!.onEnd();
    assert.equal(await done, 11);
    written.close();
    assert.equal(fs.readFileSync(written.path, 'utf8'), 'hello world');

    const failed = new FakeBody();
    const never = new PartFile(path.join(dir, 'never.bin.part'), false);
    const rejected = never.writeBody(failed.asExchange(), 0, () => undefined);
    failed.consumer!.onError(new Error('connection reset'));
    await assert.rejects(rejected, /connection reset/);
    never.close();
    assert.equal(fs.existsSync(never.path), false);
  });

  it('keeps the bytes that arrived before a failure, for resuming', async () => {
    const body = new FakeBody();
    const part = new PartFile(path.join(dir, 'cut.bin.part'), false);
    const done = part.writeBody(body.asExchange(), 0, () => undefined);
    body.consumer!.onData(Buffer.alloc(1000, 1));
    body.consumer!.onError(new Error('connection reset'));
    await assert.rejects(done, /connection reset/);
    part.close();
    assert.equal(fs.statSync(part.path).size, 1000);
  });

  it('stops at a bound moved down while a write is in flight, counting the bytes being written', async () => {
    // A segmented download moves the first connection's bound down when it splits, which can
    // happen while a batch is being written; those bytes still count towards the bound.
    const body = new FakeBody();
    const part = new PartFile(path.join(dir, 'split.bin.part'), false);
    const MiB = 1024 * 1024;
    const bound = { end: 64 * MiB, positions: [] as number[], written(position: number) { this.positions.push(position); } };
    const done = part.writeBody(body.asExchange(), 0, () => undefined, { bound });
    body.consumer!.onData(Buffer.alloc(MiB, 1)); // a full batch: its write starts now
    bound.end = MiB + 1000; // the split: this connection keeps 1000 more bytes
    body.consumer!.onData(Buffer.alloc(MiB, 2));
    assert.ok(body.aborted, 'the connection is closed at the bound');
    assert.equal(await done, MiB + 1000);
    part.close();
    assert.equal(fs.statSync(part.path).size, MiB + 1000);
    assert.ok(Math.max(...bound.positions) <= bound.end, `reported positions stay within the bound (saw ${bound.positions.join(', ')})`);
  });
});

describe('resume records (.part.meta)', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'af-meta-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('are replaced whole: a write that fails keeps the previous record, and no next version is left', async () => {
    const part = path.join(dir, 'big.bin.part');
    const meta = `${part}.meta`;
    writeResumeRecordSync(part, { url: 'http://h/big.bin', etag: '"v1"' });
    await writeResumeRecord(part, { url: 'http://h/big.bin', etag: '"v2"' });
    assert.deepEqual(fs.readdirSync(dir), ['big.bin.part.meta']);
    assert.equal(JSON.parse(fs.readFileSync(meta, 'utf8')).etag, '"v2"');
    // The next version cannot be written (a folder stands in its way): the record on disk stays whole.
    fs.mkdirSync(`${meta}.tmp`);
    assert.throws(() => writeResumeRecordSync(part, { url: 'http://h/big.bin', etag: '"v3"' }), /EISDIR/);
    assert.equal(JSON.parse(fs.readFileSync(meta, 'utf8')).etag, '"v2"');
    fs.rmdirSync(`${meta}.tmp`);
  });

  it('are removed with what a killed run left of their next version', async () => {
    const part = path.join(dir, 'big.bin.part');
    for (const file of partFilesOf(part)) fs.writeFileSync(file, 'x');
    await removeResumeRecord(part);
    assert.deepEqual(fs.readdirSync(dir), ['big.bin.part']);
    for (const file of partFilesOf(part)) fs.writeFileSync(file, 'x');
    await removePartFiles(part);
    assert.deepEqual(fs.readdirSync(dir), []);
  });
});
