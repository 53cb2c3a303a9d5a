import assert from 'node:assert/strict';
import { Scheduler, type RunResult } from '../../src/core/scheduler';

/** A run the test finishes by hand: `finish(name)` settles the item's current run. */
function harness(jobs: number, perHost: number, outcome: (name: string) => RunResult = () => undefined) {
  const running = new Map<string, () => void>();
  const started: string[] = [];
  let peak = 0;
  const scheduler = new Scheduler<string>(jobs, perHost, (name) => {
    started.push(name);
    peak = Math.max(peak, running.size + 1);
    return new Promise((resolve) => running.set(name, () => {
      running.delete(name);
      resolve(outcome(name));
    }));
  });
  const finish = async (name: string) => {
    const settle = running.get(name);
    assert.ok(settle, `${name} is not running (running: ${[...running.keys()].join(', ')})`);
    settle();
    await flush();
  };
  return { scheduler, running, started, finish, peak: () => peak };
}

/** Lets promise continuations and the scheduler's queued pump run. */
async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
  await new Promise((resolve) => setImmediate(resolve));
}

describe('Scheduler', () => {
  it('runs at most `jobs` items at once, the next starting as soon as one finishes', async () => {
    const { scheduler, running, started, finish, peak } = harness(2, 2);
    for (const name of ['a', 'b', 'c', 'd']) scheduler.add(name, 'h');
    await flush();
    assert.deepEqual(started, ['a', 'b']);
    await finish('a');
    assert.deepEqual(started, ['a', 'b', 'c']);
    await finish('c');
    await finish('b');
    await finish('d');
    assert.equal(running.size, 0);
    assert.equal(peak(), 2);
    await scheduler.idle();
  });

  it('keeps to the per-host limit and takes hosts in turn', async () => {
    const { scheduler, started, finish } = harness(3, 1);
    for (const name of ['a1', 'a2', 'a3']) scheduler.add(name, 'a');
    for (const name of ['b1', 'b2']) scheduler.add(name, 'b');
    await flush();
    // One per host, although three slots are free.
    assert.deepEqual(started, ['a1', 'b1']);
    await finish('a1');
    assert.deepEqual(started, ['a1', 'b1', 'a2']);
    await finish('b1');
    await finish('a2');
    assert.deepEqual(started, ['a1', 'b1', 'a2', 'b2', 'a3']);
  });

  it('starts a cancelled item at once even when every slot is busy', async () => {
    const { scheduler, started, finish } = harness(1, 1);
    for (const name of ['a', 'b', 'c']) scheduler.add(name, 'h');
    await flush();
    assert.deepEqual(started, ['a']);
    scheduler.expedite('c');
    await flush();
    // c finishes at once (it is cancelled): it must not wait for a's slot.
    assert.deepEqual(started, ['a', 'c']);
    await finish('c');
    await finish('a');
    assert.deepEqual(started, ['a', 'c', 'b']);
    await finish('b');
    await scheduler.idle();
  });

  it('tries an item again on its host once its time has come, without holding a slot meanwhile', async () => {
    let tries = 0;
    const { scheduler, started, finish } = harness(1, 1, (name) => (name === 'a' && ++tries === 1 ? { retryAt: Date.now() + 30, host: 'h' } : undefined));
    scheduler.add('a', 'h');
    scheduler.add('b', 'h');
    await flush();
    await finish('a');
    // a waits for its retry time; b takes the slot.
    assert.deepEqual(started, ['a', 'b']);
    await finish('b');
    await new Promise((resolve) => setTimeout(resolve, 60));
    await flush();
    assert.deepEqual(started, ['a', 'b', 'a']);
    await finish('a');
    await scheduler.idle();
  });

  it('resolves idle() only when nothing is queued, retrying or running', async () => {
    const { scheduler, finish } = harness(2, 2);
    scheduler.add('a', 'h');
    scheduler.add('b', 'h');
    let idle = false;
    void scheduler.idle().then(() => (idle = true));
    await flush();
    await finish('a');
    assert.equal(idle, false);
    await finish('b');
    assert.equal(idle, true);
  });
});
