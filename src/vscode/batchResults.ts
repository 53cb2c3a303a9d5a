// What a batch row offers about its results: "Copy Failed URLs" and "Reveal Downloads Folder".
import fs from 'node:fs';
import * as vscode from 'vscode';
import { BatchRecord } from '../model/downloadsModel';
import type { DownloadNode } from './downloadsTree';

export class BatchResults {
  /**
   * Copies the URLs of the failed items of the selected batches, one per line, in list order, as the
   * engine shows them (a password reads "***"). A list line that is not a URL has none to copy.
   * Resolves with what was copied ("" when nothing), for the tests.
   */
  async copyFailedUrls(node?: DownloadNode, nodes?: DownloadNode[]): Promise<string> {
    const batches = selectedBatches(node, nodes);
    const urls = new Set<string>();
    for (const batch of batches) {
      for (const item of batch.items) if (item.snapshot.state === 'failed' && /^https?:\/\//i.test(item.snapshot.url)) urls.add(item.snapshot.url);
    }
    if (urls.size === 0) {
      if (batches.length > 0) void vscode.window.showInformationMessage(`Asset Fetch: no failed URL to copy in ${batches.map((b) => b.title).join(', ')}.`);
      return '';
    }
    const text = [...urls].join('\n');
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(`Asset Fetch: copied ${urls.size} failed URL${urls.size === 1 ? '' : 's'}`, 3000);
    return text;
  }

  /** Shows the batch's target folder in the Explorer; a folder outside the workspace opens in a new window. */
  async revealDownloadsFolder(node?: DownloadNode): Promise<void> {
    if (!(node instanceof BatchRecord)) return;
    const folder = vscode.Uri.file(node.targetDir);
    const exists = await fs.promises.stat(node.targetDir).then((s) => s.isDirectory(), () => false);
    if (!exists) {
      void vscode.window.showWarningMessage(`Asset Fetch: the downloads folder of ${node.title} is gone: ${node.targetDir}`);
      return;
    }
    if (vscode.workspace.getWorkspaceFolder(folder)) await vscode.commands.executeCommand('revealInExplorer', folder);
    else await vscode.commands.executeCommand('vscode.openFolder', folder, { forceNewWindow: true });
  }
}

function selectedBatches(node: DownloadNode | undefined, nodes: DownloadNode[] | undefined): BatchRecord[] {
  const chosen = nodes && node && nodes.includes(node) ? nodes : node ? [node] : [];
  return chosen.filter((n) => n instanceof BatchRecord);
}
