// Child processes: run a command to completion, start a long-lived one in its own process group,
// and stop every group this run started, also when the run fails or is interrupted.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import { log, warn } from './log.mjs';

/**
 * Runs a command and resolves with its output; rejects when it exits non-zero. Output goes to the
 * log file `logFile` when given (and its tail into the error), else it is captured.
 */
export function run(cmd, args, { cwd, env, logFile, timeout = 15 * 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const unregister = registerGroup(child.pid, `${cmd} ${args.join(' ')}`);
    const out = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : undefined;
    let captured = '';
    const collect = (chunk) => {
      out?.write(chunk);
      captured += chunk;
      if (captured.length > 200_000) captured = captured.slice(-100_000);
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const timer = setTimeout(() => {
      killGroup(child.pid, 'SIGKILL');
      captured += `\n[killed after ${timeout} ms]`;
    }, timeout);
    child.on('error', (err) => {
      clearTimeout(timer);
      unregister();
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      unregister();
      out?.end();
      if (code === 0) resolve(captured);
      else {
        const tail = captured.split('\n').slice(-40).join('\n');
        reject(new Error(`${cmd} ${args.join(' ')} exited with ${code ?? signal}${logFile ? ` (log: ${logFile})` : ''}\n${tail}`));
      }
    });
  });
}

/**
 * Starts a long-lived command in a new session (setsid: its own process group) with its output
 * appended to `logFile`. Returns { pid, exited, stop() }; stop() ends the whole group.
 */
export function startGroup(cmd, args, { cwd, env, logFile, name }) {
  const fd = fs.openSync(logFile, 'a');
  const child = spawn(cmd, args, { cwd, env, stdio: ['ignore', fd, fd], detached: true });
  fs.closeSync(fd);
  const unregister = registerGroup(child.pid, name);
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal)));
  child.on('error', (err) => warn(`${name}: ${err.message}`));
  return {
    pid: child.pid,
    exited,
    async stop() {
      await stopGroup(child.pid, exited, name);
      unregister();
    },
  };
}

/** SIGTERM the group, wait for the leader, then SIGKILL whatever of the group is left. */
async function stopGroup(pid, exited, name) {
  killGroup(pid, 'SIGTERM');
  const done = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 5000))]);
  if (!done) log(`${name} did not stop within 5 s; killing its process group`);
  // Children (extension hosts, pty host, file watcher) can outlive the leader: kill the group.
  killGroup(pid, 'SIGKILL');
}

export function killGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch (err) {
    if (err.code !== 'ESRCH') warn(`kill -${signal} -${pid}: ${err.message}`);
  }
}

// Process groups still running, so an exit of this process (normal, error, Ctrl+C) ends them.
const groups = new Map();

function registerGroup(pid, name) {
  groups.set(pid, name);
  return () => groups.delete(pid);
}

function killAllGroupsNow() {
  for (const pid of groups.keys()) killGroup(pid, 'SIGKILL');
  groups.clear();
}

process.on('exit', killAllGroupsNow);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    warn(`${signal}: stopping child processes`);
    killAllGroupsNow();
    process.exit(130);
  });
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Pids of live processes whose environment holds `NAME=value`: strays of a stopped group. */
export function processesWithEnv(name, value) {
  const needle = Buffer.from(`${name}=${value}\0`);
  const pids = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry) || Number(entry) === process.pid) continue;
    try {
      if (fs.readFileSync(`/proc/${entry}/environ`).includes(needle)) pids.push(Number(entry));
    } catch {
      // gone already, or not ours to read
    }
  }
  return pids;
}
