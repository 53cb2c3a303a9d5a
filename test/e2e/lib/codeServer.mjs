// code-server instances: install the .vsix into an extensions folder, start a server on a free
// loopback port in its own process group with scratch home folders, wait until it answers, stop it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { log } from './log.mjs';
import { scratchDir } from './paths.mjs';
import { freePort, processesWithEnv, run, startGroup } from './proc.mjs';
import { waitFor } from './wait.mjs';

// Settings that keep the workbench quiet and predictable for a test driver.
const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'chat.disableAIFeatures': true,
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.editor.untitled.hint': 'hidden',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.hover.delay': 300,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'git.autoRepositoryDetection': false,
  'github.gitAuthentication': false,
  // Typing URLs into an editor must not pop suggestions that Enter would accept.
  'editor.quickSuggestions': { other: false, comments: false, strings: false },
  'editor.wordBasedSuggestions': 'off',
  'editor.suggestOnTriggerCharacters': false,
  'editor.acceptSuggestionOnEnter': 'off',
  'editor.links': false,
  // Untrusted runs: stay in Restricted Mode without the modal trust prompt.
  'security.workspace.trust.startupPrompt': 'never',
  'security.workspace.trust.untrustedFiles': 'open',
};

function environment(install, home, instanceId) {
  return {
    ...process.env,
    PATH: `${install.node24Bin}:${process.env.PATH}`,
    // code-server writes config and state into the home folders: keep them in scratch.
    XDG_CONFIG_HOME: path.join(home, 'config'),
    XDG_DATA_HOME: path.join(home, 'data'),
    XDG_CACHE_HOME: path.join(home, 'cache'),
    // No extension gallery: nothing queries open-vsx.org (the tests use loopback only).
    EXTENSIONS_GALLERY: '{}',
    // Marks every process of this instance, so strays can be found after its group is killed.
    ASSET_FETCH_E2E_INSTANCE: instanceId,
  };
}

/** Installs a .vsix the way a user does; returns the extensions folder. */
export async function installVsix(install, vsix) {
  const extensionsDir = scratchDir('extensions');
  const userDataDir = scratchDir('install-user-data');
  const home = scratchDir('install-home');
  const out = await run(
    install.codeServer,
    ['--extensions-dir', extensionsDir, '--user-data-dir', userDataDir, '--install-extension', vsix],
    { env: environment(install, home, 'install'), timeout: 120_000 },
  );
  const installed = fs.readdirSync(extensionsDir).filter((d) => !d.startsWith('.') && d !== 'extensions.json');
  if (installed.length === 0) throw new Error(`no extension in ${extensionsDir} after installing ${vsix}:\n${out}`);
  log(`installed ${installed.join(', ')} into ${extensionsDir}`);
  return extensionsDir;
}

/**
 * Starts code-server. Options: name (for logs), extensionsDir, trust (adds
 * --disable-workspace-trust), vscodeOptions (passed with --vscode-option), settings (merged
 * into the quiet defaults). Returns { port, base, folderUrl(dir, query), logFile, stop() }.
 */
export async function startCodeServer(install, { name, extensionsDir, trust = true, vscodeOptions = [], settings = {} }) {
  const dir = scratchDir(`code-server-${name}`);
  const userDataDir = path.join(dir, 'user-data');
  fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...settings }, null, 2));
  const port = await freePort();
  const args = [
    '--bind-addr', `127.0.0.1:${port}`,
    '--auth', 'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--ignore-last-opened',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extensionsDir,
    ...(trust ? ['--disable-workspace-trust'] : []),
    ...vscodeOptions.flatMap((o) => ['--vscode-option', o]),
  ];
  const logFile = path.join(dir, 'code-server.log');
  const instanceId = `${name}-${crypto.randomUUID()}`;
  log(`starting code-server "${name}" on 127.0.0.1:${port} (log: ${logFile})`);
  const group = startGroup(install.codeServer, args, { env: environment(install, dir, instanceId), logFile, name: `code-server ${name}` });
  const base = `http://127.0.0.1:${port}`;
  let exitedEarly;
  group.exited.then((code) => (exitedEarly = code));
  await waitFor(`code-server "${name}" to answer /healthz`, async () => {
    if (exitedEarly !== undefined) throw new Error(`code-server exited with ${exitedEarly}; see ${logFile}`);
    const res = await fetch(`${base}/healthz`).catch(() => undefined);
    return res?.ok;
  }, { timeout: 60_000, interval: 250 });
  return {
    name,
    port,
    base,
    logFile,
    userDataDir,
    folderUrl: (folder, query = '') => `${base}/?folder=${encodeURIComponent(folder)}${query}`,
    async stop() {
      await group.stop();
      // Extension hosts and other helpers that left the group still carry the instance mark.
      const strays = processesWithEnv('ASSET_FETCH_E2E_INSTANCE', instanceId);
      for (const pid of strays) {
        log(`code-server "${name}": killing stray process ${pid}`);
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
      log(`stopped code-server "${name}"`);
    },
  };
}
