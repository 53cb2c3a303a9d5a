// A status bar item while downloads run: active count and speed; a click focuses the view.
import * as vscode from 'vscode';
import { formatBytes } from '../core/frontEnd';
import type { DownloadsModel } from '../model/downloadsModel';
import { Disposable } from '../core/lifecycle';
import { Throttle } from '../core/timers';
import { waitReason } from '../model/waits';
import { focusViewCommand, STATUS_BAR_ITEM, VIEWS } from './ids';
import { hostsWaiting } from './summaries';

/** Status text follows the model at most this often. */
const REFRESH_MS = 500;

export class DownloadsStatusBar extends Disposable {
  private readonly item = this.register(vscode.window.createStatusBarItem(STATUS_BAR_ITEM, vscode.StatusBarAlignment.Left, 10));
  private readonly refresh = this.register(new Throttle(REFRESH_MS, () => this.render()));

  constructor(private readonly model: DownloadsModel) {
    super();
    this.item.name = 'Asset Fetch Downloads';
    this.item.command = focusViewCommand(VIEWS.downloads);
    // Progress at the throttle's pace; a run's end or a batch coming or going at once.
    this.register(model.onDidChange(() => this.refresh.schedule()));
    this.register(model.onDidFinishRun(() => this.refresh.flush()));
    this.register(model.onDidChangeBatches(() => this.refresh.flush()));
  }

  private render(): void {
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
