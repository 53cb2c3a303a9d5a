// One way to own things that must be let go (subscriptions, timers, VS Code objects), after VS
// Code's lifecycle.ts: an owner registers each thing as it creates it, and disposing the owner
// disposes them all. No `vscode` import: vscode.Disposable objects fit DisposableLike as they are.

export interface DisposableLike {
  dispose(): unknown;
}

/** A disposable that runs `release` once. */
export function toDisposable(release: () => void): DisposableLike {
  let released = false;
  return {
    dispose: () => {
      if (released) return;
      released = true;
      release();
    },
  };
}

/** Disposables owned together, disposed in the order they were added. */
export class DisposableStore implements DisposableLike {
  private readonly owned = new Set<DisposableLike>();
  private disposed = false;

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Owns `thing`; added to a store that is already disposed, it is disposed at once (a late subscription must not leak). */
  add<T extends DisposableLike>(thing: T): T {
    if (this.disposed) thing.dispose();
    else this.owned.add(thing);
    return thing;
  }

  /** Disposes `thing` now and stops owning it. */
  delete(thing: DisposableLike): void {
    if (this.owned.delete(thing)) thing.dispose();
  }

  /** Disposes what is owned now; the store stays usable. */
  clear(): void {
    const things = [...this.owned];
    this.owned.clear();
    disposeAll(things);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.clear();
  }
}

/** Disposables by key: setting a key disposes what it held, and so does deleting it. */
export class DisposableMap<K> implements DisposableLike {
  private readonly owned = new Map<K, DisposableLike>();

  set(key: K, thing: DisposableLike): void {
    const old = this.owned.get(key);
    this.owned.set(key, thing);
    if (old !== thing) old?.dispose();
  }

  delete(key: K): void {
    const old = this.owned.get(key);
    this.owned.delete(key);
    old?.dispose();
  }

  dispose(): void {
    const things = [...this.owned.values()];
    this.owned.clear();
    disposeAll(things);
  }
}

/** An owner: what a subclass register()s is disposed with it. */
export abstract class Disposable implements DisposableLike {
  private readonly store = new DisposableStore();

  protected register<T extends DisposableLike>(thing: T): T {
    return this.store.add(thing);
  }

  /** Disposes a registered `thing` now, before its owner: it is done with. */
  protected disposeEarly(thing: DisposableLike): void {
    this.store.delete(thing);
  }

  protected get isDisposed(): boolean {
    return this.store.isDisposed;
  }

  dispose(): void {
    this.store.dispose();
  }
}

/** Disposes every one of `things`, even when one throws; then throws what was thrown. */
function disposeAll(things: readonly DisposableLike[]): void {
  const errors: unknown[] = [];
  for (const thing of things) {
    try {
      thing.dispose();
    } catch (err) {
      errors.push(err);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, 'several disposables failed to dispose');
}
