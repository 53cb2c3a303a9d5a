// The --json report: exactly one JSON object, written in slices so 100,000 items do not need one
// huge string in memory.
import type { ErrorCode, ItemSnapshot } from '../core';

type Status = 'ok' | 'skipped' | 'failed';

export interface ReportItem {
  url: string;
  /** Where the list gave it: "assets.txt:7", "<stdin>:2", "argument 1". */
  source: string;
  status: Status;
  path: string | null;
  bytes: number;
  error: string | null;
  /** The engine's stable code for the error (HTTP_STATUS, TLS_CERT, ...); null when none applies (ok, skipped, cancelled). */
  errorCode: ErrorCode | null;
}

/** After the items: the counts per status, and the failed items per error code. */
export interface ReportSummary {
  ok: number;
  skipped: number;
  failed: number;
  /** Failed items per code, codes in order of first appearance; cancelled items have none. */
  errorCodes: Partial<Record<ErrorCode, number>>;
}

export function reportItem(item: ItemSnapshot, path: string | null): ReportItem {
  const status: Status = item.state === 'ok' || item.state === 'skipped' ? item.state : 'failed';
  const failed = status === 'failed';
  const error = failed ? (item.error ?? item.state) : null;
  const errorCode = failed && item.state === 'failed' ? (item.errorCode ?? null) : null;
  return { url: item.url, source: item.source, status, path: failed ? null : path, bytes: item.bytes, error, errorCode };
}

/** Writes `{"items":[...],"summary":{...}}` and a line end. */
export async function writeJsonReport(
  out: NodeJS.WritableStream,
  items: Iterable<ItemSnapshot>,
  pathOf: (item: ItemSnapshot) => string | null,
): Promise<void> {
  const SLICE = 1000;
  const summary: ReportSummary = { ok: 0, skipped: 0, failed: 0, errorCodes: {} };
  let slice: string[] = [];
  let first = true;
  const flush = async () => {
    await write(out, (first ? '{"items":[' : ',') + slice.join(','));
    first = false;
    slice = [];
  };
  for (const item of items) {
    const reported = reportItem(item, pathOf(item));
    summary[reported.status]++;
    if (reported.errorCode) summary.errorCodes[reported.errorCode] = (summary.errorCodes[reported.errorCode] ?? 0) + 1;
    slice.push(JSON.stringify(reported));
    if (slice.length === SLICE) await flush();
  }
  if (slice.length > 0 || first) await flush();
  await write(out, `],"summary":${JSON.stringify(summary)}}\n`);
}

function write(out: NodeJS.WritableStream, text: string): Promise<void> {
  return new Promise((resolve, reject) => out.write(text, (err) => (err ? reject(err) : resolve())));
}
