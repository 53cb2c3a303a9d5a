// "Download URLs" (active editor: selection or whole document, saved or not) and "Download URLs
// in File" (Explorer selection, editor title). Both refuse in Restricted Mode: they write files.
import * as vscode from 'vscode';
import type { DownloadsModel } from '../model/downloadsModel';
import { readSettings } from './config';
import { downloadOptions } from './downloadOptions';
import { listFromEditor, listFromFile, type ListText } from './listSource';
import type { SecretHeaders } from './secretHeaders';
import { chooseTargetFolder } from './targetFolder';

const MANAGE_TRUST = 'Manage Workspace Trust';

export class DownloadCommands {
  constructor(
    private readonly model: DownloadsModel,
    private readonly secrets: SecretHeaders,
  ) {}

  async downloadUrls(): Promise<void> {
    if (!(await this.trusted())) return;
    const editor = vscode.window.activeTextEditor;
    if (!editor) {
      void vscode.window.showErrorMessage('Asset Fetch: open a list of URLs in an editor (one per line), or right-click a list file in the Explorer.');
      return;
    }
    await this.start(listFromEditor(editor));
  }

  /** Explorer passes the clicked file and every selected one; the editor title passes its file. */
  async downloadUrlsInFile(clicked?: vscode.Uri, selected?: vscode.Uri[]): Promise<void> {
    if (!(await this.trusted())) return;
    const uris = selected?.length ? selected : clicked ? [clicked] : [];
    if (uris.length === 0 && vscode.window.activeTextEditor) uris.push(vscode.window.activeTextEditor.document.uri);
    if (uris.length === 0) {
      void vscode.window.showErrorMessage('Asset Fetch: choose a list file in the Explorer first.');
      return;
    }
    for (const uri of uris) {
      let list: ListText;
      try {
        list = await listFromFile(uri);
      } catch (err) {
        void vscode.window.showErrorMessage(`Asset Fetch: cannot read ${uri.fsPath}: ${(err as Error).message}`);
        continue;
      }
      await this.start(list);
    }
  }

  private async start(list: ListText): Promise<void> {
    const settings = readSettings(list.uri);
    const targetDir = await chooseTargetFolder(list.uri, settings.targetDirectory);
    if (!targetDir) return;
    const options = downloadOptions(targetDir, settings, await this.secrets.all());
    this.model.start({ title: list.title, text: list.text, options, listPath: list.uri.scheme === 'file' ? list.uri.fsPath : undefined });
  }

  private async trusted(): Promise<boolean> {
    if (vscode.workspace.isTrusted) return true;
    const answer = await vscode.window.showWarningMessage(
      'Asset Fetch: downloading is disabled in Restricted Mode because it writes files into the workspace. Trust this workspace to download.',
      MANAGE_TRUST,
    );
    if (answer === MANAGE_TRUST) await vscode.commands.executeCommand('workbench.trust.manage');
    return false;
  }
}
