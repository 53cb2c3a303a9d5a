// One bandwidth budget shared by every download of a run (--limit-rate): a token bucket that
// downloads draw from as bytes arrive. A download that overdraws is told how long to pause its
// connection, so the total stays at the rate without timers per chunk or busy-waiting.

/** Bytes the bucket can hold: a short burst is allowed, a long idle time does not bank a burst. */
const BURST_SECONDS = 0.25;
/** Pauses shorter than this are not worth a timer; the debt is settled by the next chunk. */
const MIN_PAUSE_MS = 10;

export class BandwidthBudget {
  private tokens: number;
  private readonly capacity: number;
  private last: number;

  constructor(
    readonly bytesPerSecond: number,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (!(bytesPerSecond > 0)) throw new RangeError(`bandwidth limit must be positive, not ${bytesPerSecond}`);
    this.capacity = Math.max(16 * 1024, bytesPerSecond * BURST_SECONDS);
    this.tokens = this.capacity;
    this.last = this.now();
  }

  /** `bytes` arrived; returns how many ms the connection should pause before reading more (0: none). */
  take(bytes: number): number {
    const now = this.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * this.bytesPerSecond);
    this.last = now;
    this.tokens -= bytes;
    if (this.tokens >= 0) return 0;
    const pause = (-this.tokens / this.bytesPerSecond) * 1000;
    return pause < MIN_PAUSE_MS ? 0 : Math.ceil(pause);
  }
}
