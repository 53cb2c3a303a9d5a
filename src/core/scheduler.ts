// Decides which item runs next: at most `jobs` at once (p-limit), at most `perHost` per host,
// hosts taken in turn from the first item on, so one slow host cannot starve the others.
// An item that must be tried again later gives its slot back and waits here, not in a sleeping
// download; a host that asked us to slow down (429/503) is paused as a whole and, once its wait
// is over, gets one request at a time until one is answered normally.
// Items wait in plain per-host arrays, not as 100,000 pending promises, so memory stays flat.
import pLimit, { type LimitFunction } from 'p-limit';

/** What running an item once decided: finished, or to be tried again (on `host`) not before `retryAt`. */
export type RunResult = { retryAt: number; host: string } | undefined;

interface HostQueue<T> {
  host: string;
  /** Items never started, in list order; entries before `head` (or taken out early) are undefined. */
  items: (T | undefined)[];
  head: number;
  /** Items to be tried again, each not before its time; served before `items`. */
  retries: Array<{ item: T; at: number }>;
  active: number;
  /** No item of this host starts before this time (ms since the epoch). */
  pausedUntil: number;
  /** After a pause: one request at a time until the host answers normally again. */
  probing: boolean;
  /** Whether it is in the rotation (has queued or retrying items). */
  inRotation: boolean;
}

export class Scheduler<T> {
  private readonly limit: LimitFunction;
  private readonly hosts = new Map<string, HostQueue<T>>();
  /** Hosts with items to start, served in turn. */
  private rotation: HostQueue<T>[] = [];
  private nextHost = 0;
  /** Items started out of turn: cancelled ones, which finish at once. */
  private urgent: T[] = [];
  private queued = 0;
  private retrying = 0;
  private inFlight = 0;
  private idleWaiters: Array<() => void> = [];
  private wakeTimer: NodeJS.Timeout | undefined;
  private wakeAt = Infinity;
  private pumpScheduled = false;

  constructor(
    private readonly jobs: number,
    private readonly perHost: number,
    private readonly run: (item: T) => Promise<RunResult>,
    private readonly now: () => number = Date.now,
  ) {
    this.limit = pLimit(jobs);
  }

  /** Queues an item; items added in one go start together, hosts in turn. */
  add(item: T, host: string): void {
    const queue = this.hostQueue(host);
    queue.items.push(item);
    this.queued++;
    this.enterRotation(queue);
    this.schedulePump();
  }

  /** No item of `host` starts before `until`; after it, one at a time until `answered(host)`. */
  pause(host: string, until: number): void {
    const queue = this.hostQueue(host);
    queue.pausedUntil = Math.max(queue.pausedUntil, until);
    queue.probing = true;
  }

  /** The host answered normally: it gets its full share of slots again. */
  answered(host: string): void {
    const queue = this.hosts.get(host);
    if (!queue?.probing || queue.pausedUntil > this.now()) return;
    queue.probing = false;
    this.schedulePump();
  }

  /** Queued and retrying items of `host`. */
  pendingOn(host: string): number {
    const queue = this.hosts.get(host);
    if (!queue) return 0;
    let pending = queue.retries.length;
    for (let i = queue.head; i < queue.items.length; i++) if (queue.items[i] !== undefined) pending++;
    return pending;
  }

  /** Items of `host` running now. */
  activeOn(host: string): number {
    return this.hosts.get(host)?.active ?? 0;
  }

  /** Starts `item` now if it is waiting (queued or retrying), whatever the limits: it was cancelled. */
  expedite(item: T): void {
    for (const queue of this.hosts.values()) {
      const retry = queue.retries.findIndex((r) => r.item === item);
      if (retry >= 0) {
        queue.retries.splice(retry, 1);
        this.retrying--;
        this.urgent.push(item);
        this.schedulePump();
        return;
      }
      const index = queue.items.indexOf(item, queue.head);
      if (index >= 0) {
        queue.items[index] = undefined;
        this.queued--;
        this.urgent.push(item);
        this.schedulePump();
        return;
      }
    }
  }

  /** Lifts every pause and wait: the batch is being cancelled, so nothing will be requested. */
  drain(): void {
    for (const queue of this.hosts.values()) {
      queue.pausedUntil = 0;
      queue.probing = false;
      for (const retry of queue.retries) retry.at = 0;
    }
    this.schedulePump();
  }

  /** Resolves once nothing is queued, retrying or running. */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private isIdle(): boolean {
    return this.queued === 0 && this.retrying === 0 && this.inFlight === 0 && this.urgent.length === 0;
  }

  private hostQueue(host: string): HostQueue<T> {
    let queue = this.hosts.get(host);
    if (!queue) {
      queue = { host, items: [], head: 0, retries: [], active: 0, pausedUntil: 0, probing: false, inRotation: false };
      this.hosts.set(host, queue);
    }
    return queue;
  }

  private enterRotation(queue: HostQueue<T>): void {
    if (queue.inRotation) return;
    queue.inRotation = true;
    this.rotation.push(queue);
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    queueMicrotask(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  private pump(): void {
    while (this.urgent.length > 0) {
      // Cancelled: it finishes at once, so it needs no slot.
      this.inFlight++;
      void this.runLane(this.urgent.shift()!, undefined, false);
    }
    const now = this.now();
    while (this.inFlight < this.jobs) {
      const next = this.takeNext(now);
      if (!next) break;
      this.start(next.item, next.queue);
    }
    this.armWakeTimer(now);
    if (this.isIdle()) this.notifyIdle();
  }

  private start(item: T, queue: HostQueue<T>): void {
    this.inFlight++;
    queue.active++;
    void this.limit(() => this.runLane(item, queue, true));
  }

  /**
   * Runs `item`; then, when `continues`, whatever may start next in the same slot: a finished
   * download's connection gets its next request without a round trip through pump() and p-limit,
   * which cost 2,000 small files about 20 ms in profiles and delayed each next request.
   */
  private async runLane(first: T, firstQueue: HostQueue<T> | undefined, continues: boolean): Promise<void> {
    let item = first;
    let queue = firstQueue;
    for (;;) {
      let result: RunResult;
      try {
        result = await this.run(item);
      } catch {
        result = undefined; // run() reports its own failures; nothing may escape
      }
      if (queue) queue.active--;
      if (result) this.retryLater(item, result.host, result.retryAt);
      // Cancelled items waiting to start come first: pump() starts them.
      const next = continues && this.urgent.length === 0 && this.inFlight <= this.jobs ? this.takeNext(this.now()) : undefined;
      if (!next) break;
      item = next.item;
      queue = next.queue;
      queue.active++;
    }
    this.inFlight--;
    this.schedulePump();
  }

  private retryLater(item: T, host: string, at: number): void {
    const queue = this.hostQueue(host);
    queue.retries.push({ item, at });
    this.retrying++;
    this.enterRotation(queue);
  }

  /** The next item to start, taking hosts in turn; drops hosts with nothing left from the rotation. */
  private takeNext(now: number): { item: T; queue: HostQueue<T> } | undefined {
    for (let tried = 0; tried < this.rotation.length; ) {
      if (this.nextHost >= this.rotation.length) this.nextHost = 0;
      const queue = this.rotation[this.nextHost];
      if (!this.hasWork(queue)) {
        queue.inRotation = false;
        this.rotation.splice(this.nextHost, 1);
        continue;
      }
      this.nextHost++;
      tried++;
      const item = this.takeFrom(queue, now);
      if (item !== undefined) return { item, queue };
    }
    return undefined;
  }

  private hasWork(queue: HostQueue<T>): boolean {
    while (queue.head < queue.items.length && queue.items[queue.head] === undefined) queue.head++;
    if (queue.head === queue.items.length && queue.head > 0) {
      queue.items = [];
      queue.head = 0;
    }
    return queue.retries.length > 0 || queue.head < queue.items.length;
  }

  private takeFrom(queue: HostQueue<T>, now: number): T | undefined {
    if (queue.pausedUntil > now) return undefined;
    if (queue.active >= (queue.probing ? 1 : this.perHost)) return undefined;
    const due = queue.retries.findIndex((r) => r.at <= now);
    if (due >= 0) {
      this.retrying--;
      return queue.retries.splice(due, 1)[0].item;
    }
    if (queue.head >= queue.items.length) return undefined;
    const item = queue.items[queue.head] as T;
    queue.items[queue.head++] = undefined;
    this.queued--;
    return item;
  }

  /** When free slots wait for a pause or a retry time, wakes up at the earliest such time. */
  private armWakeTimer(now: number): void {
    let earliest = Infinity;
    if (this.inFlight < this.jobs) {
      for (const queue of this.rotation) {
        const retryAt = queue.retries.reduce((min, r) => Math.min(min, r.at), Infinity);
        const ready = Math.min(retryAt, queue.head < queue.items.length ? now : Infinity);
        if (ready === Infinity) continue;
        earliest = Math.min(earliest, Math.max(ready, queue.pausedUntil));
      }
    }
    if (earliest <= now) earliest = Infinity; // ready now but held by a per-host limit: a finishing item pumps
    if (earliest === this.wakeAt) return;
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    this.wakeAt = earliest;
    if (earliest === Infinity) return;
    this.wakeTimer = setTimeout(() => {
      this.wakeTimer = undefined;
      this.wakeAt = Infinity;
      this.pump();
    }, earliest - now);
  }

  private notifyIdle(): void {
    if (this.wakeTimer) clearTimeout(this.wakeTimer);
    this.wakeTimer = undefined;
    this.wakeAt = Infinity;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
