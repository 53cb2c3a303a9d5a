// Wiring only: the model, the engine worker behind it, one adapter per concern, and the table of
// commands (what each command of ids.ts runs).
import path from 'node:path';
import * as vscode from 'vscode';
import { BatchStore } from './model/batchStore';
import { FileChunks } from './model/itemChunks';
import { DownloadsModel } from './model/downloadsModel';
import { DisposableStore, toDisposable } from './core/lifecycle';
import { ListAnalyses } from './model/listAnalyses';
import { LockBadges } from './model/lockBadges';
import { BatchLifecycle } from './vscode/batchLifecycle';
import { BatchResults } from './vscode/batchResults';
import { DownloadCommands } from './vscode/downloadCommands';
import { DownloadsTree } from './vscode/downloadsTree';
import { LineCommands } from './vscode/lineCommands';
import { ListCodeLens } from './vscode/listCodeLens';
import { ListHover } from './vscode/listHover';
import { ExplorerBadges } from './vscode/explorerBadges';
import { FailedOnlyFilter } from './vscode/failedFilter';
import { ListDiagnostics } from './vscode/listDiagnostics';
import { LockfileWatchers } from './vscode/lockfileWatchers';
import { OutputLog } from './vscode/outputLog';
import { PreviewDownload } from './vscode/previewDownload';
import { ProgressNotifications } from './vscode/progressNotification';
import { SecretHeaders } from './vscode/secretHeaders';
import { DownloadsStatusBar } from './vscode/statusBar';
import { COMMANDS, type CommandName } from './vscode/ids';
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
  /** The Explorer's badges on downloaded files, on lists with failures, and on files out of date against their lockfile. */
  badges: ExplorerBadges;
  /** Which files are out of date against their lockfile (the badges' checks). */
  lockBadges: LockBadges;
  /** The lockfiles of the workspace, followed for the badges. */
  lockWatchers: LockfileWatchers;
  /** The Downloads view's "Show Failed Only" filter. */
  failedFilter: FailedOnlyFilter;
  /** "Copy Failed URLs" and "Reveal Downloads Folder" of a batch. */
  results: BatchResults;
}

/** What the commands act on, made once per activation. */
interface CommandTargets {
  downloads: DownloadCommands;
  actions: TreeCommands;
  lifecycle: BatchLifecycle;
  lines: LineCommands;
  secrets: SecretHeaders;
  log: OutputLog;
  preview: PreviewDownload;
  verifier: LockfileVerifier;
  tree: DownloadsTree;
  failedFilter: FailedOnlyFilter;
  results: BatchResults;
}

/** Makes a command's handler. Tree commands get the clicked row and the selected rows. */
type CommandFactory = (targets: CommandTargets) => (...args: never[]) => unknown;

/** Every command of ids.ts and what it runs: a command without a handler does not compile. */
const COMMAND_FACTORIES: Record<CommandName, CommandFactory> = {
  downloadUrls: ({ downloads }) => () => downloads.downloadUrls(),
  downloadUrlsInFile: ({ downloads }) => (uri?: vscode.Uri, uris?: vscode.Uri[]) => downloads.downloadUrlsInFile(uri, uris),
  previewDownload: ({ preview }) => () => preview.preview(),
  verifyLockfile: ({ verifier }) => (uri?: vscode.Uri) => verifier.verify(uri),
  cancelBatch: ({ actions }) => (node, nodes) => actions.cancel(node, nodes),
  cancelItem: ({ actions }) => (node, nodes) => actions.cancel(node, nodes),
  retryFailed: ({ actions }) => (node, nodes) => actions.retry(node, nodes),
  retryItem: ({ actions }) => (node, nodes) => actions.retry(node, nodes),
  removeBatch: ({ actions }) => (node, nodes) => actions.remove(node, nodes),
  clearFinished: ({ actions }) => () => actions.clearFinished(),
  openFile: ({ actions }) => (node) => actions.openFile(node),
  revealFile: ({ actions }) => (node) => actions.revealFile(node),
  copyUrl: ({ actions }) => (node, nodes) => actions.copyUrl(node, nodes),
  pauseBatch: ({ lifecycle }) => (node, nodes) => lifecycle.pause(node, nodes),
  resumeBatch: ({ lifecycle }) => (node, nodes) => lifecycle.resume(node, nodes),
  discardBatch: ({ lifecycle }) => (node, nodes) => lifecycle.discard(node, nodes),
  revealBatch: ({ tree }) => (batch) => tree.reveal(batch),
  showFailedOnly: ({ failedFilter }) => () => failedFilter.set(true),
  showAllDownloads: ({ failedFilter }) => () => failedFilter.set(false),
  copyFailedUrls: ({ results }) => (node, nodes) => results.copyFailedUrls(node, nodes),
  revealDownloadsFolder: ({ results }) => (node) => results.revealDownloadsFolder(node),
  downloadLine: ({ lines }) => (uri: string, line: number) => lines.download(uri, line),
  retryLine: ({ lines }) => (uri: string, line: number) => lines.retry(uri, line),
  openLine: ({ lines }) => (uri: string, line: number) => lines.open(uri, line),
  revealLine: ({ lines }) => (uri: string, line: number) => lines.reveal(uri, line),
  setSecretHeader: ({ secrets }) => () => secrets.promptAndSet(),
  clearSecretHeaders: ({ secrets }) => () => secrets.promptAndClear(),
  showLog: ({ log }) => () => log.channel.show(true),
};

/** Set while active: stops the worker, letting running downloads record their `.part` files. */
let stopEngine: (() => Promise<void>) | undefined;

export function activate(context: vscode.ExtensionContext): AssetFetchApi {
  // Disposed in the order added: commands and views first, then the state they show.
  const owned = new DisposableStore();
  context.subscriptions.push(owned);
  const engine = new EngineClient(path.join(context.extensionPath, 'dist', 'worker.js'));
  const model = new DownloadsModel(engine);
  // Batches of the previous window: finished ones keep their summary, unfinished ones are interrupted.
  // Their items go to files in the workspace storage folder: a workspace-state write copies the whole state.
  const storage = context.storageUri?.scheme === 'file' ? context.storageUri.fsPath : undefined;
  const store = new BatchStore(model, context.workspaceState, { chunks: storage === undefined ? undefined : new FileChunks(path.join(storage, 'batches')) });
  store.restore();
  // The worker is the one list parser: diagnostics and "Download URLs" share its analyses.
  const analyses = new ListAnalyses(engine);
  const secrets = new SecretHeaders(context.secrets, context.globalState);
  const downloads = new DownloadCommands(model, analyses, secrets);
  const tree = owned.add(new DownloadsTree(model));
  const lifecycle = new BatchLifecycle(model, secrets);
  const actions = new TreeCommands(model, (batch) => lifecycle.optionsFor(batch));
  const log = owned.add(new OutputLog(model));
  const preview = owned.add(new PreviewDownload(downloads, engine, model));
  const verifier = owned.add(new LockfileVerifier(engine, log));
  // Out of date against the lockfile: a quick check in the worker (hashing never runs here).
  const lockBadges = new LockBadges(model, (lockFile, changed) => engine.verify(lockFile, undefined, [], true, changed));
  const lockWatchers = owned.add(new LockfileWatchers(lockBadges, verifier));
  const badges = owned.add(new ExplorerBadges(model, lockBadges));
  owned.add(lockBadges);
  const failedFilter = new FailedOnlyFilter(tree);
  const results = new BatchResults();
  const lines = new LineCommands(model, downloads, actions);

  const targets: CommandTargets = { downloads, actions, lifecycle, lines, secrets, log, preview, verifier, tree, failedFilter, results };
  for (const [name, factory] of Object.entries(COMMAND_FACTORIES)) {
    owned.add(vscode.commands.registerCommand(COMMANDS[name as CommandName], factory(targets)));
  }
  owned.add(new ProgressNotifications(model));
  owned.add(new DownloadsStatusBar(model));
  owned.add(new ListDiagnostics(analyses));
  owned.add(new ListCodeLens(model, analyses));
  owned.add(new ListHover(model, analyses));
  // Stores the last state before the model stops listening to the engine.
  owned.add(store);
  owned.add(model);
  owned.add(analyses);
  let stopping: Promise<void> | undefined;
  stopEngine = () => (stopping ??= engine.dispose());
  owned.add(toDisposable(() => void stopEngine?.()));
  return { model, tree, log, preview, store, badges, lockBadges, lockWatchers, failedFilter, results };
}

/** Awaited by VS Code: the worker stops as Cancel stops it (at most 1.5 s), so partial downloads resume after a reload. */
export function deactivate(): Promise<void> | undefined {
  return stopEngine?.();
}
