// The one owner pattern of the front end (src/core/lifecycle.ts).
import assert from 'node:assert/strict';
import { Disposable, DisposableMap, DisposableStore, toDisposable } from '../../src/core/lifecycle';

function recorder(log: string[], name: string) {
  return toDisposable(() => log.push(name));
}

describe('lifecycle', () => {
  it('a store disposes what it owns once, in the order added; a late addition is disposed at once', () => {
    const log: string[] = [];
    const store = new DisposableStore();
    store.add(recorder(log, 'a'));
    store.add(recorder(log, 'b'));
    store.dispose();
    store.dispose();
    assert.deepEqual(log, ['a', 'b']);
    store.add(recorder(log, 'late'));
    assert.deepEqual(log, ['a', 'b', 'late']);
  });

  it('delete() disposes one thing early; clear() keeps the store usable', () => {
    const log: string[] = [];
    const store = new DisposableStore();
    const a = store.add(recorder(log, 'a'));
    store.add(recorder(log, 'b'));
    store.delete(a);
    assert.deepEqual(log, ['a']);
    store.clear();
    store.add(recorder(log, 'c'));
    assert.deepEqual(log, ['a', 'b']);
    assert.equal(store.isDisposed, false);
    store.dispose();
    assert.deepEqual(log, ['a', 'b', 'c']);
  });

  it('one thing that throws does not keep the others from being disposed', () => {
    const log: string[] = [];
    const store = new DisposableStore();
    store.add(recorder(log, 'a'));
    store.add({ dispose: () => { throw new Error('boom'); } });
    store.add(recorder(log, 'c'));
    assert.throws(() => store.dispose(), /boom/);
    assert.deepEqual(log, ['a', 'c']);
  });

  it('a Disposable owner disposes what it registered, and says it is disposed', () => {
    const log: string[] = [];
    class Owner extends Disposable {
      constructor() {
        super();
        this.register(recorder(log, 'subscription'));
      }
      get gone(): boolean {
        return this.isDisposed;
      }
    }
    const owner = new Owner();
    assert.equal(owner.gone, false);
    owner.dispose();
    assert.equal(owner.gone, true);
    assert.deepEqual(log, ['subscription']);
  });

  it('a DisposableMap disposes what a key held when the key is set again, deleted, or the map disposed', () => {
    const log: string[] = [];
    const map = new DisposableMap<string>();
    map.set('x', recorder(log, 'x1'));
    map.set('x', recorder(log, 'x2'));
    map.set('y', recorder(log, 'y'));
    map.delete('y');
    assert.deepEqual(log, ['x1', 'y']);
    map.dispose();
    assert.deepEqual(log, ['x1', 'y', 'x2']);
  });
});
