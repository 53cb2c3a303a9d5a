// A batch owns its items and their state: it schedules them (global and per-host limits),
// reports coalesced progress, and takes cancel and retry requests.
import type { Dispatcher } from 'undici';
import { downloadStep, releaseAllClaims, type DownloadContext } from './download';
import { TargetFolder } from './folders';
import { createDispatcher } from './http';
import { systemStoreProblem } from './tlsProblems';
import { HostPoliteness } from './hostPoliteness';
import { BandwidthBudget } from './bandwidth';
import { Item } from './item';
import { NameAllocator } from './nameAllocator';
import { entrySource } from './listParser';
import { entryRelativePath } from './naming';
import { ProgressReporter } from './progress';
import { Scheduler, type RunResult } from './scheduler';
import { DEFAULT_OPTIONS, FINISHED_STATES, type BatchStats, type BatchUpdate, type DownloadOptions, type ItemSnapshot, type ItemState, type ListEntry, type LogLevel } from './types';

export interface BatchResult {
  stats: BatchStats;
  /** Every item's final state, built on first access (a 100,000-item list need not pay for it). */
  readonly items: ItemSnapshot[];
}

export class Batch {
  readonly options: DownloadOptions;
  private readonly items: Item[];
  private readonly reporter: ProgressReporter;
  private readonly names = new NameAllocator();
  private readonly scheduler: Scheduler<Item>;
  private readonly hosts: HostPoliteness;
  /** Set by cancel(); items that would start afterwards are cancelled instead. Reset by retry(). */
  private cancelled = false;
  private dispatcher: Dispatcher | undefined;
  private target: Promise<TargetFolder> | undefined;
  private context: Promise<DownloadContext> | undefined;

  constructor(entries: readonly ListEntry[], options: Partial<DownloadOptions> & Pick<DownloadOptions, 'targetDir'>) {
    this.options = { ...DEFAULT_OPTIONS, ...options };
    this.reporter = new ProgressReporter(this.options.progressIntervalMs, this.options.progressMaxItems);
    this.scheduler = new Scheduler(this.options.jobs, this.options.perHost, (item) => this.runItem(item));
    this.hosts = new HostPoliteness(this.scheduler, this.options, (waits) => this.reporter.hostWaitsChanged(waits), (message) =>
      this.reporter.log({ level: 'warn', message }),
    );
    this.items = entries.map((entry, index) => new Item(index, entry));
    // Names are reserved in list order, so "report (1).pdf" is always the second one listed.
    for (const item of this.items) {
      this.reporter.added(item);
      this.assignName(item);
    }
  }

  onUpdate(listener: (update: BatchUpdate) => void): () => void {
    return this.reporter.onUpdate(listener);
  }

  snapshot(): ItemSnapshot[] {
    return this.items.map((item) => item.snapshot());
  }

  /** Snapshots one at a time, for reports over very long lists. */
  *snapshots(): IterableIterator<ItemSnapshot> {
    for (const item of this.items) yield item.snapshot();
  }

  stats(): BatchStats {
    return this.reporter.stats();
  }

  /**
   * Downloads every queued item; resolves when all are finished. Never rejects for an item.
   * Aborting `signal` cancels the batch, as cancel() does.
   */
  async run(signal?: AbortSignal): Promise<BatchResult> {
    const onAbort = () => this.cancel();
    if (signal?.aborted) this.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    (await this.target?.catch(() => undefined))?.forgetListings();
    const batchSnapshot = () => this.snapshot();
    this.schedule(this.items.filter((item) => item.state === 'queued'));
    await this.settled();
    signal?.removeEventListener('abort', onAbort);
    const stats = this.stats();
    let items: ItemSnapshot[] | undefined;
    return {
      stats,
      get items() {
        return (items ??= batchSnapshot());
      },
    };
  }

  /** Cancels the whole batch: running items keep resumable `.part` files. */
  cancel(): void {
    this.cancelled = true;
    for (const item of this.items) if (!FINISHED_STATES.has(item.state)) item.cancel();
    // Nothing will be requested any more: items waiting for a host or a retry finish now.
    this.scheduler.drain();
    this.hosts.clear();
  }

  cancelItem(id: number): void {
    const item = this.items[id];
    if (!item || FINISHED_STATES.has(item.state)) return;
    item.cancel();
    this.scheduler.expedite(item);
  }

  /** Queues failed or cancelled items again (all of them when `ids` is omitted); resumes `.part` files. */
  retry(ids?: readonly number[], signal?: AbortSignal): Promise<BatchResult> {
    const candidates = ids ? ids.map((id) => this.items[id]).filter(Boolean) : this.items;
    const again = candidates.filter((item) => (item.state === 'failed' || item.state === 'cancelled') && item.relativePath !== undefined);
    this.cancelled = false;
    for (const item of again) {
      item.reset();
      item.error = undefined;
      item.errorCode = undefined;
      item.attempts = 0;
      item.mirror = 0;
      item.mirrorFailures = undefined;
      item.partTouched = false;
      this.setState(item, 'queued');
    }
    return this.run(signal);
  }

  /** Closes connections; the batch cannot run again. */
  async dispose(): Promise<void> {
    this.cancel();
    await this.settled();
    const context = await this.context?.catch(() => undefined);
    if (context) releaseAllClaims(context);
    this.reporter.dispose();
    // Every item is finished, so no request is wanted any more: close sockets without waiting.
    await this.dispatcher?.destroy().catch(() => undefined);
  }

  private async settled(): Promise<void> {
    await this.scheduler.idle();
    this.hosts.clear();
    this.reporter.flush(true);
  }

  private schedule(items: Item[]): void {
    for (const item of items) this.scheduler.add(item, item.host);
  }

  private async runItem(item: Item): Promise<RunResult> {
    if (this.cancelled) item.cancel();
    try {
      this.context ??= this.createContext();
      return await downloadStep(item, await this.context);
    } catch (err) {
      // Setting up the target folder failed: every item reports it.
      item.error = (err as Error).message;
      item.errorCode = 'FILE_SYSTEM';
      this.setState(item, 'failed');
      return undefined;
    }
  }

  private createContext(): Promise<DownloadContext> {
    this.target ??= TargetFolder.create(this.options.targetDir);
    if (!this.dispatcher) {
      this.dispatcher = createDispatcher(this.options);
      // Once per batch: the OS certificate store was asked for and this Node cannot read it.
      const trustProblem = systemStoreProblem(this.options.tls);
      if (trustProblem) this.reporter.log({ level: 'warn', message: trustProblem });
    }
    const dispatcher = this.dispatcher;
    return this.target.then((target) => ({
      dispatcher,
      options: this.options,
      target,
      names: this.names,
      hosts: this.hosts,
      budget: this.options.limitRate ? new BandwidthBudget(this.options.limitRate) : undefined,
      setState: (item, state) => this.setState(item, state),
      setBytes: (item, bytes, total) => {
        this.reporter.bytesChanged(item, bytes - item.bytes, (total ?? 0) - (item.total ?? 0));
        item.bytes = bytes;
        item.total = total;
      },
      addBytes: (item, n) => {
        item.bytes += n;
        this.reporter.bytesChanged(item, n, 0);
      },
      log: (level, item, message) => this.log(level, item, message),
      claims: new Map(),
      claimWaits: new Map(),
      // A download is split only when no other file of its host waits for the connections.
      connectionsForSplit: (host) =>
        this.scheduler.pendingOn(host) > 0 ? 1 : Math.min(this.options.split, this.options.perHost - this.scheduler.activeOn(host) + 1),
    }));
  }

  private assignName(item: Item): void {
    const { entry } = item;
    if (!entry.url) {
      item.error = entry.error;
      item.errorCode = 'LIST_LINE';
      this.setState(item, 'failed');
      this.log('error', item, `failed ${entrySource(entry)}: ${entry.error}`);
      return;
    }
    const relative = entryRelativePath(entry, entry.url);
    if (typeof relative !== 'string') {
      item.error = `line ${entry.line}: ${relative.error}`;
      item.errorCode = 'LIST_LINE';
      this.setState(item, 'failed');
      this.log('error', item, `failed ${entrySource(entry)}: ${relative.error}`);
      return;
    }
    item.relativePath = this.names.reserve(relative, item.id);
  }

  private setState(item: Item, state: ItemState): void {
    const from = item.state;
    if (from === state) return;
    item.state = state;
    this.reporter.stateChanged(item, from);
  }

  private log(level: LogLevel, item: Item, message: string): void {
    this.reporter.log({ level, itemId: item.id, message });
  }
}
