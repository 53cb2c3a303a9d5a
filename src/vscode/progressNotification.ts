// One cancellable progress notification per run of a batch. Cancel stops the batch; running
// downloads keep their resumable `.part` files. When the run ends, a message sums it up.
import * as vscode from 'vscode';
import type { BatchRecord, DownloadsModel } from '../model/downloadsModel';
import { Disposable, DisposableStore, toDisposable } from '../core/lifecycle';
import { COMMANDS, focusViewCommand, VIEWS } from './ids';
import { outcome, progressMessage } from './summaries';

const SHOW_LOG = 'Show Log';
const SHOW_DOWNLOADS = 'Show Downloads';

export class ProgressNotifications extends Disposable {
  constructor(private readonly model: DownloadsModel) {
    super();
    this.register(model.onDidStartRun((batch) => void this.show(batch)));
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
          // The notification closes with its run's listeners: when the run ends, or when the window does.
          const run = this.register(new DisposableStore());
          run.add(toDisposable(resolve));
          const done = () => this.disposeEarly(run);
          run.add(this.model.onDidChange((change) => change.batch === batch && report()));
          // A waiting host's countdown.
          run.add(this.model.onDidTick((batches) => batches.includes(batch) && report()));
          run.add(this.model.onDidFinishRun((finished) => finished === batch && done()));
          run.add(this.model.onDidChangeBatches(() => !this.model.batch(batch.id) && done()));
          run.add(token.onCancellationRequested(() => this.model.cancel(batch)));
          report();
        }),
    );
    // A paused batch has no outcome yet: its row says "paused" and offers Resume.
    if (this.model.batch(batch.id) && !batch.resumable) await this.summarize(batch);
  }

  private async summarize(batch: BatchRecord): Promise<void> {
    const text = `Asset Fetch: ${batch.title}: ${outcome(batch)}`;
    // Cancelled items are left undone too: the summary offers the log as for failures.
    const problems = batch.failedCount > 0 || batch.cancelledCount > 0 || batch.error !== undefined;
    const answer = problems
      ? await vscode.window.showWarningMessage(text, SHOW_DOWNLOADS, SHOW_LOG)
      : await vscode.window.showInformationMessage(text, SHOW_DOWNLOADS);
    if (answer === SHOW_LOG) await vscode.commands.executeCommand(COMMANDS.showLog);
    if (answer === SHOW_DOWNLOADS) await vscode.commands.executeCommand(focusViewCommand(VIEWS.downloads));
  }
}
