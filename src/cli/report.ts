// The --json report: exactly one JSON object, written in slices so 100,000 items do not need one
// huge string in memory.
import type { ItemSnapshot } from '../core';

type Status = 'ok' | 'skipped' | 'failed';

export interface ReportItem {
  url: string;
  /** Where the list gave it: "assets.txt:7", "<stdin>:2", "argument 1". */
  source: string;
  status: Status;
  path: string | null;
  bytes: number;
  error: string | null;
}

export function reportItem(item: ItemSnapshot, path: string | null): ReportItem {
  const status: Status = item.state === 'ok' || item.state === 'skipped' ? item.state : 'failed';
  const error = status === 'failed' ? (item.error ?? item.state) : null;
  return { url: item.url, source: item.source, status, path: status === 'failed' ? null : path, bytes: item.bytes, error };
}

export async function writeJsonReport(
  out: NodeJS.WritableStream,
  items: Iterable<ItemSnapshot>,
  pathOf: (item: ItemSnapshot) => string | null,
): Promise<void> {
  const SLICE = 1000;
  let slice: string[] = [];
  let first = true;
  const flush = async () => {
    await write(out, (first ? '{"items":[' : ',') + slice.join(','));
    first = false;
    slice = [];
  };
  for (const item of items) {
    slice.push(JSON.stringify(reportItem(item, pathOf(item))));
    if (slice.length === SLICE) await flush();
  }
  if (slice.length > 0 || first) await flush();
  await write(out, ']}\n');
}

function write(out: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => out.write(text, (err) => (err ? reject(err) : resolve())));
}
