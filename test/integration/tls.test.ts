// TLS trust through the CLI, against an https server whose certificate a CA made by the test
// signed: refused at once (not retried) with what to do, accepted with --cacert or --insecure.
import assert from 'node:assert/strict';
import path from 'node:path';
import { payload } from '../support/hostileServer';
import { fetchList, listFiles, readFile, runCli, useTempDirs, writeList } from '../support/run';
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
});
