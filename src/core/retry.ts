// When to retry and how long to wait: exponential backoff with jitter; Retry-After read here,
// honoured by the caller (see hostPoliteness.ts).

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);

export function isRetryableStatus(status: number): boolean {
  return RETRYABLE_STATUS.has(status) || (status >= 500 && status !== 501 && status !== 505);
}

/** Retry-After is either delay-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const text = Array.isArray(value) ? value[0] : value;
  if (!text) return undefined;
  if (/^\s*\d+\s*$/.test(text)) return Number(text) * 1000;
  // Only an IMF-fixdate-like value is a date; V8's lenient Date.parse reads "1.5" as the year 2001.
  if (!/\d{1,2}:\d{2}:\d{2}/.test(text) || !/(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)/i.test(text)) return undefined;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Backoff before retry number `attempt` (1-based), when the server did not say how long. */
export function retryDelayMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  // Half fixed, half random: spreads retries of many items without ever waiting zero.
  return ceiling / 2 + random() * (ceiling / 2);
}
