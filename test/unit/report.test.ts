import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { reportItem, writeJsonReport } from '../../src/cli/report';
import type { ItemSnapshot, ItemState } from '../../src/core/types';

function snapshot(id: number, state: ItemState, extra: Partial<ItemSnapshot> = {}): ItemSnapshot {
  return { id, url: `https://a.example/${id}`, source: `l.txt:${id}`, state, relativePath: `${id}.bin`, bytes: id * 10, speed: 0, attempts: 1, ...extra };
}

async function capture(items: ItemSnapshot[], pathOf = (item: ItemSnapshot) => item.relativePath ?? null): Promise<string> {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (chunk: Buffer) => chunks.push(chunk));
  await writeJsonReport(stream, items, pathOf);
  stream.end();
  return Buffer.concat(chunks).toString('utf8');
}

describe('cli: JSON report', () => {
  it('maps states to ok / skipped / failed, cancelled included', () => {
    assert.deepEqual(reportItem(snapshot(1, 'ok'), 'dl/1.bin'), { url: 'https://a.example/1', source: 'l.txt:1', status: 'ok', path: 'dl/1.bin', bytes: 10, error: null });
    assert.deepEqual(reportItem(snapshot(2, 'skipped'), 'dl/2.bin'), { url: 'https://a.example/2', source: 'l.txt:2', status: 'skipped', path: 'dl/2.bin', bytes: 20, error: null });
    assert.deepEqual(reportItem(snapshot(3, 'failed', { error: 'HTTP 404' }), 'dl/3.bin'), { url: 'https://a.example/3', source: 'l.txt:3', status: 'failed', path: null, bytes: 30, error: 'HTTP 404' });
    assert.deepEqual(reportItem(snapshot(4, 'cancelled'), 'dl/4.bin'), { url: 'https://a.example/4', source: 'l.txt:4', status: 'failed', path: null, bytes: 40, error: 'cancelled' });
    assert.deepEqual(reportItem(snapshot(5, 'queued'), null), { url: 'https://a.example/5', source: 'l.txt:5', status: 'failed', path: null, bytes: 50, error: 'queued' });
  });

  it('writes exactly one JSON object for an empty batch', async () => {
    const text = await capture([]);
    assert.equal(text, '{"items":[]}\n');
  });

  it('writes exactly one parseable JSON object for 2,500 items in list order', async () => {
    const states: ItemState[] = ['ok', 'skipped', 'failed', 'cancelled'];
    const items = Array.from({ length: 2_500 }, (_, i) =>
      snapshot(i, states[i % 4], i % 4 === 2 ? { error: `HTTP 5${i}` } : {}),
    );
    const text = await capture(items);
    assert.ok(text.endsWith(']}\n'));
    assert.equal(text.indexOf('\n'), text.length - 1, 'one line only');
    const parsed = JSON.parse(text) as { items: Array<Record<string, unknown>> };
    assert.deepEqual(Object.keys(parsed), ['items']);
    assert.equal(parsed.items.length, 2_500);
    parsed.items.forEach((item, i) => {
      assert.deepEqual(Object.keys(item), ['url', 'source', 'status', 'path', 'bytes', 'error']);
      assert.equal(item.url, `https://a.example/${i}`);
    });
    assert.deepEqual(parsed.items[999], { url: 'https://a.example/999', source: 'l.txt:999', status: 'failed', path: null, bytes: 9990, error: 'cancelled' });
    assert.deepEqual(parsed.items[1000], { url: 'https://a.example/1000', source: 'l.txt:1000', status: 'ok', path: '1000.bin', bytes: 10000, error: null });
    assert.deepEqual(parsed.items[2001], { url: 'https://a.example/2001', source: 'l.txt:2001', status: 'skipped', path: '2001.bin', bytes: 20010, error: null });
    assert.deepEqual(parsed.items[2498], { url: 'https://a.example/2498', source: 'l.txt:2498', status: 'failed', path: null, bytes: 24980, error: 'HTTP 52498' });
    const counts = { ok: 0, skipped: 0, failed: 0 } as Record<string, number>;
    for (const item of parsed.items) counts[item.status as string]++;
    assert.deepEqual(counts, { ok: 625, skipped: 625, failed: 1250 });
  });

  it('escapes awkward strings', async () => {
    const item = snapshot(1, 'failed', { url: 'https://a.example/"q"\u2028', error: 'bad "quote"\n' });
    const parsed = JSON.parse(await capture([item])) as { items: Array<Record<string, unknown>> };
    assert.equal(parsed.items[0].url, 'https://a.example/"q"\u2028');
    assert.equal(parsed.items[0].error, 'bad "quote"\n');
  });
});
