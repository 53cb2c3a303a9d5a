import assert from 'node:assert/strict';
import { LineDisplay, summaryLine, TerminalDisplay } from '../../src/cli/display';
import type { BatchStats, BatchUpdate, ItemSnapshot } from '../../src/core';

const stats = (extra: Partial<BatchStats> = {}): BatchStats => ({
  total: 10, queued: 2, active: 3, ok: 4, skipped: 0, failed: 1, cancelled: 0,
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
    display.update(update);

    const frames = text().split('\r\x1b[K').filter(Boolean);
    assert.equal(frames.length, 2, 'each update clears the line and redraws it');
    assert.equal(frames[0], '[5/10] 4.0 MB 2.0 MB/s ETA 4s (3 active, 1 failed)');
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

  it('summarises counts, bytes, time and rate', () => {
    assert.equal(summaryLine(stats({ skipped: 2, cancelled: 1 })), '4 ok, 2 skipped, 1 failed, 1 cancelled: 4.0 MB in 2.0s (2.0 MB/s)');
  });
});
