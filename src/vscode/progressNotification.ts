// One cancellable progress notification per run of a batch. Cancel stops the batch; running
// downloads keep their resumable `.part` files. When the run ends, a message sums it up.
import * as vscode from 'vscode';
import type { BatchRecord, DownloadsModel } from '../model/downloadsModel';
import { outcome, progressMessage } from './summaries';

const SHOW_LOG = 'Show Log';
const SHOW_DOWNLOADS = 'Show Downloads';

export class ProgressNotifications implements vscode.Disposable {
  private readonly subscription: { dispose(): void };

  constructor(private readonly model: DownloadsModel) {
    this.subscription = model.onDidStartRun((batch) => void this.show(batch));
  }

  dispose(): void {
    this.subscription.dispose();
  }

  private async show(batch: BatchRecord): Promise<void> {
    await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Asset Fetch: ${batch.title}`, cancellable: true },
      (progress, token) =>
        new Promise<void>((resolve) => {
          let reported = 0;
          const report = () => {
            const now = batch.progress * 100;
            progress.report({ message: progressMessage(batch), increment: Math.max(0, now - reported) });
            reported = Math.max(reported, now);
          };
          const subscriptions = [
            this.model.onDidChange((change) => change.batch === batch && report()),
            // A waiting host's countdown.
            this.model.onDidTick((batches) => batches.includes(batch) && report()),
            this.model.onDidFinishRun((finished) => finished === batch && done()),
            this.model.onDidChangeBatches(() => !this.model.batch(batch.id) && done()),
            token.onCancellationRequested(() => this.model.cancel(batch)),
          ];
          function done() {
            for (const s of subscriptions) s.dispose();
            resolve();
          }
          report();
        }),
    );
    // A paused batch has no outcome yet: its row says "paused" and offers Resume.
    if (this.model.batch(batch.id) && !batch.resumable) await this.summarize(batch);
  }

  private async summarize(batch: BatchRecord): Promise<void> {
    const text = `Asset Fetch: ${batch.title}: ${outcome(batch)}`;
    const problems = batch.failedCount > 0 || batch.error !== undefined;
    const answer = problems
      ? await vscode.window.showWarningMessage(text, SHOW_DOWNLOADS, SHOW_LOG)
      : await vscode.window.showInformationMessage(text, SHOW_DOWNLOADS);
    if (answer === SHOW_LOG) await vscode.commands.executeCommand('assetFetch.showLog');
    if (answer === SHOW_DOWNLOADS) await vscode.commands.executeCommand('assetFetch.downloads.focus');
  }
}
