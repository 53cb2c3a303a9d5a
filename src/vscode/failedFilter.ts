// "Show Failed Only" / "Show All Downloads": the Downloads view's filter, a title-bar toggle. The
// context key picks which of the two buttons the title shows.
import * as vscode from 'vscode';
import type { DownloadsTree } from './downloadsTree';
import { CONTEXT_KEYS } from './ids';

export class FailedOnlyFilter {
  constructor(private readonly tree: DownloadsTree) {}

  get on(): boolean {
    return this.tree.failedOnly;
  }

  async set(on: boolean): Promise<void> {
    this.tree.showFailedOnly(on);
    await vscode.commands.executeCommand('setContext', CONTEXT_KEYS.failedOnly, on);
  }
}
