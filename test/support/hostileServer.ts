// A real node:http server on 127.0.0.1 whose routes misbehave on purpose: connections reset
// mid-body, bodies shorter or longer than announced, stalls, redirect loops, hostile file names.
// Every request is recorded (method, path, headers, arrival time, which TCP connection) so tests
// can assert on what the client actually sent.
import { randomBytes, createHash } from 'node:crypto';
import http, { type IncomingHttpHeaders, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';

export interface RecordedRequest {
  method: string;
  /** Path and query as sent. */
  path: string;
  headers: IncomingHttpHeaders;
  /** performance.now() when the request arrived (monotonic, for gaps between requests). */
  at: number;
  /** 1-based number of the TCP connection that carried it, in order of connection. */
  socketId: number;
}

export interface RouteContext {
  /** 1 for the first request to this path, 2 for the second, ... */
  hit: number;
  /** A timer that is cancelled when the server closes. */
  later(ms: number, fn: () => void): void;
}

export type Route = (req: IncomingMessage, res: ServerResponse, ctx: RouteContext) => void;

/** Counts requests being answered at the same moment (optionally shared by several servers). */
export class InFlightCounter {
  current = 0;
  max = 0;

  enter(): void {
    this.current++;
    this.max = Math.max(this.max, this.current);
  }

  leave(): void {
    this.current--;
  }
}

export interface HostileServer {
  /** "http://127.0.0.1:<port>" */
  readonly origin: string;
  url(path: string): string;
  /** Every request so far, in arrival order. */
  readonly requests: RecordedRequest[];
  /** The requests whose path (without query) is `path`. */
  requestsTo(path: string): RecordedRequest[];
  /** Serves `path` (exact path, query ignored) with `handler`; replaces an earlier route and its hit count. */
  route(path: string, handler: Route): void;
  /** Requests in flight on this server right now, and the most at once. */
  readonly inFlight: InFlightCounter;
  /** TCP connections accepted so far. */
  readonly connectionCount: number;
  /** Resolves when a request for `path` has arrived `count` times in total. */
  waitForRequests(path: string, count?: number): Promise<void>;
  close(): Promise<void>;
}

export interface StartOptions {
  /** Also count this server's in-flight requests here (e.g. across two hosts). */
  sharedInFlight?: InFlightCounter;
  /** Address to listen on: 127.0.0.1 (default), or 127.0.0.2 for a second host. */
  host?: string;
}

export async function startHostileServer(options: StartOptions = {}): Promise<HostileServer> {
  const routes = new Map<string, Route>();
  const hits = new Map<string, number>();
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  const socketIds = new WeakMap<Socket, number>();
  const waiters: { path: string; count: number; resolve: () => void }[] = [];
  const inFlight = new InFlightCounter();
  let connectionCount = 0;

  const server = http.createServer((req, res) => {
    const pathname = new URL(req.url ?? '/', 'http://x').pathname;
    requests.push({
      method: req.method ?? '',
      path: req.url ?? '',
      headers: req.headers,
      at: performance.now(),
      socketId: socketIds.get(req.socket) ?? 0,
    });
    inFlight.enter();
    options.sharedInFlight?.enter();
    res.once('close', () => {
      inFlight.leave();
      options.sharedInFlight?.leave();
    });

    const hit = (hits.get(pathname) ?? 0) + 1;
    hits.set(pathname, hit);
    for (const waiter of waiters.filter((w) => w.path === pathname && hit >= w.count)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }

    const handler = routes.get(pathname) ?? status(404);
    const ctx: RouteContext = {
      hit,
      later(ms, fn) {
        const timer = setTimeout(() => {
          timers.delete(timer);
          fn();
        }, ms);
        timers.add(timer);
      },
    };
    handler(req, res, ctx);
  });
  server.on('connection', (socket: Socket) => {
    socketIds.set(socket, ++connectionCount);
  });
  // A hostile server may leave sockets half-written; the client hanging up on them is expected.
  server.on('clientError', (_err, socket) => socket.destroy());

  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://${host}:${port}`;

  return {
    origin,
    url: (path) => origin + path,
    requests,
    requestsTo: (path) => requests.filter((r) => new URL(r.path, 'http://x').pathname === path),
    route(path, handler) {
      routes.set(path, handler);
      hits.delete(path);
    },
    inFlight,
    get connectionCount() {
      return connectionCount;
    },
    waitForRequests(path, count = 1) {
      if ((hits.get(path) ?? 0) >= count) return Promise.resolve();
      return new Promise((resolve) => waiters.push({ path, count, resolve }));
    },
    close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Stalled and kept-alive connections would keep close() waiting forever.
        server.closeAllConnections();
      });
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Route behaviours. Well-behaved ones first, then the hostile ones.

export interface ServeOptions {
  /** Strong (`"v1"`) or weak (`W/"v1"`) entity tag. */
  etag?: string;
  lastModified?: string;
  contentType?: string;
  contentDisposition?: string;
  headers?: OutgoingHttpHeaders;
  /** Stream the body with Transfer-Encoding: chunked (no Content-Length). */
  chunked?: boolean;
  /** Answer `Range: bytes=n-` with 206 when If-Range (if any) matches. Default true. */
  ranges?: boolean;
  /** Wait this long before answering. */
  delayMs?: number;
}

/** Serves `body` correctly, honouring Range and If-Range like a good static file server. */
export function serve(body: Buffer | string, options: ServeOptions = {}): Route {
  const data = Buffer.from(body);
  return (req, res, ctx) => {
    const answer = () => {
      if (res.destroyed) return;
      const range = rangeToServe(req, data.length, options);
      const headers = baseHeaders(options);
      if (range === 'unsatisfiable') {
        res.writeHead(416, { ...headers, 'content-range': `bytes */${data.length}` }).end();
        return;
      }
      const start = range ?? 0;
      const slice = data.subarray(start);
      if (range !== undefined) headers['content-range'] = `bytes ${start}-${data.length - 1}/${data.length}`;
      if (!options.chunked) headers['content-length'] = slice.length;
      res.writeHead(range !== undefined ? 206 : 200, headers);
      if (options.chunked) {
        // Several writes without Content-Length: Node sends Transfer-Encoding: chunked.
        const half = Math.floor(slice.length / 2);
        res.write(slice.subarray(0, half));
        res.end(slice.subarray(half));
      } else {
        res.end(slice);
      }
    };
    if (options.delayMs) ctx.later(options.delayMs, answer);
    else answer();
  };
}

/** An empty-bodied (or short text) answer with the given status. */
export function status(code: number, headers: OutgoingHttpHeaders = {}, body = ''): Route {
  return (_req, res) => {
    res.writeHead(code, { 'content-length': Buffer.byteLength(body), ...headers }).end(body);
  };
}

export function redirect(location: string, code = 302): Route {
  return status(code, { location });
}

/** The n-th request gets the n-th route; the last one answers every later request. */
export function sequence(...routes: Route[]): Route {
  return (req, res, ctx) => routes[Math.min(ctx.hit, routes.length) - 1](req, res, ctx);
}

/** How a partial body ends. */
export type CutOff = 'destroy' | 'reset' | 'end' | 'stall';

/**
 * The full headers (Content-Length of all of `body`, unless options.chunked) and the first
 * `sentBytes` of `body`, then:
 * 'destroy' (socket.destroy(): the connection closes under the response), 'reset' (a TCP RST,
 * which may also discard bytes the client has not read yet), 'end' (a half-close: a truncated
 * body) or 'stall' (nothing more; the connection stays open until the server closes).
 */
export function partialBody(body: Buffer, sentBytes: number, then: CutOff, options: ServeOptions = {}): Route {
  return (_req, res) => {
    // With options.chunked there is no Content-Length: only the missing last chunk tells.
    res.writeHead(200, options.chunked ? baseHeaders(options) : { ...baseHeaders(options), 'content-length': body.length });
    if (sentBytes === 0) res.flushHeaders();
    else res.write(body.subarray(0, sentBytes));
    if (then === 'stall') return;
    // Wait until the bytes are handed to the kernel, so the client really receives them.
    res.socket?.write('', () => {
      if (then === 'reset') res.socket?.resetAndDestroy();
      else if (then === 'destroy') res.socket?.destroy();
      else res.socket?.end();
    });
  };
}

/**
 * A chunked body sent `chunkSize` bytes at a time, one chunk every `intervalMs` (so the client
 * reads them one by one), then properly ended.
 */
export function trickle(body: Buffer, chunkSize: number, intervalMs: number, options: ServeOptions = {}): Route {
  return (_req, res, ctx) => {
    res.writeHead(200, baseHeaders(options));
    const send = (offset: number) => {
      if (res.destroyed) return;
      if (offset >= body.length) {
        res.end();
        return;
      }
      res.write(body.subarray(offset, offset + chunkSize));
      ctx.later(intervalMs, () => send(offset + chunkSize));
    };
    send(0);
  };
}

/**
 * Answers every request with 206 Partial Content for the whole body from byte 0
 * (`Content-Range: bytes 0-(n-1)/n`), whatever range was asked for.
 */
export function misplacedRange(body: Buffer, options: ServeOptions = {}): Route {
  return (_req, res) => {
    res.writeHead(206, {
      ...baseHeaders(options),
      'content-range': `bytes 0-${body.length - 1}/${body.length}`,
      'content-length': body.length,
    });
    res.end(body);
  };
}

/** Accepts the request and never answers (not even headers). */
export function neverRespond(): Route {
  return () => undefined;
}

/**
 * Writes a hand-made response straight to the socket (bypassing Node's HTTP framing), then
 * closes it. `head` is the status line and headers without the blank line; `Connection: close`
 * is added so the client does not race a reused socket against the close.
 */
export function rawResponse(head: string, body: Buffer | string = ''): Route {
  const bytes = Buffer.concat([Buffer.from(`${head}\r\nConnection: close\r\n\r\n`, 'latin1'), Buffer.from(body)]);
  return (req) => {
    req.socket.end(bytes);
  };
}

/** A 200 response announcing `Content-Length: declared` but carrying `body` (longer). */
export function overlongBody(declared: number, body: Buffer): Route {
  return rawResponse(`HTTP/1.1 200 OK\r\nContent-Length: ${declared}`, body);
}

/** A chunked response whose chunks are all sent, but not the terminating `0\r\n\r\n`. */
export function chunkedWithoutTerminator(body: Buffer): Route {
  const chunk = Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from('\r\n')]);
  return rawResponse('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked', chunk);
}

/** Holds the request `ms` before handing it to `route` (a slow server, for concurrency counts). */
export function delayed(ms: number, route: Route): Route {
  return (req, res, ctx) => ctx.later(ms, () => !res.destroyed && route(req, res, ctx));
}

// ---------------------------------------------------------------------------------------------

export function payload(size: number): Buffer {
  return randomBytes(size);
}

export function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function baseHeaders(options: ServeOptions): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = { 'content-type': options.contentType ?? 'application/octet-stream', ...options.headers };
  if (options.etag) headers.etag = options.etag;
  if (options.lastModified) headers['last-modified'] = options.lastModified;
  if (options.contentDisposition) headers['content-disposition'] = options.contentDisposition;
  return headers;
}

/** The first byte to send for a `Range: bytes=n-` request, or undefined for the whole body. */
function rangeToServe(req: IncomingMessage, length: number, options: ServeOptions): number | 'unsatisfiable' | undefined {
  if (options.ranges === false) return undefined;
  const match = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
  if (!match) return undefined;
  const ifRange = req.headers['if-range'];
  // If-Range needs a strong validator match; otherwise the whole (changed) entity is sent.
  if (ifRange !== undefined && ifRange !== options.etag && ifRange !== options.lastModified) return undefined;
  if (ifRange !== undefined && ifRange.startsWith('W/')) return undefined;
  const start = Number(match[1]);
  return start >= length ? 'unsatisfiable' : start;
}
