// Every timer of the front end, in three shapes (after VS Code's RunOnceScheduler and friends),
// so views never hold a raw setTimeout: each is one object to register with its owner, and
// dispose() clears it. Timers never keep a process (the CLI, a test) alive on their own.
import type { DisposableLike } from './lifecycle';

/**
 * Runs a task at most once per interval however often it is asked for: the first schedule()
 * starts the one timer, later ones join it; flush() runs the task now. For views that redraw
 * what changed (the tree, the status bar, the store's writes).
 */
export class Throttle implements DisposableLike {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly delayMs: number,
    private readonly task: () => void,
  ) {}

  /** Whether a run is waiting for its timer. */
  get scheduled(): boolean {
    return this.timer !== undefined;
  }

  /** Runs the task once `delayMs` (or this request's delay) after the first request since its last run. */
  schedule(delayMs = this.delayMs): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), delayMs);
    this.timer.unref?.();
  }

  /** Runs the task now (whether or not it was scheduled), dropping the waiting timer. */
  flush(): void {
    this.cancel();
    this.task();
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.cancel();
  }
}

/**
 * Runs a task per key once its key has been quiet for a while: each schedule() of a key restarts
 * its wait. For work that should follow the last of a burst (typing in a document).
 */
export class Debouncer<K> implements DisposableLike {
  private readonly timers = new Map<K, NodeJS.Timeout>();

  constructor(private readonly delayMs: number) {}

  schedule(key: K, task: () => void): void {
    clearTimeout(this.timers.get(key));
    const timer = setTimeout(() => {
      this.timers.delete(key);
      task();
    }, this.delayMs);
    timer.unref?.();
    this.timers.set(key, timer);
  }

  /** Drops the key's waiting task, if any. */
  cancel(key: K): void {
    clearTimeout(this.timers.get(key));
    this.timers.delete(key);
  }

  dispose(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}

/**
 * A steady tick (countdowns: "resuming in 12 s") that runs only while something needs it:
 * set(true) starts it, set(false) or stop() ends it.
 */
export class Ticker implements DisposableLike {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly intervalMs: number,
    private readonly tick: () => void,
  ) {}

  get running(): boolean {
    return this.timer !== undefined;
  }

  /** Starts ticking when `on` and not ticking yet; stops when not `on`. */
  set(on: boolean): void {
    if (on && !this.timer) {
      this.timer = setInterval(this.tick, this.intervalMs);
      this.timer.unref?.();
    } else if (!on) {
      this.stop();
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  dispose(): void {
    this.stop();
  }
}
