// Links inside documents and code (Markdown, HTML, JSON, CSV, YAML, source files, prose): the
// http(s) URLs are entries; commented-out ones are not; other schemes are reported, not dropped.
import { extensionOf } from './listFormat';
import { makeEntry, redactUrl, truncate } from './urlCheck';
import type { ListEntry } from './types';

/** A scheme:// URL in running text; http(s) ones are fetched, the others reported. */
const URL_IN_TEXT = /(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]*):\/\/[^\s<>"'`\\]+/g;

type CommentStyle = 'html' | 'hash' | 'hashInline' | 'slash' | 'none';
const COMMENT_STYLES: Record<string, CommentStyle> = {};
for (const ext of ['.md', '.markdown', '.mdx', '.html', '.htm', '.xhtml', '.xml', '.svg', '.rss', '.atom']) COMMENT_STYLES[ext] = 'html';
for (const ext of ['.yaml', '.yml', '.toml', '.cfg', '.conf', '.properties', '.py', '.rb', '.sh', '.bash', '.zsh', '.pl', '.r', '.dockerfile']) COMMENT_STYLES[ext] = 'hashInline';
for (const ext of ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.tsx', '.jsx', '.vue', '.svelte', '.go', '.rs', '.java', '.kt', '.kts', '.swift', '.scala', '.c', '.h', '.cc', '.cpp', '.hpp', '.cs', '.php', '.dart', '.gradle', '.css', '.scss', '.sass', '.less', '.jsonc', '.json5']) COMMENT_STYLES[ext] = 'slash';
for (const ext of ['.rst', '.adoc', '.tex', '.ipynb', '.sql', '.lua', '.ps1', '.bat', '.cmd']) COMMENT_STYLES[ext] = 'none';

/** A link found in text with a scheme the engine does not fetch ("ftp://...", line 4). */
export interface IgnoredLink {
  raw: string;
  line: number;
}

export interface ExtractedLinks {
  entries: ListEntry[];
  ignored: IgnoredLink[];
}

/** Pulls http(s) URLs out of text, keeping their line numbers; comments are skipped. */
export function extractFromText(lines: readonly string[], sourceName: string): ExtractedLinks {
  const visible = withoutComments(lines, commentStyle(sourceName));
  // In CSV and TSV files a comma or tab ends the field, so it ends the URL too.
  const fieldEnd = ['.csv', '.tsv'].includes(extensionOf(sourceName)) ? /[,\t].*$/ : undefined;
  const found: ExtractedLinks = { entries: [], ignored: [] };
  visible.forEach((line, index) => {
    if (!line.includes('://')) return;
    for (const match of line.matchAll(URL_IN_TEXT)) {
      const field = fieldEnd ? match[0].replace(fieldEnd, '') : match[0];
      addLink(found, trimTrailingPunctuation(field.replace(/&amp;/g, '&')), match[1], sourceName, index + 1);
    }
  });
  return found;
}

/**
 * JSON is parsed so that escapes such as "\/" and "\u0026" are decoded; every string value is
 * searched for URLs. Returns undefined when the text is not valid JSON (then it is scanned as text).
 */
export function extractFromJson(text: string, sourceName: string): ExtractedLinks | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    return undefined;
  }
  const locate = lineLocator(text);
  const found: ExtractedLinks = { entries: [], ignored: [] };
  const visit = (node: unknown): void => {
    if (typeof node === 'string') {
      for (const match of node.matchAll(URL_IN_TEXT)) {
        const raw = trimTrailingPunctuation(match[0]);
        addLink(found, raw, match[1], sourceName, locate(raw));
      }
    } else if (Array.isArray(node)) {
      node.forEach(visit);
    } else if (node && typeof node === 'object') {
      Object.values(node).forEach(visit);
    }
  };
  visit(value);
  return found;
}

/** One warning listing the links that were found but are not fetched, with their lines. */
export function ignoredLinksWarning(sourceName: string, ignored: readonly IgnoredLink[]): string | undefined {
  if (ignored.length === 0) return undefined;
  const SHOWN = 10;
  const listed = ignored.slice(0, SHOWN).map((l) => `${truncate(redactUrl(l.raw), 80)} (line ${l.line})`);
  const more = ignored.length > SHOWN ? `, and ${ignored.length - SHOWN} more` : '';
  const n = ignored.length;
  return `${sourceName}: ${n} link${n === 1 ? '' : 's'} not fetched, only http and https are: ${listed.join(', ')}${more}`;
}

function addLink(found: ExtractedLinks, raw: string, scheme: string, sourceName: string, line: number): void {
  const lower = scheme.toLowerCase();
  if (lower === 'http' || lower === 'https') found.entries.push(makeEntry(raw, sourceName, line));
  else found.ignored.push({ raw, line });
}

function commentStyle(sourceName: string): CommentStyle {
  // Plain text read as text (.txt, .list, stdin, unsaved): `#` lines are comments, as in a list.
  return COMMENT_STYLES[extensionOf(sourceName)] ?? 'hash';
}

/**
 * The lines with commented-out parts blanked (line numbers kept): `<!-- -->` in Markdown, HTML
 * and XML; `#` lines (and ` # ...` tails in YAML, Python, shell...); `//` lines and `/* *\/`
 * blocks that begin a line in C-like languages and CSS.
 */
function withoutComments(lines: readonly string[], style: CommentStyle): readonly string[] {
  switch (style) {
    case 'html':
      return blankSpans(lines, '<!--', '-->', false);
    case 'hash':
      return lines.map((l) => (l.trimStart().startsWith('#') ? '' : l));
    case 'hashInline':
      return lines.map((l) => (l.trimStart().startsWith('#') ? '' : l.replace(/\s#.*$/, '')));
    case 'slash':
      return blankSpans(lines, '/*', '*/', true).map((l) => (l.trimStart().startsWith('//') ? '' : l));
    case 'none':
      return lines;
  }
}

/** Blanks `open ... close` spans, across lines; with `atLineStart`, only spans that open a line. */
function blankSpans(lines: readonly string[], open: string, close: string, atLineStart: boolean): string[] {
  let inside = false;
  return lines.map((line) => {
    let out = '';
    let at = 0;
    while (at < line.length) {
      if (inside) {
        const end = line.indexOf(close, at);
        if (end < 0) return out;
        inside = false;
        at = end + close.length;
        continue;
      }
      const start = line.indexOf(open, at);
      if (start < 0 || (atLineStart && line.slice(0, start).trim() !== '')) return out + line.slice(at);
      out += line.slice(at, start);
      inside = true;
      at = start + open.length;
    }
    return out;
  });
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
