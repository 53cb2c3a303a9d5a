// Every name package.json and the code share, defined once: command IDs, view IDs, context keys,
// and the tree rows' contextValues that menus match. test/unit/manifest.test.ts checks
// package.json against this table, so a renamed command or a typo in a when-clause fails a test.
// No `vscode` import: the unit tests read this file in plain Node.
import type { ErrorCode } from '../core/frontEnd';
import type { ItemStatus } from '../model/downloadsModel';

/** Command IDs by short name; extension.ts registers exactly these (its table is keyed by them). */
export const COMMANDS = {
  downloadUrls: 'assetFetch.downloadUrls',
  downloadUrlsInFile: 'assetFetch.downloadUrlsInFile',
  previewDownload: 'assetFetch.previewDownload',
  verifyLockfile: 'assetFetch.verifyLockfile',
  cancelBatch: 'assetFetch.cancelBatch',
  cancelItem: 'assetFetch.cancelItem',
  retryFailed: 'assetFetch.retryFailed',
  retryItem: 'assetFetch.retryItem',
  pauseBatch: 'assetFetch.pauseBatch',
  resumeBatch: 'assetFetch.resumeBatch',
  discardBatch: 'assetFetch.discardBatch',
  removeBatch: 'assetFetch.removeBatch',
  revealBatch: 'assetFetch.revealBatch',
  clearFinished: 'assetFetch.clearFinished',
  openFile: 'assetFetch.openFile',
  revealFile: 'assetFetch.revealFile',
  copyUrl: 'assetFetch.copyUrl',
  setSecretHeader: 'assetFetch.setSecretHeader',
  clearSecretHeaders: 'assetFetch.clearSecretHeaders',
  showLog: 'assetFetch.showLog',
  // One line of a list, from its CodeLens or hover: arguments (document URI, 1-based line).
  downloadLine: 'assetFetch.downloadLine',
  retryLine: 'assetFetch.retryLine',
  openLine: 'assetFetch.openLine',
  revealLine: 'assetFetch.revealLine',
  // The Downloads view's filter (a title toggle) and a batch's results.
  showFailedOnly: 'assetFetch.showFailedOnly',
  showAllDownloads: 'assetFetch.showAllDownloads',
  copyFailedUrls: 'assetFetch.copyFailedUrls',
  revealDownloadsFolder: 'assetFetch.revealDownloadsFolder',
} as const;

export type CommandName = keyof typeof COMMANDS;
export type CommandId = (typeof COMMANDS)[CommandName];

export const VIEW_CONTAINER = 'assetFetch';

export const VIEWS = {
  downloads: 'assetFetch.downloads',
} as const;

/** The command VS Code adds for every view: shows it and moves the focus there. */
export function focusViewCommand(view: (typeof VIEWS)[keyof typeof VIEWS]): string {
  return `${view}.focus`;
}

/** Context keys the extension sets (setContext) for when-clauses. */
export const CONTEXT_KEYS = {
  /** The open documents that are URL lists (fsPath for files, the path otherwise), as `resourcePath` names them. */
  listPaths: 'assetFetch.listPaths',
  /** "Show Failed Only" is on in the Downloads view. */
  failedOnly: 'assetFetch.downloads.failedOnly',
} as const;

/** The status bar item's ID (VS Code remembers per ID whether the user hid it). */
export const STATUS_BAR_ITEM = 'assetFetch.status';

// Tree rows' contextValues: a kind first, then space-separated flags. Menus match them with
// `viewItem =~ /^batch.*retryable/` and the like, so the flags keep their order.

export interface BatchRowFlags {
  running: boolean;
  retryable: boolean;
  /** Running with an engine batch and no Pause asked yet. */
  pausable: boolean;
  /** Waiting for Resume (which can also be discarded). */
  resumable: boolean;
}

/** "batch running retryable pausable", "batch idle resumable discardable". */
export function batchContextValue(flags: BatchRowFlags): string {
  return ['batch', flags.running ? 'running' : 'idle', flags.retryable && 'retryable', flags.pausable && 'pausable', flags.resumable && 'resumable discardable'].filter(Boolean).join(' ');
}

export interface ItemRowFlags {
  /** Not finished: it can be cancelled. */
  running: boolean;
  retryable: boolean;
  /** Its file is on disk (ok or skipped): it can be opened and revealed. */
  saved: boolean;
}

/** "item.<status>[.<errorCode>]" then flags: "item.failed.TLS_CERT retryable", "item.ok saved". */
export function itemContextValue(status: ItemStatus, errorCode: ErrorCode | undefined, flags: ItemRowFlags): string {
  const kind = status === 'failed' && errorCode ? `item.failed.${errorCode}` : `item.${status}`;
  return [kind, flags.running && 'running', flags.retryable && 'retryable', flags.saved && 'saved'].filter(Boolean).join(' ');
}

/** "hostWait.429": a host that asked to wait, by its status. */
export function hostWaitContextValue(status: number): string {
  return `hostWait.${status}`;
}

/** Every error code (the compiler checks the list is whole), for the contextValues a menu may match. */
export const ERROR_CODES = Object.keys({
  LIST_LINE: true,
  HTTP_STATUS: true,
  RATE_LIMITED: true,
  TLS_CERT: true,
  NETWORK: true,
  TIMEOUT: true,
  PROTOCOL: true,
  CHECKSUM_MISMATCH: true,
  SIZE_LIMIT: true,
  FILE_SYSTEM: true,
  UNKNOWN: true,
} satisfies Record<ErrorCode, true>) as ErrorCode[];

/** Every status an item row can have (the compiler checks the list is whole). */
export const ITEM_STATUSES = Object.keys({
  queued: true,
  active: true,
  retrying: true,
  ok: true,
  skipped: true,
  failed: true,
  cancelled: true,
  paused: true,
  interrupted: true,
} satisfies Record<ItemStatus, true>) as ItemStatus[];
