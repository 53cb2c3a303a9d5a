// Where a batch downloads to. Default: next to the list file (an unsaved list: the workspace
// folder). `assetFetch.targetDirectory` may name another folder, but only inside the workspace:
// the one way to write elsewhere is a folder the user picks in a dialog.
import path from 'node:path';
import * as vscode from 'vscode';

export async function chooseTargetFolder(listUri: vscode.Uri | undefined, setting: string): Promise<string | undefined> {
  const listFile = listUri?.scheme === 'file' ? listUri : undefined;
  const folder = (listUri && vscode.workspace.getWorkspaceFolder(listUri)) ?? (listFile ? undefined : vscode.workspace.workspaceFolders?.[0]);
  if (!folder || folder.uri.scheme !== 'file') {
    return pickFolder('No workspace folder to download into: choose a folder.', listFile && vscode.Uri.file(path.dirname(listFile.fsPath)));
  }
  const root = folder.uri.fsPath;
  if (setting === '') return listFile ? path.dirname(listFile.fsPath) : root;
  const resolved = path.resolve(root, setting);
  if (isInside(resolved, root)) return resolved;
  const pick = 'Choose Folder...';
  const answer = await vscode.window.showErrorMessage(
    `Asset Fetch: the setting assetFetch.targetDirectory ("${setting}") points outside the workspace folder ${root}. Downloads only go outside the workspace into a folder you choose.`,
    pick,
  );
  return answer === pick ? pickFolder('Download into this folder', folder.uri) : undefined;
}

function isInside(candidate: string, root: string): boolean {
  const relative = path.relative(root, candidate);
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
