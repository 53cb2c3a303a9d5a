// What the CLI shows while a batch runs: a live one-line status on a terminal, plain lines otherwise.
import path from 'node:path';
import { formatBytes, formatDuration, type BatchStats, type BatchUpdate, type ItemSnapshot } from '../core';

export interface Display {
  update(update: BatchUpdate): void;
  finish(stats: BatchStats): void;
}

/** Where an item's file is, as the user typed the target folder. */
export function displayPath(dir: string, item: ItemSnapshot): string | null {
  return item.relativePath ? path.join(dir, item.relativePath) : null;
}

export function summaryLine(stats: BatchStats): string {
  const seconds = stats.elapsedMs / 1000;
  const parts = [`${stats.ok} ok`];
  if (stats.skipped) parts.push(`${stats.skipped} skipped`);
  if (stats.failed) parts.push(`${stats.failed} failed`);
  if (stats.cancelled) parts.push(`${stats.cancelled} cancelled`);
  const rate = seconds > 0 ? ` (${formatBytes(stats.bytes / seconds)}/s)` : '';
  return `${parts.join(', ')}: ${formatBytes(stats.bytes)} in ${seconds.toFixed(1)}s${rate}`;
}

function itemLine(dir: string, item: ItemSnapshot): string | undefined {
  const where = displayPath(dir, item) ?? item.url;
  switch (item.state) {
    case 'ok':
      return `ok       ${where} (${formatBytes(item.bytes)})`;
    case 'skipped':
      return `skipped  ${where} (exists)`;
    case 'failed':
      return `failed   ${failure(item)}`;
    case 'cancelled':
      return `cancelled ${item.url}`;
    default:
      return undefined;
  }
}

/**
 * A line the list could not use reads like a compiler message, "assets.txt:7: not a URL: ...";
 * a download that failed names its URL.
 */
function failure(item: ItemSnapshot): string {
  const fromList = /^(?:line|argument) \d+: /.exec(item.error ?? '');
  return fromList ? `${item.source}: ${item.error!.slice(fromList[0].length)}` : `${item.url}: ${item.error}`;
}

/**
 * Plain mode: one line per finished item on `out` (stderr when stdout carries JSON, then only
 * failures, so a 2,000-item batch does not bury them).
 */
export class LineDisplay implements Display {
  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly dir: string,
    private readonly onlyProblems: boolean,
  ) {}

  update(update: BatchUpdate): void {
    let text = '';
    for (const item of update.changed) {
      if (this.onlyProblems && item.state !== 'failed' && item.state !== 'cancelled') continue;
      const line = itemLine(this.dir, item);
      if (line) text += line + '\n';
    }
    for (const log of update.logs) if (log.level === 'warn') text += `warning  ${log.message}\n`;
    if (text) this.out.write(text);
  }

  finish(stats: BatchStats): void {
    this.out.write(summaryLine(stats) + '\n');
  }
}

/** Terminal mode: failures scroll above a status line redrawn in place. */
export class TerminalDisplay implements Display {
  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly dir: string,
  ) {}

  update(update: BatchUpdate): void {
    let text = '\r\x1b[K';
    for (const item of update.changed) {
      if (item.state === 'failed') text += `${itemLine(this.dir, item)}\n`;
    }
    this.out.write(text + this.statusLine(update.stats));
  }

  finish(stats: BatchStats): void {
    this.out.write(`\r\x1b[K${summaryLine(stats)}\n`);
  }

  private statusLine(stats: BatchStats): string {
    const done = stats.ok + stats.skipped + stats.failed + stats.cancelled;
    const remaining = stats.knownTotalBytes - stats.bytes;
    const eta = stats.speed > 0 && remaining > 0 ? ` ETA ${formatDuration(remaining / stats.speed)}` : '';
    const failed = stats.failed ? `, ${stats.failed} failed` : '';
    const line = `[${done}/${stats.total}] ${formatBytes(stats.bytes)} ${formatBytes(stats.speed)}/s${eta} (${stats.active} active${failed})`;
    return line.slice(0, Math.max(20, (this.out.columns ?? 80) - 1));
  }
}
