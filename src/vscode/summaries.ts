// Short texts about a batch, shared by the tree, the notification and the status bar.
import { formatBytes } from '../core/frontEnd';
import type { BatchRecord } from '../model/downloadsModel';
import { hostWaitText } from '../model/waits';

export function percent(fraction: number): string {
  return `${Math.floor(Math.min(Math.max(fraction, 0), 1) * 100)}%`;
}

/** "3/5 · 1 failed · 60%" while running; "3 downloaded, 1 failed" style once done. */
export function batchSummary(batch: BatchRecord): string {
  const s = batch.stats;
  if (!s) return batch.running ? 'reading list...' : (batch.error ?? '');
  const done = s.ok + s.skipped + s.failed + s.cancelled;
  // A batch waiting for Resume says so first: "interrupted · 3/10 · 7 to resume · 1.2 MB".
  const parts = batch.resumable ? [batch.interrupted ? 'interrupted' : 'paused'] : batch.running && batch.pausing ? ['pausing...'] : [];
  parts.push(`${done}/${s.total}`);
  if (s.failed > 0) parts.push(`${s.failed} failed`);
  if (s.cancelled > 0) parts.push(`${s.cancelled} cancelled`);
  if (s.skipped > 0) parts.push(`${s.skipped} skipped`);
  if (batch.paused.size > 0) parts.push(`${batch.paused.size} to resume`);
  if (batch.hostWaits.length > 0) parts.push(hostsWaiting(batch.hostWaits.length));
  parts.push(batch.running ? percent(batch.progress) : formatBytes(s.bytes));
  return parts.join(' · ');
}

/** "1 host waiting", "2 hosts waiting". */
export function hostsWaiting(count: number): string {
  return `${count} host${count === 1 ? '' : 's'} waiting`;
}

/**
 * "3/5 files · 1.2 MB · 500 KB/s" for the progress notification, then the first waiting host:
 * "· 127.0.0.1:8080: rate limited (HTTP 429), resuming in 12 s" (and "+1 more host").
 */
export function progressMessage(batch: BatchRecord, now = Date.now()): string {
  const s = batch.stats;
  if (!s) return 'reading list...';
  const done = s.ok + s.skipped + s.failed + s.cancelled;
  const parts = [`${done}/${s.total} files`, formatBytes(s.bytes)];
  if (s.speed > 0) parts.push(`${formatBytes(s.speed)}/s`);
  if (s.failed > 0) parts.push(`${s.failed} failed`);
  const [first, ...others] = batch.hostWaits;
  if (first) parts.push(`${first.host}: ${hostWaitText(first.wait, now)}${others.length > 0 ? ` (+${others.length} more host${others.length === 1 ? '' : 's'})` : ''}`);
  return parts.join(' · ');
}

/** "3 downloaded, 1 failed" for the message at the end of a run. */
export function outcome(batch: BatchRecord): string {
  const s = batch.stats;
  if (!s) return batch.error ?? 'nothing to download';
  if (s.total === 0) return 'no URLs found in the list';
  const parts = [`${s.ok} downloaded`];
  if (s.skipped > 0) parts.push(`${s.skipped} skipped (already there)`);
  if (s.failed > 0) parts.push(`${s.failed} failed`);
  if (s.cancelled > 0) parts.push(`${s.cancelled} cancelled`);
  if (batch.paused.size > 0) parts.push(`${batch.paused.size} paused`);
  return parts.join(', ');
}
