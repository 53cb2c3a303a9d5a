// Wiring only: the model, the engine worker behind it, and one adapter per concern.
import path from 'node:path';
import * as vscode from 'vscode';
import { DownloadsModel } from './model/downloadsModel';
import { ListAnalyses } from './model/listAnalyses';
import { DownloadCommands } from './vscode/downloadCommands';
import { DownloadsTree } from './vscode/downloadsTree';
import { ListDiagnostics } from './vscode/listDiagnostics';
import { OutputLog } from './vscode/outputLog';
import { ProgressNotifications } from './vscode/progressNotification';
import { SecretHeaders } from './vscode/secretHeaders';
import { DownloadsStatusBar } from './vscode/statusBar';
import { TreeCommands } from './vscode/treeCommands';
import { EngineClient } from './worker/engineClient';

/** What activate returns, for the extension tests (test/vscode): the model, the tree and the log. */
export interface AssetFetchApi {
  model: DownloadsModel;
  tree: DownloadsTree;
  log: OutputLog;
}

export function activate(context: vscode.ExtensionContext): AssetFetchApi {
  // The worker only answers requests the model sends, so `model` exists by the first message.
  const engine = new EngineClient(path.join(context.extensionPath, 'dist', 'worker.js'), (message) => model.receive(message));
  const model = new DownloadsModel(engine);
  // The worker is the one list parser: diagnostics and "Download URLs" share its analyses.
  const analyses = new ListAnalyses(engine);
  const secrets = new SecretHeaders(context.secrets, context.globalState);
  const downloads = new DownloadCommands(model, analyses, secrets);
  const tree = new DownloadsTree(model);
  const actions = new TreeCommands(model);
  const log = new OutputLog(model);

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

  context.subscriptions.push(
    tree,
    log,
    new ProgressNotifications(model),
    new DownloadsStatusBar(model),
    new ListDiagnostics(analyses),
    { dispose: () => model.dispose() },
    { dispose: () => analyses.dispose() },
    { dispose: () => void engine.dispose() },
  );
  return { model, tree, log };
}

export function deactivate(): void {}
