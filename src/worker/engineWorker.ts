// Entry point of the engine's worker thread (dist/worker.js): parses lists and runs batches off
// the extension host's event loop, posting coalesced progress back. It is the extension's only
// list parser: the host gets summaries for its diagnostics and prompts, and a download of a
// document version it analysed reuses that parse.
import { parentPort } from 'node:worker_threads';
import { Batch, ListError, parseList, type BatchResult, type ListFormat, type ParsedList } from '../core';
import { analysisOf } from './listSummary';
import { ParseCache } from './parseCache';
import type { FromWorker, ToWorker } from './protocol';

if (!parentPort) throw new Error('engineWorker.js must run in a worker thread');
const port = parentPort;
const batches = new Map<number, Batch>();
const parses = new ParseCache();

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

function start(message: Extract<ToWorker, { type: 'start' }>): void {
  const { batchId, text, sourceName, format, key, options } = message;
  // Batch only reads its entries, so a kept parse can serve several downloads.
  const parsed = (key && parses.get(key, sourceName, format)) || parse(text, sourceName, format);
  if (parsed instanceof ListError) {
    post({ type: 'failed', batchId, message: parsed.message });
    return;
  }
  const batch = new Batch(parsed.entries, options);
  batches.set(batchId, batch);
  post({ type: 'started', batchId, items: batch.snapshot(), stats: batch.stats(), warnings: parsed.warnings, formatReason: parsed.formatReason, formatGuessed: parsed.formatGuessed });
  batch.onUpdate((update) => post({ type: 'update', batchId, update }));
  report(batchId, batch.run());
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
