// Pause, Resume and Discard on rows of the Downloads view, and what a second start of a running
// list does (it shows the running batch instead). Resume of a batch from an earlier window reads
// settings and secret headers afresh: they are never stored with the batch.
import path from 'node:path';
import * as vscode from 'vscode';
import type { DownloadOptions } from '../core/frontEnd';
import { BatchRecord, ItemRecord, type BatchRequest, type DownloadsModel } from '../model/downloadsModel';
import { readSettings } from './config';
import { COMMANDS } from './ids';
import { downloadOptions } from './downloadOptions';
import type { DownloadNode } from './downloadsTree';
import { removePartFiles } from './partFiles';
import type { SecretHeaders } from './secretHeaders';

export class BatchLifecycle {
  constructor(
    private readonly model: DownloadsModel,
    private readonly secrets: SecretHeaders,
  ) {}

  pause(node?: DownloadNode, nodes?: DownloadNode[]): void {
    for (const batch of batchesOf(node, nodes)) if (batch.running) this.model.pause(batch);
  }

  async resume(node?: DownloadNode, nodes?: DownloadNode[]): Promise<void> {
    const batches = batchesOf(node, nodes).filter((b) => b.resumable);
    if (batches.length === 0 || !(await trusted())) return;
    for (const batch of batches) this.model.resume(batch, await this.optionsFor(batch));
  }

  /** Removes the batch's `.part` files (the ones of its unfinished items, in its folder), then its row. */
  async discard(node?: DownloadNode, nodes?: DownloadNode[]): Promise<void> {
    for (const batch of batchesOf(node, nodes)) {
      if (batch.running || !this.model.batch(batch.id)) continue;
      const busy = new Set<string>();
      for (const other of this.model.running) {
        for (const item of other.items) if (!item.finished && item.snapshot.relativePath) busy.add(path.resolve(other.targetDir, item.snapshot.relativePath));
      }
      const unfinished = batch.items.filter((i) => i.snapshot.relativePath && i.snapshot.state !== 'ok' && i.snapshot.state !== 'skipped');
      const result = await removePartFiles(batch.targetDir, unfinished.map((i) => i.snapshot.relativePath!), busy);
      for (const { file, reason } of result.skipped) void vscode.window.showWarningMessage(`Asset Fetch: ${batch.title}: kept ${file}: ${reason}.`);
      this.model.remove(batch);
    }
  }

  /** Options for a new run of `batch`: settings and secret headers of now; the model adds the batch's own. */
  async optionsFor(batch: BatchRecord): Promise<DownloadOptions> {
    const scope = vscode.Uri.file(batch.listPath ?? batch.targetDir);
    return downloadOptions(batch.targetDir, readSettings(scope), await this.secrets.all());
  }
}

/**
 * A second start of a list that is running (or paused) in this window into the same folder shows
 * that batch instead of starting another one on the same files. Returns whether it did.
 */
export async function showActiveInstead(model: DownloadsModel, request: BatchRequest): Promise<boolean> {
  const batch = request.source !== undefined ? model.findActive(request.source, request.options.targetDir) : undefined;
  if (!batch) return false;
  await vscode.commands.executeCommand(COMMANDS.revealBatch, batch);
  const state = batch.running ? 'being downloaded' : 'paused';
  void vscode.window.showInformationMessage(
    `Asset Fetch: ${batch.title} is already ${state} into ${vscode.workspace.asRelativePath(batch.targetDir)}: shown in Downloads${batch.running ? '' : ' (Resume it there)'}.`,
  );
  return true;
}

function batchesOf(node: DownloadNode | undefined, nodes: DownloadNode[] | undefined): BatchRecord[] {
  const selected = nodes && node && nodes.includes(node) ? nodes : node ? [node] : [];
  const batches = new Set<BatchRecord>();
  for (const n of selected) {
    if (n instanceof BatchRecord) batches.add(n);
    else if (n instanceof ItemRecord) batches.add(n.batch);
  }
  return [...batches];
}

async function trusted(): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  void vscode.window.showWarningMessage('Asset Fetch: resuming is disabled in Restricted Mode because it writes files into the workspace. Trust this workspace to resume.');
  return false;
}
