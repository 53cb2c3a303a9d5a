// One parser for every front end: line-oriented URL lists (aria2 input files included), and the
// links inside any other text. In a list, every line that is not blank or a `#` comment becomes a
// download or an error naming its line; nothing is dropped without a word.
import { chooseFormat, isOptionLine } from './listFormat';
import { ListError, textProblem } from './listText';
import { extractFromJson, extractFromText, ignoredLinksWarning } from './textLinks';
import { checkUrl, makeEntry, redactUrl, truncate } from './urlCheck';
import type { Checksum, ChecksumAlgorithm, ListEntry, ListFormat, ParsedList } from './types';

export { checkUrl, MAX_URL_LENGTH, redactUrl } from './urlCheck';
export { chooseFormat } from './listFormat';

const CHECKSUM_ALGORITHMS: Record<string, ChecksumAlgorithm> = {
  'sha-1': 'sha-1', sha1: 'sha-1', 'sha-256': 'sha-256', sha256: 'sha-256',
  'sha-512': 'sha-512', sha512: 'sha-512', md5: 'md5',
};
const CHECKSUM_HEX_LENGTH: Record<ChecksumAlgorithm, number> = { 'sha-1': 40, 'sha-256': 64, 'sha-512': 128, md5: 32 };
/** Where URLs given on the command line "come from": entrySource says "argument 2". */
export const ARGUMENTS_SOURCE = '<command line>';

export interface ParseOptions {
  /** The file name ("assets.txt", "<stdin>", "Untitled-1"): shown in errors, and it picks the format. */
  sourceName?: string;
  /** Forces a format; otherwise it is chosen by chooseFormat (the name, then the content). */
  format?: ListFormat;
}

/**
 * Parses list text into entries in list order. Unusable lines become entries with an `error`
 * naming the line; the same URL for the same target twice yields one entry (and a warning).
 * Throws a ListError for text that is not a list at all (binary, too large).
 */
export function parseList(text: string, options: ParseOptions = {}): ParsedList {
  const sourceName = options.sourceName ?? '<input>';
  const problem = textProblem(text, sourceName);
  if (problem) throw problem;
  const lines = text.replace(/^\uFEFF/, '').split(/\r\n|\n|\r/);
  const choice = chooseFormat(lines, sourceName, options.format);
  const warnings: string[] = [];
  let entries: ListEntry[];
  if (choice.format === 'list') {
    entries = parsePlainList(lines, sourceName, warnings);
  } else {
    const links = (choice.format === 'json' ? extractFromJson(text, sourceName) : undefined) ?? extractFromText(lines, sourceName);
    entries = links.entries;
    const ignored = ignoredLinksWarning(sourceName, links.ignored);
    if (ignored) warnings.push(ignored);
  }
  return { format: choice.format, formatReason: choice.reason, formatGuessed: choice.guessed, entries: dropDuplicates(entries, warnings), warnings };
}

/** URLs given as command-line arguments (`asset-fetch https://a/x.png`): one entry each. */
export function parseUrlArguments(urls: readonly { raw: string; position: number }[]): ParsedList {
  const entries = urls.map(({ raw, position }) => makeEntry(raw.trim(), ARGUMENTS_SOURCE, position, `argument ${position}`));
  const warnings: string[] = [];
  return { format: 'list', formatReason: 'URLs on the command line', formatGuessed: false, entries: dropDuplicates(entries, warnings), warnings };
}

function parsePlainList(lines: readonly string[], sourceName: string, warnings: string[]): ListEntry[] {
  const entries: ListEntry[] = [];
  let current: ListEntry | undefined;
  lines.forEach((line, index) => {
    const lineNo = index + 1;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    if (isOptionLine(line)) {
      if (current) applyOption(current, trimmed, `${sourceName}:${lineNo}`, warnings);
      else entries.push({ file: sourceName, line: lineNo, raw: truncate(trimmed), error: `line ${lineNo}: option "${truncate(trimmed)}" has no URL line above it (options go on indented lines below their URL)` });
      return;
    }
    // " # note" after a URL is a comment (a URL never contains a space); aria2 separates mirrors
    // with tabs: the first URI is the one fetched.
    let token = trimmed.includes('#') ? trimmed.replace(/\s+#.*$/, '') : trimmed;
    let mirrors: string[] = [];
    if (token.includes('\t')) [token, ...mirrors] = token.split('\t').map((t) => t.trim()).filter((t) => t !== '');
    current = /^[A-Za-z][A-Za-z0-9-]*=\S/.test(token) && !token.includes('://')
      ? { file: sourceName, line: lineNo, raw: truncate(token), error: `line ${lineNo}: option "${truncate(token)}" must be indented below its URL line` }
      : makeEntry(token, sourceName, lineNo);
    if (current.url && mirrors.length > 0) addMirrors(current, mirrors, `${sourceName}:${lineNo}`, warnings);
    entries.push(current);
  });
  return entries;
}

/** aria2's TAB-separated alternatives of a URL: usable ones are kept, others named in a warning. */
function addMirrors(entry: ListEntry, mirrors: readonly string[], where: string, warnings: string[]): void {
  const usable: string[] = [];
  for (const raw of mirrors) {
    const checked = checkUrl(raw);
    if (typeof checked === 'string') warnings.push(redactUrl(`${where}: mirror not used: ${checked}`));
    else if (checked.href !== entry.url && !usable.includes(checked.href)) usable.push(checked.href);
  }
  if (usable.length > 0) entry.mirrors = usable;
}

/** "assets.txt:12" where an entry was written; "argument 2" for a URL on the command line. */
export function entrySource(entry: Pick<ListEntry, 'file' | 'line'>): string {
  return entry.file === ARGUMENTS_SOURCE ? `argument ${entry.line}` : `${entry.file}:${entry.line}`;
}

function applyOption(entry: ListEntry, option: string, where: string, warnings: string[]): void {
  const eq = option.indexOf('=');
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

/** Joins lists from several sources; the same URL for the same target in two of them is fetched once. */
export function mergeLists(lists: readonly ParsedList[]): ParsedList {
  if (lists.length === 1) return lists[0];
  const warnings = lists.flatMap((l) => l.warnings);
  const entries = dropDuplicates(lists.flatMap((l) => l.entries), warnings);
  const first = lists[0] ?? { format: 'list', formatReason: 'no list', formatGuessed: false };
  return { format: first.format, formatReason: first.formatReason, formatGuessed: false, entries, warnings };
}

/**
 * One entry per URL and target: the same URL with another `out=`/`dir=` is another file and is
 * fetched again (each target gets its own request, headers and checksum); the same URL for the
 * same target is fetched once, with a warning naming both lines.
 */
function dropDuplicates(entries: ListEntry[], warnings: string[]): ListEntry[] {
  // Keyed by URL first (no new string per entry: a million-line list stays quick); target paths
  // are compared only among entries of the same URL.
  const byUrl = new Map<string, ListEntry | ListEntry[]>();
  return entries.filter((entry) => {
    if (!entry.url) return true;
    const seen = byUrl.get(entry.url);
    if (!seen) {
      byUrl.set(entry.url, entry);
      return true;
    }
    const earlierEntries = Array.isArray(seen) ? seen : [seen];
    const key = targetKey(entry);
    const earlier = earlierEntries.find((e) => targetKey(e) === key);
    if (!earlier) {
      byUrl.set(entry.url, [...earlierEntries, entry]);
      return true;
    }
    warnings.push(`${entrySource(entry)}: ${redactUrl(entry.url)} is already listed at ${entrySource(earlier)}${entry.out || entry.dir ? ' for the same file' : ''}; fetched once`);
    return false;
  });
}

/** URL + where it goes: the list's dir=/out=, else the URL's last path segment (the usual name). */
function targetKey(entry: ListEntry): string {
  const url = entry.url!;
  const out = entry.out ?? lastSegment(url);
  return `${url}\n${pathKey(entry.dir ?? '')}/${pathKey(out)}`;
}

function pathKey(path: string): string {
  return path.split(/[/\\]+/).filter((s) => s && s !== '.').join('/');
}

/** The last path segment of a normalised http(s) URL, percent-decoded. */
function lastSegment(url: string): string {
  const path = url.split(/[?#]/, 1)[0];
  const segment = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export { ListError };
