// Where a list's lockfile is: `<list>.lock` beside a list file on disk (the file the CLI's --lock
// writes), none for an unsaved list. `assetFetch.lockfile` says whether downloads write it.
import * as vscode from 'vscode';
import { listOfLockfile, LOCKFILE_SUFFIX } from '../core/lockfile';

/**
 * The lockfile a batch of `listUri` keeps, or undefined (setting off, or not a file on disk).
 * `whole`: the batch is the whole list, so after a run where nothing failed the entries of files it
 * did not produce are dropped; a selection only adds and updates entries.
 */
export function lockfileFor(listUri: vscode.Uri, setting: 'off' | 'besideList', whole: boolean): { file: string; prune: boolean } | undefined {
  if (setting !== 'besideList' || listUri.scheme !== 'file') return undefined;
  return { file: listUri.fsPath + LOCKFILE_SUFFIX, prune: whole };
}

/** A list file or its `.lock`: the lockfile's path and the list's (which may not exist). */
export function lockAndList(uri: vscode.Uri): { lockFile: string; listFile: string } {
  const file = uri.fsPath;
  const list = listOfLockfile(file);
  return list !== undefined ? { lockFile: file, listFile: list } : { lockFile: file + LOCKFILE_SUFFIX, listFile: file };
}
