// Where a batch downloads to. Default: next to the list file (an unsaved list: the workspace
// folder). `assetFetch.targetDirectory` may name another folder, but only inside the workspace:
// the one way to write elsewhere is a folder the user picks in a dialog.
import fs from 'node:fs/promises';
import path from 'node:path';
import * as vscode from 'vscode';

export async function chooseTargetFolder(listUri: vscode.Uri | undefined, setting: string): Promise<string | undefined> {
  const listFile = listUri?.scheme === 'file' ? listUri : undefined;
  const folder = (listUri && vscode.workspace.getWorkspaceFolder(listUri)) ?? (listFile ? undefined : vscode.workspace.workspaceFolders?.[0]);
  if (!folder || folder.uri.scheme !== 'file') {
    return pickFolder('No workspace folder to download into: choose a folder.', listFile && vscode.Uri.file(path.dirname(listFile.fsPath)));
  }
  const root = folder.uri.fsPath;
  const target = setting === '' ? (listFile ? path.dirname(listFile.fsPath) : root) : path.resolve(root, setting);
  if (await isReallyInside(target, root)) return target;
  const pick = 'Choose Folder...';
  const what = setting === '' ? `the folder of ${listFile?.fsPath}` : `the setting assetFetch.targetDirectory ("${setting}")`;
  const answer = await vscode.window.showErrorMessage(
    `Asset Fetch: ${what} leads outside the workspace folder ${root} (a path or a symbolic link). Downloads only go outside the workspace into a folder you choose.`,
    pick,
  );
  return answer === pick ? pickFolder('Download into this folder', folder.uri) : undefined;
}

/** Compares real paths: a symbolic link inside the workspace may lead out of it. */
async function isReallyInside(candidate: string, root: string): Promise<boolean> {
  const realRoot = await fs.realpath(root).catch(() => root);
  // The target may not exist yet: resolve its deepest existing ancestor.
  let existing = candidate;
  while (!(await fs.stat(existing).then(() => true, () => false))) {
    const parent = path.dirname(existing);
    if (parent === existing) break;
    existing = parent;
  }
  const realExisting = await fs.realpath(existing).catch(() => existing);
  const relative = path.relative(realRoot, path.join(realExisting, path.relative(existing, candidate)));
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

async function pickFolder(title: string, defaultUri: vscode.Uri | undefined): Promise<string | undefined> {
  const picked = await vscode.window.showOpenDialog({
    title,
    canSelectFolders: true,
    canSelectFiles: false,
    canSelectMany: false,
    openLabel: 'Download Here',
    defaultUri,
  });
  return picked?.[0]?.fsPath;
}
