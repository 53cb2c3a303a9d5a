// Entry point of the engine's worker thread (dist/worker.js): parses lists and runs batches off
// the extension host's event loop, posting coalesced progress back.
import { parentPort } from 'node:worker_threads';
import { Batch, parseList, type BatchResult } from '../core';
import type { FromWorker, ToWorker } from './protocol';

if (!parentPort) throw new Error('engineWorker.js must run in a worker thread');
const port = parentPort;
const batches = new Map<number, Batch>();

function post(message: FromWorker): void {
  port.postMessage(message);
}

/** Reports the end of a run; a run never rejects for an item, so a rejection is a bug worth showing. */
function report(batchId: number, run: Promise<BatchResult>): void {
  run.then(
    (result) => post({ type: 'finished', batchId, stats: result.stats }),
    (err: Error) => post({ type: 'failed', batchId, message: err.message }),
  );
}

function start(message: Extract<ToWorker, { type: 'start' }>): void {
  const { batchId, text, sourceName, format, options } = message;
  const parsed = parseList(text, { sourceName, format });
  const batch = new Batch(parsed.entries, options);
  batches.set(batchId, batch);
  post({ type: 'started', batchId, items: batch.snapshot(), stats: batch.stats(), warnings: parsed.warnings });
  batch.onUpdate((update) => post({ type: 'update', batchId, update }));
  report(batchId, batch.run());
}

port.on('message', (message: ToWorker) => {
  try {
    if (message.type === 'start') return start(message);
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
        void batch.dispose();
        break;
    }
  } catch (err) {
    post({ type: 'failed', batchId: message.batchId, message: (err as Error).message });
  }
});
