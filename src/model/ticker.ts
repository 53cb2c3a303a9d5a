// A once-a-second tick for countdowns ("resuming in 12 s"), running only while something counts
// down: one interval timer at most, cleared by stop() and dispose().
export class Ticker {
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
      // A countdown on screen is no reason to keep a process (the CLI, a test) alive.
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
