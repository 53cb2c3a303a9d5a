// The "Asset Fetch" log: one line per request outcome, retry and error, as the engine reports them.
import * as vscode from 'vscode';
import type { DownloadsModel } from '../model/downloadsModel';

export class OutputLog implements vscode.Disposable {
  readonly channel = vscode.window.createOutputChannel('Asset Fetch', { log: true });
  private readonly subscriptions: { dispose(): void }[];

  constructor(model: DownloadsModel) {
    this.subscriptions = [
      model.onDidStartRun((batch) => this.channel.info(`${batch.title}: downloading into ${batch.targetDir}`)),
      model.onDidLog(({ batch, entries }) => {
        for (const entry of entries) {
          const line = `${batch.title}: ${entry.message}`;
          if (entry.level === 'error') this.channel.error(line);
          else if (entry.level === 'warn') this.channel.warn(line);
          else this.channel.info(line);
        }
      }),
    ];
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.channel.dispose();
  }
}
