// Step vscodeSuite: runs the mocha suite (out/test/vscode/index.js, exporting run()) inside a real
// extension host. code-server started with --vscode-option enable-smoke-test-driver lets the web
// client take extensionDevelopmentPath/extensionTestsPath from the `payload` query parameter; the
// workbench reports the extension host's exit code through window.codeAutomationExit.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import { ensureTestTools } from '../../scripts/ensureTestTools.mjs';
import { startCodeServer } from './lib/codeServer.mjs';
import { log, step, warn } from './lib/log.mjs';
import { artifactsDir, repoDir, scratchDir } from './lib/paths.mjs';
import { run } from './lib/proc.mjs';

const NAME = 'vscodeSuite';
const TIMEOUT = Number(process.env.E2E_SUITE_TIMEOUT ?? 300) * 1000;

export async function runVscodeSuite({ install, browser }) {
  const started = Date.now();
  let error;
  try {
    await step(`${NAME}: mocha suite in code-server's extension host`, () => runSuite(install, browser));
  } catch (err) {
    error = err;
  }
  return { name: NAME, ok: !error, error: error?.message?.split('\n')[0], seconds: (Date.now() - started) / 1000 };
}

async function runSuite(install, browser) {
  // Its http.proxy test runs a real tinyproxy, installed here as npm test does (and failing
  // without it when CI is set).
  const tools = ensureTestTools({ say: (line) => log(`${NAME}: ${line}`) });
  if (tools.missing.length) {
    if (process.env.CI) throw new Error(tools.advice);
    warn(`${NAME}: ${tools.advice}`);
  }
  const buildLog = path.join(artifactsDir, `${NAME}-build.log`);
  // A development build (with source maps) of the extension and the test bundles.
  await run('npm', ['run', 'build'], { cwd: repoDir, logFile: buildLog });
  await run('npm', ['run', 'build:tests'], { cwd: repoDir, logFile: buildLog });
  const testsPath = path.resolve(repoDir, process.env.E2E_SUITE_INDEX ?? 'out/test/vscode/index.js');
  if (!fs.existsSync(testsPath)) throw new Error(`no extension test suite at ${testsPath} (build:tests should write it)`);

  const workspace = scratchDir(`workspace-${NAME}`);
  // The http.systemCertificates test (test/vscode/tls.test.ts) needs a CA in the "OS store" as the
  // extension host's Node reads it: on Linux SSL_CERT_FILE, set for code-server (and so for its
  // extension host and the worker) to a CA made now. The machine's store is never touched.
  const systemCa = makeSystemCa(scratchDir(`system-ca-${NAME}`));
  const server = await withEnvironment({ SSL_CERT_FILE: systemCa.caFile, ASSET_FETCH_TEST_SYSTEM_CA: systemCa.dir }, () =>
    startCodeServer(install, {
      name: NAME,
      extensionsDir: scratchDir(`extensions-${NAME}`), // only the development copy runs
      vscodeOptions: ['enable-smoke-test-driver'],
    }),
  );
  const page = await browser.newPage(NAME);
  const output = path.join(artifactsDir, `${NAME}-output.log`);
  fs.writeFileSync(output, '');
  try {
    let report;
    const exited = new Promise((resolve) => (report = resolve));
    // With the smoke test driver the workbench hands every console call to codeAutomationLog,
    // mocha's (from the extension host) among them: those use format strings ("    ✔ %s").
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const line = Array.isArray(args) ? format(...args) : String(args);
      fs.appendFileSync(output, `[${type}] ${line}\n`);
      if (Array.isArray(args) && typeof args[0] === 'string' && /%[sdioj]/.test(args[0])) {
        for (const part of line.split('\n')) log(`${NAME} | ${part}`);
      }
    });
    await page.exposeFunction('codeAutomationExit', (code, logs) => {
      saveExtensionHostLogs(logs);
      report(code);
    });

    const remote = (p) => `vscode-remote://127.0.0.1:${server.port}${p}`;
    const payload = [
      ['extensionDevelopmentPath', remote(repoDir)],
      ['extensionTestsPath', remote(testsPath)],
    ];
    await page.goto(server.folderUrl(workspace, `&payload=${encodeURIComponent(JSON.stringify(payload))}`));
    let timer;
    const code = await Promise.race([
      exited,
      new Promise((resolve) => (timer = setTimeout(() => resolve('timeout'), TIMEOUT))),
    ]).finally(() => clearTimeout(timer));
    await page.screenshot({ path: path.join(artifactsDir, `${NAME}-end.png`) }).catch(() => {});
    if (code === 'timeout') throw new Error(`the suite did not report an exit code within ${TIMEOUT / 1000} s (see ${output})`);
    log(`${NAME}: extension host exited with ${code}`);
    if (code !== 0) {
      const tail = fs.readFileSync(output, 'utf8').trimEnd().split('\n').slice(-30);
      for (const line of tail) log(`${NAME} (output) | ${line}`);
      throw new Error(`the extension test suite failed (exit code ${code}; output in ${output})`);
    }
  } finally {
    await page.context().close().catch(() => {});
    await server.stop();
    fs.mkdirSync(path.join(artifactsDir, `${NAME}-logs`), { recursive: true });
    fs.copyFileSync(server.logFile, path.join(artifactsDir, `${NAME}-logs`, 'code-server.log'));
  }
}

/**
 * A CA and a certificate for 127.0.0.1 it signed (ca.pem, server.key, server.pem in `dir`), made with
 * openssl as test/support/testCa.ts does.
 */
function makeSystemCa(dir) {
  const file = (name) => path.join(dir, name);
  const openssl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  openssl('req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-subj', '/CN=asset-fetch e2e system CA', '-keyout', file('ca.key'), '-out', file('ca.pem'),
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  openssl('req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-subj', '/CN=127.0.0.1', '-keyout', file('server.key'), '-out', file('server.csr'));
  fs.writeFileSync(file('server.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n');
  openssl('x509', '-req', '-in', file('server.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
    '-days', '2', '-extfile', file('server.ext'), '-out', file('server.pem'));
  return { dir, caFile: file('ca.pem') };
}

/** Runs `fn` with these variables in process.env (code-server takes its environment from it), then restores them. */
async function withEnvironment(vars, fn) {
  const saved = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** The workbench hands over the log files it collected: keep them with the artifacts. */
function saveExtensionHostLogs(logs) {
  if (!Array.isArray(logs)) return;
  const dir = path.join(artifactsDir, `${NAME}-logs`, 'workbench');
  for (const entry of logs) {
    if (!entry?.relativePath) continue;
    const file = path.join(dir, entry.relativePath.replace(/\.\.+/g, '_'));
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, entry.contents ?? '');
  }
}
