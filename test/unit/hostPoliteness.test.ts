import assert from 'node:assert/strict';
import { DownloadError } from '../../src/core/errors';
import { HostPoliteness } from '../../src/core/hostPoliteness';
import type { HostWait } from '../../src/core/types';

function limited(status: number, retryAfter?: number): DownloadError {
  return new DownloadError(`HTTP ${status}`, true, 'HTTP_STATUS', {
    status,
    retryAfter: retryAfter === undefined ? undefined : String(retryAfter),
    retryAfterMs: retryAfter === undefined ? undefined : retryAfter * 1000,
  });
}

describe('HostPoliteness', () => {
  let now: number;
  let pauses: Array<[string, number]>;
  let answered: string[];
  let changes: HostWait[][];
  let logs: string[];
  let hosts: HostPoliteness;

  beforeEach(() => {
    now = 1_000_000;
    pauses = [];
    answered = [];
    changes = [];
    logs = [];
    const scheduler = {
      pause: (host: string, until: number) => void pauses.push([host, until]),
      answered: (host: string) => void answered.push(host),
      pendingOn: () => 7,
    };
    const settings = { retryBaseDelayMs: 1000, retryMaxDelayMs: 8000, maxRetryWaitMs: 60_000 };
    hosts = new HostPoliteness(scheduler, settings, (waits) => changes.push(waits), (message) => logs.push(message), () => now);
  });

  it('pauses the host for the Retry-After, one shared wait that a later, shorter answer does not shorten', () => {
    assert.equal(hosts.limited('a:1', limited(429, 10)), now + 10_000);
    now += 1000;
    assert.equal(hosts.limited('a:1', limited(429, 2)), now - 1000 + 10_000, 'the longer wait stands');
    assert.deepEqual(pauses, [['a:1', 1_010_000], ['a:1', 1_010_000]]);
    assert.deepEqual(changes.at(-1), [{ host: 'a:1', until: 1_010_000, status: 429, retryAfter: '2', waiting: 8 }]);
    assert.deepEqual(logs, ['a:1: rate limited (HTTP 429, Retry-After: 10): its downloads resume in 10s'], 'said once, not per answer');
  });

  it('without Retry-After, backs off longer while the host keeps refusing, and starts over once it answers', () => {
    const waits = [1, 2, 3, 4].map(() => (hosts.limited('a:1', limited(503)) as number) - now);
    // Jittered between half the ceiling and the ceiling: 1 s, 2 s, 4 s, 8 s (the maximum).
    for (const [i, wait] of waits.entries()) {
      const ceiling = Math.min(8000, 1000 * 2 ** i);
      assert.ok(wait >= ceiling / 2 && wait <= ceiling, `wait ${i + 1}: ${wait}`);
    }
    hosts.answered('a:1');
    assert.deepEqual(answered, ['a:1']);
    now += 60_000;
    const afterAnswer = (hosts.limited('a:1', limited(503)) as number) - now;
    assert.ok(afterAnswer <= 1000, `back to the first backoff (${afterAnswer})`);
  });

  it('refuses a wait over the limit: a final error quoting the server, and the host is not asked again until then', () => {
    const error = hosts.limited('a:1', limited(429, 3600));
    assert.ok(error instanceof DownloadError);
    assert.equal(error.message, 'HTTP 429: a:1 asked to wait 1h00m (Retry-After: 3600), longer than the 1m00s limit (--max-retry-wait, assetFetch.maxRetryWaitSeconds)');
    assert.equal(error.code, 'RATE_LIMITED');
    assert.equal(error.retryable, false);
    assert.deepEqual(pauses, [], 'no pause: its downloads fail instead');
    assert.match(hosts.refusal('a:1')!.message, /^not requested: a:1 asked to wait 1h00m/);
    assert.equal(hosts.refusal('b:1'), undefined);
    now += 3_600_000;
    assert.equal(hosts.refusal('a:1'), undefined, 'asked again once the server\'s time is over');
  });

  it('drops a wait that is over when the host is tried again, and clears all at the end', () => {
    hosts.limited('a:1', limited(429, 5));
    hosts.limited('b:1', limited(429, 5));
    hosts.starting('a:1');
    assert.equal(changes.at(-1)!.length, 2, 'still waiting');
    now += 5000;
    hosts.starting('a:1');
    assert.deepEqual(changes.at(-1)!.map((w) => w.host), ['b:1']);
    hosts.clear();
    assert.deepEqual(changes.at(-1), []);
  });
});
