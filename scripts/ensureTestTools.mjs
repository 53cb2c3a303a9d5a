#!/usr/bin/env node
// The programs the test suites run besides Node, installed when missing so that `npm test` passes
// on a fresh machine (it is the first step of the `test` script; the e2e run calls it too):
//   - tinyproxy: the proxy suites (test/integration/proxy.test.ts, the http.proxy test of
//     test/vscode/) start their own instance of it (test/support/tinyproxy.ts);
//   - python3: the connect-timeout test starts a listener that never accepts
//     (test/support/unacceptingPort.ts).
// When one is missing and this runs as root on a system with apt-get (Debian, Ubuntu), it runs
// `apt-get update && apt-get install -y tinyproxy python3-minimal` and stops and disables the
// tinyproxy service the package starts (the tests never use it). Otherwise it prints one line
// saying what to install, and exits 1 when CI is set (CI must run every suite) or 0 (the proxy
// suites then skip).
//   node scripts/ensureTestTools.mjs
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Each tool: how to tell it is there, and the Debian package that brings it. */
const TOOLS = [
  { name: 'tinyproxy', pkg: 'tinyproxy', present: () => findTinyproxy() !== undefined, without: 'the proxy tests are skipped' },
  { name: 'python3', pkg: 'python3-minimal', present: () => runs('python3', ['-c', 'import socket']), without: 'the connect-timeout test fails' },
];

/** Where test/support/tinyproxy.ts looks for it: PATH, then the usual bin and sbin folders. */
function findTinyproxy() {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin'];
  return dirs.filter(Boolean).map((dir) => path.join(dir, 'tinyproxy')).find((file) => fs.existsSync(file));
}

function runs(cmd, args) {
  return spawnSync(cmd, args, { stdio: 'ignore' }).status === 0;
}

/**
 * Installs the missing tools where it can. Returns `{ missing, advice }`: the names still missing
 * afterwards (empty when all is well) and, then, one line saying what to install. `say` gets a
 * line for each thing done.
 */
export function ensureTestTools({ say = (line) => console.log(`test tools: ${line}`) } = {}) {
  const missing = TOOLS.filter((tool) => !tool.present());
  if (!missing.length) return { missing: [] };
  const names = missing.map((tool) => tool.name).join(' and ');
  const packages = missing.map((tool) => tool.pkg);
  const advice = `the tests need ${names}: install ${missing.length > 1 ? 'them' : 'it'} (Debian, Ubuntu: sudo apt-get install ${packages.join(' ')})`;
  const failed = (why) => ({ missing: missing.map((tool) => tool.name), advice: why ? `${why}; ${advice}` : advice });

  if (process.getuid?.() !== 0) return failed('');
  if (!runs('apt-get', ['--version'])) return failed('');

  say(`${names} missing: apt-get install ${packages.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', ...packages]]) {
    const result = spawnSync('apt-get', args, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    if (result.status !== 0) {
      const output = `${result.stdout ?? ''}${result.stderr ?? ''}${result.error ? String(result.error) : ''}`;
      process.stderr.write(output.split('\n').slice(-20).join('\n') + '\n');
      return failed(`apt-get ${args[0]} failed (exit ${result.status ?? result.signal})`);
    }
  }
  if (missing.some((tool) => tool.name === 'tinyproxy')) stopTinyproxyService();

  const still = TOOLS.filter((tool) => !tool.present()).map((tool) => tool.name);
  if (still.length) return { missing: still, advice: `${still.join(' and ')} still not found after apt-get install ${packages.join(' ')}` };
  say(`installed ${packages.join(' ')}`);
  return { missing: [] };
}

/**
 * The package starts tinyproxy as a system service (port 8888) where it can; the tests start
 * their own instances, so stop it and keep it from starting at boot.
 */
function stopTinyproxyService() {
  if (fs.existsSync('/run/systemd/system')) {
    spawnSync('systemctl', ['disable', '--now', 'tinyproxy'], { stdio: 'ignore' });
  } else {
    spawnSync('service', ['tinyproxy', 'stop'], { stdio: 'ignore' });
    spawnSync('update-rc.d', ['tinyproxy', 'disable'], { stdio: 'ignore' });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { missing, advice } = ensureTestTools();
  // Like the tests (`if (process.env.CI)`), any non-empty CI means CI: there every suite must run.
  if (missing.length && process.env.CI) {
    console.error(`test tools: ${advice} (CI is set, so the tests cannot skip them)`);
    process.exit(1);
  } else if (missing.length) {
    const without = TOOLS.filter((tool) => missing.includes(tool.name)).map((tool) => tool.without);
    console.warn(`test tools: ${advice} (until then ${without.join(' and ')})`);
  }
}
