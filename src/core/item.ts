// The engine's own record of one download. Only the engine mutates it; front ends get snapshots.
import type { ItemSnapshot, ItemState, ListEntry } from './types';
import { Cancellation } from './cancellation';
import type { ResumeState } from './partFile';
import { entrySource } from './listParser';

/** An item is its own cancellation: one object less for each of 100,000 items. */
export class Item extends Cancellation {
  state: ItemState = 'queued';
  /** Where the file goes, relative to the target folder (decided before the request). */
  relativePath: string | undefined;
  /** The name after Content-Disposition, when it differs from relativePath. */
  finalRelativePath: string | undefined;
  bytes = 0;
  total: number | undefined;
  speed = 0;
  attempts = 0;
  error: string | undefined;
  /** Validators and size of the `.part` kept between attempts of this run. */
  resume: ResumeState | undefined;
  /** Whether `<name>.part.meta` may exist and must be removed once the file is complete. */
  resumeRecordOnDisk = false;
  /** Bytes at the previous progress flush, for the speed estimate. */
  bytesAtLastFlush = 0;
  /** What the batch totals already include of this item's bytes and total. */
  countedBytes = 0;
  countedTotal = 0;

  constructor(
    readonly id: number,
    readonly entry: ListEntry,
  ) {
    super();
  }

  get url(): string {
    return this.entry.url ?? this.entry.raw;
  }

  get host(): string {
    return this.entry.url ? new URL(this.entry.url).host : '';
  }

  snapshot(): ItemSnapshot {
    return {
      id: this.id,
      url: this.url,
      source: entrySource(this.entry),
      state: this.state,
      relativePath: this.finalRelativePath ?? this.relativePath,
      bytes: this.bytes,
      total: this.total,
      speed: this.speed,
      attempts: this.attempts,
      error: this.error,
    };
  }
}
