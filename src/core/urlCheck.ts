// Whether a piece of a list is a URL the engine can fetch, and the entry it becomes: a download,
// or an error that names its line and says what to do.
import { looksLikeHostPath } from './listFormat';
import type { ListEntry } from './types';

/** Longer URLs are refused: servers answer 414 long before this (nginx: 8 KB by default). */
export const MAX_URL_LENGTH = 32 * 1024;
const HAS_SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;

/** Returns the parsed URL (without its #fragment) or a message saying why it cannot be downloaded. */
export function checkUrl(raw: string): URL | string {
  if (raw.length > MAX_URL_LENGTH) {
    return `URL is ${raw.length.toLocaleString('en-US')} characters long, more than the ${MAX_URL_LENGTH.toLocaleString('en-US')} allowed: "${truncate(raw, 60)}"`;
  }
  if (/\s/.test(raw)) {
    return HAS_SCHEME.test(raw) || looksLikeHostPath(raw)
      ? `a URL cannot contain spaces: "${truncate(raw)}" (write a space as %20; one URL per line)`
      : `not a URL: "${truncate(raw)}"`;
  }
  // "localhost:8080/a.png" would parse with the scheme "localhost:".
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(raw) && looksLikeHostPath(raw)) return `no http:// or https:// in "${truncate(raw)}"`;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return HAS_SCHEME.test(raw) ? `malformed URL "${truncate(raw)}"` : `not a URL: "${truncate(raw)}"`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `unsupported scheme "${url.protocol}" in "${truncate(raw)}" (only http and https)`;
  }
  if (!url.hostname) return `URL has no host: "${truncate(raw)}"`;
  if (url.hash || raw.includes('#')) url.hash = '';
  return url;
}

/** The entry for one URL of a list; `where` prefixes its error ("line 7", "argument 2"). */
export function makeEntry(raw: string, file: string, line: number, where = `line ${line}`): ListEntry {
  const checked = checkUrl(raw);
  if (typeof checked === 'string') return { file, line, raw: redactUrl(truncate(raw, 2048)), error: redactUrl(`${where}: ${checked}`) };
  // Reuse the list's own string when it is already normal, and build the object in one literal
  // (no property added later): 100,000 entries take half the memory.
  return { file, line, raw, url: checked.href === raw ? raw : checked.href };
}

/** Any `scheme://user:password@` in a text, with the password shown as "***". */
const CREDENTIALS = /([A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s/@?#:]*):[^\s/@?#]*@/g;

/** The text with every URL password replaced by "***": for anything shown, logged or stored. */
export function redactUrl(text: string): string {
  return text.includes('@') ? text.replace(CREDENTIALS, '$1:***@') : text;
}

export function truncate(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
