// VS Code's certificate settings reach the engine in its worker thread, whose undici never sees
// VS Code's patched https: http.systemCertificates (the OS certificate store) and
// http.proxyStrictSSL. The e2e runner (test/e2e/vscodeSuite.mjs) makes a CA before starting
// code-server and puts it in the "OS store" as Node reads it on Linux (SSL_CERT_FILE); the https
// server here has a certificate that CA signed, which Node's own CA list does not trust.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import * as vscode from 'vscode';
import type { BatchRecord, DownloadsModel } from '../../src/model/downloadsModel';
import { startTinyproxy, tinyproxyOrSkip } from '../support/tinyproxy';
import { EXTENSION_ID } from './support';

const CA_DIR = process.env.ASSET_FETCH_TEST_SYSTEM_CA;
const BODY = Buffer.from('served over TLS by a server the OS store vouches for\n'.repeat(40));

describe('TLS settings in VS Code', () => {
  let server: https.Server;
  let origin: string;
  const requested: string[] = [];
  let model: DownloadsModel;
  let testDir: string;

  before(async function () {
    if (!CA_DIR) {
      // Only the e2e runner can put a CA into the extension host's OS store before it starts.
      if (process.env.CI) throw new Error('ASSET_FETCH_TEST_SYSTEM_CA is not set: run the suite with npm run test:e2e -- vscodeSuite');
      this.skip();
    }
    server = https.createServer({ key: fs.readFileSync(path.join(CA_DIR, 'server.key')), cert: fs.readFileSync(path.join(CA_DIR, 'server.pem')) }, (req, res) => {
      requested.push(req.url ?? '');
      res.writeHead(200, { 'content-length': BODY.length }).end(BODY);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const extension = vscode.extensions.getExtension<{ model: DownloadsModel }>(EXTENSION_ID);
    assert.ok(extension, `${EXTENSION_ID} is installed`);
    model = (await extension.activate()).model;
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the tests need a workspace folder');
    testDir = path.join(folder.uri.fsPath, `tls-${Date.now()}`);
    fs.mkdirSync(testDir, { recursive: true });
  });

  after(async () => {
    const http = vscode.workspace.getConfiguration('http');
    await http.update('systemCertificates', undefined, vscode.ConfigurationTarget.Global);
    await http.update('proxyStrictSSL', undefined, vscode.ConfigurationTarget.Global);
    await http.update('proxy', undefined, vscode.ConfigurationTarget.Global);
    server?.close();
  });

  /** Downloads `name` from the https server with "Download URLs in File"; resolves with the finished batch. */
  async function download(name: string): Promise<BatchRecord> {
    const list = path.join(testDir, `${name}.urls`);
    fs.writeFileSync(list, `${origin}/${name}\n`);
    const finished = new Promise<BatchRecord>((resolve) => {
      const subscription = model.onDidFinishRun((batch) => {
        subscription.dispose();
        resolve(batch);
      });
    });
    await vscode.commands.executeCommand('assetFetch.downloadUrlsInFile', vscode.Uri.file(list));
    return finished;
  }

  it('the extension host runs a Node that reads the OS store, and the runner\'s CA is in it (and only there)', () => {
    const read = (tls as { getCACertificates?: (type: string) => string[] }).getCACertificates;
    assert.ok(read, `Node ${process.version} has no tls.getCACertificates`);
    const ca = fs.readFileSync(path.join(CA_DIR!, 'ca.pem'), 'utf8').trim();
    assert.ok(read('system').some((cert) => cert.trim() === ca), 'the CA is in the OS store (SSL_CERT_FILE)');
    assert.ok(!read('default').some((cert) => cert.trim() === ca), 'the CA is not in Node\'s default store');
  });

  it('http.systemCertificates true: the worker trusts the OS store and downloads', async () => {
    await vscode.workspace.getConfiguration('http').update('systemCertificates', true, vscode.ConfigurationTarget.Global);
    const batch = await download('trusted.bin');
    const item = batch.items[0].snapshot;
    assert.equal(item.state, 'ok', item.error);
    assert.deepEqual(fs.readFileSync(path.join(testDir, 'trusted.bin')), BODY);
  });

  it('http.systemCertificates false: the certificate is refused, once, saying what to do', async () => {
    await vscode.workspace.getConfiguration('http').update('systemCertificates', false, vscode.ConfigurationTarget.Global);
    const before = requested.length;
    const batch = await download('refused.bin');
    const item = batch.items[0].snapshot;
    assert.equal(item.state, 'failed');
    assert.match(item.error ?? '', /^the server's TLS certificate is refused: its issuer is not trusted .*\(UNABLE_TO_VERIFY_LEAF_SIGNATURE\); to trust the CA that signed it: .*http\.systemCertificates/);
    assert.equal(item.attempts, 1);
    assert.equal(requested.length, before, 'no request over an unverified connection');
    assert.ok(!fs.existsSync(path.join(testDir, 'refused.bin')));
  });

  it('through http.proxy: the OS store is trusted in the tunnel; with it off, http.proxyStrictSSL false accepts the certificate', async function () {
    const executable = tinyproxyOrSkip(this);
    const proxy = await startTinyproxy(executable);
    const http = vscode.workspace.getConfiguration('http');
    const tunnel = `CONNECT 127.0.0.1:${new URL(origin).port} `;
    try {
      await http.update('proxy', proxy.url, vscode.ConfigurationTarget.Global);
      await http.update('systemCertificates', true, vscode.ConfigurationTarget.Global);
      const trusted = (await download('tunnel-trusted.bin')).items[0].snapshot;
      assert.equal(trusted.state, 'ok', trusted.error);
      assert.ok(proxy.log().includes(tunnel), 'the download went through the proxy');

      await http.update('systemCertificates', false, vscode.ConfigurationTarget.Global);
      const strict = (await download('tunnel-strict.bin')).items[0].snapshot;
      assert.equal(strict.state, 'failed');
      assert.match(strict.error ?? '', /TLS certificate is refused/);

      await http.update('proxyStrictSSL', false, vscode.ConfigurationTarget.Global);
      const lenient = (await download('tunnel-lenient.bin')).items[0].snapshot;
      assert.equal(lenient.state, 'ok', lenient.error);
      assert.deepEqual(fs.readFileSync(path.join(testDir, 'tunnel-lenient.bin')), BODY);
    } finally {
      await http.update('proxy', undefined, vscode.ConfigurationTarget.Global);
      await http.update('proxyStrictSSL', undefined, vscode.ConfigurationTarget.Global);
      await proxy.close();
    }
  });
});
