// A parsed list as the extension host needs it (format, counts, the unusable lines, the lines of
// its URLs), without its entries: a 40,000-line list is 150 KB to send (about 1 ms to receive),
// not megabytes.
import { ListError, type ParsedList } from '../core/frontEnd';
import { MAX_SUMMARY_ERRORS, MAX_SUMMARY_URL_LINES, type ListAnalysis, type ListSummary } from './protocol';

export function summarize(parsed: ParsedList): ListSummary {
  const errors: ListSummary['errors'] = [];
  const urlLines: number[] = [];
  let urlCount = 0;
  let errorCount = 0;
  for (const entry of parsed.entries) {
    // An entry can have a URL and an error (a bad checksum= below it): it fails, as an error.
    if (entry.error === undefined) {
      if (entry.url === undefined) continue;
      urlCount++;
      if (urlLines.length < MAX_SUMMARY_URL_LINES) urlLines.push(entry.line);
      continue;
    }
    errorCount++;
    if (errors.length < MAX_SUMMARY_ERRORS) errors.push({ line: entry.line, message: entry.error.replace(/^line \d+: /, '') });
  }
  // Lookups by line need them ascending; only a text format could give its links out of line order.
  for (let i = 1; i < urlLines.length; i++) {
    if (urlLines[i] < urlLines[i - 1]) {
      urlLines.sort((a, b) => a - b);
      break;
    }
  }
  return { format: parsed.format, formatReason: parsed.formatReason, formatGuessed: parsed.formatGuessed, urlCount, urlLines, errors, errorCount, warnings: parsed.warnings };
}

/** The analysis of a parse, or of the ListError that refused the text. */
export function analysisOf(result: ParsedList | ListError): ListAnalysis {
  return result instanceof ListError ? { failure: { code: result.code, message: result.message } } : { summary: summarize(result) };
}
