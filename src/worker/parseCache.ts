// The worker's parses of open documents, so "Download URLs" does not parse again what the
// diagnostics just parsed. Only the latest version of a few documents is kept: enough for the
// editor in front of the user, and bounded in memory (a parse takes about 250 bytes per URL).
import type { ListError, ListFormat, ParsedList } from '../core/frontEnd';
import type { ListKey } from './protocol';

/** Documents whose parse is kept; the least recently used one goes first. */
const MAX_DOCUMENTS = 4;
/** Longer texts are not kept (a 16M-character list parses into about 100 MB). */
const MAX_KEPT_CHARS = 16 * 1024 * 1024;

interface Kept {
  version: number;
  sourceName: string;
  format: ListFormat | undefined;
  result: ParsedList | ListError;
}

export class ParseCache {
  private readonly byDocument = new Map<string, Kept>();

  /** The parse kept for exactly this version, source name and format. */
  get(key: ListKey, sourceName: string, format: ListFormat | undefined): ParsedList | ListError | undefined {
    const kept = this.byDocument.get(key.document);
    if (!kept || kept.version !== key.version || kept.sourceName !== sourceName || kept.format !== format) return undefined;
    this.byDocument.delete(key.document);
    this.byDocument.set(key.document, kept); // most recently used last
    return kept.result;
  }

  set(key: ListKey, sourceName: string, format: ListFormat | undefined, textLength: number, result: ParsedList | ListError): void {
    const kept = this.byDocument.get(key.document);
    if (kept && kept.version > key.version) return; // a newer version is kept already
    this.byDocument.delete(key.document);
    if (textLength > MAX_KEPT_CHARS) return;
    this.byDocument.set(key.document, { version: key.version, sourceName, format, result });
    for (const document of this.byDocument.keys()) {
      if (this.byDocument.size <= MAX_DOCUMENTS) break;
      this.byDocument.delete(document);
    }
  }

  forget(document: string): void {
    this.byDocument.delete(document);
  }
}
