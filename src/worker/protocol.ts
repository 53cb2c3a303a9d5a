// Messages between the extension host and the engine worker. Plain data only: they cross a
// worker-thread boundary with postMessage (structured clone).
import type { BatchStats, BatchUpdate, DownloadOptions, ItemSnapshot, ListFormat, OnExisting } from '../core/frontEnd';
import type { PlanResult, VerifyResult } from './lockAndPlan';

/**
 * One version of one open document. The worker keeps the parse of the latest analysed version of
 * a few documents, so a download of that version reuses it instead of parsing the text again.
 * `document` must never name two different texts with the same `version` (the host adds a
 * counter per opening of the document: an untitled editor's URI comes back after it is closed).
 */
export interface ListKey {
  document: string;
  version: number;
}

/** Diagnostics show at most this many unusable lines; `errorCount` has them all. */
export const MAX_SUMMARY_ERRORS = 5_000;
/** CodeLens and hovers know the lines of at most this many entries; `urlCount` has them all. */
export const MAX_SUMMARY_URL_LINES = 100_000;

/** What the host needs to know about a parsed list, without its entries (a list can be huge). */
export interface ListSummary {
  format: ListFormat;
  /** "a URL list: 4 of 5 lines are URLs", "text (.md file): links extracted". */
  formatReason: string;
  /** The content decided and it could have been read the other way. */
  formatGuessed: boolean;
  /** Entries that will be downloaded. */
  urlCount: number;
  /** The lines (1-based, ascending) of the first MAX_SUMMARY_URL_LINES of those entries. */
  urlLines: number[];
  /** The first MAX_SUMMARY_ERRORS unusable entries: their line and message (without "line N: "). */
  errors: { line: number; message: string }[];
  errorCount: number;
  warnings: string[];
}

/** Why a list has no summary: not list text at all (binary, too large), or the worker failed (it stopped, or a bug). */
export interface ListFailure {
  code: 'LIST_BINARY' | 'LIST_TOO_LARGE' | 'WORKER_FAILED';
  message: string;
}

export type ListAnalysis = { summary: ListSummary; failure?: undefined } | { failure: ListFailure; summary?: undefined };

export type ToWorker =
  /** Parses `text` (and keeps the parse under `key`), answering with an 'analysis' of the same requestId. */
  | { type: 'analyze'; requestId: number; key: ListKey; text: string; sourceName: string; format?: ListFormat }
  /** Downloads a list: the parse kept under `key` when there is one, else `text` parsed now. */
  | { type: 'start'; batchId: number; text: string; sourceName: string; format?: ListFormat; key?: ListKey; options: DownloadOptions }
  | { type: 'cancel'; batchId: number; itemId?: number }
  | { type: 'retry'; batchId: number; itemIds?: number[] }
  | { type: 'remove'; batchId: number }
  /** The document was closed: its kept parse is dropped. */
  | { type: 'forget'; document: string }
  /** The window closes: every batch stops as Cancel stops it (resumable `.part` files and their records kept); answered by 'stopped'. */
  | { type: 'stop' }
  /** "Preview Download": what a download of the list into `dir` would do, without a request or a write; answered by a 'plan'. */
  | { type: 'plan'; requestId: number; text: string; sourceName: string; format?: ListFormat; key?: ListKey; dir: string; onExisting: OnExisting }
  /**
   * "Verify Lockfile": the files against `lockFile`, no network; `scanDir` also looks for files it
   * does not list; `quick` hashes only files modified after the lockfile, and those in `hash` (the
   * Explorer badges). Answered by a 'verification'.
   */
  | { type: 'verify'; requestId: number; lockFile: string; scanDir?: string; ignore: string[]; quick?: boolean; hash?: string[] };

/** Messages about one batch: the downloads model applies them. */
export type BatchMessage =
  /** The list was parsed: every item, once (later updates carry changes only). */
  | { type: 'started'; batchId: number; items: ItemSnapshot[]; stats: BatchStats; warnings: string[]; formatReason: string; formatGuessed: boolean }
  | { type: 'update'; batchId: number; update: BatchUpdate }
  /** A run (the first one or a retry) ended: nothing of this batch is queued or running. */
  | { type: 'finished'; batchId: number; stats: BatchStats }
  | { type: 'failed'; batchId: number; message: string };

export type FromWorker =
  | BatchMessage
  /** The answer to one 'analyze' request. */
  | { type: 'analysis'; requestId: number; analysis: ListAnalysis }
  /** Every batch has stopped after a 'stop'. */
  | { type: 'stopped' }
  /** The answer to one 'plan' request. */
  | { type: 'plan'; requestId: number; result: PlanResult }
  /** The answer to one 'verify' request. */
  | { type: 'verification'; requestId: number; result: VerifyResult };
