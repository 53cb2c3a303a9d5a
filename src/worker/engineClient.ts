// The extension host's side of the engine worker: starts the thread on first use, sends
// requests, and hands every message to one listener (the downloads model).
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DownloadOptions, ListFormat } from '../core/frontEnd';
import type { FromWorker, ToWorker } from './protocol';

export class EngineClient {
  private worker: Worker | undefined;
  private nextBatchId = 1;

  /** `workerFile` is the bundled dist/worker.js. */
  constructor(
    private readonly workerFile: string,
    private readonly onMessage: (message: FromWorker) => void,
  ) {}

  /** Parses `text` in the worker (detecting its format unless given) and downloads it; returns the new batch's id. */
  start(text: string, sourceName: string, options: DownloadOptions, format?: ListFormat): number {
    const batchId = this.nextBatchId++;
    this.send({ type: 'start', batchId, text, sourceName, format, options });
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

  /** Stops the worker: running downloads end, their `.part` files stay for a later resume. */
  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.terminate();
  }

  private send(message: ToWorker): void {
    this.ensureWorker().postMessage(message);
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const worker = new Worker(path.resolve(this.workerFile));
    worker.on('message', this.onMessage);
    // A crash must not leave batches spinning forever: every batch the worker held fails.
    const crashed = (reason: string) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
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
