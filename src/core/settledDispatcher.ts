// undici's Dispatcher interface asks for close() and destroy() each with a promise form and a
// callback form; the engine's dispatchers implement two plain async methods instead.
import type { Dispatcher as DispatcherTypes } from 'undici';
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js';

export abstract class SettledDispatcher extends Dispatcher {
  abstract override dispatch(options: DispatcherTypes.DispatchOptions, handler: DispatcherTypes.DispatchHandler): boolean;
  /** Lets what is running finish, then closes. */
  protected abstract closeAll(): Promise<void>;
  /** Ends everything now; what is waiting or running fails with `err` (or the dispatcher's own error). */
  protected abstract destroyAll(err: Error | null): Promise<void>;

  close(): Promise<void>;
  close(callback: () => void): void;
  close(callback?: () => void): Promise<void> | void {
    const closed = this.closeAll();
    if (!callback) return closed;
    void closed.then(callback);
  }

  destroy(): Promise<void>;
  destroy(err: Error | null): Promise<void>;
  destroy(callback: () => void): void;
  destroy(err: Error | null, callback: () => void): void;
  destroy(errOrCallback?: Error | null | (() => void), callback?: () => void): Promise<void> | void {
    const err = typeof errOrCallback === 'function' ? null : (errOrCallback ?? null);
    const done = typeof errOrCallback === 'function' ? errOrCallback : callback;
    const destroyed = this.destroyAll(err);
    if (!done) return destroyed;
    void destroyed.then(done);
  }
}
