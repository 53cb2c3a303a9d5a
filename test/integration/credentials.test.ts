// `user:password@` in a listed URL: sent as Basic auth to that origin only (not after a redirect
// to another origin), and the password is in no line the CLI prints, nor in --json.
import assert from 'node:assert/strict';
import path from 'node:path';
import { payload, redirect, serve, startHostileServer, type HostileServer, type Route } from '../support/hostileServer';
import { listFiles, readFile, runCli, useTempDirs, writeList } from '../support/run';

const PASSWORD = 'pa55-w0rd';
const EXPECTED = `Basic ${Buffer.from(`user:${PASSWORD}`).toString('base64')}`;

describe('credentials in URLs (integration)', () => {
  let a: HostileServer;
  let b: HostileServer;
  const tempDir = useTempDirs();
  const body = payload(2000);

  /** Answers 401 unless the request carries the expected Basic credentials. */
  const guarded = (route: Route): Route => (req, res, ctx) => {
    if (req.headers.authorization !== EXPECTED) return void res.writeHead(401, { 'www-authenticate': 'Basic realm="t"', 'content-length': 0 }).end();
    route(req, res, ctx);
  };

  before(async () => {
    a = await startHostileServer();
    b = await startHostileServer();
    a.route('/private/a.bin', guarded(serve(body)));
    b.route('/elsewhere/b.bin', serve(body));
    a.route('/private/moved.bin', guarded(redirect(b.url('/elsewhere/b.bin'))));
  });
  after(async () => {
    await a.close();
    await b.close();
  });

  const withCredentials = (url: string) => url.replace('://', `://user:${PASSWORD}@`);

  it('sends them as Basic auth to the listed origin, and never to another origin after a redirect', async () => {
    const dir = tempDir('basic');
    const out = path.join(dir, 'out');
    const list = writeList(dir, 'l.txt', [withCredentials(a.url('/private/a.bin')), withCredentials(a.url('/private/moved.bin'))]);
    const result = await runCli(['--json', '--dir', out, list]);
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(listFiles(out), ['a.bin', 'moved.bin']);
    assert.ok(readFile(out, 'a.bin').equals(body));
    assert.equal(a.requestsTo('/private/a.bin')[0].headers.authorization, EXPECTED);
    assert.equal(b.requestsTo('/elsewhere/b.bin')[0].headers.authorization, undefined, 'not sent to the redirect target');
  });

  it('shows the URL as user:***@ everywhere: item lines, warnings, errors and --json', async () => {
    const dir = tempDir('redacted');
    const list = writeList(dir, 'l.txt', [
      withCredentials(a.url('/private/a.bin')),
      withCredentials(a.url('/private/a.bin')), // a duplicate: a warning names the URL
      withCredentials(a.url('/private/missing.bin')),
      `ftp://user:${PASSWORD}@127.0.0.1/x`,
    ]);
    const plain = await runCli(['--dir', path.join(dir, 'out1'), '--retries', '0', list]);
    const json = await runCli(['--json', '--dir', path.join(dir, 'out2'), '--retries', '0', list]);
    for (const output of [plain.stdout, plain.stderr, json.stdout, json.stderr]) assert.ok(!output.includes(PASSWORD), `the password is printed:\n${output}`);
    assert.match(plain.stdout, /ok +.*a\.bin/);
    assert.match(plain.stdout, /failed +http:\/\/user:\*\*\*@127\.0\.0\.1:\d+\/private\/missing\.bin: HTTP 404/);
    assert.match(plain.stderr, /user:\*\*\*@127\.0\.0\.1:\d+\/private\/a\.bin is already listed/);
    assert.deepEqual(json.json!.items.map((i) => i.url.replace(/:\d+\//, ':PORT/')), [
      'http://user:***@127.0.0.1:PORT/private/a.bin',
      'http://user:***@127.0.0.1:PORT/private/missing.bin',
      'ftp://user:***@127.0.0.1/x',
    ]);
  });
});
