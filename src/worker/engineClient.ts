// The extension host's side of the engine worker: starts the thread on first use, sends
// requests, answers list analyses with promises, and hands every batch message to one listener
// (the downloads model).
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DownloadOptions, ListFormat } from '../core/frontEnd';
import type { BatchMessage, FromWorker, ListAnalysis, ListKey, ToWorker } from './protocol';

export class EngineClient {
  private worker: Worker | undefined;
  private nextBatchId = 1;
  private nextRequestId = 1;
  /** Analyses asked of the running worker and not answered yet. */
  private readonly pending = new Map<number, (analysis: ListAnalysis) => void>();

  /** `workerFile` is the bundled dist/worker.js. */
  constructor(
    private readonly workerFile: string,
    private readonly onMessage: (message: BatchMessage) => void,
  ) {}

  /**
   * Parses `text` in the worker, which keeps the parse under `key` for a download of the same
   * version. Never rejects: a worker that stops answers with a failure.
   */
  analyze(key: ListKey, text: string, sourceName: string, format?: ListFormat): Promise<ListAnalysis> {
    const requestId = this.nextRequestId++;
    return new Promise((resolve) => {
      this.pending.set(requestId, resolve);
      this.send({ type: 'analyze', requestId, key, text, sourceName, format });
    });
  }

  /**
   * Downloads a list in the worker: the parse kept under `key` when the worker has it, else `text`
   * parsed there (its format detected unless given). Returns the new batch's id.
   */
  start(text: string, sourceName: string, options: DownloadOptions, format?: ListFormat, key?: ListKey): number {
    const batchId = this.nextBatchId++;
    this.send({ type: 'start', batchId, text, sourceName, format, key, options });
    return batchId;
  }

  cancel(batchId: number, itemId?: number): void {
    this.send({ type: 'cancel', batchId, itemId });
  }

  retry(batchId: number, itemIds?: number[]): void {
    this.send({ type: 'retry', batchId, itemIds });
  }

  remove(batchId: number): void {
    this.send({ type: 'remove', batchId });
  }

  /** Drops the worker's parse of a closed document; a worker that is not running holds none. */
  forget(document: string): void {
    this.worker?.postMessage({ type: 'forget', document } satisfies ToWorker);
  }

  /** Stops the worker: running downloads end, their `.part` files stay for a later resume. */
  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.answerPending('the download worker was stopped');
    await worker?.terminate();
  }

  private send(message: ToWorker): void {
    this.ensureWorker().postMessage(message);
  }

  private receive(message: FromWorker): void {
    if (message.type !== 'analysis') {
      this.onMessage(message);
      return;
    }
    const resolve = this.pending.get(message.requestId);
    this.pending.delete(message.requestId);
    resolve?.(message.analysis);
  }

  private answerPending(message: string): void {
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const resolve of waiting) resolve({ failure: { code: 'WORKER_FAILED', message } });
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(path.resolve(this.workerFile));
    worker.on('message', (message: FromWorker) => this.receive(message));
    // A crash must not leave batches spinning or analyses waiting forever: every batch the worker
    // held fails, every pending analysis is answered.
    const crashed = (reason: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.answerPending(`the download worker stopped: ${reason}`);
      for (let batchId = 1; batchId < this.nextBatchId; batchId++) {
        this.onMessage({ type: 'failed', batchId, message: `the download worker stopped: ${reason}` });
      }
    };
    worker.on('error', (err) => crashed(err.message));
    worker.on('exit', (code) => crashed(`exit code ${code}`));
    this.worker = worker;
    return worker;
  }
}
