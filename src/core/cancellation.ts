// Cancelling one item: a flag plus at most one listener, because an item runs one request or one
// retry wait at a time. An AbortController per item costs more than the rest of a small download.
export interface Cancellable {
  readonly cancelled: boolean;
  /** Calls `listener` on cancel (at once if already cancelled); returns the unsubscribe function. */
  onCancel(listener: () => void): () => void;
}

export class Cancellation implements Cancellable {
  cancelled = false;
  private listener: (() => void) | undefined;

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    const listener = this.listener;
    this.listener = undefined;
    listener?.();
  }

  /** Makes it usable again, for a retry. */
  reset(): void {
    this.cancelled = false;
    this.listener = undefined;
  }

  onCancel(listener: () => void): () => void {
    if (this.cancelled) {
      listener();
      return () => undefined;
    }
    this.listener = listener;
    return () => {
      if (this.listener === listener) this.listener = undefined;
    };
  }
}
