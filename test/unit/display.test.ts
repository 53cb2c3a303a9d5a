import assert from 'node:assert/strict';
import { LineDisplay, summaryLine, TerminalDisplay } from '../../src/cli/display';
import type { BatchStats, BatchUpdate, HostWait, ItemSnapshot } from '../../src/core';

const stats = (extra: Partial<BatchStats> = {}): BatchStats => ({
  total: 10, queued: 2, active: 3, retrying: 0, ok: 4, skipped: 0, failed: 1, cancelled: 0,
  bytes: 4_000_000, knownTotalBytes: 12_000_000, speed: 2_000_000, elapsedMs: 2000, ...extra,
});
const item = (state: ItemSnapshot['state'], extra: Partial<ItemSnapshot> = {}): ItemSnapshot => ({
  id: 1, url: 'https://a.example/x.bin', source: 'l.txt:1', state, relativePath: 'x.bin', bytes: 1500, speed: 0, attempts: 1, ...extra,
});

/** Collects what a display writes; `columns` as a terminal reports it. */
function fakeStream(columns = 100): { stream: NodeJS.WriteStream; text: () => string } {
  let written = '';
  const stream = { isTTY: true, columns, write: (s: string) => ((written += s), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => written };
}

describe('cli: TerminalDisplay', () => {
  it('redraws one status line in place with done/total, bytes, speed and ETA', () => {
    const { stream, text } = fakeStream();
    const display = new TerminalDisplay(stream, 'out');
    const update: BatchUpdate = { stats: stats(), changed: [], logs: [], done: false };

    display.update(update);
    display.update({ ...update, stats: stats({ active: 1, retrying: 2 }) });

    const frames = text().split('\r\x1b[K').filter(Boolean);
    assert.equal(frames.length, 2, 'each update clears the line and redraws it');
    assert.equal(frames[0], '[5/10] 4.0 MB 2.0 MB/s ETA 4s (3 active, 1 failed)');
    assert.equal(frames[1], '[5/10] 4.0 MB 2.0 MB/s ETA 4s (1 active, 2 retrying, 1 failed)', 'downloads waiting to retry are not active');
    assert.ok(!text().includes('\n'), 'no new line while nothing failed');
  });

  it('prints a failure above the status line and fits the line to the terminal', () => {
    const { stream, text } = fakeStream(30);
    const display = new TerminalDisplay(stream, 'out');

    display.update({ stats: stats(), changed: [item('failed', { error: 'HTTP 404 Not Found' })], logs: [], done: false });

    const [failure, status] = text().replace('\r\x1b[K', '').split('\n');
    assert.equal(failure, 'failed   https://a.example/x.bin: HTTP 404 Not Found');
    assert.equal(status.length, 29);
  });

  it('ends with the summary on its own line', () => {
    const { stream, text } = fakeStream();
    new TerminalDisplay(stream, 'out').finish(stats({ queued: 0, active: 0, ok: 9 }));
    assert.equal(text(), '\r\x1b[K9 ok, 1 failed: 4.0 MB in 2.0s (2.0 MB/s)\n');
  });
});

describe('cli: TerminalDisplay, waiting hosts', () => {
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
  const wait = (host: string, until: number, extra: Partial<HostWait> = {}): HostWait => ({ host, until, status: 429, retryAfter: '12', waiting: 3, ...extra });

  it('shows a line per waiting host above the status line, and clears them when none waits', () => {
    const { stream, text } = fakeStream();
    let now = 1_000_000;
    const display = new TerminalDisplay(stream, 'out', { now: () => now });
    display.update({ stats: stats(), changed: [], logs: [], hostWaits: [wait('127.0.0.1:8080', now + 12_000), wait('cdn.example:443', now + 2_500, { status: 503 })], done: false });
    assert.equal(
      text(),
      '\r\x1b[K127.0.0.1:8080: rate limited (HTTP 429), resuming in 12 s\ncdn.example:443: unavailable (HTTP 503), resuming in 3 s\n[5/10] 4.0 MB 2.0 MB/s ETA 4s (3 active, 1 failed)',
    );
    const before = text().length;
    now += 1_000;
    // An update without hostWaits keeps them; the region (3 lines) is cleared from its top.
    display.update({ stats: stats(), changed: [item('failed', { error: 'HTTP 404 Not Found' })], logs: [], done: false });
    assert.equal(
      text().slice(before),
      '\r\x1b[2A\x1b[Jfailed   https://a.example/x.bin: HTTP 404 Not Found\n127.0.0.1:8080: rate limited (HTTP 429), resuming in 11 s\ncdn.example:443: unavailable (HTTP 503), resuming in 2 s\n[5/10] 4.0 MB 2.0 MB/s ETA 4s (3 active, 1 failed)',
    );
    const next = text().length;
    display.update({ stats: stats(), changed: [], logs: [], hostWaits: [], done: false });
    assert.equal(text().slice(next), '\r\x1b[2A\x1b[J[5/10] 4.0 MB 2.0 MB/s ETA 4s (3 active, 1 failed)');
    display.finish(stats());
    assert.ok(text().endsWith('\r\x1b[K4 ok, 1 failed: 4.0 MB in 2.0s (2.0 MB/s)\n'), 'one live line left: cleared as before');
  });

  it('counts down on its own while a host waits, and stops when none does or at the end', async () => {
    const { stream, text } = fakeStream();
    let now = 1_000_000;
    const display = new TerminalDisplay(stream, 'out', { now: () => now, tickMs: 20 });
    display.update({ stats: stats(), changed: [], logs: [], hostWaits: [wait('h:1', now + 5_000)], done: false });
    now += 2_000;
    await sleep(70);
    assert.match(text(), /h:1: rate limited \(HTTP 429\), resuming in 3 s\n\[5\/10\][^\r]*$/, 'redrawn with the time left now, nothing else happening');
    display.update({ stats: stats(), changed: [], logs: [], hostWaits: [], done: false });
    let length = text().length;
    await sleep(70);
    assert.equal(text().length, length, 'no redraw once no host waits');
    display.update({ stats: stats(), changed: [], logs: [], hostWaits: [wait('h:1', now + 5_000)], done: false });
    display.finish(stats());
    length = text().length;
    await sleep(70);
    assert.equal(text().length, length, 'no redraw after finish');
    assert.ok(text().endsWith('\r\x1b[1A\x1b[J4 ok, 1 failed: 4.0 MB in 2.0s (2.0 MB/s)\n'), 'the host line is cleared before the summary');
  });

  it('lists at most five hosts, counts the others, and fits each line to the terminal', () => {
    const { stream, text } = fakeStream(40);
    const now = 0;
    const display = new TerminalDisplay(stream, 'out', { now: () => now });
    const waits = Array.from({ length: 7 }, (_, i) => wait(`host-${i}.example.com:8443`, now + 90_000 + i * 1000));
    display.update({ stats: stats(), changed: [], logs: [], hostWaits: waits, done: false });
    const lines = text().replace('\r\x1b[K', '').split('\n');
    assert.equal(lines.length, 7, 'five hosts, "2 more hosts waiting", the status line');
    assert.equal(lines[0], 'host-0.example.com:8443: rate limited (');
    assert.equal(lines[5], '2 more hosts waiting');
    assert.ok(lines.every((line) => line.length <= 39));
    display.finish(stats());
  });
});

describe('cli: LineDisplay', () => {
  it('writes one line per finished item, and only problems when asked to', () => {
    const all = fakeStream();
    const problems = fakeStream();
    const update: BatchUpdate = {
      stats: stats(),
      changed: [item('ok'), item('active'), item('skipped'), item('failed', { error: 'HTTP 500 Internal Server Error' })],
      logs: [{ level: 'warn', message: 'retry 1/5 in 0.5s: x' }],
      done: false,
    };

    new LineDisplay(all.stream, 'out', false).update(update);
    new LineDisplay(problems.stream, 'out', true).update(update);

    assert.equal(
      all.text(),
      'ok       out/x.bin (1.5 KB)\nskipped  out/x.bin (exists)\nfailed   https://a.example/x.bin: HTTP 500 Internal Server Error\nwarning  retry 1/5 in 0.5s: x\n',
    );
    assert.equal(problems.text(), 'failed   https://a.example/x.bin: HTTP 500 Internal Server Error\nwarning  retry 1/5 in 0.5s: x\n');
  });

  it('prints the engine\'s line about a paused host (its warn log), also when only problems are shown', () => {
    const problems = fakeStream();
    const message = '127.0.0.1:8080: rate limited (HTTP 429, Retry-After: 8): its downloads resume in 8 s';
    new LineDisplay(problems.stream, 'out', true).update({
      stats: stats(),
      changed: [item('retrying', { retryAt: 1, error: 'HTTP 429 Too Many Requests' })],
      logs: [{ level: 'warn', itemId: 1, message }],
      hostWaits: [{ host: '127.0.0.1:8080', until: 8, status: 429, retryAfter: '8', waiting: 1 }],
      done: false,
    });
    assert.equal(problems.text(), `warning  ${message}\n`);
  });

  it('summarises counts, bytes, time and rate', () => {
    assert.equal(summaryLine(stats({ skipped: 2, cancelled: 1 })), '4 ok, 2 skipped, 1 failed, 1 cancelled: 4.0 MB in 2.0s (2.0 MB/s)');
  });
});
