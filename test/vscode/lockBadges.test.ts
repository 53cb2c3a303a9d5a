// The Explorer's "out of date against the lockfile" badges in a real VS Code, against a local
// server: a list downloaded with assetFetch.lockfile "besideList" has no such badge; a downloaded
// file overwritten with other bytes gets "≠" naming its URL and the list "!" counting it; a
// deleted file counts as missing; the files restored, the badges go. "Verify Lockfile" feeds its
// full check in (it finds what the quick check does not hash). A yarn.lock-like file does nothing.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as vscode from 'vscode';
import type { AssetFetchApi } from '../../src/extension';
import type { LockCheck } from '../../src/model/lockBadges';
import { EXTENSION_ID, nextFinishedRun, until } from './support';

const body = (name: string) => Buffer.from(`bytes of ${name}\n`.repeat(30));

describe('Asset Fetch in VS Code: badges of files out of date against the lockfile', () => {
  let server: http.Server;
  let origin: string;
  let api: AssetFetchApi;
  let testDir: string;

  before(async () => {
    server = http.createServer((req, res) => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(body(path.posix.basename(req.url ?? '/'))));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const extension = vscode.extensions.getExtension<AssetFetchApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    api = await extension.activate();
    await api.lockWatchers.ready;
    await vscode.workspace.getConfiguration('assetFetch').update('lockfile', 'besideList', vscode.ConfigurationTarget.Global);
  });

  beforeEach(function () {
    const workspace = vscode.workspace.workspaceFolders![0].uri.fsPath;
    testDir = path.join(workspace, `lockbadges-${Date.now()}-${this.currentTest?.title.replace(/\W+/g, '-').slice(0, 30)}`);
    fs.mkdirSync(testDir, { recursive: true });
  });

  after(async () => {
    await vscode.workspace.getConfiguration('assetFetch').update('lockfile', undefined, vscode.ConfigurationTarget.Global);
    server.close();
  });

  /** Resolves when a check of `lockFile` ends with `outcome`. */
  function nextCheck(lockFile: string, outcome: LockCheck['outcome']): Promise<void> {
    const seen: string[] = [];
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        subscription.dispose();
        const tracked = api.lockBadges.isTracked(lockFile) ? 'tracked' : 'not tracked';
        reject(new Error(`no "${outcome}" check of ${path.basename(lockFile)} within 20 s (${tracked}; checks seen: ${JSON.stringify(seen)})`));
      }, 20_000);
      const subscription = api.lockBadges.onDidCheck((check) => {
        seen.push(`${path.basename(check.lockFile)}: ${check.outcome}`);
        if (check.lockFile !== lockFile || check.outcome !== outcome) return;
        clearTimeout(timer);
        subscription.dispose();
        resolve();
      });
    });
  }

  /**
   * Waits until VS Code's workspace watcher reports files in the new folder `dir` (it starts
   * watching a new folder some time after it appears: a file written at once goes unseen).
   */
  async function watchedByWorkspace(dir: string): Promise<void> {
    const watcher = vscode.workspace.createFileSystemWatcher('**/.watch-probe');
    let seen = false;
    watcher.onDidCreate(() => (seen = true));
    watcher.onDidChange(() => (seen = true));
    try {
      await until(() => seen || void fs.writeFileSync(path.join(dir, '.watch-probe'), String(Date.now())), `file events from ${path.basename(dir)}`);
    } finally {
      watcher.dispose();
    }
  }

  const decoration = (file: string) => api.badges.provideFileDecoration(vscode.Uri.file(file));
  /** Waits until `file`'s badge is `badge` (undefined: none); returns its decoration. */
  async function badgeBecomes(file: string, badge: string | undefined, tooltip?: RegExp): Promise<vscode.FileDecoration | undefined> {
    await until(() => {
      const d = decoration(file);
      return d?.badge === badge && (!tooltip || tooltip.test(String(d?.tooltip))) ? true : undefined;
    }, `the badge of ${path.basename(file)} to be ${badge ?? 'none'}${tooltip ? ` (${tooltip})` : ''}; it is ${JSON.stringify(decoration(file))}`);
    return decoration(file);
  }

  it('badges a changed file "≠" with its URL and the list "!" with the count, a deleted file as missing; restored, the badges go', async () => {
    const list = path.join(testDir, 'assets.urls');
    const lockFile = `${list}.lock`;
    const names = ['hero.png', 'logo.svg', 'data.bin'];
    fs.writeFileSync(list, names.map((n) => `${origin}/${n}\n`).join(''));
    const finished = nextFinishedRun(api.model);
    const checked = nextCheck(lockFile, 'checked');
    await vscode.commands.executeCommand('assetFetch.downloadUrlsInFile', vscode.Uri.file(list));
    await finished;
    assert.ok(fs.existsSync(lockFile), 'the batch wrote its lockfile');
    await checked;
    assert.equal(decoration(list), undefined, 'no out-of-date badge right after the download');
    for (const name of names) assert.equal(decoration(path.join(testDir, name))?.badge, '↓', `${name} is badged as downloaded`);

    // Another size, and the same size with other bytes (found by its hash: written after the lockfile).
    const data = path.join(testDir, 'data.bin');
    fs.writeFileSync(data, 'edited by hand\n');
    const changed = await badgeBecomes(data, '≠');
    assert.equal(changed?.tooltip, `Asset Fetch: changed since assets.urls.lock recorded it (15 bytes, the lockfile says ${body('data.bin').length.toLocaleString('en-US')}) — from ${origin}/data.bin`);
    assert.ok(changed?.color, 'in a warning colour');
    const hero = path.join(testDir, 'hero.png');
    const corrupted = Buffer.from(body('hero.png'));
    corrupted[0] ^= 1;
    fs.writeFileSync(hero, corrupted);
    await badgeBecomes(hero, '≠', /\(same size, other bytes\) — from http:\/\/127\.0\.0\.1:\d+\/hero\.png$/);
    const listBadge = await badgeBecomes(list, '!', /^Asset Fetch: 2 files out of date against assets\.urls\.lock \(2 changed\): run Verify Lockfile for details$/);
    assert.ok(listBadge?.color);

    // Deleted: the list counts it missing.
    fs.rmSync(path.join(testDir, 'logo.svg'));
    await badgeBecomes(list, '!', /^Asset Fetch: 3 files out of date against assets\.urls\.lock \(2 changed, 1 missing\)/);

    // Restored: the lockfile's badges go, the downloaded ones are back.
    for (const name of names) fs.writeFileSync(path.join(testDir, name), body(name));
    await badgeBecomes(list, undefined);
    await badgeBecomes(data, '↓');
    await badgeBecomes(hero, '↓');
  });

  it('takes in what "Verify Lockfile" finds: an edit that kept its size and time, which the quick check does not hash', async () => {
    const list = path.join(testDir, 'kept.urls');
    const lockFile = `${list}.lock`;
    fs.writeFileSync(list, `${origin}/kept.bin\n`);
    const finished = nextFinishedRun(api.model);
    const checked = nextCheck(lockFile, 'checked');
    await vscode.commands.executeCommand('assetFetch.downloadUrlsInFile', vscode.Uri.file(list));
    await finished;
    await checked;
    const file = path.join(testDir, 'kept.bin');
    // An old time, clearly before the lockfile's: the file's own time can fall in the same
    // clock tick as the lockfile's last write, and a fresh-clone CI run once saw it after.
    const old = new Date(fs.statSync(lockFile).mtimeMs - 10_000);
    const bytes = Buffer.from(body('kept.bin'));
    bytes[1] ^= 1;
    const quick = nextCheck(lockFile, 'checked');
    // Replaced at once by a file of its size and an old time (the worker, another thread, must
    // not see the new bytes with a new time in between).
    const replacement = path.join(testDir, 'kept.bin.new');
    fs.writeFileSync(replacement, bytes);
    fs.utimesSync(replacement, old, old);
    fs.renameSync(replacement, file);
    await quick;
    assert.equal(decoration(file)?.badge, '↓', 'the quick check took it as recorded (same size, not modified after the lockfile)');
    await vscode.commands.executeCommand('assetFetch.verifyLockfile', vscode.Uri.file(lockFile));
    await badgeBecomes(file, '≠', /\(same size, other bytes\)/);
    await badgeBecomes(list, '!', /1 file out of date against kept\.urls\.lock \(1 changed\)/);
    // Later quick checks hash a file known changed whatever its time: the badge stays.
    const later = nextCheck(lockFile, 'checked');
    fs.utimesSync(lockFile, new Date(), new Date());
    await later;
    assert.equal(decoration(file)?.badge, '≠');
    await vscode.commands.executeCommand('notifications.clearAll');
  });

  it('does nothing with a .lock that is not an Asset Fetch lockfile (yarn.lock, one beside a file of its name)', async () => {
    const yarnText = '# THIS IS AN AUTOGENERATED FILE. DO NOT EDIT THIS FILE DIRECTLY.\n# yarn lockfile v1\n\n"left-pad@^1.3.0":\n  version "1.3.0"\n';
    await watchedByWorkspace(testDir);
    // Beside a file named like it, so it is checked: the check finds it is not a lockfile and drops it.
    const deps = path.join(testDir, 'deps.txt');
    fs.writeFileSync(deps, 'not a list\n');
    const dropped = nextCheck(`${deps}.lock`, 'dropped');
    fs.writeFileSync(`${deps}.lock`, yarnText);
    fs.writeFileSync(path.join(testDir, 'yarn.lock'), yarnText);
    await dropped;
    assert.equal(api.lockBadges.isTracked(`${deps}.lock`), false);
    assert.equal(api.lockBadges.isTracked(path.join(testDir, 'yarn.lock')), false, 'yarn.lock has no list "yarn" beside it: never tracked');
    for (const file of [deps, `${deps}.lock`, path.join(testDir, 'yarn.lock')]) assert.equal(decoration(file), undefined, `no badge on ${path.basename(file)}`);
  });
});
