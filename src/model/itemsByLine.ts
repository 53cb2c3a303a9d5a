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

const indexes = new WeakMap<readonly ItemRecord[], Map<number, ItemRecord>>();

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
  let index = indexes.get(batch.items);
  if (!index) {
    index = new Map();
    for (const item of batch.items) {
      const itemLine = lineOf(item.snapshot.source);
      if (itemLine !== undefined && !index.has(itemLine)) index.set(itemLine, item);
    }
    indexes.set(batch.items, index);
  }
  return index.get(line);
}

/** 7 for "assets.txt:7"; undefined for sources without a line ("argument 2"). */
function lineOf(source: string): number | undefined {
  const colon = source.lastIndexOf(':');
  const line = colon < 0 ? NaN : Number(source.slice(colon + 1));
  return Number.isInteger(line) && line > 0 ? line : undefined;
}
