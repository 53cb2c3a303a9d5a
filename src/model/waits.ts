// Texts for waits that count down: a host that asked us to slow down (429/503) and an item
// waiting for its retry. Shared by the CLI and the extension; `now` is passed in so the texts are
// computed at the moment they are drawn.
import type { HostWait } from '../core/frontEnd';

/** "rate limited" for 429, "unavailable" for 503 (both pause the host's downloads). */
export function waitReason(status: number): string {
  if (status === 429) return 'rate limited';
  if (status === 503) return 'unavailable';
  return 'asked to wait';
}

/** Whole seconds left until `at`, rounded up (never negative). */
export function secondsUntil(at: number, now: number): number {
  return Math.max(0, Math.ceil((at - now) / 1000));
}

/** "in 12 s", "in 4 min 05 s", "now". */
export function inTime(at: number, now: number): string {
  const s = secondsUntil(at, now);
  if (s === 0) return 'now';
  if (s < 60) return `in ${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `in ${m} min ${String(s % 60).padStart(2, '0')} s`;
  return `in ${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}

/** "rate limited (HTTP 429), resuming in 12 s". */
export function hostWaitText(wait: HostWait, now: number): string {
  return `${waitReason(wait.status)} (HTTP ${wait.status}), resuming ${inTime(wait.until, now)}`;
}

/** "3 downloads wait; the server said Retry-After: 8" style detail for tooltips. */
export function hostWaitDetail(wait: HostWait): string {
  const downloads = `${wait.waiting} download${wait.waiting === 1 ? '' : 's'} of this host ${wait.waiting === 1 ? 'waits' : 'wait'}`;
  const server = wait.retryAfter !== undefined ? `the server sent Retry-After: ${wait.retryAfter}` : 'the server sent no Retry-After (the wait is a back-off)';
  return `${downloads}; ${server}`;
}
