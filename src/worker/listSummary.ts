// A parsed list as the extension host needs it (format, counts, the unusable lines), without its
// entries: a 40,000-line list is a few hundred bytes to send, not megabytes.
import { ListError, type ParsedList } from '../core/frontEnd';
import { MAX_SUMMARY_ERRORS, type ListAnalysis, type ListSummary } from './protocol';

export function summarize(parsed: ParsedList): ListSummary {
  const errors: ListSummary['errors'] = [];
  let urlCount = 0;
  let errorCount = 0;
  for (const entry of parsed.entries) {
    // An entry can have a URL and an error (a bad checksum= below it): it fails, as an error.
    if (entry.error === undefined) {
      if (entry.url !== undefined) urlCount++;
      continue;
    }
    errorCount++;
    if (errors.length < MAX_SUMMARY_ERRORS) errors.push({ line: entry.line, message: entry.error.replace(/^line \d+: /, '') });
  }
  return { format: parsed.format, formatReason: parsed.formatReason, formatGuessed: parsed.formatGuessed, urlCount, errors, errorCount, warnings: parsed.warnings };
}

/** The analysis of a parse, or of the ListError that refused the text. */
export function analysisOf(result: ParsedList | ListError): ListAnalysis {
  return result instanceof ListError ? { failure: { code: result.code, message: result.message } } : { summary: summarize(result) };
}
