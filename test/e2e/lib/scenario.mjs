// Runs one UI scenario with its own workspace folder, fixture server, code-server and browser
// context; records the result, a screenshot on failure, and the logs; always cleans up.
import fs from 'node:fs';
import path from 'node:path';
import { startCodeServer } from './codeServer.mjs';
import { startFixtureServer } from './fixtureServer.mjs';
import { log, step } from './log.mjs';
import { artifactsDir, scratchDir } from './paths.mjs';
import { Workbench } from './workbench.mjs';

/**
 * A scenario is { name, title, trust = true, timeout = 180 s, run(ctx) } where ctx has:
 *   workspace            a fresh, empty folder
 *   serve(files)         starts a fixture server (lib/fixtureServer.mjs) for this scenario
 *   open({ settings })   starts code-server (user settings added to the quiet ones) and opens the
 *                        workspace; resolves to a Workbench
 *   shot(step)           screenshot artifacts/<scenario>-NN-<step>.png
 */
export async function runScenario(scenario, { install, extensionsDir, browser }) {
  const started = Date.now();
  const cleanups = [];
  const workspace = scratchDir(`workspace-${scenario.name}`);
  let wb;
  const ctx = {
    name: scenario.name,
    workspace,
    async serve(files) {
      const fixture = await startFixtureServer(files);
      cleanups.push(() => fixture.close());
      log(`${scenario.name}: fixture server on ${fixture.base}`);
      return fixture;
    },
    async open({ settings } = {}) {
      const server = await startCodeServer(install, { name: scenario.name, extensionsDir, trust: scenario.trust ?? true, settings });
      cleanups.push(() => saveLogs(scenario.name, server));
      cleanups.push(() => server.stop());
      const page = await browser.newPage(scenario.name);
      cleanups.push(() => page.context().close());
      wb = new Workbench(page, scenario.name);
      // The extension's activity bar entry shows its contributions were loaded.
      await wb.open(server.folderUrl(workspace), wb.activityBarItem('Asset Fetch'));
      return wb;
    },
    shot: (name) => wb.shot(name),
  };

  let error;
  try {
    await step(`scenario ${scenario.name}: ${scenario.title}`, () => withTimeout(scenario.run(ctx), scenario.timeout ?? 180_000, scenario.name));
  } catch (err) {
    error = err;
    if (wb) {
      await wb.shot('failure').catch(() => {});
      log(`${scenario.name}: toasts seen: ${JSON.stringify(await wb.toastsSeen().catch(() => []))}`);
      const dialogs = await wb.dialogsSeen().catch(() => []);
      if (dialogs.length) log(`${scenario.name}: dialogs seen: ${JSON.stringify(dialogs)}`);
    }
    log(`${scenario.name}: workspace files: ${JSON.stringify(listFiles(workspace))}`);
    if (err.stack) log(err.stack);
  } finally {
    for (const cleanup of cleanups.reverse()) await Promise.resolve().then(cleanup).catch((err) => log(`cleanup: ${err.message}`));
  }
  return { name: scenario.name, ok: !error, error: error?.message?.split('\n')[0], seconds: (Date.now() - started) / 1000 };
}

function withTimeout(promise, ms, name) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`scenario ${name} took longer than ${ms / 1000} s`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Files under `dir`, relative, with sizes: for failure reports. */
export function listFiles(dir) {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => {
      const full = path.join(e.parentPath, e.name);
      return `${path.relative(dir, full)} (${fs.statSync(full).size})`;
    });
}

/** Copies the code-server log and VS Code's logs into artifacts/<scenario>-logs/. */
function saveLogs(name, server) {
  const target = path.join(artifactsDir, `${name}-logs`);
  fs.mkdirSync(target, { recursive: true });
  fs.copyFileSync(server.logFile, path.join(target, 'code-server.log'));
  const logs = path.join(server.userDataDir, 'logs');
  if (fs.existsSync(logs)) fs.cpSync(logs, path.join(target, 'vscode'), { recursive: true });
}
