// The order of a batch's rows in the Downloads view: trouble first (failed, then waiting for a
// retry), then what is under way, then what is done, each group in list order. A bucket pass, not
// a comparison sort: a 10,000-item batch is ordered in one walk at each refresh.
import type { ItemRecord } from './downloadsModel';

/** Row groups, top to bottom. */
const FAILED = 0;
const RETRYING = 1;
const ACTIVE = 2;
const WAITING = 3; // queued, or paused / interrupted until Resume
const CANCELLED = 4;
const DONE = 5; // ok, skipped
const GROUPS = 6;

export function troubleRank(item: ItemRecord): number {
  if (item.paused) return WAITING;
  switch (item.snapshot.state) {
    case 'failed':
      return FAILED;
    case 'retrying':
      return RETRYING;
    case 'active':
      return ACTIVE;
    case 'queued':
      return WAITING;
    case 'cancelled':
      return CANCELLED;
    default:
      return DONE;
  }
}

/** What "Show Failed Only" keeps: failed and cancelled items (Retry Failed's), and those waiting to retry. */
export function needsAttention(item: ItemRecord): boolean {
  const rank = troubleRank(item);
  return rank === FAILED || rank === RETRYING || rank === CANCELLED;
}

/** The items, trouble first, list order within each group; only those needing attention when `failedOnly`. */
export function troubleFirst(items: readonly ItemRecord[], failedOnly = false): ItemRecord[] {
  const groups: ItemRecord[][] = Array.from({ length: GROUPS }, () => []);
  for (const item of items) groups[troubleRank(item)].push(item);
  return failedOnly ? [...groups[FAILED], ...groups[RETRYING], ...groups[CANCELLED]] : groups.flat();
}
