import assert from 'node:assert/strict';
import { isRetryableStatus, parseRetryAfter, retryDelayMs } from '../../src/core/retry';

describe('retry: parseRetryAfter', () => {
  const now = Date.parse('Wed, 21 Oct 2015 07:28:00 GMT');

  it('reads delay-seconds', () => {
    assert.equal(parseRetryAfter('120', now), 120_000);
    assert.equal(parseRetryAfter(' 5 ', now), 5_000);
    assert.equal(parseRetryAfter('0', now), 0);
    assert.equal(parseRetryAfter(['3', '9'], now), 3_000);
  });

  it('reads an HTTP date relative to now, never negative', () => {
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:29:30 GMT', now), 90_000);
    assert.equal(parseRetryAfter('Wednesday, 21-Oct-15 07:28:10 GMT', now), 10_000);
    assert.equal(parseRetryAfter('Wed, 21 Oct 2015 07:00:00 GMT', now), 0);
  });

  it('returns undefined for missing or garbage values', () => {
    for (const value of [undefined, '', [], 'soon', 'abc', 'tomorrow-ish']) {
      assert.equal(parseRetryAfter(value as string | string[] | undefined, now), undefined, String(value));
    }
  });

  // Regression: V8's lenient Date.parse accepts "1.5", "-5", "10.5" as dates (years 2001 / -5), so these
  // non-conforming values become an immediate retry (0 ms) instead of being ignored.
  it('does not read numbers that are not delay-seconds as dates', () => {
    for (const value of ['1.5', '10.5', '-5', 'foo 1']) {
      assert.equal(parseRetryAfter(value, now), undefined, value);
    }
  });
});

describe('retry: retryDelayMs', () => {
  it('grows exponentially between half the ceiling and the ceiling', () => {
    const low = () => 0;
    const high = () => 0.999999;
    assert.equal(retryDelayMs(1, 500, 60_000, low), 250);
    assert.equal(retryDelayMs(2, 500, 60_000, low), 500);
    assert.equal(retryDelayMs(3, 500, 60_000, low), 1_000);
    assert.equal(retryDelayMs(3, 500, 60_000, () => 0.5), 1_500);
    assert.ok(retryDelayMs(3, 500, 60_000, high) < 2_000);
    assert.ok(retryDelayMs(3, 500, 60_000, high) > 1_999);
  });

  it('never exceeds the maximum and never waits zero', () => {
    assert.equal(retryDelayMs(30, 500, 60_000, () => 0), 30_000);
    assert.ok(retryDelayMs(100, 500, 60_000, () => 0.999999) <= 60_000);
    for (let attempt = 1; attempt < 12; attempt++) assert.ok(retryDelayMs(attempt, 500, 60_000) > 0);
  });
});

describe('retry: isRetryableStatus', () => {
  it('retries 408, 429 and 5xx except 501 and 505', () => {
    for (const status of [408, 429, 500, 502, 503, 504, 507, 520, 599]) assert.equal(isRetryableStatus(status), true, String(status));
    for (const status of [200, 301, 400, 401, 403, 404, 410, 416, 501, 505]) assert.equal(isRetryableStatus(status), false, String(status));
  });
});
