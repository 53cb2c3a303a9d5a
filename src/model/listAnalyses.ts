// The worker's analyses of open documents, one per document version: the diagnostics render them,
// "Download URLs" decides with them whether to ask first, and a download of an analysed version
// hands its key to the worker, which then reuses its parse. Nothing here parses: the worker does.
import type { ListAnalysis, ListKey } from '../worker/protocol';
import { Emitter } from './emitter';
import { Disposable } from '../core/lifecycle';

/** What analyses are asked of: implemented by EngineClient (the worker thread). */
export interface ListAnalyzer {
  analyze(key: ListKey, text: string, sourceName: string): Promise<ListAnalysis>;
  /** The document was closed: the worker may drop what it keeps of it. */
  forget(document: string): void;
}

/** An open document, as far as analyses need it (a vscode.TextDocument, seen through listSource). */
export interface AnalysableDocument {
  /** Its URI, as a string: the same for every version while it is open. */
  uri: string;
  version: number;
  /** "assets.txt", "Untitled-1": names the list in messages and picks its format. */
  sourceName: string;
  /** Called only when the version has not been analysed: getText() of a large document costs. */
  getText(): string;
}

export interface DocumentAnalysis {
  uri: string;
  /** The version analysed; pass it to the engine's start with exactly this version's text. */
  key: ListKey;
  analysis: ListAnalysis;
}

interface Latest {
  key: ListKey;
  done: Promise<DocumentAnalysis>;
  result?: DocumentAnalysis;
}

export class ListAnalyses extends Disposable {
  /** The newest version asked for, per document. */
  private readonly latest = new Map<string, Latest>();
  /** Per open document: its name in keys, new for each opening (an untitled URI comes back). */
  private readonly keyNames = new Map<string, string>();
  private nextOpening = 1;
  private readonly analysed = this.register(new Emitter<DocumentAnalysis>());

  /**
   * The analysis of the newest version asked for arrived. Answers for older versions (the user
   * typed meanwhile) and for closed documents are not announced.
   */
  readonly onDidAnalyze = this.analysed.event;

  constructor(private readonly analyzer: ListAnalyzer) {
    super();
  }

  /** The analysis of the document's current version: kept, on its way, or asked for now. */
  analyze(document: AnalysableDocument): Promise<DocumentAnalysis> {
    const { uri, version } = document;
    const current = this.latest.get(uri);
    if (current && current.key.version === version) return current.done;
    const key: ListKey = { document: this.keyName(uri), version };
    const entry: Latest = {
      key,
      done: this.analyzer.analyze(key, document.getText(), document.sourceName).then((analysis) => {
        const result = { uri, key, analysis };
        entry.result = result;
        if (this.latest.get(uri) !== entry) return result;
        // A failed worker is asked again next time, not remembered as this version's answer.
        if (analysis.failure?.code === 'WORKER_FAILED') this.latest.delete(uri);
        this.analysed.fire(result);
        return result;
      }),
    };
    this.latest.set(uri, entry);
    return entry.done;
  }

  /** The finished analysis of exactly this version, if there is one. */
  analysisOf(uri: string, version: number): DocumentAnalysis | undefined {
    const current = this.latest.get(uri);
    return current?.key.version === version ? current.result : undefined;
  }

  /** The key of this version when it was analysed or is being analysed (the worker will have its parse). */
  keyOf(uri: string, version: number): ListKey | undefined {
    const current = this.latest.get(uri);
    return current?.key.version === version ? current.key : undefined;
  }

  /** The document was closed: what is known of it goes, here and in the worker. */
  forget(uri: string): void {
    const name = this.keyNames.get(uri);
    this.latest.delete(uri);
    this.keyNames.delete(uri);
    if (name !== undefined) this.analyzer.forget(name);
  }

  private keyName(uri: string): string {
    let name = this.keyNames.get(uri);
    if (name === undefined) this.keyNames.set(uri, (name = `${this.nextOpening++}:${uri}`));
    return name;
  }
}
