// The extension host's side of the engine worker: starts the thread on first use, sends
// requests, answers list analyses with promises, and announces every batch message as an event
// (the downloads model subscribes to it).
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { DownloadOptions, ListFormat, OnExisting } from '../core/frontEnd';
import { Emitter } from '../model/emitter';
import type { PlanResult, VerifyResult, WorkerProblem } from './lockAndPlan';
import type { BatchMessage, FromWorker, ListAnalysis, ListKey, ToWorker } from './protocol';

/** How long dispose() lets running downloads record their partial files before the thread ends. */
const STOP_GRACE_MS = 1500;

export class EngineClient {
  private worker: Worker | undefined;
  private nextBatchId = 1;
  private nextRequestId = 1;
  /** Analyses asked of the running worker and not answered yet. */
  private readonly pending = new Map<number, (analysis: ListAnalysis) => void>();
  /** Plans and verifications asked and not answered yet (they share the request ids). */
  private readonly pendingOther = new Map<number, (result: PlanResult | VerifyResult) => void>();

  private readonly batchMessages = new Emitter<BatchMessage>();
  /** A batch started, moved, finished or failed (also when the worker crashed: each of its batches failed). */
  readonly onBatchMessage = this.batchMessages.event;

  /** `workerFile` is the bundled dist/worker.js. */
  constructor(private readonly workerFile: string) {}

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

  /**
   * "Preview Download": what a download of the list into `dir` would do (the parse kept under
   * `key` when the worker has it), without a request or a write. Never rejects.
   */
  plan(text: string, sourceName: string, dir: string, onExisting: OnExisting, format?: ListFormat, key?: ListKey): Promise<PlanResult> {
    return this.request((requestId) => ({ type: 'plan', requestId, text, sourceName, format, key, dir, onExisting }));
  }

  /**
   * "Verify Lockfile": the files on disk against `lockFile`, without the network; `quick` hashes
   * only files modified after the lockfile was written, and those in `hash` (see verifyLock).
   * Never rejects.
   */
  verify(lockFile: string, scanDir: string | undefined, ignore: string[], quick = false, hash?: string[]): Promise<VerifyResult> {
    return this.request((requestId) => ({ type: 'verify', requestId, lockFile, scanDir, ignore, quick, hash }));
  }

  private request<T extends PlanResult | VerifyResult>(message: (requestId: number) => ToWorker): Promise<T> {
    const requestId = this.nextRequestId++;
    return new Promise((resolve) => {
      // The worker answers a 'plan' with a PlanResult and a 'verify' with a VerifyResult.
      this.pendingOther.set(requestId, resolve as (result: PlanResult | VerifyResult) => void);
      this.send(message(requestId));
    });
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

  /**
   * Stops the worker: running downloads stop as Cancel stops them, so their `.part` files and
   * `.part.meta` records stay for a later resume (given STOP_GRACE_MS), then the thread ends.
   */
  async dispose(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    this.answerPending('the download worker was stopped');
    if (!worker) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, STOP_GRACE_MS);
      worker.on('message', (message: FromWorker) => message.type === 'stopped' && (clearTimeout(timer), resolve()));
      worker.once('exit', () => (clearTimeout(timer), resolve()));
      worker.postMessage({ type: 'stop' } satisfies ToWorker);
    });
    await worker.terminate();
  }

  private send(message: ToWorker): void {
    this.ensureWorker().postMessage(message);
  }

  private receive(message: FromWorker): void {
    if (message.type === 'stopped') return; // dispose() waits for it
    if (message.type === 'plan' || message.type === 'verification') {
      const pending = this.pendingOther.get(message.requestId);
      this.pendingOther.delete(message.requestId);
      pending?.(message.result);
      return;
    }
    if (message.type !== 'analysis') {
      this.batchMessages.fire(message);
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
    const problem: WorkerProblem = { code: 'WORKER_FAILED', message };
    const others = [...this.pendingOther.values()];
    this.pendingOther.clear();
    for (const answer of others) answer({ problem });
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
        this.batchMessages.fire({ type: 'failed', batchId, message: `the download worker stopped: ${reason}` });
      }
    };
    worker.on('error', (err) => crashed(err.message));
    worker.on('exit', (code) => crashed(`exit code ${code}`));
    this.worker = worker;
    return worker;
  }
}
