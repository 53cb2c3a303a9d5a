// A status bar item while downloads run: active count and speed; a click focuses the view.
import * as vscode from 'vscode';
import { formatBytes } from '../core/frontEnd';
import type { DownloadsModel } from '../model/downloadsModel';
import { waitReason } from '../model/waits';
import { hostsWaiting } from './summaries';

/** Status text follows the model at most this often. */
const REFRESH_MS = 500;

export class DownloadsStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('assetFetch.status', vscode.StatusBarAlignment.Left, 10);
  private readonly subscriptions: { dispose(): void }[];
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly model: DownloadsModel) {
    this.item.name = 'Asset Fetch Downloads';
    this.item.command = 'assetFetch.downloads.focus';
    const schedule = () => (this.timer ??= setTimeout(() => this.refresh(), REFRESH_MS));
    this.subscriptions = [model.onDidChange(schedule), model.onDidFinishRun(() => this.refresh()), model.onDidChangeBatches(() => this.refresh())];
  }

  dispose(): void {
    clearTimeout(this.timer);
    for (const s of this.subscriptions) s.dispose();
    this.item.dispose();
  }

  private refresh(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const running = this.model.running;
    if (running.length === 0) {
      this.item.hide();
      return;
    }
    let active = 0;
    let left = 0;
    let speed = 0;
    // A host waiting in two batches is one host the user waits for.
    const waiting = new Map<string, string>();
    for (const batch of running) {
      active += batch.stats?.active ?? 0;
      left += (batch.stats?.active ?? 0) + (batch.stats?.retrying ?? 0) + (batch.stats?.queued ?? 0);
      speed += batch.stats?.speed ?? 0;
      for (const { wait } of batch.hostWaits) waiting.set(wait.host, `${wait.host} ${waitReason(wait.status)} (HTTP ${wait.status}) until ${new Date(wait.until).toLocaleTimeString()}`);
    }
    const hosts = waiting.size > 0 ? ` · $(watch) ${hostsWaiting(waiting.size)}` : '';
    this.item.text = `$(cloud-download) ${active} active · ${formatBytes(speed)}/s${hosts}`;
    const why = waiting.size > 0 ? ` ${[...waiting.values()].join('; ')}.` : '';
    this.item.tooltip = `Asset Fetch: ${left} file${left === 1 ? '' : 's'} left in ${running.length} batch${running.length === 1 ? '' : 'es'}.${why} Click to show Downloads.`;
    this.item.show();
  }
}
