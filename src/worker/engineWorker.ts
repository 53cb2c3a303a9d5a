// Entry point of the engine's worker thread (dist/worker.js): parses lists and runs batches off
// the extension host's event loop, posting coalesced progress back. It is the extension's only
// list parser: the host gets summaries for its diagnostics and prompts, and a download of a
// document version it analysed reuses that parse.
import { parentPort } from 'node:worker_threads';
import { Batch, ListError, parseList, type BatchResult, type ListFormat, type ParsedList } from '../core';
import { analysisOf } from './listSummary';
import { openBatchLock, planOf, verifyLockFile, type BatchLock } from './lockAndPlan';
import { ParseCache } from './parseCache';
import type { FromWorker, ToWorker } from './protocol';
import { yieldToEditor } from './threadPriority';

if (!parentPort) throw new Error('engineWorker.js must run in a worker thread');
const port = parentPort;
yieldToEditor();
const batches = new Map<number, Batch>();
const parses = new ParseCache();
/** The lockfiles of batches that keep one (assetFetch.lockfile). */
const locks = new Map<number, BatchLock>();
/** Batches whose start waits for their lockfile to be read: messages for them wait too. */
const starting = new Map<number, Promise<void>>();

function post(message: FromWorker): void {
  port.postMessage(message);
}

/** Reports the end of a run; a run never rejects for an item, so a rejection is a bug worth showing. */
function report(batchId: number, run: Promise<BatchResult>): void {
  run
    .then(async (result) => {
      // The lockfile is complete before the run is reported finished. Entries of files the batch
      // did not produce go only after a run of the whole list in which nothing failed or was cancelled.
      const lock = locks.get(batchId);
      await lock?.writer.finish(lock.prune && result.stats.failed + result.stats.cancelled === 0);
      return result;
    })
    .then(
      (result) => post({ type: 'finished', batchId, stats: result.stats }),
      (err: Error) => post({ type: 'failed', batchId, message: err.message }),
    );
}

/** A ListError (binary or oversized text) is a result too: it is shown once, as the list's error. */
function parse(text: string, sourceName: string, format: ListFormat | undefined): ParsedList | ListError {
  try {
    return parseList(text, { sourceName, format });
  } catch (err) {
    if (err instanceof ListError) return err;
    throw err;
  }
}

function analyze(message: Extract<ToWorker, { type: 'analyze' }>): void {
  const { requestId, key, text, sourceName, format } = message;
  let result = parses.get(key, sourceName, format);
  if (!result) {
    result = parse(text, sourceName, format);
    parses.set(key, sourceName, format, text.length, result);
  }
  post({ type: 'analysis', requestId, analysis: analysisOf(result) });
}

function start(message: Extract<ToWorker, { type: 'start' }>): void | Promise<void> {
  const { batchId, text, sourceName, format, key, options } = message;
  // Batch only reads its entries, so a kept parse can serve several downloads.
  const parsed = (key && parses.get(key, sourceName, format)) || parse(text, sourceName, format);
  if (parsed instanceof ListError) {
    post({ type: 'failed', batchId, message: parsed.message });
    return;
  }
  const run = (lock: BatchLock | undefined) => {
    const batch = new Batch(parsed.entries, lock?.options ?? options);
    batches.set(batchId, batch);
    if (lock) locks.set(batchId, lock);
    post({ type: 'started', batchId, items: batch.snapshot(), stats: batch.stats(), warnings: parsed.warnings, formatReason: parsed.formatReason, formatGuessed: parsed.formatGuessed });
    batch.onUpdate((update) => {
      post({ type: 'update', batchId, update });
      lock?.writer.update(update);
    });
    report(batchId, batch.run());
  };
  if (!options.lockfile) return run(undefined);
  // The lockfile is read first: its ETags are the validators of onExisting "refresh".
  const opened = openBatchLock(options)
    .then(run)
    .catch((err: Error) => post({ type: 'failed', batchId, message: err.message }));
  starting.set(batchId, opened);
  return opened.finally(() => starting.delete(batchId));
}

/** "Preview Download": the plan of the list, from the kept parse of that version when there is one. */
async function plan(message: Extract<ToWorker, { type: 'plan' }>): Promise<void> {
  const { requestId, text, sourceName, format, key, dir, onExisting } = message;
  const parsed = (key && parses.get(key, sourceName, format)) || parse(text, sourceName, format);
  if (parsed instanceof ListError) {
    post({ type: 'plan', requestId, result: { problem: { code: parsed.code, message: parsed.message } } });
    return;
  }
  post({ type: 'plan', requestId, result: { plan: await planOf(parsed.entries, dir, onExisting, parsed.formatReason, parsed.warnings) } });
}

port.on('message', (message: ToWorker) => {
  if (message.type === 'analyze') {
    try {
      analyze(message);
    } catch (err) {
      // A bug in the parser: the host must get an answer, not wait forever.
      post({ type: 'analysis', requestId: message.requestId, analysis: { failure: { code: 'WORKER_FAILED', message: `the download worker could not read the list: ${(err as Error).message}` } } });
    }
    return;
  }
  if (message.type === 'forget') {
    parses.forget(message.document);
    return;
  }
  if (message.type === 'plan') {
    plan(message).catch((err: Error) => post({ type: 'plan', requestId: message.requestId, result: { problem: { code: 'WORKER_FAILED', message: `the download worker could not plan the download: ${err.message}` } } }));
    return;
  }
  if (message.type === 'stop') {
    // Each batch writes the `.part.meta` of its partial files as it stops, so a later run resumes them.
    void Promise.all([...batches.values()].map((batch) => batch.dispose().catch(() => undefined))).then(() => post({ type: 'stopped' }));
    return;
  }
  if (message.type === 'verify') {
    void verifyLockFile(message.lockFile, message.scanDir, message.ignore, message.quick, message.hash).then((result) => post({ type: 'verification', requestId: message.requestId, result }));
    return;
  }
  handle(message);
});

function handle(message: Exclude<ToWorker, { type: 'analyze' | 'forget' | 'plan' | 'verify' | 'stop' }>): void {
  try {
    if (message.type === 'start') return void start(message);
    // A batch still reading its lockfile: the message applies once it has started.
    const pending = starting.get(message.batchId);
    if (pending) return void pending.then(() => handle(message));
    const batch = batches.get(message.batchId);
    if (!batch) {
      // Removed, or held by a worker that crashed: a retry must not wait for an answer forever.
      if (message.type === 'retry') post({ type: 'failed', batchId: message.batchId, message: 'this batch is gone from the download worker (it was restarted); start the download again' });
      return;
    }
    switch (message.type) {
      case 'cancel':
        if (message.itemId === undefined) batch.cancel();
        else batch.cancelItem(message.itemId);
        break;
      case 'retry':
        report(message.batchId, batch.retry(message.itemIds));
        break;
      case 'remove':
        batches.delete(message.batchId);
        locks.delete(message.batchId);
        void batch.dispose();
        break;
    }
  } catch (err) {
    post({ type: 'failed', batchId: message.batchId, message: (err as Error).message });
  }
}
