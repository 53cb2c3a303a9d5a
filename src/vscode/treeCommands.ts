// Actions on rows of the Downloads tree (inline buttons and context menu). Each accepts the
// clicked node and, for multi-selection, every selected node.
import path from 'node:path';
import * as vscode from 'vscode';
import type { DownloadOptions } from '../core/frontEnd';
import { BatchRecord, ItemRecord, type DownloadsModel } from '../model/downloadsModel';
import type { DownloadNode } from './downloadsTree';

export class TreeCommands {
  constructor(
    private readonly model: DownloadsModel,
    /** Options for a new run of a batch whose engine batch is gone (restored from an earlier window). */
    private readonly optionsFor?: (batch: BatchRecord) => Promise<DownloadOptions>,
  ) {}

  cancel(node?: DownloadNode, nodes?: DownloadNode[]): void {
    for (const n of selection(node, nodes)) {
      if (n instanceof BatchRecord) this.model.cancel(n);
      else if (n instanceof ItemRecord) this.model.cancel(n.batch, n);
    }
  }

  async retry(node?: DownloadNode, nodes?: DownloadNode[]): Promise<void> {
    const batches = new Map<BatchRecord, ItemRecord[] | undefined>();
    for (const n of selection(node, nodes)) {
      if (!(n instanceof BatchRecord || n instanceof ItemRecord)) continue; // a waiting host's row
      if (n instanceof BatchRecord) batches.set(n, undefined);
      else if (!batches.has(n.batch)) batches.set(n.batch, [n]);
      // A selected batch already retries all its failed items; otherwise collect the items.
      else batches.get(n.batch)?.push(n);
    }
    for (const [batch, items] of batches) {
      // Failed items of an earlier window are retried in a new engine batch, with the options of now.
      const fresh = !batch.running && (batch.engineId === undefined || batch.mapped) && this.optionsFor ? await this.optionsFor(batch) : undefined;
      this.model.retry(batch, items, fresh);
    }
  }

  remove(node?: DownloadNode, nodes?: DownloadNode[]): void {
    // Running batches are cancelled first, not removed (their downloads would go on unseen).
    for (const n of selection(node, nodes)) if (n instanceof BatchRecord && !n.running) this.model.remove(n);
  }

  clearFinished(): void {
    this.model.clearFinished();
  }

  async openFile(node?: DownloadNode): Promise<void> {
    const uri = node instanceof ItemRecord ? fileOf(node) : undefined;
    if (uri) await vscode.commands.executeCommand('vscode.open', uri);
  }

  async revealFile(node?: DownloadNode): Promise<void> {
    const uri = node instanceof ItemRecord ? fileOf(node) : undefined;
    if (!uri) return;
    // The Explorer shows workspace files only; a file elsewhere opens instead.
    if (vscode.workspace.getWorkspaceFolder(uri)) await vscode.commands.executeCommand('revealInExplorer', uri);
    else await vscode.commands.executeCommand('vscode.open', uri);
  }

  async copyUrl(node?: DownloadNode, nodes?: DownloadNode[]): Promise<void> {
    const urls = selection(node, nodes).filter((n) => n instanceof ItemRecord).map((n) => n.snapshot.url);
    if (urls.length > 0) await vscode.env.clipboard.writeText(urls.join('\n'));
  }
}

function selection(node: DownloadNode | undefined, nodes: DownloadNode[] | undefined): DownloadNode[] {
  if (nodes && node && nodes.includes(node)) return nodes;
  return node ? [node] : [];
}

function fileOf(item: ItemRecord): vscode.Uri | undefined {
  const relative = item.snapshot.relativePath;
  return relative ? vscode.Uri.file(path.join(item.batch.targetDir, relative)) : undefined;
}
