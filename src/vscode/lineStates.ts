// What a URL line of a list says about its download, in its CodeLens and its hover: "Download",
// "✓ 1.2 MB", "✗ HTTP 404 · Retry", "↻ 45%". No vscode import: unit tested in plain Node.
import { formatBytes, type ItemSnapshot } from '../core/frontEnd';
import { isRetryable, type ItemRecord } from '../model/downloadsModel';
import { percent } from './summaries';

/** What clicking a line's lens does: download the line, retry its item, open its file, or show its batch. */
export type LineAction = 'download' | 'retry' | 'open' | 'showBatch';

export interface LineState {
  title: string;
  action: LineAction;
}

/** A lens is one line of small text: longer errors are cut (the hover has them whole). */
const MAX_ERROR_CHARS = 48;

/** The lens of a line whose newest item is `item` (undefined: never downloaded). */
export function lineState(item: ItemRecord | undefined): LineState {
  if (!item) return { title: 'Download', action: 'download' };
  const s = item.snapshot;
  if (item.paused) return { title: `$(debug-pause) ${item.status}${s.total && s.bytes > 0 ? ` at ${percent(s.bytes / s.total)}` : ''}`, action: 'showBatch' };
  switch (s.state) {
    case 'queued':
      return { title: 'waiting', action: 'showBatch' };
    case 'retrying':
      return { title: `↻ waiting to retry (attempt ${s.attempts + 1})`, action: 'showBatch' };
    case 'active':
      return { title: `↻ ${s.total ? percent(s.bytes / s.total) : formatBytes(s.bytes)}`, action: 'showBatch' };
    case 'ok':
      return { title: `✓ ${formatBytes(s.bytes)}`, action: 'open' };
    case 'skipped':
      return { title: s.unchanged ? '✓ unchanged' : '✓ already there', action: 'open' };
    case 'failed':
    case 'cancelled': {
      const why = s.state === 'cancelled' ? 'cancelled' : shortError(s);
      // An item that cannot be retried (no file name yet) is downloaded again from its line.
      return isRetryable(item) ? { title: `✗ ${why} · Retry`, action: 'retry' } : { title: `✗ ${why} · Download`, action: 'download' };
    }
  }
}

/** "HTTP 404" for an error status; otherwise the message, cut to fit a lens. */
export function shortError(snapshot: ItemSnapshot): string {
  const error = snapshot.error ?? 'unknown error';
  const status = /^HTTP \d{3}\b/.exec(error);
  if (status) return status[0];
  return error.length > MAX_ERROR_CHARS ? `${error.slice(0, MAX_ERROR_CHARS - 1)}…` : error;
}

/** The state in words for a hover: "failed: HTTP 404 Not Found (HTTP_STATUS)", "downloading: 45% · 1.2 MB of 2.6 MB". */
export function stateInWords(item: ItemRecord | undefined): string {
  if (!item) return 'not downloaded yet';
  const s = item.snapshot;
  const size = s.total ? `${formatBytes(s.bytes)} of ${formatBytes(s.total)}` : formatBytes(s.bytes);
  if (item.paused) return `${item.status}${s.bytes > 0 ? ` at ${size}` : ''}`;
  switch (s.state) {
    case 'queued':
      return 'waiting to start';
    case 'retrying':
      return `waiting to retry (attempt ${s.attempts + 1})${s.error ? `: ${s.error}` : ''}`;
    case 'active':
      return `downloading: ${s.total ? `${percent(s.bytes / s.total)} · ` : ''}${size}`;
    case 'ok':
      return `downloaded: ${formatBytes(s.bytes)}`;
    case 'skipped':
      return s.unchanged ? 'kept: the server says it has not changed' : 'skipped: the file was already there';
    case 'failed':
      return `failed: ${s.error ?? 'unknown error'}${s.errorCode ? ` (${s.errorCode})` : ''}`;
    case 'cancelled':
      return s.bytes > 0 ? `cancelled at ${formatBytes(s.bytes)}` : 'cancelled';
  }
}
