// CodeLens and hovers on list documents, through VS Code's own providers' commands
// (vscode.executeCodeLensProvider, vscode.executeHoverProvider), against a local HTTP server
// that counts the requests.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as vscode from 'vscode';
import type { DownloadsModel } from '../../src/model/downloadsModel';
import { EXTENSION_ID, nextFinishedRun } from './support';

const BODY = Buffer.alloc(1500, 'x');

/** Polls `check` until it returns something other than undefined. */
async function eventually<T>(check: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function lensesOf(uri: vscode.Uri): Promise<vscode.CodeLens[]> {
  return (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
}

/** Lens titles by line (0-based). */
async function lensTitles(uri: vscode.Uri): Promise<Map<number, string[]>> {
  const byLine = new Map<number, string[]>();
  for (const lens of await lensesOf(uri)) byLine.set(lens.range.start.line, [...(byLine.get(lens.range.start.line) ?? []), lens.command?.title ?? '']);
  return byLine;
}

/** The hovers' markdown, with the escapes of appendText undone ("HTTP\_STATUS", "&nbsp;"). */
function hoverText(hovers: vscode.Hover[]): string {
  const markdown = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
  return markdown.replace(/\\([\\`*_{}[\]()#+\-.!])/g, '$1').replace(/&nbsp;/g, ' ');
}

describe('CodeLens and hovers on a list', () => {
  let server: http.Server;
  let origin: string;
  /** Requests by path. */
  const requests = new Map<string, number>();
  let model: DownloadsModel;
  let testDir: string;
  /** Ends the held response of /held/*: its first half is sent at once, the rest when called. */
  let releaseHeld: (() => void) | undefined;

  before(async () => {
    server = http.createServer((req, res) => {
      requests.set(req.url ?? '', (requests.get(req.url ?? '') ?? 0) + 1);
      if (path.posix.basename(req.url ?? '/').startsWith('missing')) return void res.writeHead(404).end('not here');
      if (req.url?.startsWith('/held/')) {
        res.writeHead(200, { 'content-length': BODY.length }).write(BODY.subarray(0, BODY.length / 2));
        releaseHeld = () => res.end(BODY.subarray(BODY.length / 2));
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(BODY);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the tests need a workspace folder');
    const extension = vscode.extensions.getExtension<{ model: DownloadsModel }>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    model = (await extension.activate()).model;
    testDir = path.join(folder.uri.fsPath, `lenses-${Date.now()}`);
    fs.mkdirSync(testDir, { recursive: true });
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    server.close();
  });

  /** Writes a list file and shows it in an editor. */
  async function openList(name: string, lines: string[]): Promise<vscode.TextEditor> {
    const file = path.join(testDir, name);
    fs.writeFileSync(file, lines.join('\n') + '\n');
    return vscode.window.showTextDocument(vscode.Uri.file(file));
  }

  it('shows "Download" on each URL line before a run, and each line\'s outcome after it', async () => {
    const editor = await openList('before-after.txt', ['# assets', `${origin}/a/ok.bin`, `${origin}/a/missing.bin`]);
    const uri = editor.document.uri;
    const before = await lensTitles(uri);
    assert.deepEqual([...before], [[0, ['Download all (2)']], [1, ['Download']], [2, ['Download']]]);

    const finished = nextFinishedRun(model);
    await vscode.commands.executeCommand('assetFetch.downloadUrls');
    await finished;
    const after = await lensTitles(uri);
    assert.deepEqual(after.get(1), ['✓ 1.5 KB']);
    assert.deepEqual(after.get(2), ['✗ HTTP 404 · Retry']);
    assert.deepEqual(after.get(0), ['Download all (2)', 'Retry Failed']);
  });

  it('runs the lens of one line: only that URL is requested, and its lens then shows the file', async () => {
    const editor = await openList('one-line.txt', [`${origin}/b/first.bin`, `${origin}/b/second.bin`, `${origin}/b/third.bin`]);
    const lens = (await lensesOf(editor.document.uri)).find((l) => l.range.start.line === 1);
    assert.equal(lens?.command?.title, 'Download');
    const finished = nextFinishedRun(model);
    await vscode.commands.executeCommand(lens.command.command, ...(lens.command.arguments ?? []));
    const batch = await finished;
    assert.deepEqual([...requests].filter(([p]) => p.startsWith('/b/')), [['/b/second.bin', 1]]);
    assert.deepEqual(batch.items.map((i) => i.snapshot.source), ['one-line.txt:2']);
    assert.ok(fs.existsSync(path.join(testDir, 'second.bin')) && !fs.existsSync(path.join(testDir, 'first.bin')));
    const titles = await lensTitles(editor.document.uri);
    assert.deepEqual([titles.get(0), titles.get(1), titles.get(2)], [['Download all (3)', 'Download'], ['✓ 1.5 KB'], ['Download']]);
  });

  it('follows a running download: "↻ 50%" while half of it has come, then its size', async () => {
    const editor = await openList('running.urls', [`${origin}/held/half.bin`]);
    const finished = nextFinishedRun(model);
    await vscode.commands.executeCommand('assetFetch.downloadUrls');
    const line = async () => (await lensTitles(editor.document.uri)).get(0)?.at(-1);
    await eventually(async () => ((await line()) === '↻ 50%' ? true : undefined), 'the lens to say "↻ 50%"');
    assert.match((await lensTitles(editor.document.uri)).get(0)?.[1] ?? '', /^↻ \d+% · 0\/1$/, 'the top lens follows the batch');
    releaseHeld?.();
    await finished;
    assert.equal(await line(), '✓ 1.5 KB');
  });

  it('hovers a failed URL with its error and code and a Retry link, a downloaded one with its path', async () => {
    const editor = await openList('hover.txt', [`${origin}/c/there.bin`, `${origin}/c/missing.bin`]);
    const finished = nextFinishedRun(model);
    await vscode.commands.executeCommand('assetFetch.downloadUrls');
    await finished;
    const failed = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(1, 10)));
    assert.match(failed, /failed: HTTP 404 Not Found \(HTTP_STATUS\)/);
    assert.match(failed, /\[Retry\]\(command:assetFetch\.retryLine\?/);
    const saved = hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(0, 10)));
    assert.ok(saved.includes(`${path.basename(testDir)}/there.bin`), `the hover names the file: ${saved}`);
    assert.match(saved, /size: 1\.5 KB/);
    assert.match(saved, /\[Open\]\(command:assetFetch\.openLine\?.*\[Reveal in Explorer\]\(command:assetFetch\.revealLine\?/);
  });

  it('makes lenses for the lines on screen of a long list, and for the others once they are scrolled to', async () => {
    const editor = await openList('long.urls', Array.from({ length: 3000 }, (_, i) => `${origin}/d/f${i}.bin`));
    const first = await lensesOf(editor.document.uri);
    assert.ok(first.some((l) => l.range.start.line === 5), 'a line on screen has its lens');
    assert.ok(first.length < 1000, `not one lens per line of the list: ${first.length}`);
    assert.ok(!first.some((l) => l.range.start.line === 2500), 'no lens far below the screen');
    editor.revealRange(new vscode.Range(2500, 0, 2500, 0), vscode.TextEditorRevealType.InCenter);
    await eventually(async () => ((await lensesOf(editor.document.uri)).some((l) => l.range.start.line === 2500) ? true : undefined), 'a lens on line 2501 after scrolling there');
  });

  it('shows no lenses with assetFetch.codeLens off', async () => {
    const editor = await openList('setting.txt', [`${origin}/e/one.bin`]);
    assert.equal((await lensesOf(editor.document.uri)).length, 2);
    const config = vscode.workspace.getConfiguration('assetFetch');
    await config.update('codeLens', false, vscode.ConfigurationTarget.Global);
    try {
      assert.deepEqual(await lensesOf(editor.document.uri), []);
    } finally {
      await config.update('codeLens', undefined, vscode.ConfigurationTarget.Global);
    }
    assert.equal((await lensesOf(editor.document.uri)).length, 2);
  });
});
