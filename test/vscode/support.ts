// Helpers shared by the extension test files (bundled into each; not a test file itself).
import type { BatchRecord, DownloadsModel } from '../../src/model/downloadsModel';

/** Resolves with the next batch of `model` that finishes a run. */
export function nextFinishedRun(model: DownloadsModel): Promise<BatchRecord> {
  return new Promise((resolve) => {
    const subscription = model.onDidFinishRun((batch) => {
      subscription.dispose();
      resolve(batch);
    });
  });
}
