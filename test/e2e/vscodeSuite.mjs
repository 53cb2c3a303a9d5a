// Step vscodeSuite: runs the mocha suite (out/test/vscode/index.js, exporting run()) inside a real
// extension host. code-server started with --vscode-option enable-smoke-test-driver lets the web
// client take extensionDevelopmentPath/extensionTestsPath from the `payload` query parameter; the
// workbench reports the extension host's exit code through window.codeAutomationExit.
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
  const server = await startCodeServer(install, {
    name: NAME,
    extensionsDir: scratchDir(`extensions-${NAME}`), // only the development copy runs
    vscodeOptions: ['enable-smoke-test-driver'],
  });
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
