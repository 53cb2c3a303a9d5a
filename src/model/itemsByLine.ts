// Which item came from which line of a list, for views that show a list's lines (CodeLens,
// hovers). An item's source names its line ("assets.txt:7"); the index of a batch is built the
// first time a line is asked for and kept while the batch's item list is the same array (records
// keep their identity as updates replace their snapshots), so updates never rebuild it.
import type { BatchRecord, ItemRecord } from './downloadsModel';

/** A list as batches remember it: its file, or, for an unsaved document, its title. */
export interface ListIdentity {
  /** The file's path (fsPath); undefined for an unsaved document. */
  path: string | undefined;
  /** "Untitled-1": what the batch of an unsaved document is called. */
  title: string;
}

/** Per batch item list: each item's line (0: none), and a lookup built from them. */
interface LineIndex {
  lines: Int32Array;
  /** Items by line when the lines are not in ascending order (a batch of several documents); else binary search. */
  byLine: Map<number, ItemRecord> | undefined;
}

const indexes = new WeakMap<readonly ItemRecord[], LineIndex>();

/** The batches read from this list, in the order given (the model's: newest first). */
export function batchesOfList(batches: readonly BatchRecord[], list: ListIdentity): BatchRecord[] {
  return batches.filter((b) => (list.path !== undefined ? b.listPath === list.path : b.listPath === undefined && b.title === list.title));
}

/** The item of line `line` (1-based) from the first of `batches` that has one: the newest state of that line. */
export function latestItemAtLine(batches: readonly BatchRecord[], line: number): ItemRecord | undefined {
  for (const batch of batches) {
    const item = itemAtLine(batch, line);
    if (item) return item;
  }
  return undefined;
}

/** The item that came from line `line` (1-based) of the batch's list; the first, should a line have several links. */
export function itemAtLine(batch: BatchRecord, line: number): ItemRecord | undefined {
  const items = batch.items;
  let index = indexes.get(items);
  if (!index) {
    index = indexOf(items);
    indexes.set(items, index);
  }
  if (index.byLine) return index.byLine.get(line);
  // Ascending lines (the usual case: one list, read top to bottom): the first item of `line`.
  const { lines } = index;
  const at = firstAtLeast(lines, line);
  return at < lines.length && lines[at] === line ? items[at] : undefined;
}

/** Built once per item list: 10,000 items cost ~1 ms, where a Map of parsed strings cost 15 ms on the host. */
function indexOf(items: readonly ItemRecord[]): LineIndex {
  const lines = new Int32Array(items.length);
  let ascending = true;
  for (let i = 0; i < items.length; i++) {
    lines[i] = lineOf(items[i].snapshot.source);
    if (i > 0 && lines[i] < lines[i - 1]) ascending = false;
  }
  if (ascending) return { lines, byLine: undefined };
  const byLine = new Map<number, ItemRecord>();
  for (let i = 0; i < items.length; i++) if (lines[i] > 0 && !byLine.has(lines[i])) byLine.set(lines[i], items[i]);
  return { lines, byLine };
}

/** 7 for "assets.txt:7"; 0 for sources without a line ("argument 2"). Digits read in place: no substring per item. */
function lineOf(source: string): number {
  let line = 0;
  let scale = 1;
  for (let i = source.length - 1; i >= 0; i--) {
    const code = source.charCodeAt(i);
    if (code === 58 /* : */) return scale > 1 && line > 0 ? line : 0;
    if (code < 48 || code > 57 || scale > 1e9) return 0;
    line += (code - 48) * scale;
    scale *= 10;
  }
  return 0;
}

/** The index of the first of the ascending `values` that is >= `min` (values.length if none). */
export function firstAtLeast(values: ArrayLike<number>, min: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (values[middle] < min) low = middle + 1;
    else high = middle;
  }
  return low;
}
