// Runs a task at most once per interval however often it is asked for (VS Code's
// RunOnceScheduler): the first schedule() starts one timer, later ones join it; flush() runs the
// task now. One timer at most, cleared by dispose().
export class Throttle {
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly delayMs: number,
    private readonly task: () => void,
  ) {}

  /** Whether a run is waiting for its timer. */
  get scheduled(): boolean {
    return this.timer !== undefined;
  }

  /** Runs the task once `delayMs` after the first request since its last run. */
  schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), this.delayMs);
    // A pending save is no reason to keep a process (a test) alive.
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
