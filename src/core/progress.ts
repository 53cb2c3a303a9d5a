// Coalesces item changes into at most one BatchUpdate per interval, so a 10,000-item batch
// sends a handful of updates a second, each holding only what changed; with a cap on the items
// per update, one is sent early once that many changed (a fast batch: many small updates).
import type { Item } from './item';
import type { BatchStats, BatchUpdate, HostWait, ItemState, LogEntry } from './types';

type Listener = (update: BatchUpdate) => void;

/** Weight of the newest sample in the smoothed speeds. */
const SPEED_SMOOTHING = 0.3;

export class ProgressReporter {
  private readonly dirty = new Set<Item>();
  /** Speed estimates of running items only, so finished ones cost nothing. */
  private readonly speeds = new Map<Item, { bytes: number; speed: number }>();
  private logs: LogEntry[] = [];
  /** Host waits to send with the next update, when they changed. */
  private hostWaits: HostWait[] | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly listeners = new Set<Listener>();
  private readonly counts: Record<ItemState, number> = { queued: 0, active: 0, retrying: 0, ok: 0, skipped: 0, failed: 0, cancelled: 0 };
  private bytes = 0;
  private knownTotalBytes = 0;
  private speed = 0;
  private lastFlushAt: number;
  private bytesAtLastFlush = 0;
  private readonly startedAt: number;

  constructor(
    private readonly intervalMs: number,
    private readonly maxItems = Infinity,
  ) {
    this.startedAt = this.lastFlushAt = Date.now();
  }

  onUpdate(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Registers a new item in the counters. Queued items are not sent as changes: a front end reads
   * the initial list once (Batch.snapshot), so a 100,000-item list does not make one huge update.
   */
  added(item: Item): void {
    this.counts[item.state]++;
  }

  stateChanged(item: Item, from: ItemState): void {
    this.counts[from]--;
    this.counts[item.state]++;
    this.markDirty(item);
  }

  /** Call after item.bytes/total changed; `delta` bytes arrived, the known total moved by `totalDelta`. */
  bytesChanged(item: Item, delta: number, totalDelta: number): void {
    this.bytes += delta;
    this.knownTotalBytes += totalDelta;
    this.markDirty(item);
  }

  hostWaitsChanged(waits: HostWait[]): void {
    this.hostWaits = waits;
    this.schedule();
  }

  log(entry: LogEntry): void {
    this.logs.push(entry);
    this.schedule();
  }

  stats(): BatchStats {
    const c = this.counts;
    return {
      total: c.queued + c.active + c.retrying + c.ok + c.skipped + c.failed + c.cancelled,
      queued: c.queued,
      active: c.active,
      retrying: c.retrying,
      ok: c.ok,
      skipped: c.skipped,
      failed: c.failed,
      cancelled: c.cancelled,
      bytes: this.bytes,
      knownTotalBytes: this.knownTotalBytes,
      speed: this.speed,
      elapsedMs: Date.now() - this.startedAt,
    };
  }

  /** Sends what is pending now; `done` marks the last update of a run. */
  flush(done = false): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const now = Date.now();
    const seconds = Math.max((now - this.lastFlushAt) / 1000, 0.001);
    // Nothing downloading (all waiting for retries, say): the speed is zero, not the last estimate.
    this.speed = this.counts.active === 0 ? 0 : smooth(this.speed, (this.bytes - this.bytesAtLastFlush) / seconds);
    this.lastFlushAt = now;
    this.bytesAtLastFlush = this.bytes;
    const changed = Array.from(this.dirty, (item) => item.snapshot(this.itemSpeed(item, seconds)));
    const update: BatchUpdate = { stats: this.stats(), changed, logs: this.logs, done };
    if (this.hostWaits) update.hostWaits = this.hostWaits;
    this.dirty.clear();
    this.logs = [];
    this.hostWaits = undefined;
    for (const listener of this.listeners) listener(update);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.listeners.clear();
  }

  private itemSpeed(item: Item, seconds: number): number {
    if (item.state !== 'active') {
      this.speeds.delete(item);
      return 0;
    }
    const last = this.speeds.get(item);
    if (!last) {
      this.speeds.set(item, { bytes: item.bytes, speed: 0 }); // resumed bytes are not speed
      return 0;
    }
    last.speed = smooth(last.speed, (item.bytes - last.bytes) / seconds);
    last.bytes = item.bytes;
    return last.speed;
  }

  private markDirty(item: Item): void {
    this.dirty.add(item);
    if (this.dirty.size >= this.maxItems) this.flush();
    else this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    const wait = Math.max(0, this.intervalMs - (Date.now() - this.lastFlushAt));
    this.timer = setTimeout(() => this.flush(), wait);
  }
}

function smooth(previous: number, sample: number): number {
  return previous === 0 ? sample : previous + SPEED_SMOOTHING * (sample - previous);
}
