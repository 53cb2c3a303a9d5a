// What the batch owes each host: a 429 or 503 pauses all of that host's downloads for one shared
// wait (the server's Retry-After, or a backoff that grows while the host keeps refusing), never
// shorter than the server said and never longer than the configured limit. A host whose wait is
// over the limit is not asked again until that time: its remaining downloads fail with the reason.
import { DownloadError } from './errors';
import { formatDuration } from './format';
import { retryDelayMs } from './retry';
import type { Scheduler } from './scheduler';
import type { HostWait } from './types';

export const RATE_LIMIT_STATUSES: ReadonlySet<number> = new Set([429, 503]);

export interface PolitenessSettings {
  retryBaseDelayMs: number;
  retryMaxDelayMs: number;
  maxRetryWaitMs: number;
}

export class HostPoliteness {
  private readonly waits = new Map<string, HostWait>();
  /** Rate limits in a row per host, for the backoff when the server gives no Retry-After. */
  private readonly strikes = new Map<string, number>();
  private readonly refusals = new Map<string, { until: number; error: DownloadError }>();

  constructor(
    private readonly scheduler: Pick<Scheduler<unknown>, 'pause' | 'answered' | 'pendingOn'>,
    private readonly settings: PolitenessSettings,
    private readonly changed: (waits: HostWait[]) => void,
    private readonly log: (message: string) => void,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * `host` answered 429/503 (`error`). Returns when its downloads may start again (one shared time
   * for all of them), or a final error when the server asks for longer than the limit.
   */
  limited(host: string, error: DownloadError): number | DownloadError {
    const now = this.now();
    const status = error.http!.status;
    const strikes = (this.strikes.get(host) ?? 0) + 1;
    this.strikes.set(host, strikes);
    const asked = error.http!.retryAfterMs;
    if (asked !== undefined && asked > this.settings.maxRetryWaitMs) {
      const why = `${host} asked to wait ${formatDuration(asked / 1000)} (Retry-After: ${error.http!.retryAfter}), longer than the ${formatDuration(this.settings.maxRetryWaitMs / 1000)} limit (--max-retry-wait, assetFetch.maxRetryWaitSeconds)`;
      const refusal = new DownloadError(`not requested: ${why}`, false, 'RATE_LIMITED', error.http);
      this.refusals.set(host, { until: now + asked, error: refusal });
      this.end(host);
      return new DownloadError(`${error.message}: ${why}`, false, 'RATE_LIMITED', error.http);
    }
    const wait = asked ?? retryDelayMs(strikes, this.settings.retryBaseDelayMs, this.settings.retryMaxDelayMs);
    const before = this.waits.get(host)?.until ?? 0;
    const until = Math.max(now + wait, before);
    this.scheduler.pause(host, until);
    // Items already running when the pause began answer too: say it once, not once per item.
    if (until - before > 1000) {
      const retryAfter = error.http!.retryAfter === undefined ? '' : `, Retry-After: ${error.http!.retryAfter}`;
      this.log(`${host}: rate limited (HTTP ${status}${retryAfter}): its downloads resume in ${formatDuration(wait / 1000)}`);
    }
    this.waits.set(host, { host, until, status, retryAfter: error.http!.retryAfter, waiting: this.scheduler.pendingOn(host) + 1 });
    this.changed(this.current());
    return until;
  }

  /** `host` answered with something else than a rate limit. */
  answered(host: string): void {
    this.strikes.delete(host);
    this.scheduler.answered(host);
  }

  /** An attempt on `host` is starting: a wait that is over is no longer shown. */
  starting(host: string): void {
    const wait = this.waits.get(host);
    if (wait && wait.until <= this.now()) this.end(host);
  }

  /** Set while `host` is not to be asked (its wait was over the limit). */
  refusal(host: string): DownloadError | undefined {
    const refusal = this.refusals.get(host);
    if (refusal && refusal.until <= this.now()) this.refusals.delete(host);
    return this.refusals.get(host)?.error;
  }

  current(): HostWait[] {
    return [...this.waits.values()];
  }

  /** The batch finished or was cancelled: nothing waits any more. */
  clear(): void {
    if (this.waits.size === 0) return;
    this.waits.clear();
    this.changed([]);
  }

  private end(host: string): void {
    if (this.waits.delete(host)) this.changed(this.current());
  }
}
