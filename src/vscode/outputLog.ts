// The "Asset Fetch" log: one line per request outcome, retry and error, as the engine reports them.
import * as vscode from 'vscode';
import type { LogLevel } from '../core/frontEnd';
import type { DownloadsModel } from '../model/downloadsModel';
import { Disposable } from '../core/lifecycle';

export class OutputLog extends Disposable {
  readonly channel = this.register(vscode.window.createOutputChannel('Asset Fetch', { log: true }));
  private readonly written = this.register(new vscode.EventEmitter<{ level: LogLevel; line: string }>());
  /** Every line as it is written to the channel (for the extension tests: a channel cannot be read back). */
  readonly onDidWrite = this.written.event;

  constructor(model: DownloadsModel) {
    super();
    this.register(model.onDidStartRun((batch) => this.write('info', `${batch.title}: downloading into ${batch.targetDir}`)));
    this.register(
      model.onDidLog(({ batch, entries }) => {
        for (const entry of entries) this.write(entry.level, `${batch.title}: ${entry.message}`);
      }),
    );
  }

  /** A line from another command (Verify Lockfile), with its level. */
  append(level: LogLevel, line: string): void {
    this.write(level, line);
  }

  private write(level: LogLevel, line: string): void {
    if (level === 'error') this.channel.error(line);
    else if (level === 'warn') this.channel.warn(line);
    else this.channel.info(line);
    this.written.fire({ level, line });
  }
}
