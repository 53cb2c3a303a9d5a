// What the CLI shows while a batch runs: a live one-line status on a terminal, plain lines otherwise.
import path from 'node:path';
import { formatBytes, formatDuration, type BatchStats, type BatchUpdate, type HostWait, type ItemSnapshot } from '../core';
import { Ticker } from '../core/timers';
import { hostWaitText } from '../model/waits';

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
      return item.unchanged ? `skipped  ${where} (unchanged: HTTP 304)` : `skipped  ${where} (exists)`;
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

/** At most this many waiting hosts get a line of their own; the others are counted. */
const MAX_HOST_LINES = 5;

export interface TerminalDisplayOptions {
  /** The clock of the countdowns (tests pass their own). */
  now?: () => number;
  /** How often a countdown is redrawn while nothing else happens (ms). */
  tickMs?: number;
}

/**
 * Terminal mode: failures scroll above a live region redrawn in place: a line per waiting host
 * ("127.0.0.1:8080: rate limited (HTTP 429), resuming in 12 s", counting down), then the status
 * line. While a host waits, the region is redrawn every second even when the engine reports
 * nothing (every download may be waiting).
 */
export class TerminalDisplay implements Display {
  private hostWaits: HostWait[] = [];
  private stats: BatchStats | undefined;
  /** Lines of the live region on screen (the status line included; the cursor is on the last). */
  private liveLines = 1;
  private readonly now: () => number;
  private readonly ticker: Ticker;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly dir: string,
    options: TerminalDisplayOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    this.ticker = new Ticker(options.tickMs ?? 1000, () => this.stats && this.out.write(this.clear() + this.live(this.stats)));
  }

  update(update: BatchUpdate): void {
    // Present only when the waiting hosts changed, and then the whole list.
    if (update.hostWaits) this.hostWaits = update.hostWaits;
    this.stats = update.stats;
    let text = this.clear();
    for (const item of update.changed) {
      if (item.state === 'failed') text += `${itemLine(this.dir, item)}\n`;
    }
    this.out.write(text + this.live(update.stats));
    this.ticker.set(this.hostWaits.length > 0);
  }

  finish(stats: BatchStats): void {
    this.ticker.dispose();
    this.out.write(`${this.clear()}${summaryLine(stats)}\n`);
    this.liveLines = 1;
  }

  /** Moves to the start of the live region and clears it. */
  private clear(): string {
    return this.liveLines > 1 ? `\r\x1b[${this.liveLines - 1}A\x1b[J` : '\r\x1b[K';
  }

  /** The live region: the waiting hosts, then the status line (no line end: it is redrawn). */
  private live(stats: BatchStats): string {
    const now = this.now();
    const lines = this.hostWaits.slice(0, MAX_HOST_LINES).map((wait) => `${wait.host}: ${hostWaitText(wait, now)}`);
    const more = this.hostWaits.length - MAX_HOST_LINES;
    if (more > 0) lines.push(`${more} more host${more === 1 ? '' : 's'} waiting`);
    lines.push(this.statusLine(stats));
    this.liveLines = lines.length;
    // A line wider than the terminal would wrap, and the region could not be cleared exactly.
    return lines.map((line) => this.fit(line)).join('\n');
  }

  private fit(line: string): string {
    return line.slice(0, Math.max(20, (this.out.columns ?? 80) - 1));
  }

  private statusLine(stats: BatchStats): string {
    const done = stats.ok + stats.skipped + stats.failed + stats.cancelled;
    const remaining = stats.knownTotalBytes - stats.bytes;
    const eta = stats.speed > 0 && remaining > 0 ? ` ETA ${formatDuration(remaining / stats.speed)}` : '';
    const retrying = stats.retrying ? `, ${stats.retrying} retrying` : '';
    const failed = stats.failed ? `, ${stats.failed} failed` : '';
    return `[${done}/${stats.total}] ${formatBytes(stats.bytes)} ${formatBytes(stats.speed)}/s${eta} (${stats.active} active${retrying}${failed})`;
  }
}
