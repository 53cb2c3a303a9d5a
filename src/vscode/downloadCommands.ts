// "Download URLs" (active editor: selection or whole document, saved or not) and "Download URLs
// in File" (Explorer selection, editor title). Both refuse in Restricted Mode: they write files.
import * as vscode from 'vscode';
import { ListError } from '../core/frontEnd';
import type { BatchRequest, DownloadsModel } from '../model/downloadsModel';
import type { ListAnalyses } from '../model/listAnalyses';
import { showActiveInstead } from './batchLifecycle';
import { readSettings } from './config';
import { downloadOptions } from './downloadOptions';
import { lockfileFor } from './lockfiles';
import { analysable, LIST_FILE, listFromEditor, listFromFile, type ListText } from './listSource';
import type { SecretHeaders } from './secretHeaders';
import { chooseTargetFolder } from './targetFolder';

const MANAGE_TRUST = 'Manage Workspace Trust';
/** How long a text editor that the window shows may take to reach the extension host. */
const ACTIVE_EDITOR_GRACE_MS = 1500;

/**
 * The active text editor. Just after a file was opened the window can show its tab while the
 * extension host has not heard of the editor yet (seen in code-server under load): unless the
 * active tab is known to be something else, wait a moment for it instead of saying there is none.
 */
async function activeTextEditorSoon(): Promise<vscode.TextEditor | undefined> {
  const editor = vscode.window.activeTextEditor;
  const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
  // An editor of another kind (an image, settings) is known at once; the tabs may lag too.
  if (editor || (tab && !(tab.input instanceof vscode.TabInputText))) return editor;
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(vscode.window.activeTextEditor), ACTIVE_EDITOR_GRACE_MS);
    const subscription = vscode.window.onDidChangeActiveTextEditor((next) => next && done(next));
    function done(result: vscode.TextEditor | undefined): void {
      clearTimeout(timer);
      subscription.dispose();
      resolve(result);
    }
  });
}

export class DownloadCommands {
  constructor(
    private readonly model: DownloadsModel,
    private readonly analyses: ListAnalyses,
    private readonly secrets: SecretHeaders,
  ) {}

  async downloadUrls(): Promise<void> {
    const list = await this.listOfActiveEditor(true);
    // The whole document, not a selection: the lockfile may drop entries the list no longer has.
    if (list) await this.start(list, list.document !== undefined);
  }

  /**
   * What "Download URLs" downloads: the active editor's selection or whole document (undefined,
   * having said why, when there is none or the user declined). `confirm`: ask before taking the
   * links of a document that is not a URL list. Refused in Restricted Mode.
   */
  async listOfActiveEditor(confirm: boolean): Promise<ListText | undefined> {
    if (!(await this.trusted())) return undefined;
    const editor = await activeTextEditorSoon();
    if (!editor) {
      void vscode.window.showErrorMessage('Asset Fetch: open a list of URLs in an editor (one per line), or right-click a list file in the Explorer.');
      return undefined;
    }
    const list = listFromEditor(editor);
    if (list.document) {
      // The whole document: the worker's analysis of this version (usually the diagnostics' one,
      // already there) says whether it is a list; the download then reuses that parse.
      const { key, analysis } = await this.analyses.analyze(analysable(editor.document));
      if (analysis.failure?.code === 'WORKER_FAILED') {
        void vscode.window.showErrorMessage(`Asset Fetch: cannot read ${list.title}: ${analysis.failure.message}`);
        return undefined;
      }
      if (confirm && analysis.summary && analysis.summary.format !== 'list' && !(await this.confirmNonList(list.title, analysis.summary.urlCount))) return undefined;
      // A binary or oversized document goes on too: its batch fails with the one message saying why.
      if (key.version === list.document.version) list.key = key;
    }
    return list;
  }

  /** Explorer passes the clicked file and every selected one; the editor title passes its file. */
  async downloadUrlsInFile(clicked?: vscode.Uri, selected?: vscode.Uri[]): Promise<void> {
    if (!(await this.trusted())) return;
    // The menu's `when` checks the clicked file only: other selected files must be lists too.
    const uris = selected?.length ? selected.filter((uri) => uri.toString() === clicked?.toString() || LIST_FILE.test(uri.path)) : clicked ? [clicked] : [];
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
        // A ListError names the file and says what is wrong with it.
        void vscode.window.showErrorMessage(err instanceof ListError ? `Asset Fetch: ${err.message}` : `Asset Fetch: cannot read ${uri.fsPath}: ${(err as Error).message}`);
        continue;
      }
      if (list.document) list.key = this.analyses.keyOf(list.document.uri, list.document.version);
      await this.start(list, true);
    }
  }

  /** Downloads part of a list document (one entry, from its CodeLens or hover) as a selection of it is downloaded. */
  async downloadPart(list: ListText): Promise<void> {
    if (await this.trusted()) await this.start(list, false);
  }

  /** A document that is not a URL list (code, Markdown, prose): download the links in it only if asked to. */
  private async confirmNonList(title: string, count: number): Promise<boolean> {
    if (count === 0) {
      void vscode.window.showWarningMessage(`Asset Fetch: ${title} holds no http(s) URLs. Open a list (one URL per line) or select the lines to download.`);
      return false;
    }
    const download = `Download ${count} URL${count === 1 ? '' : 's'}`;
    const answer = await vscode.window.showWarningMessage(`Asset Fetch: ${title} is not a URL list. Download the ${count} link${count === 1 ? '' : 's'} found in it?`, { modal: true }, download);
    return answer === download;
  }

  /**
   * The batch a download of `list` would be (settings, target folder, headers, lockfile), or
   * undefined when no folder was chosen. `whole`: the list is the whole document or file.
   */
  async batchFor(list: ListText, whole: boolean): Promise<BatchRequest | undefined> {
    const settings = readSettings(list.uri);
    const targetDir = await chooseTargetFolder(list.uri, settings.targetDirectory);
    if (!targetDir) return undefined;
    const options = downloadOptions(targetDir, settings, await this.secrets.all());
    const lockfile = lockfileFor(list.uri, settings.lockfile, whole);
    if (lockfile) options.lockfile = lockfile;
    return { title: list.title, text: list.text, key: list.key, options, listPath: list.uri.scheme === 'file' ? list.uri.fsPath : undefined };
  }

  private async start(list: ListText, whole: boolean): Promise<void> {
    const request = await this.batchFor(list, whole);
    if (!request) return;
    // The same list (file or document, whole) into the same folder again: its running batch is shown.
    if (whole) request.source = list.uri.toString();
    if (await showActiveInstead(this.model, request)) return;
    this.model.start(request);
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
