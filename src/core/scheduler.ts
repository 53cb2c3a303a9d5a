// Decides which item runs next: at most `jobs` at once (p-limit), at most `perHost` per host,
// hosts taken in turn so one slow host cannot starve the others. Items wait in plain per-host
// arrays, not as 100,000 pending promises, so memory stays flat for long lists.
import pLimit, { type LimitFunction } from 'p-limit';

interface HostQueue<T> {
  /** Started items are cleared to undefined so their closures can be collected. */
  items: (T | undefined)[];
  head: number;
  active: number;
}

export class Scheduler<T> {
  private readonly limit: LimitFunction;
  private readonly hosts = new Map<string, HostQueue<T>>();
  private hostOrder: HostQueue<T>[] = [];
  private nextHost = 0;
  private queued = 0;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];

  constructor(
    private readonly jobs: number,
    private readonly perHost: number,
    private readonly run: (item: T) => Promise<void>,
  ) {
    this.limit = pLimit(jobs);
  }

  add(item: T, host: string): void {
    let queue = this.hosts.get(host);
    if (!queue) {
      queue = { items: [], head: 0, active: 0 };
      this.hosts.set(host, queue);
      this.hostOrder.push(queue);
    }
    queue.items.push(item);
    this.queued++;
    this.pump();
  }

  /** Resolves once nothing is queued or running. */
  idle(): Promise<void> {
    if (this.queued === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private pump(): void {
    while (this.inFlight < this.jobs && this.queued > 0) {
      const queue = this.nextRunnableHost();
      if (!queue) return;
      const item = queue.items[queue.head] as T;
      queue.items[queue.head++] = undefined;
      if (queue.head === queue.items.length) {
        queue.items = [];
        queue.head = 0;
      }
      this.queued--;
      this.inFlight++;
      queue.active++;
      void this.limit(() => this.run(item))
        .catch(() => undefined) // run() reports its own failures; nothing may escape
        .finally(() => {
          queue.active--;
          this.inFlight--;
          this.pump();
          if (this.queued === 0 && this.inFlight === 0) this.notifyIdle();
        });
    }
  }

  private nextRunnableHost(): HostQueue<T> | undefined {
    for (let tried = 0; tried < this.hostOrder.length; tried++) {
      const queue = this.hostOrder[this.nextHost];
      this.nextHost = (this.nextHost + 1) % this.hostOrder.length;
      if (queue.head < queue.items.length && queue.active < this.perHost) return queue;
    }
    return undefined;
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
