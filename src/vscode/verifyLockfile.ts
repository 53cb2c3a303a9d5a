// "Asset Fetch: Verify Lockfile": checks the files a list's lockfile lists against the disk, in the
// worker (hashing never runs on the extension host) and without the network. The per-file report
// goes to the log, a notification sums it up, and each missing or changed file is a diagnostic on
// its entry in the lockfile until the lockfile changes or is verified again.
import path from 'node:path';
import * as vscode from 'vscode';
import { Disposable, DisposableMap } from '../core/lifecycle';
import { Emitter } from '../model/emitter';
import type { EngineClient } from '../worker/engineClient';
import type { LockVerification } from '../worker/lockAndPlan';
import { readSettings } from './config';
import { lockAndList } from './lockfiles';
import type { OutputLog } from './outputLog';

const SHOW_DETAILS = 'Show Details';
/** Names given in the notification per kind of difference; the log has them all. */
const NAMES_IN_SUMMARY = 3;

export class LockfileVerifier extends Disposable {
  private readonly diagnostics = this.register(vscode.languages.createDiagnosticCollection('Asset Fetch lockfile'));
  /** One watcher per lockfile with diagnostics: a change to it clears them. */
  private readonly watchers = this.register(new DisposableMap<string>());
  private readonly verified = this.register(new Emitter<LockVerification>());
  /** A lockfile was verified (every file hashed): the Explorer badges take the result as it is. */
  readonly onDidVerify = this.verified.event;

  constructor(
    private readonly engine: EngineClient,
    private readonly log: OutputLog,
  ) {
    super();
  }

  /**
   * Verifies the lockfile of `uri` (a list file or its `.lock`; the active editor's file without
   * one). Resolves with the verification (undefined when there was none to run), for the tests.
   */
  async verify(uri?: vscode.Uri): Promise<LockVerification | undefined> {
    const target = uri ?? vscode.window.activeTextEditor?.document.uri;
    if (!target || target.scheme !== 'file') {
      void vscode.window.showErrorMessage('Asset Fetch: Verify Lockfile works on a saved list file or its .lock file: open one, or right-click it in the Explorer.');
      return undefined;
    }
    const { lockFile, listFile } = lockAndList(target);
    const scanDir = dedicatedTargetFolder(vscode.Uri.file(listFile));
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `Asset Fetch: verifying ${path.basename(lockFile)}` },
      () => this.engine.verify(lockFile, scanDir, [listFile]),
    );
    if (result.problem) {
      this.log.append('error', `verify ${lockFile}: ${result.problem.message}`);
      void vscode.window.showErrorMessage(`Asset Fetch: ${result.problem.message}`);
      return undefined;
    }
    const verification = result.verification;
    this.report(verification);
    this.showDiagnostics(verification);
    this.verified.fire(verification);
    return verification;
  }

  /** One log line per difference, then the summary; the notification names the first few. */
  private report(v: LockVerification): void {
    const { report } = v;
    const name = path.basename(v.lockFile);
    const differences = report.missing.length + report.changed.length + report.extra.length;
    this.log.append('info', `verify ${v.lockFile}${v.scannedForExtra ? '' : ' (extra files not looked for: the downloads go next to the list, among other files)'}`);
    for (const key of report.missing) this.log.append('warn', `missing  ${key}`);
    for (const { path: key, reason } of report.changed) this.log.append('warn', `changed  ${key}: ${reason}`);
    for (const key of report.extra) this.log.append('warn', `extra    ${key}: not in ${name}`);
    const summary = summaryText(v);
    this.log.append(differences === 0 ? 'info' : 'warn', `${summary} (${name})`);
    if (differences === 0) {
      void vscode.window.showInformationMessage(`Asset Fetch: ${summary} against ${name}.`, SHOW_DETAILS).then((answer) => answer === SHOW_DETAILS && this.log.channel.show(true));
      return;
    }
    void vscode.window.showWarningMessage(`Asset Fetch: ${summary}`, SHOW_DETAILS).then((answer) => answer === SHOW_DETAILS && this.log.channel.show(true));
  }

  private showDiagnostics(v: LockVerification): void {
    const uri = vscode.Uri.file(v.lockFile);
    const at = (key: string) => {
      const line = v.lines[key] ?? 0;
      return new vscode.Range(line, 0, line, Number.MAX_SAFE_INTEGER);
    };
    const found = [
      ...v.report.missing.map((key) => new vscode.Diagnostic(at(key), `missing: ${key} is not on disk`, vscode.DiagnosticSeverity.Warning)),
      ...v.report.changed.map(({ path: key, reason }) => new vscode.Diagnostic(at(key), `changed: ${key}: ${reason}`, vscode.DiagnosticSeverity.Error)),
      ...v.report.extra.map((key) => new vscode.Diagnostic(new vscode.Range(0, 0, 0, 1), `extra: ${key} is in the folder but not in the lockfile`, vscode.DiagnosticSeverity.Information)),
    ];
    for (const diagnostic of found) diagnostic.source = 'Asset Fetch';
    this.diagnostics.set(uri, found);
    this.watchers.delete(v.lockFile);
    if (found.length === 0) return;
    // Stale once the lockfile changes (a download rewrote it, an edit): cleared until verified again.
    const clear = () => {
      this.diagnostics.delete(uri);
      this.watchers.delete(v.lockFile);
    };
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(v.lockFile)), path.basename(v.lockFile)));
    const edits = vscode.workspace.onDidChangeTextDocument((e) => e.document.uri.fsPath === v.lockFile && e.contentChanges.length > 0 && clear());
    watcher.onDidChange(clear);
    watcher.onDidDelete(clear);
    this.watchers.set(v.lockFile, vscode.Disposable.from(watcher, edits));
  }
}

/** "2 of 3 files verified; 1 changed: hero.png", "all 3 files verified". */
export function summaryText(v: Pick<LockVerification, 'report' | 'total'>): string {
  const { report, total } = v;
  if (report.missing.length + report.changed.length + report.extra.length === 0) return `all ${total} file${total === 1 ? '' : 's'} verified`;
  const names = (keys: string[]) => keys.slice(0, NAMES_IN_SUMMARY).map((key) => path.posix.basename(key)).join(', ') + (keys.length > NAMES_IN_SUMMARY ? `, +${keys.length - NAMES_IN_SUMMARY} more` : '');
  const parts = [`${report.verified.length} of ${total} file${total === 1 ? '' : 's'} verified`];
  if (report.missing.length > 0) parts.push(`${report.missing.length} missing: ${names(report.missing)}`);
  if (report.changed.length > 0) parts.push(`${report.changed.length} changed: ${names(report.changed.map((c) => c.path))}`);
  if (report.extra.length > 0) parts.push(`${report.extra.length} extra: ${names(report.extra)}`);
  return parts.join('; ');
}

/**
 * The folder to look for files the lockfile does not list: the target folder when
 * `assetFetch.targetDirectory` names one inside the workspace; undefined when the downloads go
 * next to the list, among the project's other files (all of them would be "extra").
 */
function dedicatedTargetFolder(listUri: vscode.Uri): string | undefined {
  const setting = readSettings(listUri).targetDirectory;
  const folder = vscode.workspace.getWorkspaceFolder(listUri);
  if (setting === '' || !folder || folder.uri.scheme !== 'file') return undefined;
  const target = path.resolve(folder.uri.fsPath, setting);
  const relative = path.relative(folder.uri.fsPath, target);
  return relative === '' || relative.startsWith('..') || path.isAbsolute(relative) ? undefined : target;
}
