// The "Asset Fetch" log: one line per request outcome, retry and error, as the engine reports them.
import * as vscode from 'vscode';
import type { LogLevel } from '../core/frontEnd';
import type { DownloadsModel } from '../model/downloadsModel';

export class OutputLog implements vscode.Disposable {
  readonly channel = vscode.window.createOutputChannel('Asset Fetch', { log: true });
  private readonly written = new vscode.EventEmitter<{ level: LogLevel; line: string }>();
  /** Every line as it is written to the channel (for the extension tests: a channel cannot be read back). */
  readonly onDidWrite = this.written.event;
  private readonly subscriptions: { dispose(): void }[];

  constructor(model: DownloadsModel) {
    this.subscriptions = [
      model.onDidStartRun((batch) => this.write('info', `${batch.title}: downloading into ${batch.targetDir}`)),
      model.onDidLog(({ batch, entries }) => {
        for (const entry of entries) this.write(entry.level, `${batch.title}: ${entry.message}`);
      }),
    ];
  }

  /** A line from another command (Verify Lockfile), with its level. */
  append(level: LogLevel, line: string): void {
    this.write(level, line);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
    this.written.dispose();
    this.channel.dispose();
  }

  private write(level: LogLevel, line: string): void {
    if (level === 'error') this.channel.error(line);
    else if (level === 'warn') this.channel.warn(line);
    else this.channel.info(line);
    this.written.fire({ level, line });
  }
}
