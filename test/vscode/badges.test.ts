// What the editor shows of a list's results, in a real VS Code against a local server: the Explorer
// badges (a downloaded file, a list with failures), the Downloads view putting trouble first and
// its "Show Failed Only" filter, "Copy Failed URLs", "Reveal Downloads Folder", and a click on a
// finished image opening VS Code's image preview.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as vscode from 'vscode';
import type { AssetFetchApi } from '../../src/extension';
import type { BatchRecord } from '../../src/model/downloadsModel';
import { EXTENSION_ID, nextFinishedRun, until } from './support';

/** A 1×1 PNG, so the image preview has an image to open. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const body = (name: string) => (name.endsWith('.png') ? PNG : Buffer.from(`bytes of ${name}\n`));

describe('Asset Fetch in VS Code: badges, trouble first, results', () => {
  let server: http.Server;
  let origin: string;
  let api: AssetFetchApi;
  let testDir: string;

  before(async () => {
    server = http.createServer((req, res) => {
      const name = path.posix.basename(req.url ?? '/');
      if (name.startsWith('missing')) res.writeHead(404).end('not here');
      else res.writeHead(200, { 'content-type': name.endsWith('.png') ? 'image/png' : 'application/octet-stream' }).end(body(name));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const extension = vscode.extensions.getExtension<AssetFetchApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    api = await extension.activate();
  });

  beforeEach(function () {
    const workspace = vscode.workspace.workspaceFolders![0].uri.fsPath;
    testDir = path.join(workspace, `badges-${Date.now()}-${this.currentTest?.title.replace(/\W+/g, '-').slice(0, 30)}`);
    fs.mkdirSync(testDir, { recursive: true });
  });

  afterEach(async () => {
    await vscode.commands.executeCommand('assetFetch.showAllDownloads');
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    server.close();
  });

  /** Downloads `lines` as a list file in the test's folder; resolves with its finished batch. */
  async function download(name: string, lines: string[]): Promise<{ list: string; batch: BatchRecord }> {
    const list = path.join(testDir, name);
    fs.writeFileSync(list, `${lines.join('\n')}\n`);
    const finished = nextFinishedRun(api.model);
    await vscode.commands.executeCommand('assetFetch.downloadUrlsInFile', vscode.Uri.file(list));
    return { list, batch: await finished };
  }

  it('badges a downloaded file with its URL, and the list with "1 failed"', async () => {
    const { list } = await download('assets.urls', [`${origin}/logo.png`, `${origin}/missing.png`, `${origin}/data.bin`]);
    const file = vscode.Uri.file(path.join(testDir, 'logo.png'));
    // Announced to VS Code after the coalescing delay; asked for as the Explorer does.
    const decoration = await until(() => api.badges.provideFileDecoration(file), 'the badge of logo.png');
    assert.equal(decoration.badge, '↓');
    assert.equal(decoration.tooltip, `Downloaded by Asset Fetch from ${origin}/logo.png`);
    const listBadge = api.badges.provideFileDecoration(vscode.Uri.file(list));
    assert.equal(listBadge?.badge, '1');
    assert.match(listBadge?.tooltip ?? '', /^Asset Fetch: 1 failed in the latest download of assets\.urls$/);
    assert.ok(listBadge?.color, 'the failure count is coloured');
    assert.equal(api.badges.provideFileDecoration(vscode.Uri.file(path.join(testDir, 'missing.png'))), undefined, 'no badge where nothing was saved');
    assert.equal(api.badges.provideFileDecoration(vscode.Uri.file(path.join(testDir, 'unrelated.txt'))), undefined);
  });

  it('lists failed items first, and "Show Failed Only" hides the finished ones', async () => {
    const { batch } = await download('order.urls', [`${origin}/one.bin`, `${origin}/two.bin`, `${origin}/missing-a.bin`, `${origin}/three.bin`, `${origin}/missing-b.bin`]);
    // Rows of items have a snapshot (the test bundle's classes are not the extension's: no instanceof).
    const names = () => api.tree.getChildren(batch).map((n) => ('snapshot' in n ? path.posix.basename(n.snapshot.url) : 'not an item'));
    assert.deepEqual(names(), ['missing-a.bin', 'missing-b.bin', 'one.bin', 'two.bin', 'three.bin']);
    await vscode.commands.executeCommand('assetFetch.showFailedOnly');
    assert.equal(api.failedFilter.on, true);
    assert.deepEqual(names(), ['missing-a.bin', 'missing-b.bin']);
    await vscode.commands.executeCommand('assetFetch.showAllDownloads');
    assert.equal(api.failedFilter.on, false);
    assert.equal(names().length, 5);
  });

  it('"Copy Failed URLs" copies exactly the failed URLs of the batch, passwords masked', async () => {
    const secretUrl = `${origin.replace('://', '://user:secret@')}/missing-private.bin`;
    const { batch } = await download('copy.urls', [`${origin}/fine.bin`, `${origin}/missing-x.bin`, 'images for the hero banner', secretUrl]);
    assert.equal(batch.items.filter((i) => i.snapshot.state === 'failed').length, 3, 'two 404s and a line that is not a URL');
    await vscode.env.clipboard.writeText('before');
    await vscode.commands.executeCommand('assetFetch.copyFailedUrls', batch);
    assert.equal(await vscode.env.clipboard.readText(), [`${origin}/missing-x.bin`, `${origin.replace('://', '://user:***@')}/missing-private.bin`].join('\n'));
  });

  it('opens a finished image in the image preview on click, and reveals the downloads folder', async () => {
    const { batch } = await download('open.urls', [`${origin}/picture.png`]);
    const item = batch.items[0];
    const treeItem = api.tree.getTreeItem(item);
    assert.equal(treeItem.command?.command, 'assetFetch.openFile', 'a click on a finished row opens it');
    await vscode.commands.executeCommand(treeItem.command.command, ...(treeItem.command.arguments ?? []));
    const tab = await until(() => {
      const active = vscode.window.tabGroups.activeTabGroup.activeTab;
      return active?.label === 'picture.png' ? active : undefined;
    }, 'a tab for picture.png');
    assert.ok(tab.input instanceof vscode.TabInputCustom, `opened in a custom editor: ${JSON.stringify(tab.input)}`);
    assert.equal(tab.input.viewType, 'imagePreview.previewEditor');
    // Inside the workspace: revealed in the Explorer (the command ends without an error).
    await vscode.commands.executeCommand('assetFetch.revealDownloadsFolder', batch);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
