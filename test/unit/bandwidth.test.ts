import assert from 'node:assert/strict';
import { BandwidthBudget } from '../../src/core/bandwidth';

/**
 * Simulates `streams` connections over a fake clock, each delivering `chunk`-byte reads as fast as
 * the network allows (`networkBytesPerSecond` per stream) unless the budget paused it.
 */
function simulate(rate: number, streams: number, chunk: number, networkBytesPerSecond: number, seconds: number, fromSecond = 0): number {
  let now = 0;
  const budget = new BandwidthBudget(rate, () => now);
  const readyAt = new Array<number>(streams).fill(0);
  let total = 0;
  const end = seconds * 1000;
  for (;;) {
    const stream = readyAt.indexOf(Math.min(...readyAt));
    now = readyAt[stream];
    if (now >= end) break;
    if (now >= fromSecond * 1000) total += chunk;
    const pause = budget.take(chunk);
    readyAt[stream] = now + Math.max(pause, (chunk / networkBytesPerSecond) * 1000);
  }
  return total;
}

describe('BandwidthBudget', () => {
  for (const streams of [1, 8]) {
    it(`keeps ${streams} stream(s) within 5% of the rate over the first 10 s`, () => {
      const rate = 1024 * 1024;
      const total = simulate(rate, streams, 16 * 1024, 100 * 1024 * 1024, 10);
      const ratio = total / (rate * 10);
      assert.ok(ratio > 0.95 && ratio < 1.05, `got ${(ratio * 100).toFixed(1)}% of the rate`);
    });
  }

  it('keeps 32 streams reading 64 KiB chunks at the rate once running (each stream overshoots by its first chunk only)', () => {
    const rate = 1024 * 1024;
    const total = simulate(rate, 32, 64 * 1024, 100 * 1024 * 1024, 12, 2);
    const ratio = total / (rate * 10);
    assert.ok(ratio > 0.95 && ratio < 1.05, `got ${(ratio * 100).toFixed(1)}% of the rate`);
  });

  it('does not slow a download that is under the rate', () => {
    let now = 0;
    const budget = new BandwidthBudget(1_000_000, () => now);
    for (let i = 0; i < 100; i++) {
      now += 100;
      assert.equal(budget.take(50_000), 0, `read ${i}`);
    }
  });

  it('does not bank a long idle time into a burst over the rate', () => {
    let now = 0;
    const budget = new BandwidthBudget(100_000, () => now);
    now = 60_000;
    assert.equal(budget.take(25_000), 0, 'a quarter second of burst is allowed');
    assert.equal(budget.take(50_000), 500, 'more waits its time at the rate');
  });

  it('refuses a limit that is not positive', () => {
    assert.throws(() => new BandwidthBudget(0), /must be positive/);
  });
});
