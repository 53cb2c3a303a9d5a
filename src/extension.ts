// Wiring only: the model, the engine worker behind it, and one adapter per concern.
import path from 'node:path';
import * as vscode from 'vscode';
import { BatchStore } from './model/batchStore';
import { DownloadsModel } from './model/downloadsModel';
import { ListAnalyses } from './model/listAnalyses';
import { BatchLifecycle } from './vscode/batchLifecycle';
import { DownloadCommands } from './vscode/downloadCommands';
import { DownloadsTree } from './vscode/downloadsTree';
import { ListDiagnostics } from './vscode/listDiagnostics';
import { OutputLog } from './vscode/outputLog';
import { PreviewDownload } from './vscode/previewDownload';
import { ProgressNotifications } from './vscode/progressNotification';
import { SecretHeaders } from './vscode/secretHeaders';
import { DownloadsStatusBar } from './vscode/statusBar';
import { TreeCommands } from './vscode/treeCommands';
import { LockfileVerifier } from './vscode/verifyLockfile';
import { EngineClient } from './worker/engineClient';

/** What activate returns, for the extension tests (test/vscode): the model, the tree and the log. */
export interface AssetFetchApi {
  model: DownloadsModel;
  tree: DownloadsTree;
  log: OutputLog;
  preview: PreviewDownload;
  /** The batches kept in workspace state across reloads. */
  store: BatchStore;
}

/** Set while active: stops the worker, letting running downloads record their `.part` files. */
let stopEngine: (() => Promise<void>) | undefined;

export function activate(context: vscode.ExtensionContext): AssetFetchApi {
  // The worker only answers requests the model sends, so `model` exists by the first message.
  const engine = new EngineClient(path.join(context.extensionPath, 'dist', 'worker.js'), (message) => model.receive(message));
  const model = new DownloadsModel(engine);
  // Batches of the previous window: finished ones keep their summary, unfinished ones are interrupted.
  const store = new BatchStore(model, context.workspaceState);
  store.restore();
  // The worker is the one list parser: diagnostics and "Download URLs" share its analyses.
  const analyses = new ListAnalyses(engine);
  const secrets = new SecretHeaders(context.secrets, context.globalState);
  const downloads = new DownloadCommands(model, analyses, secrets);
  const tree = new DownloadsTree(model);
  const lifecycle = new BatchLifecycle(model, secrets);
  const actions = new TreeCommands(model, (batch) => lifecycle.optionsFor(batch));
  const log = new OutputLog(model);
  const preview = new PreviewDownload(downloads, engine, model);
  const verifier = new LockfileVerifier(engine, log);

  const register = (name: string, run: (...args: never[]) => unknown) =>
    context.subscriptions.push(vscode.commands.registerCommand(`assetFetch.${name}`, run));
  register('downloadUrls', () => downloads.downloadUrls());
  register('downloadUrlsInFile', (uri?: vscode.Uri, uris?: vscode.Uri[]) => downloads.downloadUrlsInFile(uri, uris));
  register('cancelBatch', (node, nodes) => actions.cancel(node, nodes));
  register('cancelItem', (node, nodes) => actions.cancel(node, nodes));
  register('retryFailed', (node, nodes) => actions.retry(node, nodes));
  register('retryItem', (node, nodes) => actions.retry(node, nodes));
  register('removeBatch', (node, nodes) => actions.remove(node, nodes));
  register('clearFinished', () => actions.clearFinished());
  register('openFile', (node) => actions.openFile(node));
  register('revealFile', (node) => actions.revealFile(node));
  register('copyUrl', (node, nodes) => actions.copyUrl(node, nodes));
  register('setSecretHeader', () => secrets.promptAndSet());
  register('clearSecretHeaders', () => secrets.promptAndClear());
  register('showLog', () => log.channel.show(true));
  register('previewDownload', () => preview.preview());
  register('verifyLockfile', (uri?: vscode.Uri) => verifier.verify(uri));
  register('pauseBatch', (node, nodes) => lifecycle.pause(node, nodes));
  register('resumeBatch', (node, nodes) => lifecycle.resume(node, nodes));
  register('discardBatch', (node, nodes) => lifecycle.discard(node, nodes));
  register('revealBatch', (batch) => tree.reveal(batch));

  context.subscriptions.push(
    tree,
    log,
    preview,
    verifier,
    new ProgressNotifications(model),
    new DownloadsStatusBar(model),
    new ListDiagnostics(analyses),
    // Stores the last state before the model stops listening to the engine.
    store,
    { dispose: () => model.dispose() },
    { dispose: () => analyses.dispose() },
    { dispose: () => void stopEngine?.() },
  );
  let stopping: Promise<void> | undefined;
  stopEngine = () => (stopping ??= engine.dispose());
  return { model, tree, log, preview, store };
}

/** The worker stops as Cancel stops it, so partial downloads resume after a reload. */
export function deactivate(): Promise<void> | undefined {
  return stopEngine?.();
}
