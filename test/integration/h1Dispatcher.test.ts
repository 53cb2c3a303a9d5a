// The engine's HTTP/1.1 client against real sockets: keep-alive reuse within the connection limit,
// a kept-alive connection the server dropped as the next request went out, timeouts that do not
// count while the consumer holds the connection paused, aborts, the server's Keep-Alive timeout,
// and headers that would split a request.
import assert from 'node:assert/strict';
import net from 'node:net';
import type { Dispatcher } from 'undici';
import { H1Dispatcher, type H1Options } from '../../src/core/h1/h1Dispatcher';

interface Outcome {
  status?: number;
  body: string;
  error?: Error & { code?: string };
}

/** A raw server: `answer` gets each request's head text and the socket (and which request of that socket it is). */
async function rawServer(answer: (head: string, socket: net.Socket, nth: number) => void): Promise<{ origin: string; connections: () => number; close: () => Promise<void> }> {
  let connections = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    connections++;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    let buffered = '';
    let nth = 0;
    socket.on('data', (data) => {
      buffered += data.toString('latin1');
      let end: number;
      while ((end = buffered.indexOf('\r\n\r\n')) !== -1) {
        const head = buffered.slice(0, end);
        buffered = buffered.slice(end + 4);
        answer(head, socket, nth++);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    connections: () => connections,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

const ok = (body: string, extra = '') => `HTTP/1.1 200 OK\r\nContent-Length: ${body.length}\r\n${extra}\r\n${body}`;

function get(dispatcher: Dispatcher, origin: string, path: string, opts: { headers?: Record<string, string>; onStart?: (c: Dispatcher.DispatchController) => void; onData?: (c: Dispatcher.DispatchController, chunk: Buffer) => void } = {}): Promise<Outcome> {
  return new Promise((resolve) => {
    const outcome: Outcome = { body: '' };
    dispatcher.dispatch({ origin, path, method: 'GET', headers: opts.headers ?? {} }, {
      onRequestStart: (controller) => opts.onStart?.(controller),
      onResponseStart: (_c, status) => void (outcome.status = status),
      onResponseData: (controller, chunk) => {
        outcome.body += chunk.toString('latin1');
        opts.onData?.(controller, chunk);
      },
      onResponseEnd: () => resolve(outcome),
      onResponseError: (_c, error) => resolve({ ...outcome, error }),
    });
  });
}

const options = (patch: Partial<H1Options> = {}): H1Options => ({ connections: 4, connectTimeoutMs: 5000, headersTimeoutMs: 5000, bodyTimeoutMs: 5000, keepAliveTimeoutMs: 30_000, ...patch });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('HTTP/1.1 client (integration)', () => {
  const closers: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of closers.splice(0)) await close();
  });
  async function server(answer: Parameters<typeof rawServer>[0]) {
    const s = await rawServer(answer);
    closers.push(s.close);
    return s;
  }
  function client(patch?: Partial<H1Options>) {
    const dispatcher = new H1Dispatcher(options(patch));
    closers.push(() => dispatcher.destroy());
    return dispatcher;
  }

  it('reuses one connection for requests in turn, and opens no more than the limit at once', async () => {
    const s = await server((head, socket) => {
      const path = head.split(' ')[1];
      setTimeout(() => socket.write(ok(path)), 5);
    });
    const dispatcher = client({ connections: 4 });
    for (let i = 0; i < 10; i++) assert.equal((await get(dispatcher, s.origin, `/seq/${i}`)).body, `/seq/${i}`);
    assert.equal(s.connections(), 1);
    const all = await Promise.all(Array.from({ length: 40 }, (_, i) => get(dispatcher, s.origin, `/par/${i}`)));
    assert.deepEqual(all.map((o) => o.body), Array.from({ length: 40 }, (_, i) => `/par/${i}`));
    assert.equal(s.connections(), 4);
  });

  it('sends a request again on a fresh connection when a kept-alive one is dropped as it goes out, but only once', async () => {
    // Each connection answers its first request and drops on its second, as a server whose idle
    // timeout struck just then.
    const s = await server((_head, socket, nth) => (nth === 0 ? socket.write(ok('fine')) : socket.destroy()));
    const dispatcher = client({ connections: 1 });
    assert.equal((await get(dispatcher, s.origin, '/a')).body, 'fine');
    const second = await get(dispatcher, s.origin, '/b');
    assert.equal(second.error, undefined);
    assert.equal(second.body, 'fine');
    assert.equal(s.connections(), 2);
    // A fresh connection closed without an answer is a failure, not a loop of retries.
    const fresh = await server((_head, socket) => socket.destroy());
    const failed = await get(dispatcher, fresh.origin, '/c');
    assert.equal(failed.error?.code, 'UND_ERR_SOCKET');
    assert.equal(fresh.connections(), 1);
  });

  it('times out a stalled body, but not while the consumer keeps the connection paused', async () => {
    const s = await server((head, socket) => {
      socket.write('HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nabc');
      if (head.includes('/finishes')) setTimeout(() => socket.write('def'), 900);
    });
    const dispatcher = client({ bodyTimeoutMs: 300 });
    const stalled = await get(dispatcher, s.origin, '/stalls');
    assert.equal(stalled.error?.code, 'UND_ERR_BODY_TIMEOUT');
    const paused = await get(dispatcher, s.origin, '/finishes', {
      onData: (controller, chunk) => {
        if (chunk.toString() !== 'abc') return;
        controller.pause();
        setTimeout(() => controller.resume(), 1200);
      },
    });
    assert.equal(paused.error, undefined);
    assert.equal(paused.body, 'abcdef');
  });

  it('times out a server that sends no head', async () => {
    const s = await server(() => undefined);
    const outcome = await get(client({ headersTimeoutMs: 200 }), s.origin, '/');
    assert.equal(outcome.error?.code, 'UND_ERR_HEADERS_TIMEOUT');
  });

  it('an abort mid-body ends that response with the reason and the next request gets a new connection', async () => {
    const s = await server((head, socket) => {
      if (head.includes('/big')) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 1000000\r\n\r\nfirst');
      else socket.write(ok('small'));
    });
    const dispatcher = client({ connections: 1 });
    const reason = new Error('enough');
    const aborted = await get(dispatcher, s.origin, '/big', { onData: (controller) => controller.abort(reason) });
    assert.equal(aborted.error, reason);
    assert.equal((await get(dispatcher, s.origin, '/small')).body, 'small');
    assert.equal(s.connections(), 2);
  });

  it("keeps a connection no longer than the server's Keep-Alive timeout allows", async () => {
    const s = await server((_head, socket) => socket.write(ok('x', 'Keep-Alive: timeout=1\r\n')));
    const dispatcher = client();
    await get(dispatcher, s.origin, '/1');
    await sleep(50);
    await get(dispatcher, s.origin, '/2');
    // timeout=1 leaves no safe time to reuse it (a second is kept as a margin).
    assert.equal(s.connections(), 2);
  });

  it('refuses a header value that would split the request, and sends nothing', async () => {
    const s = await server((_head, socket) => socket.write(ok('x')));
    const outcome = await get(client(), s.origin, '/', { headers: { 'x-evil': 'a\r\nInjected: yes' } });
    assert.equal(outcome.error?.code, 'UND_ERR_INVALID_ARG');
    await sleep(50);
    assert.equal(s.connections(), 0);
  });

  it("passes a socket's own error on (a refused connection says so, not just 'closed')", async () => {
    const probe = net.createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const { port } = probe.address() as net.AddressInfo;
    await new Promise((resolve) => probe.close(resolve));
    const outcome = await get(client(), `http://127.0.0.1:${port}`, '/');
    assert.equal(outcome.error?.code, 'ECONNREFUSED');
  });

  it('hands on body chunks that later reads do not change (consumers keep them until the end)', async () => {
    // Three parts in three reads; the handler only keeps the chunks and reads them at the end, as
    // a file's batched writes and the bytes that wait for a consumer do.
    const parts = ['a'.repeat(3000), 'b'.repeat(3000), 'c'.repeat(3000)];
    const s = await server(async (_head, socket) => {
      socket.write(`HTTP/1.1 200 OK\r\nContent-Length: ${parts.join('').length}\r\n\r\n`);
      for (const part of parts) {
        await sleep(30);
        socket.write(part);
      }
    });
    const dispatcher = client();
    const kept: Buffer[] = [];
    const body = await new Promise<string>((resolve, reject) => {
      dispatcher.dispatch({ origin: s.origin, path: '/kept', method: 'GET', headers: {} }, {
        onResponseData: (_c, chunk) => void kept.push(chunk),
        onResponseEnd: () => resolve(Buffer.concat(kept).toString('latin1')),
        onResponseError: (_c, error) => reject(error),
      });
    });
    assert.ok(kept.length >= 3, `the body came in ${kept.length} chunks`);
    assert.equal(body, parts.join(''));
  });

  it('fails what is waiting when it is destroyed', async () => {
    const s = await server(() => undefined);
    const dispatcher = new H1Dispatcher(options({ connections: 1 }));
    const pending = [get(dispatcher, s.origin, '/1'), get(dispatcher, s.origin, '/2')];
    await sleep(50);
    await dispatcher.destroy();
    const outcomes = await Promise.all(pending);
    assert.deepEqual(outcomes.map((o) => o.error?.code), ['UND_ERR_DESTROYED', 'UND_ERR_DESTROYED']);
  });
});
