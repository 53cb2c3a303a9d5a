// The front end's timers (src/core/timers.ts): what runs, how often, and that dispose() stops it.
// Run counts only: the timing itself is left to Node.
import assert from 'node:assert/strict';
import { Debouncer, Throttle, Ticker } from '../../src/core/timers';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('timers', () => {
  describe('Throttle', () => {
    it('runs once for a burst of requests, and again for requests after that run', async () => {
      let runs = 0;
      const throttle = new Throttle(20, () => runs++);
      for (let i = 0; i < 10; i++) throttle.schedule();
      assert.equal(throttle.scheduled, true);
      await sleep(60);
      assert.equal(runs, 1);
      assert.equal(throttle.scheduled, false);
      throttle.schedule();
      await sleep(60);
      assert.equal(runs, 2);
      throttle.dispose();
    });

    it('flush() runs now and drops the waiting run; a task may schedule the next run from inside', async () => {
      let runs = 0;
      const throttle = new Throttle(20, () => {
        if (++runs === 1) throttle.schedule();
      });
      throttle.schedule();
      throttle.flush();
      assert.equal(runs, 1, 'flushed at once');
      await sleep(60);
      assert.equal(runs, 2, 'the run scheduled from inside the first one, not the dropped one as well');
      throttle.dispose();
    });

    it('dispose() drops a waiting run', async () => {
      let runs = 0;
      const throttle = new Throttle(10, () => runs++);
      throttle.schedule();
      throttle.dispose();
      await sleep(40);
      assert.equal(runs, 0);
    });
  });

  describe('Debouncer', () => {
    it("runs a key's task once, after the last schedule, and keys independently", async () => {
      const debouncer = new Debouncer<string>(30);
      const runs: string[] = [];
      for (let i = 0; i < 5; i++) {
        debouncer.schedule('a', () => runs.push(`a${i}`));
        await sleep(5);
      }
      debouncer.schedule('b', () => runs.push('b'));
      await sleep(80);
      assert.deepEqual(runs.sort(), ['a4', 'b']);
      debouncer.dispose();
    });

    it('cancel() and dispose() drop waiting tasks', async () => {
      const debouncer = new Debouncer<string>(10);
      const runs: string[] = [];
      debouncer.schedule('a', () => runs.push('a'));
      debouncer.schedule('b', () => runs.push('b'));
      debouncer.cancel('a');
      debouncer.dispose();
      await sleep(40);
      assert.deepEqual(runs, []);
    });
  });

  describe('Ticker', () => {
    it('ticks only while set on, and not after dispose()', async () => {
      let ticks = 0;
      const ticker = new Ticker(5, () => ticks++);
      ticker.set(true);
      ticker.set(true); // still one interval
      assert.equal(ticker.running, true);
      await sleep(40);
      ticker.set(false);
      const seen = ticks;
      assert.ok(seen >= 1, `ticked while on (${seen})`);
      await sleep(30);
      assert.equal(ticks, seen, 'no tick once off');
      ticker.set(true);
      ticker.dispose();
      assert.equal(ticker.running, false);
      await sleep(30);
      assert.equal(ticks, seen);
    });
  });
});
