// The keyed debouncer of the list diagnostics: one run per key after a quiet spell.
import assert from 'node:assert/strict';
import { Debouncer } from '../../src/model/debouncer';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('Debouncer', () => {
  it('runs a key\'s task once, after the last schedule, and keys independently', async () => {
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
