// "Asset Fetch: Preview Download": the plan of a download of the open list (its selection or the
// whole document, as "Download URLs" takes it) in a QuickPick: each entry's URL, the file it would
// be written to and what would happen. Planned in the worker (src/core/downloadPlan.ts) with no
// request and no write; "Download" starts exactly the batch that was planned (the same text,
// target folder and settings).
import path from 'node:path';
import * as vscode from 'vscode';
import type { PlanAction, PlanItem } from '../core/downloadPlan';
import type { BatchRequest, DownloadsModel } from '../model/downloadsModel';
import { Disposable } from '../core/lifecycle';
import type { EngineClient } from '../worker/engineClient';
import type { DownloadPlan } from '../worker/lockAndPlan';
import type { DownloadCommands } from './downloadCommands';

const ICONS: Record<PlanAction, string> = {
  download: '$(cloud-download)',
  skip: '$(pass)',
  'download-again': '$(sync)',
  rename: '$(files)',
  overwrite: '$(replace-all)',
  'refresh-check': '$(refresh)',
  failed: '$(error)',
};

const ACTION_TEXT: Record<PlanAction, string> = {
  download: 'download',
  skip: 'skip (exists)',
  'download-again': 'download again (exists, checksum differs)',
  rename: 'rename',
  overwrite: 'overwrite (exists)',
  'refresh-check': 'refresh check (exists: asks the server whether it changed)',
  failed: 'error',
};

interface PlanPick extends vscode.QuickPickItem {
  start?: true;
}

/** What a preview showed (for the extension tests: a QuickPick cannot be read back). */
export interface ShownPreview {
  title: string;
  /** "label | description | detail" of each row, in order (the Download row first). */
  rows: string[];
  plan: DownloadPlan;
}

export class PreviewDownload extends Disposable {
  private readonly shown = this.register(new vscode.EventEmitter<ShownPreview>());
  /** A preview is on screen. */
  readonly onDidShow = this.shown.event;

  constructor(
    private readonly downloads: DownloadCommands,
    private readonly engine: EngineClient,
    private readonly model: DownloadsModel,
  ) {
    super();
  }

  /** Resolves once the preview is closed: with the batch it started, if any. */
  async preview(): Promise<void> {
    // No question for a document that is not a URL list: the preview shows the links it holds.
    const list = await this.downloads.listOfActiveEditor(false);
    if (!list) return;
    const request = await this.downloads.batchFor(list, list.document !== undefined);
    if (!request) return;
    const { targetDir, onExisting } = request.options;
    const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: `Asset Fetch: planning ${list.title}` }, () =>
      this.engine.plan(request.text, request.title, targetDir, onExisting, request.format, request.key),
    );
    if (result.problem) {
      void vscode.window.showErrorMessage(`Asset Fetch: cannot preview ${list.title}: ${result.problem.message}`);
      return;
    }
    await this.show(request, result.plan);
  }

  private show(request: BatchRequest, plan: DownloadPlan): Promise<void> {
    const pick = vscode.window.createQuickPick<PlanPick>();
    pick.title = `Preview: ${request.title} → ${folderName(request.options.targetDir)}`;
    pick.placeholder = 'Nothing requested or written yet: Enter on Download starts it; type to filter';
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    const download: PlanPick = {
      label: '$(cloud-download) Download',
      description: `start the batch as planned: ${countsText(plan)}`,
      alwaysShow: true,
      start: true,
    };
    const rows: PlanPick[] = plan.items.map((item) => row(item, request.options.targetDir));
    if (plan.total > plan.items.length) rows.push({ label: `$(ellipsis) ${plan.total - plan.items.length} more entries not shown`, alwaysShow: true });
    if (plan.warnings.length > 0) rows.push({ label: '', kind: vscode.QuickPickItemKind.Separator }, ...plan.warnings.map((w) => ({ label: `$(warning) ${w}` })));
    pick.items = [download, { label: `${plan.total} entr${plan.total === 1 ? 'y' : 'ies'}, read as ${plan.formatReason}`, kind: vscode.QuickPickItemKind.Separator }, ...rows];
    pick.buttons = [{ iconPath: new vscode.ThemeIcon('cloud-download'), tooltip: 'Download' }];
    return new Promise((resolve) => {
      let started = false;
      const start = () => {
        if (started) return;
        started = true;
        // Exactly as planned: the same text, document version, target folder and settings.
        this.model.start(request);
        pick.hide();
      };
      pick.onDidAccept(() => {
        if (pick.selectedItems[0]?.start) start();
      });
      pick.onDidTriggerButton(start);
      pick.onDidHide(() => {
        pick.dispose();
        resolve();
      });
      pick.show();
      this.shown.fire({ title: pick.title ?? '', rows: pick.items.map((i) => [i.label, i.description ?? '', i.detail ?? ''].join(' | ')), plan });
    });
  }
}

/** "workspace", "workspace/vendor/assets", or the absolute path of a folder outside the workspace. */
function folderName(dir: string): string {
  const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(dir));
  if (!folder) return dir;
  const relative = path.relative(folder.uri.fsPath, dir).split(path.sep).join('/');
  return relative === '' ? folder.name : `${folder.name}/${relative}`;
}

function row(item: PlanItem, targetDir: string): PlanPick {
  if (item.action === 'failed') return { label: `${ICONS.failed} ${item.source}`, description: 'error', detail: item.error };
  const file = path.relative(targetDir, item.path!).split(path.sep).join('/');
  const action = item.action === 'rename' ? `rename to "${path.basename(item.path!)}" (exists)` : ACTION_TEXT[item.action];
  return { label: `${ICONS[item.action]} ${file}`, description: action, detail: `${item.url}  ·  ${item.source}` };
}

/** "3 to download, 1 to skip, 1 unusable line". */
function countsText(plan: DownloadPlan): string {
  const parts = Object.entries(plan.counts).map(([action, n]) =>
    action === 'failed' ? `${n} unusable line${n === 1 ? '' : 's'}` : `${n} to ${action === 'refresh-check' ? 'check for changes' : action.replace('-', ' ')}`,
  );
  return parts.length > 0 ? parts.join(', ') : 'nothing to download';
}
