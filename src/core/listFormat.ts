// Which format a list is read in: decided from what the user handed over (the file's name), and
// only for names that do not say (.txt, .list, no extension, stdin, an unsaved editor) from the
// content: "mostly URL lines" is a list. One rule for the CLI, the worker and the editor.
import type { ListFormat } from './types';

export interface FormatChoice {
  format: ListFormat;
  /** Said to the user: "a URL list (.urls file)", "text: 2 of 30 lines are URLs; links extracted". */
  reason: string;
  /**
   * True when the content decided and a person could have read it the other way (a list with
   * lines that are not URLs, or a .txt read as text): front ends then say which format was used.
   */
  guessed: boolean;
}

/** Always a list, whatever the content. */
const LIST_EXTENSIONS = new Set(['.urls']);
/** Documents and code: the http(s) links inside are extracted. */
const TEXT_EXTENSIONS = new Set([
  '.md', '.markdown', '.mdx', '.html', '.htm', '.xhtml', '.xml', '.svg', '.rss', '.atom',
  '.csv', '.tsv', '.yaml', '.yml', '.toml', '.ini', '.cfg', '.conf', '.properties', '.rst', '.adoc', '.tex',
  '.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.tsx', '.jsx', '.vue', '.svelte', '.py', '.rb', '.go', '.rs',
  '.java', '.kt', '.kts', '.swift', '.scala', '.c', '.h', '.cc', '.cpp', '.hpp', '.cs', '.php', '.pl', '.lua',
  '.sh', '.bash', '.zsh', '.ps1', '.bat', '.cmd', '.css', '.scss', '.sass', '.less', '.sql', '.r', '.dart',
  '.gradle', '.dockerfile', '.ipynb',
]);
const JSON_EXTENSIONS = new Set(['.json', '.jsonc', '.json5', '.jsonl', '.ndjson', '.webmanifest', '.har']);

/** A token that starts with a URL scheme: "https://", "ftp://", "s3://", "file:", "mailto:". */
const SCHEME_START = /^(?:[A-Za-z][A-Za-z0-9+.-]*:\/\/|(?:mailto|javascript|data|file|magnet|urn|tel|about|blob):\S)/i;
/** "cdn.example.com/a.png", "127.0.0.1:8080/x": a URL without its scheme, still a URL line to a person. */
const HOST_PATH_START = /^(localhost|\d{1,3}(\.\d{1,3}){3}|[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,})(:\d+)?\//i;
/** An aria2 option: indented `key=value` below a URL line. */
const OPTION_LINE = /^\s+[A-Za-z][A-Za-z0-9-]*\s*=/;

/** The file's extension in lower case, "" when there is none ("<stdin>", "Untitled-1", "urls"). */
export function extensionOf(sourceName: string): string {
  const base = sourceName.slice(Math.max(sourceName.lastIndexOf('/'), sourceName.lastIndexOf('\\')) + 1);
  if (base.startsWith('<')) return '';
  const dot = base.lastIndexOf('.');
  return dot > 0 ? base.slice(dot).toLowerCase() : '';
}

export function isOptionLine(line: string): boolean {
  return OPTION_LINE.test(line);
}

/** Whether a line of a list is written as a URL (the first TAB-separated field starts like one). */
export function looksLikeUrlLine(trimmed: string): boolean {
  return SCHEME_START.test(trimmed) || HOST_PATH_START.test(trimmed);
}

export function looksLikeHostPath(token: string): boolean {
  return HOST_PATH_START.test(token);
}

/**
 * The format to read `lines` in. `.urls` is a list; Markdown, HTML, CSV, code... are text (JSON:
 * json); any other name is a list when at least half of its content lines (not blank, not a
 * `#` comment, not an indented aria2 option) are written as URLs, else text (json when it starts
 * with `[` or `{`).
 */
export function chooseFormat(lines: readonly string[], sourceName: string, forced?: ListFormat): FormatChoice {
  const ext = extensionOf(sourceName);
  if (forced) return { format: forced, reason: `${describe(forced)} (as asked)`, guessed: false };
  if (LIST_EXTENSIONS.has(ext)) return { format: 'list', reason: `a URL list (${ext} file)`, guessed: false };
  if (JSON_EXTENSIONS.has(ext)) return { format: 'json', reason: `JSON (${ext} file): links extracted`, guessed: false };
  if (TEXT_EXTENSIONS.has(ext)) return { format: 'text', reason: `text (${ext} file): links extracted`, guessed: false };

  let content = 0;
  let urlLines = 0;
  let first: string | undefined;
  for (const line of lines) {
    const trimmed = line.trim();
    if (trimmed === '') continue;
    first ??= trimmed;
    if (trimmed.startsWith('#') || isOptionLine(line)) continue;
    content++;
    if (looksLikeUrlLine(trimmed)) urlLines++;
  }
  if (first !== undefined && (first.startsWith('[') || first.startsWith('{')) && urlLines * 2 < content) {
    return { format: 'json', reason: 'JSON (it starts with a bracket): links extracted', guessed: true };
  }
  if (urlLines * 2 >= content) {
    const mixed = urlLines < content;
    const reason = mixed ? `a URL list: ${urlLines} of ${content} lines are URLs` : 'a URL list';
    return { format: 'list', reason, guessed: mixed };
  }
  return {
    format: 'text',
    reason: urlLines === 0
      ? `text: none of ${content} lines is a URL, so the links in it are extracted`
      : `text: only ${urlLines} of ${content} lines ${urlLines === 1 ? 'is a URL' : 'are URLs'}, so the links in it are extracted`,
    guessed: true,
  };
}

function describe(format: ListFormat): string {
  return format === 'list' ? 'a URL list' : format === 'json' ? 'JSON: links extracted' : 'text: links extracted';
}
