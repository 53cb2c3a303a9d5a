// The lockfile (assetFetch.lockfile), "Verify Lockfile" and "Preview Download" in a real VS Code,
// against a local server that counts its requests: a batch writes <list>.lock that verifies,
// a corrupted file is reported as changed (log, diagnostic, no request), refresh sends the
// lockfile's ETag, and a preview lists the plan without a request, then downloads as planned.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as vscode from 'vscode';
import type { AssetFetchApi } from '../../src/extension';
import type { DownloadsModel } from '../../src/model/downloadsModel';
import type { ShownPreview } from '../../src/vscode/previewDownload';
import type { LockVerification } from '../../src/worker/lockAndPlan';
import { EXTENSION_ID, nextFinishedRun, until } from './support';

const body = (name: string) => Buffer.from(`bytes of ${name}\n`.repeat(20));
const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('Asset Fetch in VS Code: lockfile, Verify Lockfile, Preview Download', () => {
  let server: http.Server;
  let origin: string;
  /** Every request: path and If-None-Match. */
  const requests: { path: string; ifNoneMatch?: string }[] = [];
  let api: AssetFetchApi;
  let model: DownloadsModel;
  let testDir: string;
  const logLines: string[] = [];
  let logSubscription: vscode.Disposable;

  before(async () => {
    server = http.createServer((req, res) => {
      const name = path.posix.basename(req.url ?? '/');
      requests.push({ path: req.url ?? '', ifNoneMatch: req.headers['if-none-match'] });
      const etag = `"${name}-1"`;
      if (req.headers['if-none-match'] === etag) {
        res.writeHead(304, { etag }).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', etag }).end(body(name));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const extension = vscode.extensions.getExtension<AssetFetchApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    api = await extension.activate();
    model = api.model;
    logSubscription = api.log.onDidWrite(({ line }) => logLines.push(line));
  });

  beforeEach(function () {
    const workspace = vscode.workspace.workspaceFolders![0].uri.fsPath;
    testDir = path.join(workspace, `lock-${Date.now()}-${this.currentTest?.title.replace(/\W+/g, '-').slice(0, 30)}`);
    fs.mkdirSync(testDir, { recursive: true });
  });

  after(async () => {
    logSubscription.dispose();
    const config = vscode.workspace.getConfiguration('assetFetch');
    await config.update('lockfile', undefined, vscode.ConfigurationTarget.Global);
    await config.update('onExisting', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    await vscode.commands.executeCommand('notifications.clearAll');
    server.close();
  });

  async function download(list: string): Promise<void> {
    const finished = nextFinishedRun(model);
    await vscode.commands.executeCommand('assetFetch.downloadUrlsInFile', vscode.Uri.file(list));
    await finished;
  }

  /** The next preview the command shows, with its plan and rows. */
  function nextPreview(): Promise<ShownPreview> {
    return new Promise((resolve) => {
      const subscription = api.preview.onDidShow((preview) => {
        subscription.dispose();
        resolve(preview);
      });
    });
  }

  it('with assetFetch.lockfile "besideList" a batch writes <list>.lock that verifies; Verify reports a corrupted file as changed, without a request', async () => {
    const config = vscode.workspace.getConfiguration('assetFetch');
    await config.update('lockfile', 'besideList', vscode.ConfigurationTarget.Global);
    const list = path.join(testDir, 'assets.urls');
    fs.writeFileSync(list, `${origin}/hero.png\n${origin}/logo.svg\n`);
    await download(list);

    const lockFile = `${list}.lock`;
    const lock = JSON.parse(fs.readFileSync(lockFile, 'utf8')) as { lockfileVersion: number; files: Record<string, { url: string; size: number; sha256: string; etag?: string }> };
    assert.equal(lock.lockfileVersion, 1);
    assert.deepEqual(Object.keys(lock.files), ['hero.png', 'logo.svg']);
    assert.deepEqual(lock.files['hero.png'], { url: `${origin}/hero.png`, size: body('hero.png').length, sha256: sha256(body('hero.png')), etag: '"hero.png-1"' });

    const before = requests.length;
    const clean = (await vscode.commands.executeCommand('assetFetch.verifyLockfile', vscode.Uri.file(lockFile))) as LockVerification;
    assert.deepEqual(clean.report, { verified: ['hero.png', 'logo.svg'], missing: [], changed: [], extra: [] });

    const hero = path.join(testDir, 'hero.png');
    const corrupted = Buffer.from(body('hero.png'));
    corrupted[0] ^= 1; // same size, other bytes
    fs.writeFileSync(hero, corrupted);
    fs.rmSync(path.join(testDir, 'logo.svg'));
    logLines.length = 0;
    // From the list file this time (the Explorer offers it on both).
    const dirty = (await vscode.commands.executeCommand('assetFetch.verifyLockfile', vscode.Uri.file(list))) as LockVerification;
    assert.deepEqual(dirty.report.changed.map((c) => c.path), ['hero.png']);
    assert.match(dirty.report.changed[0].reason, /^sha-256 [0-9a-f]{64}, the lockfile says [0-9a-f]{64}$/);
    assert.deepEqual(dirty.report.missing, ['logo.svg']);
    assert.equal(requests.length, before, 'Verify makes no request');
    assert.ok(logLines.some((l) => /^changed {2}hero\.png: sha-256 /.test(l)), logLines.join('\n'));
    assert.ok(logLines.includes('0 of 2 files verified; 1 missing: logo.svg; 1 changed: hero.png (assets.urls.lock)'), logLines.join('\n'));

    // Each difference is a diagnostic on its entry of the lockfile.
    const diagnostics = vscode.languages.getDiagnostics(vscode.Uri.file(lockFile));
    const lines = fs.readFileSync(lockFile, 'utf8').split('\n');
    assert.deepEqual(
      diagnostics.map((d) => [lines[d.range.start.line].trim(), d.severity, d.message.split(':')[0]]).sort(),
      [
        ['"hero.png": {', vscode.DiagnosticSeverity.Error, 'changed'],
        ['"logo.svg": {', vscode.DiagnosticSeverity.Warning, 'missing'],
      ],
    );
  });

  it('with onExisting "refresh", sends the lockfile\'s ETag as If-None-Match: a 304 keeps the file', async () => {
    const config = vscode.workspace.getConfiguration('assetFetch');
    await config.update('lockfile', 'besideList', vscode.ConfigurationTarget.Global);
    const list = path.join(testDir, 'refresh.urls');
    fs.writeFileSync(list, `${origin}/fresh.bin\n`);
    await download(list);
    const lockBytes = fs.readFileSync(`${list}.lock`);

    await config.update('onExisting', 'refresh', vscode.ConfigurationTarget.Global);
    try {
      const before = requests.length;
      const finished = nextFinishedRun(model);
      await vscode.commands.executeCommand('assetFetch.downloadUrlsInFile', vscode.Uri.file(list));
      const batch = await finished;
      assert.deepEqual(requests.slice(before), [{ path: '/fresh.bin', ifNoneMatch: '"fresh.bin-1"' }]);
      assert.equal(batch.items[0].snapshot.state, 'skipped');
      assert.equal(batch.items[0].snapshot.unchanged, true);
      assert.ok(fs.readFileSync(`${list}.lock`).equals(lockBytes), 'the lockfile is unchanged');
    } finally {
      await config.update('onExisting', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('Preview Download lists each entry\'s file and action without a request or a write; Download starts the batch as planned', async () => {
    const config = vscode.workspace.getConfiguration('assetFetch');
    await config.update('lockfile', undefined, vscode.ConfigurationTarget.Global);
    const list = path.join(testDir, 'preview.urls');
    fs.writeFileSync(path.join(testDir, 'kept.png'), 'already here');
    fs.writeFileSync(list, `${origin}/kept.png\n${origin}/a/new.png\n${origin}/b/new.png\nnot a url\n`);
    await vscode.window.showTextDocument(vscode.Uri.file(list));
    const before = requests.length;
    const batches = model.batches.length;

    const shown = nextPreview();
    const command = vscode.commands.executeCommand('assetFetch.previewDownload');
    const preview = await shown;
    assert.deepEqual(preview.plan.counts, { skip: 1, download: 2, failed: 1 });
    assert.deepEqual(
      preview.plan.items.map((i) => [i.action, i.path && path.relative(testDir, i.path)]),
      [['skip', 'kept.png'], ['download', 'new.png'], ['download', 'new (1).png'], ['failed', null]],
    );
    assert.match(preview.rows[0], /^\$\(cloud-download\) Download \| start the batch as planned: 1 to skip, 2 to download, 1 unusable line/);
    assert.ok(preview.rows.includes(`$(pass) kept.png | skip (exists) | ${origin}/kept.png  ·  preview.urls:1`), preview.rows.join('\n'));
    assert.ok(preview.rows.includes(`$(cloud-download) new (1).png | download | ${origin}/b/new.png  ·  preview.urls:3`), preview.rows.join('\n'));
    assert.ok(preview.rows.includes('$(error) preview.urls:4 | error | line 4: not a URL: "not a url"'), preview.rows.join('\n'));
    assert.equal(requests.length, before, 'no request during the preview');
    assert.deepEqual(fs.readdirSync(testDir).sort(), ['kept.png', 'preview.urls'], 'no write during the preview');
    assert.equal(model.batches.length, batches, 'no batch during the preview');

    // Enter on the "Download" row (the active one) starts the planned batch.
    const finished = nextFinishedRun(model);
    // The QuickPick reaches the window shortly after the extension host shows it: accept until it does.
    for (let attempt = 0; model.batches.length === batches && attempt < 40; attempt++) {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      await until(() => (model.batches.length > batches ? true : undefined), 'the batch to start', 250).catch(() => undefined);
    }
    await command;
    const batch = await finished;
    assert.deepEqual(batch.items.map((i) => `${i.snapshot.state} ${i.snapshot.relativePath ?? ''}`), ['skipped kept.png', 'ok new.png', 'ok new (1).png', 'failed ']);
    assert.deepEqual(requests.slice(before).map((r) => r.path).sort(), ['/a/new.png', '/b/new.png']);
  });

  it('Preview Download closed without choosing Download starts nothing', async () => {
    const list = path.join(testDir, 'closed.urls');
    fs.writeFileSync(list, `${origin}/never.png\n`);
    await vscode.window.showTextDocument(vscode.Uri.file(list));
    const before = requests.length;
    const batches = model.batches.length;
    const shown = nextPreview();
    const command = vscode.commands.executeCommand('assetFetch.previewDownload');
    assert.deepEqual((await shown).plan.counts, { download: 1 });
    let closed = false;
    void command.then(() => (closed = true));
    for (let attempt = 0; !closed && attempt < 40; attempt++) {
      await vscode.commands.executeCommand('workbench.action.closeQuickOpen');
      await until(() => (closed ? true : undefined), 'the preview to close', 250).catch(() => undefined);
    }
    await command;
    assert.equal(model.batches.length, batches);
    assert.equal(requests.length, before);
    assert.ok(!fs.existsSync(path.join(testDir, 'never.png')));
  });
});
