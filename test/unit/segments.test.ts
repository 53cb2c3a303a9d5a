import assert from 'node:assert/strict';
import type { Segment } from '../../src/core/partFile';
import { FAST_CONNECTION_BYTES_PER_SECOND, MIN_SEGMENT_BYTES, planSplit, SPLIT_DECISION_MS, SPLIT_RECHECK_MS } from '../../src/core/segments';

const MiB = 1024 * 1024;

describe('segments: planSplit', () => {
  it('waits for the first connection to show its speed', () => {
    assert.equal(planSplit(SPLIT_DECISION_MS - 1, 1 * MiB, 100 * MiB, 8), undefined);
  });

  it('splits the rest of a slow download into contiguous ranges, the first one the running connection\'s', () => {
    const plan = planSplit(500, 4 * MiB, 100 * MiB, 8) as Segment[];
    assert.equal(plan.length, 8);
    assert.deepEqual(plan[0], { start: 0, end: plan[1].start, done: 4 * MiB });
    for (let i = 1; i < plan.length; i++) {
      assert.equal(plan[i].start, plan[i - 1].end);
      assert.equal(plan[i].done, 0);
    }
    assert.equal(plan.at(-1)!.end, 100 * MiB);
  });

  it('does not split a fast connection yet, and measures it again over the next second, from there', () => {
    const fast = FAST_CONNECTION_BYTES_PER_SECOND; // bytes in one second
    assert.equal(planSplit(1000, fast, fast * 10, 8), 'fast', 'fast: the CPU is the limit, for now');
    // After a burst: 300 MB arrived, but only 2 MiB in the last second.
    assert.equal(planSplit(SPLIT_RECHECK_MS - 1, 300e6, 1e9, 8, 2 * MiB, SPLIT_RECHECK_MS), undefined, 'the second window is not over');
    const plan = planSplit(SPLIT_RECHECK_MS, 300e6, 1e9, 8, 2 * MiB, SPLIT_RECHECK_MS) as Segment[];
    assert.equal(plan.length, 8);
    assert.deepEqual(plan[0], { start: 0, end: plan[1].start, done: 300e6 });
    assert.equal(planSplit(SPLIT_RECHECK_MS, 300e6, 1e9, 8, fast, SPLIT_RECHECK_MS), 'fast', 'still fast');
  });

  it('never splits a download about to end, tiny ranges, or when one connection is allowed', () => {
    assert.equal(planSplit(1000, 8 * MiB, 12 * MiB, 8), null, 'the rest takes under a second');
    assert.equal(planSplit(1000, 1 * MiB, 1 * MiB + MIN_SEGMENT_BYTES + 1, 8), null, 'one range would be smaller than the minimum');
    assert.equal(planSplit(1000, 1 * MiB, 100 * MiB, 1), null);
    assert.equal(planSplit(10, 100 * MiB, 100 * MiB, 8), null, 'finished before the decision');
  });

  it('uses no more ranges than the rest fills at the minimum range size', () => {
    const plan = planSplit(1000, 1 * MiB, 1 * MiB + 3 * MIN_SEGMENT_BYTES, 16) as Segment[];
    assert.equal(plan.length, 3);
  });
});
