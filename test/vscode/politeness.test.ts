// Against real local servers, in a real VS Code: a host that answers 429 shows as a waiting row
// in the Downloads tree until its wait is over, and a URL's password reaches the server as Basic
// auth but no tree row, tooltip, log line or diagnostic.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import * as vscode from 'vscode';
import type { AssetFetchApi } from '../../src/extension';
import type { BatchRecord, DownloadsModel } from '../../src/model/downloadsModel';
import type { DownloadNode, DownloadsTree } from '../../src/vscode/downloadsTree';
import { progressMessage } from '../../src/vscode/summaries';
import { EXTENSION_ID, nextFinishedRun, until } from './support';

/** A row as the user sees it: label, description and tooltip (resolved as on hover), as text. */
interface Row {
  node: DownloadNode;
  label: string;
  description: string;
  tooltip: string;
  contextValue: string;
  icon: string;
}

/** `hover`: also resolve the tooltip, as VS Code does when the pointer rests on the row. */
function row(tree: DownloadsTree, node: DownloadNode, hover = true): Row {
  const item = hover ? tree.resolveTreeItem(tree.getTreeItem(node), node) : tree.getTreeItem(node);
  const label = typeof item.label === 'string' ? item.label : (item.label?.label ?? '');
  const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : (item.tooltip ?? '');
  return {
    node,
    label,
    description: typeof item.description === 'string' ? item.description : '',
    // MarkdownString.appendText escapes punctuation ("127\.0\.0\.1") and spaces (&nbsp;): compare the text itself.
    tooltip: tooltip.replace(/&nbsp;/g, ' ').replace(/\\(.)/g, '$1'),
    contextValue: item.contextValue ?? '',
    icon: item.iconPath instanceof vscode.ThemeIcon ? item.iconPath.id : '',
  };
}

describe('Asset Fetch in VS Code: waiting hosts and credentials', () => {
  let server: http.Server;
  let origin: string;
  let host: string;
  /** Arrival times (ms) and Authorization headers of the requests, by path. */
  const requests = new Map<string, { at: number; authorization?: string }[]>();
  let model: DownloadsModel;
  let api: AssetFetchApi;
  let testDir: string;

  before(async () => {
    server = http.createServer((req, res) => {
      const url = req.url ?? '/';
      const seen = requests.get(url) ?? [];
      seen.push({ at: Date.now(), authorization: req.headers.authorization });
      requests.set(url, seen);
      if (url.startsWith('/limited/') && seen.length === 1) {
        res.writeHead(429, { 'retry-after': '3', 'content-type': 'text/plain' }).end('slow down');
        return;
      }
      if (url.includes('missing')) {
        res.writeHead(404).end('not here');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(`contents of ${url}\n`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    origin = `http://${host}`;
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the tests need a workspace folder');
    const extension = vscode.extensions.getExtension<AssetFetchApi>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    api = await extension.activate();
    model = api.model;
    testDir = path.join(folder.uri.fsPath, `politeness-${Date.now()}`);
    fs.mkdirSync(testDir, { recursive: true });
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    server.close();
  });

  /** The listed batch of this title, newest first. */
  const batchTitled = (title: string) => () => model.batches.find((b) => b.title === title && b.listed);

  it('shows a host that answered 429 as a waiting row under its batch, counting down, until the download completes', async function () {
    this.timeout(30_000);
    const list = path.join(testDir, 'polite.urls');
    fs.writeFileSync(list, `${origin}/limited/a.bin\n`);
    const finished = nextFinishedRun(model);
    await vscode.commands.executeCommand('assetFetch.downloadUrlsInFile', vscode.Uri.file(list));
    const batch = await until(batchTitled('polite.urls'), 'the batch to be listed');
    const { tree } = api;

    // While the host waits: a row for it, first under the batch.
    const waiting = await until(() => {
      const rows = tree.getChildren(batch).map((node) => row(tree, node, false));
      return rows.some((r) => r.contextValue.startsWith('hostWait')) ? rows : undefined;
    }, 'a waiting-host row in the Downloads tree', 10_000);
    const hostRow = waiting[0];
    assert.equal(hostRow.label, host);
    assert.match(hostRow.description, /^rate limited \(HTTP 429\), resuming in [1-3] s · 1 waiting$/);
    assert.equal(hostRow.icon, 'watch');
    assert.equal(hostRow.contextValue, 'hostWait.429');
    assert.match(row(tree, batch).description, /1 host waiting/, 'the batch row says it too (seen when collapsed)');
    assert.match(progressMessage(batch), new RegExp(`· ${host.replace(/\./g, '\\.')}: rate limited \\(HTTP 429\\), resuming in [1-3] s$`), 'so does the progress notification');
    const itemRow = waiting.find((r) => r.contextValue.startsWith('item'));
    assert.ok(itemRow, 'the item is listed after the host');
    assert.match(itemRow.description, /^retrying in [1-3] s \(attempt \d+\)/, 'the item says when it retries');

    // The user hovers the host row: its tooltip says until when, quoting the server.
    const hovered = row(tree, hostRow.node).tooltip;
    assert.match(hovered, /resume at \d.*Retry-After: 3/s, `the tooltip says when, and quotes the server: ${JSON.stringify(hovered)}`);

    // The countdown redraws the rows that count down on its own (nothing else happens meanwhile),
    // except the hovered one: a redraw would close its tooltip.
    const redrawn = new Set<DownloadNode>();
    const subscription = tree.onDidChangeTreeData((changed) => {
      for (const node of Array.isArray(changed) ? changed : [changed]) if (node) redrawn.add(node);
    });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    subscription.dispose();
    assert.ok(redrawn.has(itemRow.node), 'the retrying item\'s row is redrawn within 1.5 s');
    assert.ok(!redrawn.has(hostRow.node), 'the hovered host row is left alone');
    assert.match(row(tree, itemRow.node).tooltip, /next attempt at \d/, 'the item\'s tooltip says at what time');

    await finished;
    assert.equal(batch.items[0].snapshot.state, 'ok');
    assert.equal(fs.readFileSync(path.join(testDir, 'a.bin'), 'utf8'), 'contents of /limited/a.bin\n');
    const [first, second] = requests.get('/limited/a.bin') ?? [];
    assert.ok(second, 'asked again after the wait');
    assert.ok(second.at - first.at >= 2900, `not asked again before Retry-After: 3 (${second.at - first.at} ms)`);
    assert.deepEqual(batch.hostWaits, [], 'no host waits once the run is over');
    assert.ok(!tree.getChildren(batch).some((node) => row(tree, node).contextValue.startsWith('hostWait')), 'the host row is gone');
    assert.doesNotMatch(row(tree, batch).description, /waiting/);
  });

  it('sends a URL\'s user:password as Basic auth, and shows the password in no tree row, tooltip, log line or diagnostic', async () => {
    const lines: string[] = [];
    const logging = api.log.onDidWrite(({ line }) => lines.push(line));
    const list = path.join(testDir, 'secret.urls');
    const credentialed = `http://user:s3cret@${host}`;
    fs.writeFileSync(list, [`${credentialed}/private/x.bin`, `${credentialed}/private/missing.bin`, `${credentialed}/private/with space.bin`].join('\n') + '\n');
    let batch: BatchRecord;
    try {
      const finished = nextFinishedRun(model);
      await vscode.commands.executeCommand('assetFetch.downloadUrlsInFile', vscode.Uri.file(list));
      batch = await finished;
    } finally {
      logging.dispose();
    }

    assert.equal(requests.get('/private/x.bin')?.[0].authorization, `Basic ${Buffer.from('user:s3cret').toString('base64')}`);
    assert.equal(fs.readFileSync(path.join(testDir, 'x.bin'), 'utf8'), 'contents of /private/x.bin\n');
    assert.deepEqual(batch.items.map((i) => i.snapshot.state), ['ok', 'failed', 'failed']);

    const { tree } = api;
    const rows = [row(tree, batch), ...tree.getChildren(batch).map((node) => row(tree, node))];
    assert.equal(rows.length, 4);
    for (const r of rows) {
      for (const [what, text] of Object.entries({ label: r.label, description: r.description, tooltip: r.tooltip })) {
        assert.ok(!text.includes('s3cret'), `the ${what} of "${r.label}" shows the password: ${text}`);
      }
    }
    // The rows do name the URLs, with the password masked.
    assert.ok(rows.some((r) => r.tooltip.includes(`http://user:***@${host}/private/x.bin`)), rows.map((r) => r.tooltip).join('\n---\n'));
    // Trouble first: the two failures (in list order), then the finished file.
    const [, notFound, unusableLine, saved] = rows;
    assert.match(notFound.description, /404/);
    assert.match(unusableLine.tooltip, /user:\*\*\*@/);
    assert.equal(notFound.contextValue, 'item.failed.HTTP_STATUS retryable', 'a failed row names its error code in its contextValue');
    assert.equal(unusableLine.contextValue, 'item.failed.LIST_LINE');
    assert.equal(saved.label, 'x.bin');

    assert.ok(lines.length >= 3, `the log got its lines: ${lines.join('\n')}`);
    assert.ok(lines.some((l) => l.includes('user:***@')), `the log names the URLs, masked:\n${lines.join('\n')}`);
    for (const line of lines) assert.ok(!line.includes('s3cret'), `a log line shows the password: ${line}`);

    // Copy URL copies what the row shows: the password stays masked (pasting it elsewhere does
    // not hand the secret on; the list file has the full URL).
    await vscode.commands.executeCommand('assetFetch.copyUrl', batch.items[0]);
    assert.equal(await vscode.env.clipboard.readText(), `http://user:***@${host}/private/x.bin`);

    // The diagnostics of the open list (the line with a space) do not show it either.
    const uri = vscode.Uri.file(list);
    await vscode.window.showTextDocument(uri);
    const diagnostics = await until(() => {
      const found = vscode.languages.getDiagnostics(uri);
      return found.length > 0 ? found : undefined;
    }, 'the diagnostic of the line with a space');
    for (const d of diagnostics) assert.ok(!d.message.includes('s3cret'), `a diagnostic shows the password: ${d.message}`);
    assert.match(diagnostics[0].message, /user:\*\*\*@/);
  });
});
