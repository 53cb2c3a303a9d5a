// What model/lockBadges.ts needs from VS Code: the lockfiles beside list files in the workspace
// (found once on activation, then followed by a watcher on `**/*.lock`), a watcher on the folders
// of each lockfile's files (every event there is one Map lookup in LockBadges), and the results of
// "Verify Lockfile". A `.lock` whose list (its path without ".lock") does not exist is not looked
// at; one that is not an Asset Fetch lockfile (yarn.lock beside a file named "yarn"...) is dropped
// by its first check, silently.
import fs from 'node:fs';
import * as vscode from 'vscode';
import { Disposable, DisposableMap } from '../core/lifecycle';
import { listOfLockfile, LOCKFILE_SUFFIX } from '../core/lockfile';
import { PART_SUFFIX } from '../core/partFile';
import type { LockBadges } from '../model/lockBadges';
import type { LockfileVerifier } from './verifyLockfile';

/** Lockfiles looked for on activation: beyond this many, only those written or verified later count. */
export const MAX_LOCKFILES = 200;
const LOCKFILES = `**/*${LOCKFILE_SUFFIX}`;

export class LockfileWatchers extends Disposable {
  /** By lockfile: the watchers of the folders of its files. */
  private readonly folderWatchers = this.register(new DisposableMap<string>());
  /** Resolves once the lockfiles of the workspace have been looked for (for the tests). */
  readonly ready: Promise<void>;

  constructor(
    private readonly locks: LockBadges,
    verifier: LockfileVerifier,
  ) {
    super();
    const watcher = this.register(vscode.workspace.createFileSystemWatcher(LOCKFILES));
    this.register(watcher.onDidCreate((uri) => this.lockfileEvent(uri)));
    this.register(watcher.onDidChange((uri) => this.lockfileEvent(uri)));
    this.register(watcher.onDidDelete((uri) => isCandidate(uri) && locks.untrack(uri.fsPath)));
    this.register(locks.onDidChangeFolders((lockFile) => this.watchFolders(lockFile)));
    this.register(verifier.onDidVerify((verification) => locks.apply(verification)));
    this.ready = this.findLockfiles();
  }

  private async findLockfiles(): Promise<void> {
    const found = await Promise.resolve(vscode.workspace.findFiles(LOCKFILES, '**/node_modules/**', MAX_LOCKFILES)).catch(() => []);
    await Promise.all(found.filter(isCandidate).map((uri) => this.trackIfBesideList(uri.fsPath)));
  }

  private lockfileEvent(uri: vscode.Uri): void {
    if (!isCandidate(uri)) return;
    if (this.locks.isTracked(uri.fsPath)) this.locks.fileChanged(uri.fsPath);
    else void this.trackIfBesideList(uri.fsPath);
  }

  private async trackIfBesideList(lockFile: string): Promise<void> {
    const listFile = listOfLockfile(lockFile);
    const stat = listFile === undefined ? undefined : await fs.promises.stat(listFile).catch(() => undefined);
    if (stat?.isFile() && !this.isDisposed) this.locks.track(lockFile, listFile);
  }

  private watchFolders(lockFile: string): void {
    const folders = this.locks.foldersOf(lockFile);
    if (!folders?.length) {
      this.folderWatchers.delete(lockFile);
      return;
    }
    const changed = (uri: vscode.Uri) => this.locks.fileChanged(uri.fsPath);
    const watchers = folders.map((folder) => {
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(folder.path), folder.recursive ? '**/*' : '*'));
      return vscode.Disposable.from(watcher, watcher.onDidCreate(changed), watcher.onDidChange(changed), watcher.onDidDelete(changed));
    });
    this.folderWatchers.set(lockFile, vscode.Disposable.from(...watchers));
  }
}

/** A `.lock` on disk that may be a list's lockfile: not a download's `<name>.part.lock`, not in node_modules. */
function isCandidate(uri: vscode.Uri): boolean {
  const file = uri.fsPath;
  return uri.scheme === 'file' && listOfLockfile(file) !== undefined && !file.endsWith(PART_SUFFIX + LOCKFILE_SUFFIX) && !/[\\/]node_modules[\\/]/.test(file);
}
