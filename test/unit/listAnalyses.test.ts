// The extension's per-document analyses on their own (the worker replaced by a recording fake):
// one request per document version, stale answers not announced, reopened documents new keys.
import assert from 'node:assert/strict';
import { ListAnalyses, type AnalysableDocument, type DocumentAnalysis, type ListAnalyzer } from '../../src/model/listAnalyses';
import type { ListAnalysis, ListKey } from '../../src/worker/protocol';

/** Answers only when told to, so tests decide the order in which answers arrive. */
class ManualAnalyzer implements ListAnalyzer {
  readonly requests: { key: ListKey; text: string; answer: (analysis: ListAnalysis) => void }[] = [];
  readonly forgotten: string[] = [];
  analyze(key: ListKey, text: string): Promise<ListAnalysis> {
    return new Promise((resolve) => this.requests.push({ key, text, answer: resolve }));
  }
  forget(document: string): void {
    this.forgotten.push(document);
  }
}

function summary(urlCount: number): ListAnalysis {
  return { summary: { format: 'list', formatReason: 'a URL list', formatGuessed: false, urlCount, urlLines: [], errors: [], errorCount: 0, warnings: [] } };
}

describe('ListAnalyses', () => {
  let analyzer: ManualAnalyzer;
  let analyses: ListAnalyses;
  let announced: DocumentAnalysis[];
  let textReads: number;

  function doc(version: number, text = `http://h/${version}`, uri = 'file:///w/a.txt'): AnalysableDocument {
    return { uri, version, sourceName: 'a.txt', getText: () => (textReads++, text) };
  }

  beforeEach(() => {
    analyzer = new ManualAnalyzer();
    analyses = new ListAnalyses(analyzer);
    announced = [];
    textReads = 0;
    analyses.onDidAnalyze((a) => announced.push(a));
  });

  it('asks the worker once per document version and reads the text only then', async () => {
    const first = analyses.analyze(doc(1));
    const again = analyses.analyze(doc(1));
    assert.equal(analyzer.requests.length, 1);
    assert.equal(textReads, 1);
    analyzer.requests[0].answer(summary(1));
    const [a, b] = await Promise.all([first, again]);
    assert.equal(a, b);
    assert.deepEqual(a.key, analyzer.requests[0].key);
    assert.equal(analyses.analysisOf('file:///w/a.txt', 1), a);
    assert.deepEqual(analyses.keyOf('file:///w/a.txt', 1), a.key);
    assert.equal(analyses.analysisOf('file:///w/a.txt', 2), undefined);
    await analyses.analyze(doc(1));
    assert.equal(analyzer.requests.length, 1, 'a kept answer is not asked again');
    assert.equal(announced.length, 1);
  });

  it('does not announce the answer for a version the document has moved past, but gives it to whoever asked', async () => {
    const old = analyses.analyze(doc(1));
    const current = analyses.analyze(doc(2));
    // The newer answer first, then the stale one.
    analyzer.requests[1].answer(summary(2));
    analyzer.requests[0].answer(summary(1));
    const [oldResult, currentResult] = await Promise.all([old, current]);
    assert.equal(oldResult.key.version, 1, 'the caller of version 1 gets version 1 (its text and key belong together)');
    assert.equal(oldResult.analysis.summary?.urlCount, 1);
    assert.deepEqual(announced.map((a) => a.key.version), [2]);
    assert.equal(currentResult.analysis.summary?.urlCount, 2);
  });

  it('names a reopened document anew (an untitled URI comes back with version 1) and tells the worker to forget the closed one', async () => {
    const first = analyses.analyze(doc(1, 'http://h/first', 'untitled:Untitled-1'));
    analyzer.requests[0].answer(summary(1));
    await first;
    analyses.forget('untitled:Untitled-1');
    assert.deepEqual(analyzer.forgotten, [analyzer.requests[0].key.document]);
    const reopened = analyses.analyze(doc(1, 'http://h/second', 'untitled:Untitled-1'));
    assert.equal(analyzer.requests.length, 2, 'same URI and version, another text: asked again');
    assert.notEqual(analyzer.requests[1].key.document, analyzer.requests[0].key.document);
    analyzer.requests[1].answer(summary(1));
    await reopened;
  });

  it('does not announce answers for a document closed meanwhile', async () => {
    const pending = analyses.analyze(doc(1));
    analyses.forget('file:///w/a.txt');
    analyzer.requests[0].answer(summary(1));
    await pending;
    assert.deepEqual(announced, []);
  });

  it('asks again after the worker failed, instead of keeping the failure as the version\'s answer', async () => {
    const failed = analyses.analyze(doc(1));
    analyzer.requests[0].answer({ failure: { code: 'WORKER_FAILED', message: 'the download worker stopped: exit code 1' } });
    assert.equal((await failed).analysis.failure?.code, 'WORKER_FAILED');
    const retried = analyses.analyze(doc(1));
    assert.equal(analyzer.requests.length, 2);
    analyzer.requests[1].answer(summary(1));
    assert.equal((await retried).analysis.summary?.urlCount, 1);
  });
});
