// Helpers shared by the extension test files (bundled into each; not a test file itself).
import type { BatchRecord, DownloadsModel } from '../../src/model/downloadsModel';

export const EXTENSION_ID = 'asset-fetch.asset-fetch';

/** Waits for `check` to return a value other than undefined (the mocha timeout also bounds it). */
export async function until<T>(check: () => T | undefined, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Resolves with the next batch of `model` that finishes a run. */
export function nextFinishedRun(model: DownloadsModel): Promise<BatchRecord> {
  return new Promise((resolve) => {
    const subscription = model.onDidFinishRun((batch) => {
      subscription.dispose();
      resolve(batch);
    });
  });
}
