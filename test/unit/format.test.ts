import assert from 'node:assert/strict';
import { formatBytes, formatDuration, parseByteCount } from '../../src/core/format';

describe('format: formatBytes', () => {
  it('uses decimal units with one decimal below 100', () => {
    for (const [bytes, text] of [
      [0, '0 B'], [1, '1 B'], [999, '999 B'], [1000, '1.0 KB'], [1536, '1.5 KB'], [99_949, '99.9 KB'],
      [123_456, '123 KB'], [1_234_567, '1.2 MB'], [5_000_000_000, '5.0 GB'], [2.5e12, '2.5 TB'], [5e15, '5000 TB'],
    ] as const) {
      assert.equal(formatBytes(bytes), text, String(bytes));
    }
  });

  // Regression: the unit is chosen before rounding, so 999,999 B prints as "1000 KB" and 99,960 B as "100.0 KB".
  it('rounds across unit boundaries', () => {
    assert.equal(formatBytes(999_999), '1.0 MB');
    assert.equal(formatBytes(99_960), '100 KB');
  });
});

describe('format: formatDuration', () => {
  it('formats seconds, minutes and hours', () => {
    for (const [seconds, text] of [
      [0, '0s'], [0.4, '0s'], [59.4, '59s'], [59.6, '1m00s'], [75, '1m15s'], [600, '10m00s'],
      [3599, '59m59s'], [3600, '1h00m'], [3661, '1h01m'], [90_000, '25h00m'],
    ] as const) {
      assert.equal(formatDuration(seconds), text, String(seconds));
    }
  });

  it('shows "?" when unknown', () => {
    for (const seconds of [NaN, Infinity, -1]) assert.equal(formatDuration(seconds), '?');
  });
});

describe('format: parseByteCount', () => {
  it('reads bytes with 1024-based K, M, G suffixes, as curl does', () => {
    const cases: Array<[string, number]> = [['1048576', 1_048_576], ['500K', 512_000], ['2M', 2_097_152], ['1GiB', 1_073_741_824], [' 3 kb ', 3072], ['0', 0]];
    for (const [text, bytes] of cases) assert.equal(parseByteCount(text), bytes, text);
  });

  it('is undefined for anything else', () => {
    for (const text of ['', '1.5M', '10T', 'fast', '-1K', 'K']) assert.equal(parseByteCount(text), undefined, text);
  });
});
