// A loopback port where connecting hangs, to test the connect timeout. Node always accepts on its
// listening sockets, so a small python3 helper listens, never accepts, and fills its accept queue:
// the kernel then drops further SYNs and a client's connect waits until its own timeout.
import { spawn, type ChildProcess } from 'node:child_process';

const LISTENER = `
import socket, sys
s = socket.socket(); s.bind(('127.0.0.1', 0)); s.listen(0)
port = s.getsockname()[1]
fillers = []
for _ in range(3):
    c = socket.socket(); c.setblocking(False)
    try: c.connect(('127.0.0.1', port))
    except BlockingIOError: pass
    fillers.append(c)
print(port, flush=True)
sys.stdin.read()  # runs until the test closes stdin
`;

export interface UnacceptingPort {
  port: number;
  close(): Promise<void>;
}

export function startUnacceptingPort(): Promise<UnacceptingPort> {
  return new Promise((resolve, reject) => {
    const child: ChildProcess = spawn('python3', ['-c', LISTENER], { stdio: ['pipe', 'pipe', 'inherit'] });
    child.once('error', reject);
    child.stdout!.setEncoding('utf8').once('data', (text: string) => {
      const port = Number(text.trim());
      if (!port) return reject(new Error(`python3 listener printed "${text}"`));
      resolve({
        port,
        close: () =>
          new Promise<void>((done) => {
            child.once('exit', () => done());
            child.stdin!.end();
          }),
      });
    });
  });
}
