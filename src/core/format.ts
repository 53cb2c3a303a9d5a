// Human-readable sizes and durations, shared by messages, the CLI and the extension.

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'];

/** 1234567 → "1.2 MB" (decimal units, as browsers and curl show them). */
export function formatBytes(bytes: number): string {
  let value = bytes;
  let unit = 0;
  // Round before choosing the unit, so 999,999 B reads "1.0 MB" and not "1000 KB".
  while (unit < UNITS.length - 1 && Number(value.toFixed(digitsFor(unit, value))) >= 1000) {
    value /= 1000;
    unit++;
  }
  const digits = digitsFor(unit, value);
  return `${Number(value.toFixed(digits)) >= 100 ? value.toFixed(0) : value.toFixed(digits)} ${UNITS[unit]}`;
}

function digitsFor(unit: number, value: number): number {
  return unit === 0 || value >= 100 ? 0 : 1;
}

/** 75 → "1m15s"; used for ETA. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** "500K", "2M", "1GiB", "1048576" → bytes (K, M, G are 1024-based, as in curl); undefined if not that. */
export function parseByteCount(text: string): number | undefined {
  const match = /^\s*(\d+)\s*(?:([KMG])(?:i?B)?)?\s*$/i.exec(text);
  if (!match) return undefined;
  return Number(match[1]) * 1024 ** ' KMG'.indexOf((match[2] ?? ' ').toUpperCase());
}
