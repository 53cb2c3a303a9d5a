// Runs a task per key once its key has been quiet for a while: each schedule() of a key restarts
// its wait. One timer per key, all cleared by dispose().
export class Debouncer<K> {
  private readonly timers = new Map<K, NodeJS.Timeout>();

  constructor(private readonly delayMs: number) {}

  schedule(key: K, task: () => void): void {
    clearTimeout(this.timers.get(key));
    this.timers.set(key, setTimeout(() => {
      this.timers.delete(key);
      task();
    }, this.delayMs));
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
