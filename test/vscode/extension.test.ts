// Runs the extension's commands in a real VS Code against a local HTTP server and checks the
// files on disk, the model the views read, and the diagnostics.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import * as vscode from 'vscode';
import type { DownloadsModel } from '../../src/model/downloadsModel';
import { startTinyproxy, tinyproxyOrSkip, VIA_NAME } from '../support/tinyproxy';
import { EXTENSION_ID, nextFinishedRun, until } from './support';

function body(name: string): Buffer {
  return Buffer.from(`contents of ${name}\n`.repeat(50));
}

describe('Asset Fetch in VS Code', () => {
  let server: http.Server;
  let origin: string;
  /** Request headers by path. */
  const headers = new Map<string, http.IncomingHttpHeaders>();
  /** The Via header of each request, by path: proof of the way it came. */
  const via = new Map<string, string | undefined>();
  let model: DownloadsModel;
  let workspace: string;
  let testDir: string;

  before(async () => {
    server = http.createServer((req, res) => {
      via.set(req.url ?? '', req.headers.via);
      headers.set(req.url ?? '', req.headers);
      const name = path.posix.basename(req.url ?? '/');
      if (name.startsWith('missing')) {
        res.writeHead(404).end('not here');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body(name));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the tests need a workspace folder');
    workspace = folder.uri.fsPath;
    const extension = vscode.extensions.getExtension<{ model: DownloadsModel }>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    model = (await extension.activate()).model;
  });

  beforeEach(function () {
    testDir = path.join(workspace, `case-${Date.now()}-${this.currentTest?.title.replace(/\W+/g, '-').slice(0, 40)}`);
    fs.mkdirSync(testDir, { recursive: true });
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    server.close();
  });

  it('contributes its commands', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const name of ['downloadUrls', 'downloadUrlsInFile', 'retryFailed', 'cancelBatch', 'clearFinished', 'setSecretHeader']) {
      assert.ok(commands.includes(`assetFetch.${name}`), `assetFetch.${name} is registered`);
    }
  });

  it('"Download URLs" downloads the whole list file next to it, and reports the failures', async () => {
    const list = path.join(testDir, 'assets.txt');
    fs.writeFileSync(list, `${origin}/a.bin\n${origin}/b.bin\n${origin}/missing.bin\nftp://example.com/x.bin\n`);
    await vscode.window.showTextDocument(vscode.Uri.file(list));
    const finished = nextFinishedRun(model);
    await vscode.commands.executeCommand('assetFetch.downloadUrls');
    const batch = await finished;
    assert.equal(batch.title, 'assets.txt');
    assert.deepEqual(fs.readFileSync(path.join(testDir, 'a.bin')), body('a.bin'));
    assert.deepEqual(fs.readFileSync(path.join(testDir, 'b.bin')), body('b.bin'));
    assert.ok(!fs.existsSync(path.join(testDir, 'missing.bin')), 'nothing under the name of a failed download');
    const states = batch.items.map((i) => `${i.snapshot.state}${i.snapshot.error ? `: ${i.snapshot.error}` : ''}`);
    assert.equal(states[0], 'ok');
    assert.equal(states[1], 'ok');
    assert.match(states[2], /^failed: .*404/);
    assert.match(states[3], /^failed: line 4: /);
  });

  it('downloads only the selected lines of an unsaved editor, into the workspace folder', async () => {
    const names = [1, 2, 3, 4].map((n) => `sel-${Date.now()}-${n}.bin`);
    const document = await vscode.workspace.openTextDocument({ content: names.map((n) => `${origin}/${n}`).join('\n') });
    const editor = await vscode.window.showTextDocument(document);
    editor.selection = new vscode.Selection(1, 0, 2, document.lineAt(2).text.length);
    const finished = nextFinishedRun(model);
    await vscode.commands.executeCommand('assetFetch.downloadUrls');
    const batch = await finished;
    assert.equal(batch.items.length, 2);
    assert.deepEqual(fs.readFileSync(path.join(workspace, names[1])), body(names[1]));
    assert.deepEqual(fs.readFileSync(path.join(workspace, names[2])), body(names[2]));
    assert.ok(!fs.existsSync(path.join(workspace, names[0])) && !fs.existsSync(path.join(workspace, names[3])));
    // The selection keeps its line numbers: the first selected line is line 2 of the editor.
    assert.match(batch.items[0].snapshot.source, /:2$/);
  });

  it('"Download URLs in File" downloads every selected list file', async () => {
    const first = path.join(testDir, 'one.urls');
    const second = path.join(testDir, 'two.urls');
    fs.writeFileSync(first, `${origin}/one.bin\n`);
    fs.writeFileSync(second, `${origin}/two.bin\n`);
    let done = 0;
    const both = new Promise<void>((resolve) => {
      const subscription = model.onDidFinishRun(() => {
        if (++done < 2) return;
        subscription.dispose();
        resolve();
      });
    });
    await vscode.commands.executeCommand('assetFetch.downloadUrlsInFile', vscode.Uri.file(first), [vscode.Uri.file(first), vscode.Uri.file(second)]);
    await both;
    assert.deepEqual(fs.readFileSync(path.join(testDir, 'one.bin')), body('one.bin'));
    assert.deepEqual(fs.readFileSync(path.join(testDir, 'two.bin')), body('two.bin'));
  });

  it('retries the failed items of a batch from the tree command', async () => {
    const list = path.join(testDir, 'retry.urls');
    fs.writeFileSync(list, `${origin}/missing-then-there.bin\n`);
    let finished = nextFinishedRun(model);
    await vscode.commands.executeCommand('assetFetch.downloadUrlsInFile', vscode.Uri.file(list));
    const batch = await finished;
    assert.equal(batch.items[0].snapshot.state, 'failed');
    // The server now has the file: a retry of the batch completes it.
    const original = server.listeners('request')[0] as http.RequestListener;
    server.removeAllListeners('request');
    server.on('request', (_req, res) => res.writeHead(200).end(body('retried')));
    try {
      finished = nextFinishedRun(model);
      await vscode.commands.executeCommand('assetFetch.retryFailed', batch);
      await finished;
    } finally {
      server.removeAllListeners('request');
      server.on('request', original);
    }
    assert.equal(batch.items[0].snapshot.state, 'ok');
    assert.deepEqual(fs.readFileSync(path.join(testDir, 'missing-then-there.bin')), body('retried'));
  });

  it('"Download URLs in File" skips selected files that are not lists', async () => {
    const list = path.join(testDir, 'picked.txt');
    const readme = path.join(testDir, 'README.md');
    fs.writeFileSync(list, `${origin}/picked.bin\n`);
    fs.writeFileSync(readme, `See ${origin}/from-readme.bin for details.\n`);
    const finished = nextFinishedRun(model);
    const before = model.batches.length;
    await vscode.commands.executeCommand('assetFetch.downloadUrlsInFile', vscode.Uri.file(list), [vscode.Uri.file(list), vscode.Uri.file(readme)]);
    await finished;
    assert.equal(model.batches.length, before + 1, 'one batch: the README is not a list file');
    assert.ok(fs.existsSync(path.join(testDir, 'picked.bin')));
    assert.ok(!fs.existsSync(path.join(testDir, 'from-readme.bin')));
  });

  it('reads a .urls file as a plain list (as its diagnostics do), not as text with links in it', async () => {
    const list = path.join(testDir, 'strict.urls');
    fs.writeFileSync(list, `${origin}/strict-ok.bin\n${origin}/strict-two.bin extra\n`);
    const finished = nextFinishedRun(model);
    await vscode.commands.executeCommand('assetFetch.downloadUrlsInFile', vscode.Uri.file(list));
    const batch = await finished;
    // As a list, the whole line is one URL, which cannot contain a space: an error naming the
    // line. Text extraction would have fetched "strict-two.bin", stopping at the space.
    assert.deepEqual(batch.items.map((i) => i.snapshot.url), [`${origin}/strict-ok.bin`, `${origin}/strict-two.bin extra`]);
    assert.equal(batch.items[1].snapshot.state, 'failed');
    assert.match(batch.items[1].snapshot.error ?? '', /^line 2: a URL cannot contain spaces/);
  });

  it('refuses a targetDirectory that leads out of the workspace through a symbolic link', async () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'asset-fetch-outside-'));
    fs.symlinkSync(outside, path.join(testDir, 'escape'));
    const list = path.join(testDir, 'escape.urls');
    fs.writeFileSync(list, `${origin}/escaped.bin\n`);
    const config = vscode.workspace.getConfiguration('assetFetch');
    await config.update('targetDirectory', path.relative(workspace, path.join(testDir, 'escape')), vscode.ConfigurationTarget.Global);
    const before = model.batches.length;
    try {
      // The command waits for an answer to its error message; dismissing the message ends it.
      const command = vscode.commands.executeCommand('assetFetch.downloadUrlsInFile', vscode.Uri.file(list));
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await vscode.commands.executeCommand('notifications.clearAll');
      await command;
    } finally {
      await config.update('targetDirectory', undefined, vscode.ConfigurationTarget.Global);
    }
    assert.equal(model.batches.length, before, 'no batch started');
    assert.deepEqual(fs.readdirSync(outside), []);
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('underlines unusable lines of an open list file with the engine message', async () => {
    const list = path.join(testDir, 'broken.urls');
    fs.writeFileSync(list, `${origin}/fine.bin\nhttp://\nftp://example.com/file\n`);
    const uri = vscode.Uri.file(list);
    await vscode.window.showTextDocument(uri);
    const diagnostics = await until(() => {
      const found = vscode.languages.getDiagnostics(uri);
      return found.length >= 2 ? found : undefined;
    }, 'diagnostics of broken.urls');
    assert.deepEqual(diagnostics.map((d) => d.range.start.line), [1, 2]);
    assert.ok(diagnostics.every((d) => d.source === 'Asset Fetch' && d.message.length > 0));
  });

  it('reads a .txt list with a prose line and a commented URL as a list: the prose line underlined, no question, the comment never requested', async () => {
    const list = path.join(testDir, 'landing.txt');
    const lines = ['# landing page images', `${origin}/hero.bin`, `${origin}/hero-blue.bin`, 'images for the hero banner', `# ${origin}/commented-old.bin`, `${origin}/footer.bin`];
    fs.writeFileSync(list, lines.join('\n') + '\n');
    const uri = vscode.Uri.file(list);
    await vscode.window.showTextDocument(uri);
    const diagnostics = await until(() => {
      const found = vscode.languages.getDiagnostics(uri);
      return found.length > 0 ? found : undefined;
    }, 'diagnostics of landing.txt');
    assert.deepEqual(diagnostics.map((d) => [d.range.start.line, d.message, d.severity]), [[3, 'not a URL: "images for the hero banner"', vscode.DiagnosticSeverity.Error]]);

    // A list: "Download URLs" starts at once. A question ("... is not a URL list. Download the N
    // links found in it?") would hold the command, and no batch would start.
    const before = model.batches.length;
    const finished = nextFinishedRun(model);
    void vscode.commands.executeCommand('assetFetch.downloadUrls');
    await until(() => (model.batches.length > before ? true : undefined), 'the batch to start (none started: did the command ask a question?)', 10_000);
    const batch = await finished;
    assert.deepEqual(batch.items.map((i) => `${i.snapshot.state} ${i.snapshot.source}${i.snapshot.error ? ` ${i.snapshot.error}` : ''}`), [
      'ok landing.txt:2',
      'ok landing.txt:3',
      'failed landing.txt:4 line 4: not a URL: "images for the hero banner"',
      'ok landing.txt:6',
    ]);
    assert.equal(headers.has('/commented-old.bin'), false, 'a commented-out URL is never requested');
    assert.equal(batch.formatReason, 'a URL list: 3 of 4 lines are URLs');
    assert.equal(batch.formatGuessed, true);
    assert.equal(vscode.languages.getDiagnostics(uri).length, 1, 'the diagnostics stay');
  });

  it('follows edits of a list: the underlines move with the text, from the latest version', async () => {
    const list = path.join(testDir, 'edited.txt');
    fs.writeFileSync(list, `${origin}/e1.bin\nnot a url\n${origin}/e2.bin\n`);
    const uri = vscode.Uri.file(list);
    const editor = await vscode.window.showTextDocument(uri);
    const lines = (expected: number[]) => until(() => {
      const found = vscode.languages.getDiagnostics(uri).map((d) => d.range.start.line);
      return JSON.stringify(found) === JSON.stringify(expected) ? found : undefined;
    }, `diagnostics on lines ${JSON.stringify(expected)}`);
    await lines([1]);
    // Several quick edits: only the last version's answer counts.
    await editor.edit((e) => e.replace(new vscode.Range(1, 0, 1, 9), `${origin}/fixed.bin`));
    await editor.edit((e) => e.insert(new vscode.Position(0, 0), 'a note on top\n'));
    await editor.edit((e) => e.insert(new vscode.Position(3, 0), 'another note\n'));
    await lines([0, 3]);
    assert.deepEqual(vscode.languages.getDiagnostics(uri).map((d) => d.message), ['not a URL: "a note on top"', 'not a URL: "another note"']);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('gives a document with binary data one diagnostic, and its download one error, not a row per line', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => `line ${i} of something \u0000\u0001 binary`);
    const document = await vscode.workspace.openTextDocument({ content: lines.join('\n') });
    await vscode.window.showTextDocument(document);
    const diagnostics = await until(() => {
      const found = vscode.languages.getDiagnostics(document.uri);
      return found.length > 0 ? found : undefined;
    }, 'the diagnostic of a binary document');
    assert.equal(diagnostics.length, 1);
    assert.match(diagnostics[0].message, /^Untitled-\d+ is not a list of URLs: it looks like a binary file \(a NUL byte at offset 20\)$/);

    const finished = nextFinishedRun(model);
    await vscode.commands.executeCommand('assetFetch.downloadUrls');
    const batch = await finished;
    assert.equal(batch.error, diagnostics[0].message);
    assert.equal(batch.items.length, 0);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('reads list files from disk in UTF-16 with a BOM, and refuses a binary one without starting a batch', async () => {
    const utf16 = path.join(testDir, 'wide.urls');
    fs.writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${origin}/wide.bin\r\n`, 'utf16le')]));
    const finished = nextFinishedRun(model);
    await vscode.commands.executeCommand('assetFetch.downloadUrlsInFile', vscode.Uri.file(utf16));
    const batch = await finished;
    assert.deepEqual(batch.items.map((i) => i.snapshot.state), ['ok']);
    assert.deepEqual(fs.readFileSync(path.join(testDir, 'wide.bin')), body('wide.bin'));

    const binary = path.join(testDir, 'logo.urls');
    fs.writeFileSync(binary, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 0x0d, ...Buffer.from(`${origin}/from-binary.bin\n`)]));
    const before = model.batches.length;
    await vscode.commands.executeCommand('assetFetch.downloadUrlsInFile', vscode.Uri.file(binary));
    await new Promise((resolve) => setTimeout(resolve, 500));
    assert.equal(model.batches.length, before, 'no batch for a binary file');
    assert.equal(headers.has('/from-binary.bin'), false);
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it('sends requests through the proxy of the http.proxy setting (a real tinyproxy)', async function () {
    const executable = tinyproxyOrSkip(this);
    const proxy = await startTinyproxy(executable);
    const http = vscode.workspace.getConfiguration('http');
    try {
      await http.update('proxy', proxy.url, vscode.ConfigurationTarget.Global);
      const list = path.join(testDir, 'proxied.urls');
      fs.writeFileSync(list, `${origin}/proxied.bin\n`);
      const finished = nextFinishedRun(model);
      await vscode.commands.executeCommand('assetFetch.downloadUrlsInFile', vscode.Uri.file(list));
      await finished;
      assert.deepEqual(fs.readFileSync(path.join(testDir, 'proxied.bin')), body('proxied.bin'));
      assert.match(via.get('/proxied.bin') ?? '(no Via header)', new RegExp(VIA_NAME));

      await http.update('noProxy', ['127.0.0.1'], vscode.ConfigurationTarget.Global);
      fs.writeFileSync(list, `${origin}/direct.bin\n`);
      const direct = nextFinishedRun(model);
      await vscode.commands.executeCommand('assetFetch.downloadUrlsInFile', vscode.Uri.file(list));
      await direct;
      assert.ok(fs.existsSync(path.join(testDir, 'direct.bin')));
      assert.equal(via.get('/direct.bin'), undefined, 'a host in http.noProxy is reached directly');
    } finally {
      await http.update('proxy', undefined, vscode.ConfigurationTarget.Global);
      await http.update('noProxy', undefined, vscode.ConfigurationTarget.Global);
      await proxy.close();
    }
  });

  it('downloads into assetFetch.targetDirectory, relative to the workspace folder', async () => {
    const config = vscode.workspace.getConfiguration('assetFetch');
    const target = path.relative(workspace, path.join(testDir, 'vendor', 'assets'));
    const list = path.join(testDir, 'target.urls');
    fs.writeFileSync(list, `${origin}/targeted.bin\n`);
    await config.update('targetDirectory', target, vscode.ConfigurationTarget.Global);
    try {
      const finished = nextFinishedRun(model);
      await vscode.commands.executeCommand('assetFetch.downloadUrlsInFile', vscode.Uri.file(list));
      await finished;
    } finally {
      await config.update('targetDirectory', undefined, vscode.ConfigurationTarget.Global);
    }
    assert.deepEqual(fs.readFileSync(path.join(workspace, target, 'targeted.bin')), body('targeted.bin'));
    assert.ok(!fs.existsSync(path.join(testDir, 'targeted.bin')));
  });

  it('sends the assetFetch.headers of a host to that host', async () => {
    const config = vscode.workspace.getConfiguration('assetFetch');
    const host = new URL(origin).host;
    await config.update('headers', { [host]: { 'X-Asset-Token': 'from-settings' }, 'other.example': { 'X-Asset-Token': 'wrong' } }, vscode.ConfigurationTarget.Global);
    try {
      const list = path.join(testDir, 'headers.urls');
      fs.writeFileSync(list, `${origin}/with-header.bin\n`);
      const finished = nextFinishedRun(model);
      await vscode.commands.executeCommand('assetFetch.downloadUrlsInFile', vscode.Uri.file(list));
      await finished;
    } finally {
      await config.update('headers', undefined, vscode.ConfigurationTarget.Global);
    }
    assert.equal(headers.get('/with-header.bin')?.['x-asset-token'], 'from-settings');
  });

  it('opens a downloaded file and copies item URLs from the tree commands', async () => {
    const batch = model.batches.find((b) => b.items.some((i) => i.snapshot.state === 'ok' && i.snapshot.relativePath));
    assert.ok(batch, 'an earlier test left a finished batch');
    const item = batch.items.find((i) => i.snapshot.state === 'ok')!;
    await vscode.commands.executeCommand('assetFetch.openFile', item);
    const opened = await until(() => vscode.window.activeTextEditor?.document.uri.fsPath, 'an active editor');
    assert.equal(opened, path.join(batch.targetDir, item.snapshot.relativePath!));
    await vscode.commands.executeCommand('assetFetch.copyUrl', item, batch.items.slice(0, 2));
    assert.equal(await vscode.env.clipboard.readText(), batch.items.slice(0, 2).map((i) => i.snapshot.url).join('\n'));
  });

  it('removes finished batches with "Clear Finished"', async () => {
    assert.ok(model.batches.length > 0);
    await vscode.commands.executeCommand('assetFetch.clearFinished');
    assert.equal(model.batches.filter((b) => !b.running).length, 0);
  });
});
