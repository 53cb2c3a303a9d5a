// Messages between the extension host and the engine worker. Plain data only: they cross a
// worker-thread boundary with postMessage (structured clone).
import type { BatchStats, BatchUpdate, DownloadOptions, ItemSnapshot, ListFormat } from '../core/frontEnd';

export type ToWorker =
  | { type: 'start'; batchId: number; text: string; sourceName: string; format?: ListFormat; options: DownloadOptions }
  | { type: 'cancel'; batchId: number; itemId?: number }
  | { type: 'retry'; batchId: number; itemIds?: number[] }
  | { type: 'remove'; batchId: number };

export type FromWorker =
  /** The list was parsed: every item, once (later updates carry changes only). */
  | { type: 'started'; batchId: number; items: ItemSnapshot[]; stats: BatchStats; warnings: string[] }
  | { type: 'update'; batchId: number; update: BatchUpdate }
  /** A run (the first one or a retry) ended: nothing of this batch is queued or running. */
  | { type: 'finished'; batchId: number; stats: BatchStats }
  | { type: 'failed'; batchId: number; message: string };
