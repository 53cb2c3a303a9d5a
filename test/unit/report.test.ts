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
    assert.deepEqual(reportItem(snapshot(1, 'ok'), 'dl/1.bin'), { url: 'https://a.example/1', source: 'l.txt:1', status: 'ok', path: 'dl/1.bin', bytes: 10, error: null, errorCode: null });
    assert.deepEqual(reportItem(snapshot(2, 'skipped'), 'dl/2.bin'), { url: 'https://a.example/2', source: 'l.txt:2', status: 'skipped', path: 'dl/2.bin', bytes: 20, error: null, errorCode: null });
    assert.deepEqual(reportItem(snapshot(3, 'failed', { error: 'HTTP 404', errorCode: 'HTTP_STATUS' }), 'dl/3.bin'), { url: 'https://a.example/3', source: 'l.txt:3', status: 'failed', path: null, bytes: 30, error: 'HTTP 404', errorCode: 'HTTP_STATUS' });
    assert.deepEqual(reportItem(snapshot(4, 'cancelled'), 'dl/4.bin'), { url: 'https://a.example/4', source: 'l.txt:4', status: 'failed', path: null, bytes: 40, error: 'cancelled', errorCode: null });
    assert.deepEqual(reportItem(snapshot(5, 'queued'), null), { url: 'https://a.example/5', source: 'l.txt:5', status: 'failed', path: null, bytes: 50, error: 'queued', errorCode: null });
  });

  it('carries the error code of a failed item, never of one that was cancelled after a failed attempt', () => {
    assert.equal(reportItem(snapshot(1, 'failed', { error: 'the server\'s TLS certificate is refused', errorCode: 'TLS_CERT' }), null).errorCode, 'TLS_CERT');
    assert.equal(reportItem(snapshot(2, 'failed', { error: 'old engine' }), null).errorCode, null, 'no code: null');
    assert.equal(reportItem(snapshot(3, 'cancelled', { error: 'HTTP 503', errorCode: 'HTTP_STATUS' }), null).errorCode, null);
  });

  it('ends with a summary: counts per status and failed items per error code', async () => {
    const parsed = JSON.parse(await capture([
      snapshot(0, 'ok'),
      snapshot(1, 'failed', { error: 'HTTP 404', errorCode: 'HTTP_STATUS' }),
      snapshot(2, 'failed', { error: 'certificate', errorCode: 'TLS_CERT' }),
      snapshot(3, 'failed', { error: 'HTTP 500', errorCode: 'HTTP_STATUS' }),
      snapshot(4, 'cancelled'),
      snapshot(5, 'skipped'),
    ])) as { items: unknown[]; summary: unknown };
    assert.deepEqual(Object.keys(parsed), ['items', 'summary']);
    assert.deepEqual(parsed.summary, { ok: 1, skipped: 1, failed: 4, errorCodes: { HTTP_STATUS: 2, TLS_CERT: 1 } });
  });

  it('writes exactly one JSON object for an empty batch', async () => {
    const text = await capture([]);
    assert.equal(text, '{"items":[],"summary":{"ok":0,"skipped":0,"failed":0,"errorCodes":{}}}\n');
  });

  it('writes exactly one parseable JSON object for 2,500 items in list order', async () => {
    const states: ItemState[] = ['ok', 'skipped', 'failed', 'cancelled'];
    const items = Array.from({ length: 2_500 }, (_, i) =>
      snapshot(i, states[i % 4], i % 4 === 2 ? { error: `HTTP 5${i}`, errorCode: 'HTTP_STATUS' } : {}),
    );
    const text = await capture(items);
    assert.ok(text.endsWith('}}\n'));
    assert.equal(text.indexOf('\n'), text.length - 1, 'one line only');
    const parsed = JSON.parse(text) as { items: Array<Record<string, unknown>> };
    assert.deepEqual(Object.keys(parsed), ['items', 'summary']);
    assert.equal(parsed.items.length, 2_500);
    parsed.items.forEach((item, i) => {
      assert.deepEqual(Object.keys(item), ['url', 'source', 'status', 'path', 'bytes', 'error', 'errorCode']);
      assert.equal(item.url, `https://a.example/${i}`);
    });
    assert.deepEqual(parsed.items[999], { url: 'https://a.example/999', source: 'l.txt:999', status: 'failed', path: null, bytes: 9990, error: 'cancelled', errorCode: null });
    assert.deepEqual(parsed.items[1000], { url: 'https://a.example/1000', source: 'l.txt:1000', status: 'ok', path: '1000.bin', bytes: 10000, error: null, errorCode: null });
    assert.deepEqual(parsed.items[2001], { url: 'https://a.example/2001', source: 'l.txt:2001', status: 'skipped', path: '2001.bin', bytes: 20010, error: null, errorCode: null });
    assert.deepEqual(parsed.items[2498], { url: 'https://a.example/2498', source: 'l.txt:2498', status: 'failed', path: null, bytes: 24980, error: 'HTTP 52498', errorCode: 'HTTP_STATUS' });
    const counts = { ok: 0, skipped: 0, failed: 0 } as Record<string, number>;
    for (const item of parsed.items) counts[item.status as string]++;
    assert.deepEqual(counts, { ok: 625, skipped: 625, failed: 1250 });
    assert.deepEqual((parsed as unknown as { summary: unknown }).summary, { ok: 625, skipped: 625, failed: 1250, errorCodes: { HTTP_STATUS: 625 } });
  });

  it('escapes awkward strings', async () => {
    const item = snapshot(1, 'failed', { url: 'https://a.example/"q"\u2028', error: 'bad "quote"\n' });
    const parsed = JSON.parse(await capture([item])) as { items: Array<Record<string, unknown>> };
    assert.equal(parsed.items[0].url, 'https://a.example/"q"\u2028');
    assert.equal(parsed.items[0].error, 'bad "quote"\n');
  });
});
