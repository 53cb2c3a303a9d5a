// One parser for every front end: plain lists, aria2 input files, and URLs inside any other text.
import type { Checksum, ChecksumAlgorithm, ListEntry, ListFormat, ParsedList } from './types';

const SCHEME = /^[A-Za-z][A-Za-z0-9+.-]*:/;
// Characters that never appear in a bare URL token but do in CSV, JSON, HTML or code.
const NOT_A_LIST_TOKEN = /[,;"'<>(){}[\]`|]/;
const URL_IN_TEXT = /https?:\/\/[^\s<>"'`\\]+/gi;
const TEXT_EXTENSIONS = /\.(md|markdown|html?|xml|json|csv|tsv|js|mjs|cjs|ts|tsx|jsx|py|rb|go|rs|java|css|scss|ya?ml|toml|rst|adoc)$/i;
const CHECKSUM_ALGORITHMS: Record<string, ChecksumAlgorithm> = {
  'sha-1': 'sha-1', sha1: 'sha-1', 'sha-256': 'sha-256', sha256: 'sha-256',
  'sha-512': 'sha-512', sha512: 'sha-512', md5: 'md5',
};
const CHECKSUM_HEX_LENGTH: Record<ChecksumAlgorithm, number> = { 'sha-1': 40, 'sha-256': 64, 'sha-512': 128, md5: 32 };

export interface ParseOptions {
  /** Shown in errors: "assets.txt". */
  sourceName?: string;
  /** Forces a format; otherwise it is detected (see detectFormat). */
  format?: ListFormat;
}

/**
 * Parses list text into entries in list order. Unusable lines become entries with an `error`
 * naming the line; the same URL twice yields one entry (and a warning).
 */
export function parseList(text: string, options: ParseOptions = {}): ParsedList {
  const sourceName = options.sourceName ?? '<input>';
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const format = options.format ?? detectFormat(lines, sourceName);
  const warnings: string[] = [];
  const raw =
    format === 'list'
      ? parsePlainList(lines, sourceName, warnings)
      : ((format === 'json' ? extractFromJson(text, sourceName) : undefined) ?? extractUrls(lines, sourceName));
  return { format, entries: dropDuplicates(raw, warnings), warnings };
}

/**
 * A file is a plain list (one URL per line, aria2 options indented below a URL) when every
 * unindented, non-comment line is a single token without CSV/JSON/HTML punctuation (a URL's
 * scheme is allowed anything). Files named like documents or code (.md, .html, .json, .csv,
 * .js, ...) and anything else are text: the http(s) URLs inside are extracted.
 */
export function detectFormat(lines: readonly string[], sourceName = ''): ListFormat {
  if (TEXT_EXTENSIONS.test(sourceName)) return /\.json$/i.test(sourceName) ? 'json' : 'text';
  const first = lines.find((l) => l.trim() !== '')?.trim() ?? '';
  if (first.startsWith('[') || first.startsWith('{')) return 'json';
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    if (isOptionLine(line)) continue;
    const token = trimmed.split('\t')[0].trim(); // aria2 mirrors are tab-separated
    if (/\s/.test(token)) return 'text';
    if (!SCHEME.test(token) && NOT_A_LIST_TOKEN.test(token)) return 'text';
  }
  return 'list';
}

/** An aria2 option: indented `key=value` below a URL line. An indented URL is still a URL. */
function isOptionLine(line: string): boolean {
  return /^\s/.test(line) && /^[A-Za-z-]+=/.test(line.trim());
}

function parsePlainList(lines: readonly string[], sourceName: string, warnings: string[]): ListEntry[] {
  const entries: ListEntry[] = [];
  let current: ListEntry | undefined;
  lines.forEach((line, index) => {
    const lineNo = index + 1;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    if (isOptionLine(line)) {
      if (!current) {
        warnings.push(`${sourceName}:${lineNo}: option "${trimmed}" has no URL line above it; ignored`);
        return;
      }
      applyOption(current, trimmed, `${sourceName}:${lineNo}`, warnings);
      return;
    }
    // aria2 allows mirrors separated by tabs: the first URI is the one we fetch.
    const token = trimmed.split('\t')[0].trim();
    current = makeEntry(token, sourceName, lineNo);
    entries.push(current);
  });
  return entries;
}

function makeEntry(raw: string, sourceName: string, line: number): ListEntry {
  const checked = checkUrl(raw);
  if (typeof checked === 'string') return { file: sourceName, line, raw, error: `line ${line}: ${checked}` };
  // Reuse the list's own string when it is already normal, and build the object in one literal
  // (no property added later): 100,000 entries take half the memory.
  return { file: sourceName, line, raw, url: checked.href === raw ? raw : checked.href };
}

/** "assets.txt:12": where an entry was written. */
export function entrySource(entry: Pick<ListEntry, 'file' | 'line'>): string {
  return `${entry.file}:${entry.line}`;
}

/** Returns the parsed URL or a message saying why it cannot be downloaded. */
export function checkUrl(raw: string): URL | string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return `malformed URL "${truncate(raw)}"`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return `unsupported scheme "${url.protocol}" in "${truncate(raw)}" (only http and https)`;
  }
  if (!url.hostname) return `URL has no host: "${truncate(raw)}"`;
  url.hash = '';
  return url;
}

function applyOption(entry: ListEntry, option: string, where: string, warnings: string[]): void {
  const eq = option.indexOf('=');
  if (eq <= 0) {
    warnings.push(`${where}: "${option}" is not key=value; ignored`);
    return;
  }
  const key = option.slice(0, eq).trim().toLowerCase();
  const value = option.slice(eq + 1).trim();
  const fail = (message: string) => {
    entry.error ??= `line ${entry.line}: ${message} (${where})`;
  };
  switch (key) {
    case 'out':
      if (value) entry.out = value;
      else fail('empty out=');
      return;
    case 'dir':
      if (value) entry.dir = value;
      return;
    case 'checksum': {
      const parsed = parseChecksum(value);
      if (typeof parsed === 'string') fail(parsed);
      else entry.checksum = parsed;
      return;
    }
    case 'header': {
      const problem = headerProblem(value);
      const colon = value.indexOf(':');
      if (problem) fail(`header= ${problem}`);
      else (entry.headers ??= {})[value.slice(0, colon).trim()] = value.slice(colon + 1).trim();
      return;
    }
    default:
      warnings.push(`${where}: option "${key}" is not supported; ignored`);
  }
}

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// CR, LF and NUL would split or corrupt the request; tabs are allowed.
const HEADER_VALUE_FORBIDDEN = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/** Says what is wrong with a "Name: value" header line, or undefined when it is usable. */
export function headerProblem(line: string): string | undefined {
  const colon = line.indexOf(':');
  const name = line.slice(0, Math.max(colon, 0)).trim();
  if (colon <= 0 || !HEADER_NAME.test(name)) return `must look like "Name: value", got "${truncate(line)}"`;
  if (HEADER_VALUE_FORBIDDEN.test(line.slice(colon + 1))) return `value of ${name} contains control characters`;
  return undefined;
}

function parseChecksum(value: string): Checksum | string {
  const eq = value.indexOf('=');
  const name = value.slice(0, Math.max(eq, 0)).trim().toLowerCase();
  const hex = value.slice(eq + 1).trim().toLowerCase();
  const algorithm = CHECKSUM_ALGORITHMS[name];
  if (eq <= 0 || !algorithm) return `checksum= needs "<sha-1|sha-256|sha-512|md5>=<hex>", got "${truncate(value)}"`;
  if (!/^[0-9a-f]+$/.test(hex) || hex.length !== CHECKSUM_HEX_LENGTH[algorithm]) {
    return `checksum ${algorithm} must be ${CHECKSUM_HEX_LENGTH[algorithm]} hex digits, got "${truncate(hex)}"`;
  }
  return { algorithm, hex };
}

/** Pulls http(s) URLs out of Markdown, HTML, JSON, CSV or code, keeping their line numbers. */
function extractUrls(lines: readonly string[], sourceName: string): ListEntry[] {
  // In CSV and TSV files a comma or tab ends the field, so it ends the URL too.
  const fieldEnd = /\.(csv|tsv)$/i.test(sourceName) ? /[,\t].*$/ : undefined;
  const entries: ListEntry[] = [];
  lines.forEach((line, index) => {
    for (const match of line.matchAll(URL_IN_TEXT)) {
      const field = fieldEnd ? match[0].replace(fieldEnd, '') : match[0];
      const raw = trimTrailingPunctuation(field.replace(/&amp;/g, '&'));
      entries.push(makeEntry(raw, sourceName, index + 1));
    }
  });
  return entries;
}

/**
 * JSON is parsed so that escapes such as "\/" and "\u0026" are decoded; every string value is
 * searched for URLs. Returns undefined when the text is not valid JSON (then it is scanned as text).
 */
function extractFromJson(text: string, sourceName: string): ListEntry[] | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return undefined;
  }
  const locate = lineLocator(text);
  const entries: ListEntry[] = [];
  const visit = (node: unknown): void => {
    if (typeof node === 'string') {
      for (const match of node.matchAll(URL_IN_TEXT)) {
        const raw = trimTrailingPunctuation(match[0]);
        entries.push(makeEntry(raw, sourceName, locate(raw)));
      }
    } else if (Array.isArray(node)) {
      node.forEach(visit);
    } else if (node && typeof node === 'object') {
      Object.values(node).forEach(visit);
    }
  };
  visit(value);
  return entries;
}

/** Finds the line of each URL in document order, in one pass over the text overall. */
function lineLocator(text: string): (raw: string) => number {
  let cursor = 0;
  let line = 1;
  return (raw) => {
    const candidates = [raw, raw.replace(/\//g, '\\/')];
    const found = candidates.map((c) => text.indexOf(c, cursor)).filter((i) => i >= 0);
    if (found.length === 0) return line;
    const index = Math.min(...found);
    for (let i = cursor; i < index; i++) if (text.charCodeAt(i) === 10) line++;
    cursor = index;
    return line;
  };
}

/** "see https://x.org/a.png." → without the dot; a closing parenthesis only when unbalanced. */
function trimTrailingPunctuation(url: string): string {
  let result = url;
  for (;;) {
    const last = result.at(-1);
    if (last && '.,;:!?*'.includes(last)) result = result.slice(0, -1);
    else if (last === ')' && count(result, '(') < count(result, ')')) result = result.slice(0, -1);
    else if (last === ']' && count(result, '[') < count(result, ']')) result = result.slice(0, -1);
    else if (last === '}' && count(result, '{') < count(result, '}')) result = result.slice(0, -1);
    else return result;
  }
}

function count(text: string, char: string): number {
  let n = 0;
  for (const c of text) if (c === char) n++;
  return n;
}

/** Joins lists from several files; a URL listed in two files is fetched once. */
export function mergeLists(lists: readonly ParsedList[]): ParsedList {
  const warnings = lists.flatMap((l) => l.warnings);
  const entries = dropDuplicates(lists.flatMap((l) => l.entries), warnings);
  return { format: lists[0]?.format ?? 'list', entries, warnings };
}

function dropDuplicates(entries: ListEntry[], warnings: string[]): ListEntry[] {
  const firstSeen = new Map<string, ListEntry>();
  return entries.filter((entry) => {
    if (!entry.url) return true;
    const earlier = firstSeen.get(entry.url);
    if (!earlier) {
      firstSeen.set(entry.url, entry);
      return true;
    }
    warnings.push(`${entrySource(entry)}: ${entry.url} is already listed at ${entrySource(earlier)}; fetched once`);
    return false;
  });
}

function truncate(text: string, max = 120): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
