// A real HTTP proxy for the proxy suites: Debian's tinyproxy, started in the foreground with a
// config of our own in a temporary folder (never the system service) and stopped afterwards.
// It forwards http:// requests adding "Via: 1.1 <ViaProxyName> (tinyproxy/...)", tunnels
// https:// ones with CONNECT, and logs every request it handles.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The name tinyproxy puts in its Via header: proof that a request went through this proxy. */
export const VIA_NAME = 'asset-fetch-test-proxy';

export interface Tinyproxy {
  /** "http://127.0.0.1:<port>" */
  readonly url: string;
  readonly port: number;
  /** Everything tinyproxy logged so far (one line per connection, request, error). */
  log(): string;
  close(): Promise<void>;
}

/** The tinyproxy executable, or undefined when it is not installed. */
/**
 * The tinyproxy executable, or: under CI a failure (the proxy tests must run there), elsewhere the
 * test is skipped.
 */
export function tinyproxyOrSkip(test: { skip(): void }): string {
  const executable = findTinyproxy();
  if (executable) return executable;
  if (process.env.CI) throw new Error('tinyproxy is not installed (apt-get install tinyproxy)');
  test.skip();
  throw new Error('skipped'); // skip() throws; this keeps the type checker informed
}

export function findTinyproxy(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin'];
  return dirs.map((dir) => path.join(dir, 'tinyproxy')).find((file) => fs.existsSync(file));
}

export interface TinyproxyOptions {
  /** Require these credentials (Proxy-Authorization: Basic), answering 407 without them. */
  basicAuth?: { user: string; password: string };
}

/**
 * Starts tinyproxy on a free loopback port. tinyproxy cannot pick its own port ("Port 0" is
 * refused), so a port is found first; if another process takes it meanwhile, it tries again.
 */
export async function startTinyproxy(executable: string, options: TinyproxyOptions = {}): Promise<Tinyproxy> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnPort(executable, await freePort(), options);
    } catch (err) {
      if (attempt >= 3) throw err;
    }
  }
}

async function startOnPort(executable: string, port: number, options: TinyproxyOptions): Promise<Tinyproxy> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'asset-fetch-tinyproxy-'));
  const config = path.join(dir, 'tinyproxy.conf');
  const lines = [`Port ${port}`, 'Listen 127.0.0.1', 'Allow 127.0.0.1', 'LogLevel Connect', `ViaProxyName "${VIA_NAME}"`, 'Timeout 30'];
  if (options.basicAuth) lines.push(`BasicAuth ${options.basicAuth.user} ${options.basicAuth.password}`);
  fs.writeFileSync(config, lines.join('\n') + '\n');
  // -d: stay in the foreground and log to stdout.
  const child = spawn(executable, ['-d', '-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (text: string) => (output += text));
  child.stderr!.setEncoding('utf8').on('data', (text: string) => (output += text));
  const stop = () => stopChild(child).finally(() => fs.rmSync(dir, { recursive: true, force: true }));
  try {
    await untilListening(child, port, () => output);
  } catch (err) {
    await stop();
    throw err;
  }
  return { url: `http://127.0.0.1:${port}`, port, log: () => output, close: stop };
}

/** Resolves once `port` accepts connections; rejects if tinyproxy exits first or takes too long. */
async function untilListening(child: ChildProcess, port: number, output: () => string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`tinyproxy exited with ${child.exitCode}:\n${output()}`);
    if (await accepts(port)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`tinyproxy did not listen on port ${port} within 5 s:\n${output()}`);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** A loopback port that nothing listens on right now (and, since it is closed again, refuses). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}
