// Explorer badges (a FileDecorationProvider) from model/fileBadges.ts: "↓" on a file downloaded in
// this window, its tooltip naming the URL; the failure count, in red, on a list file whose latest
// batch has failures; "≠" (warning colour) on a file that differs from what its lockfile recorded,
// naming the URL, and "!" on that lockfile's list. VS Code hears only the paths whose badge may
// have changed, coalesced.
import path from 'node:path';
import * as vscode from 'vscode';
import type { DownloadsModel } from '../model/downloadsModel';
import { FileBadges, type FileBadge } from '../model/fileBadges';
import type { LockBadges } from '../model/lockBadges';
import { Disposable } from '../core/lifecycle';

/** VS Code's limit on the files named by one change event. */
const MAX_EVENT_FILES = 250;
/** VS Code allows badges of at most two characters. */
const MAX_BADGE_COUNT = 9;

export class ExplorerBadges extends Disposable implements vscode.FileDecorationProvider {
  private readonly badges: FileBadges;
  private readonly changed = this.register(new vscode.EventEmitter<vscode.Uri[] | undefined>());
  readonly onDidChangeFileDecorations = this.changed.event;

  constructor(model: DownloadsModel, locks?: LockBadges, delayMs?: number) {
    super();
    this.badges = this.register(new FileBadges(model, delayMs, locks));
    // VS Code splits events of more than 250 files into chunks and logs a warning for each (41 ms
    // seen on 10,000 files): many changes are announced as "everything", and VS Code asks again
    // for the files it shows.
    this.register(this.badges.onDidChange((files) => this.changed.fire(files.length > MAX_EVENT_FILES ? undefined : files.map((file) => vscode.Uri.file(file)))));
    this.register(vscode.window.registerFileDecorationProvider(this));
  }

  provideFileDecoration(uri: vscode.Uri): vscode.FileDecoration | undefined {
    if (uri.scheme !== 'file') return undefined;
    const badge = this.badges.badgeOf(uri.fsPath);
    return badge && decorationOf(badge);
  }
}

export function decorationOf(badge: FileBadge): vscode.FileDecoration {
  if (badge.kind === 'downloaded') {
    // The URL as the engine shows it: a password in it reads "***".
    return new vscode.FileDecoration('↓', `Downloaded by Asset Fetch from ${badge.item.snapshot.url}`);
  }
  if (badge.kind === 'changed') {
    const { lockFile, size, recordedSize, url } = badge.changed;
    const how = size === recordedSize ? `same size, other bytes` : `${count(size)} bytes, the lockfile says ${count(recordedSize)}`;
    return warning('≠', `Asset Fetch: changed since ${path.basename(lockFile)} recorded it (${how}) — from ${url}`);
  }
  if (badge.kind === 'outOfDate') {
    const { lockFile, changed, missing } = badge.outOfDate;
    const total = changed + missing;
    const parts = [changed > 0 && `${count(changed)} changed`, missing > 0 && `${count(missing)} missing`].filter(Boolean).join(', ');
    return warning('!', `Asset Fetch: ${count(total)} file${total === 1 ? '' : 's'} out of date against ${path.basename(lockFile)} (${parts}): run Verify Lockfile for details`);
  }
  const { failed, batch } = badge;
  const text = failed > MAX_BADGE_COUNT ? `${MAX_BADGE_COUNT}+` : String(failed);
  const decoration = new vscode.FileDecoration(text, `Asset Fetch: ${failed} failed in the latest download of ${batch.title}`, new vscode.ThemeColor('list.errorForeground'));
  decoration.propagate = false;
  return decoration;
}

function warning(text: string, tooltip: string): vscode.FileDecoration {
  const decoration = new vscode.FileDecoration(text, tooltip, new vscode.ThemeColor('list.warningForeground'));
  decoration.propagate = false;
  return decoration;
}

/** "1,234". */
function count(n: number): string {
  return n.toLocaleString('en-US');
}
