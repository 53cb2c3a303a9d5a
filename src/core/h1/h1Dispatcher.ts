// The engine's own HTTP/1.1 client for direct connections (http and https): keep-alive sockets per
// origin, one GET at a time on each, responses parsed by responseParser.ts. It speaks undici's
// dispatch-handler protocol (onRequestStart, onResponseStart/Data/End/Error and a controller with
// pause, resume and abort), so http.ts's Exchange runs on it or on undici alike; proxies stay on
// undici (proxyDispatcher.ts). Why: for many small files undici's general machinery (its Request
// object, header conversions, the wasm parser's calls, a timer per request) cost about a third of
// what our engine adds over a raw socket (see the README's design and benchmark notes).
import net from 'node:net';
import type { ConnectionOptions } from 'node:tls';
import type { Dispatcher as DispatcherTypes } from 'undici';
import type { TrustOptions } from '../http';
import { SettledDispatcher } from '../settledDispatcher';
import { tlsModule } from '../lazyModules';
import { HEADER_NAME, ResponseParser, type ResponseHead } from './responseParser';

type DispatchOptions = DispatcherTypes.DispatchOptions;
type DispatchHandler = DispatcherTypes.DispatchHandler;

export interface H1Options {
  /** Connections per origin. */
  connections: number;
  connectTimeoutMs: number;
  headersTimeoutMs: number;
  /** Longest time with no body byte while the body is being read (not while paused). */
  bodyTimeoutMs: number;
  /** An idle connection is closed after this long (or sooner, when the server says Keep-Alive: timeout=N). */
  keepAliveTimeoutMs: number;
  tls?: TrustOptions;
}

/** An error with a stable code, as undici's errors are (errors.ts words them). */
function codedError(message: string, code: string): Error {
  return Object.assign(new Error(message), { code });
}

const BAD_VALUE = /[\r\n\0]/;

/**
 * Each connection reads into one buffer of this size (`onread`, plain TCP and TLS alike) instead
 * of through the socket's stream ('data' events, a new 64 KiB buffer per read): in the bench's
 * floor client that stream path alone made 2,000 small files 26% slower (10 interleaved rounds).
 */
const READ_BUFFER_BYTES = 128 * 1024;

export class H1Dispatcher extends SettledDispatcher {
  private readonly pools = new Map<string, OriginPool>();
  private destroyed = false;
  private ticker: NodeJS.Timeout | undefined;

  constructor(readonly options: H1Options) {
    super();
  }

  dispatch(options: DispatchOptions, handler: DispatchHandler): boolean {
    const request = new RequestRun(handler);
    handler.onRequestStart?.(request, {});
    if (request.aborted) return true;
    if (this.destroyed) {
      request.fail(codedError('the client is closed', 'UND_ERR_CLOSED'));
      return true;
    }
    const origin = String(options.origin);
    let pool = this.pools.get(origin);
    try {
      if (!pool) {
        pool = new OriginPool(new URL(origin), this);
        this.pools.set(origin, pool);
      }
      request.text = requestText(options, pool.url.host);
    } catch (err) {
      request.fail(err as Error);
      return true;
    }
    pool.add(request);
    this.startTicker();
    return true;
  }

  /** Ends at once, as destroy: a batch closes its dispatcher only when no request is wanted any more. */
  protected closeAll(): Promise<void> {
    return this.destroyAll(null);
  }

  protected destroyAll(err: Error | null): Promise<void> {
    this.destroyed = true;
    clearInterval(this.ticker);
    this.ticker = undefined;
    for (const pool of this.pools.values()) pool.destroy(err ?? codedError('the client is destroyed', 'UND_ERR_DESTROYED'));
    this.pools.clear();
    return Promise.resolve();
  }

  /** One coarse timer checks every connection's deadline: cheaper than a timer per request. */
  private startTicker(): void {
    if (this.ticker) return;
    const shortest = Math.min(this.options.connectTimeoutMs, this.options.headersTimeoutMs, this.options.bodyTimeoutMs);
    const every = Math.max(20, Math.min(1000, Math.floor(shortest / 4)));
    this.ticker = setInterval(() => {
      const now = Date.now();
      let open = 0;
      for (const pool of this.pools.values()) open += pool.checkDeadlines(now);
      if (open === 0) {
        clearInterval(this.ticker);
        this.ticker = undefined;
      }
    }, every);
    this.ticker.unref();
  }
}

/** `GET path HTTP/1.1` with the headers: one string, one socket write. */
function requestText(options: DispatchOptions, hostHeader: string): string {
  if (/[\s\0]/.test(options.path)) throw codedError(`invalid request path "${options.path}"`, 'UND_ERR_INVALID_ARG');
  let text = `${options.method ?? 'GET'} ${options.path} HTTP/1.1\r\n`;
  let host = false;
  const add = (name: string, value: string) => {
    if (!HEADER_NAME.test(name) || BAD_VALUE.test(value)) throw codedError(`invalid request header "${name}"`, 'UND_ERR_INVALID_ARG');
    if (name.length === 4 && name.toLowerCase() === 'host') host = true;
    text += `${name}: ${value}\r\n`;
  };
  const headers = options.headers;
  if (Array.isArray(headers)) {
    for (let i = 0; i + 1 < headers.length; i += 2) add(String(headers[i]), String(headers[i + 1]));
  } else if (headers) {
    const record = headers as Record<string, string | string[] | undefined>;
    for (const name in record) {
      const value = record[name];
      if (value === undefined) continue;
      if (Array.isArray(value)) for (const v of value) add(name, v);
      else add(name, String(value));
    }
  }
  if (!host) text += `host: ${hostHeader}\r\n`;
  return `${text}connection: keep-alive\r\n\r\n`;
}

/** One request's life; also the handler's controller (pause, resume, abort). */
class RequestRun implements DispatcherTypes.DispatchController {
  text = '';
  connection: Connection | undefined;
  pool: OriginPool | undefined;
  aborted = false;
  paused = false;
  /** Why it was aborted (part of the controller interface). */
  reason: Error | null = null;
  /** Retried once already on a fresh connection (a kept-alive one had been closed by the server). */
  retried = false;
  private settled = false;

  constructor(readonly handler: DispatchHandler) {}

  pause(): void {
    this.paused = true;
    this.connection?.pauseFor(this);
  }

  resume(): void {
    this.paused = false;
    this.connection?.resumeFor(this);
  }

  abort(reason: Error): void {
    if (this.aborted || this.settled) return;
    this.aborted = true;
    this.reason = reason;
    if (this.connection) this.connection.drop(this);
    else this.pool?.forget(this);
    this.fail(reason);
  }

  fail(error: Error): void {
    if (this.settled) return;
    this.settled = true;
    this.handler.onResponseError?.(this, error);
  }

  head(head: ResponseHead): void {
    if (this.settled) return;
    this.handler.onResponseStart?.(this, head.statusCode, head.headers, '');
  }

  data(chunk: Buffer): void {
    if (this.settled) return;
    this.handler.onResponseData?.(this, chunk);
  }

  end(): void {
    if (this.settled) return;
    this.settled = true;
    this.handler.onResponseEnd?.(this, {});
  }
}

/** The connections to one origin and the requests waiting for one. */
class OriginPool {
  readonly idle: Connection[] = [];
  readonly busy = new Set<Connection>();
  private readonly waiting: RequestRun[] = [];
  private head = 0;
  /** Connections opened and not yet closed (idle, busy or connecting). */
  open = 0;

  constructor(
    readonly url: URL,
    readonly owner: H1Dispatcher,
  ) {}

  add(request: RequestRun): void {
    request.pool = this;
    this.waiting.push(request);
    this.pump();
  }

  forget(request: RequestRun): void {
    const at = this.waiting.indexOf(request, this.head);
    if (at !== -1) this.waiting.splice(at, 1);
  }

  /** Gives waiting requests to idle connections, opening new ones up to the limit. */
  pump(): void {
    while (this.head < this.waiting.length) {
      let connection = this.idle.pop();
      if (!connection) {
        if (this.open >= this.owner.options.connections) break;
        connection = new Connection(this);
        this.open++;
      }
      const request = this.waiting[this.head++];
      this.busy.add(connection);
      connection.run(request);
    }
    if (this.head > 64 && this.head * 2 > this.waiting.length) {
      this.waiting.splice(0, this.head);
      this.head = 0;
    }
  }

  /** A connection is free again. */
  released(connection: Connection): void {
    this.busy.delete(connection);
    this.idle.push(connection);
    this.pump();
  }

  /** A connection closed (for whatever reason); `retry`: a request to send again on another. */
  closed(connection: Connection, retry?: RequestRun): void {
    this.open--;
    this.busy.delete(connection);
    const at = this.idle.indexOf(connection);
    if (at !== -1) this.idle.splice(at, 1);
    if (retry) {
      if (this.head > 0) this.waiting[--this.head] = retry;
      else this.waiting.unshift(retry);
    }
    this.pump();
  }

  /** Times out what is overdue; returns how many connections are open. */
  checkDeadlines(now: number): number {
    for (const connection of [...this.busy, ...this.idle]) connection.checkDeadline(now);
    return this.open;
  }

  destroy(error: Error): void {
    const waiting = this.waiting.slice(this.head);
    this.waiting.length = 0;
    this.head = 0;
    for (const connection of [...this.busy, ...this.idle]) connection.destroy(error);
    for (const request of waiting) request.fail(error);
  }
}

const enum Phase {
  Connecting,
  Head,
  Body,
  Idle,
}

/** One socket: one request at a time, kept alive between them. */
class Connection {
  private readonly socket: net.Socket;
  private readonly parser: ResponseParser;
  private current: RequestRun | undefined;
  private phase = Phase.Connecting;
  private deadline: number;
  /** Completed at least one response: a failure before any byte of the next may be a stale keep-alive. */
  private reused = false;
  private keepAliveMs: number;
  private closed = false;

  constructor(private readonly pool: OriginPool) {
    const options = pool.owner.options;
    this.keepAliveMs = options.keepAliveTimeoutMs;
    this.deadline = Date.now() + options.connectTimeoutMs;
    const url = pool.url;
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    const buffer = Buffer.allocUnsafe(READ_BUFFER_BYTES);
    const onread = { buffer, callback: (n: number) => this.onRead(buffer, n) };
    if (url.protocol === 'https:') {
      const trust = options.tls ?? {};
      // tls.connect takes `onread` as net.connect does (nodejs/node#35753); @types/node omits it.
      const tlsOptions: ConnectionOptions & Pick<net.TcpSocketConnectOpts, 'onread'> = {
        host,
        port: Number(url.port) || 443,
        servername: net.isIP(host) ? undefined : host,
        ALPNProtocols: ['http/1.1'],
        ...(trust.secureContext ? { secureContext: trust.secureContext } : trust.ca ? { ca: trust.ca } : {}),
        ...(trust.rejectUnauthorized === false && { rejectUnauthorized: false }),
        onread,
      };
      this.socket = tlsModule().connect(tlsOptions);
      this.socket.once('secureConnect', () => this.connected());
    } else {
      this.socket = net.connect({ host, port: Number(url.port) || 80, onread });
      this.socket.once('connect', () => this.connected());
    }
    this.socket.setNoDelay(true);
    this.parser = new ResponseParser({
      onHead: (head) => this.onHead(head),
      onBody: (chunk) => this.onBody(chunk),
      onComplete: (reusable) => this.onComplete(reusable),
    });
    this.socket.on('end', () => this.ended());
    this.socket.on('error', (err) => this.ended(err));
    this.socket.on('close', () => this.ended());
  }

  run(request: RequestRun): void {
    this.current = request;
    request.connection = this;
    this.parser.reset();
    if (this.phase !== Phase.Connecting) {
      this.phase = Phase.Head;
      this.deadline = Date.now() + this.pool.owner.options.headersTimeoutMs;
    }
    // Written before the connection is up, it waits in the socket until it is.
    this.socket.write(request.text, 'latin1');
    if (request.paused) this.socket.pause();
    else if (this.socket.isPaused()) this.socket.resume();
  }

  private connected(): void {
    if (this.phase !== Phase.Connecting) return;
    this.socket.setKeepAlive(true, 60_000);
    this.phase = this.current ? Phase.Head : Phase.Idle;
    this.deadline = Date.now() + this.pool.owner.options.headersTimeoutMs;
  }

  pauseFor(request: RequestRun): void {
    if (this.current === request) this.socket.pause();
  }

  resumeFor(request: RequestRun): void {
    if (this.current !== request) return;
    if (this.phase === Phase.Body) this.deadline = Date.now() + this.pool.owner.options.bodyTimeoutMs;
    this.socket.resume();
  }

  /** The request gave up (aborted): the connection cannot be reused mid-response. */
  drop(request: RequestRun): void {
    if (this.current !== request) return;
    this.current = undefined;
    this.close();
  }

  destroy(error: Error): void {
    const request = this.current;
    this.current = undefined;
    this.close();
    request?.fail(error);
  }

  checkDeadline(now: number): void {
    if (this.closed || now < this.deadline) return;
    const options = this.pool.owner.options;
    switch (this.phase) {
      case Phase.Connecting:
        return this.destroy(codedError(`Connect Timeout Error (attempted address: ${this.pool.url.host}, timeout: ${options.connectTimeoutMs}ms)`, 'UND_ERR_CONNECT_TIMEOUT'));
      case Phase.Head:
        return this.destroy(codedError('Headers Timeout Error', 'UND_ERR_HEADERS_TIMEOUT'));
      case Phase.Body:
        if (this.current?.paused) return;
        return this.destroy(codedError('Body Timeout Error', 'UND_ERR_BODY_TIMEOUT'));
      case Phase.Idle:
        return this.close();
    }
  }

  /** `n` bytes read into the connection's buffer; reading goes on unless the consumer paused it. */
  private onRead(buffer: Buffer, n: number): boolean {
    this.onData(buffer.subarray(0, n));
    return true;
  }

  private onData(data: Buffer): void {
    const request = this.current;
    if (!request) {
      // Bytes nobody asked for (on an idle connection): it cannot be trusted with another request.
      this.close();
      return;
    }
    let used: number;
    try {
      used = this.parser.execute(data);
    } catch (err) {
      this.destroy(err as Error);
      return;
    }
    if (this.current !== request || this.closed) return;
    if (this.parser.done && used < data.length) this.close();
  }

  private onHead(head: ResponseHead): void {
    this.phase = Phase.Body;
    this.deadline = Date.now() + this.pool.owner.options.bodyTimeoutMs;
    const keepAlive = /\btimeout=(\d+)/i.exec(String(head.headers['keep-alive'] ?? ''));
    // A second less than the server's word, so it does not close the socket as we write to it.
    if (keepAlive) this.keepAliveMs = Math.min(this.keepAliveMs, Math.max(0, Number(keepAlive[1]) * 1000 - 1000));
    this.current?.head(head);
  }

  private onBody(chunk: Buffer): void {
    if (this.phase === Phase.Body) this.deadline = Date.now() + this.pool.owner.options.bodyTimeoutMs;
    // Reads land in one buffer that the next read overwrites, and consumers keep chunks (a file's
    // writes are batched, early bytes wait for a consumer): what is handed on is a copy.
    this.current?.data(Buffer.from(chunk));
  }

  private onComplete(reusable: boolean): void {
    const request = this.current;
    this.current = undefined;
    if (request) request.connection = undefined;
    if (reusable && this.keepAliveMs > 0 && !this.closed) {
      this.reused = true;
      this.phase = Phase.Idle;
      this.deadline = Date.now() + this.keepAliveMs;
      if (this.socket.isPaused()) this.socket.resume();
      request?.end();
      if (!this.closed && this.current === undefined && this.phase === Phase.Idle) this.pool.released(this);
      return;
    }
    this.close();
    request?.end();
  }

  /**
   * The socket ended, failed (`error`) or closed: a response read to the end of the connection is
   * complete, any other one under way has failed. Then the connection is gone.
   */
  private ended(error?: Error): void {
    if (this.current && !this.parser.done) {
      try {
        if (error) throw error;
        this.parser.finish();
      } catch (err) {
        this.failCurrent(err as Error);
      }
    }
    this.close();
  }

  /**
   * The connection failed under the current request. A kept-alive connection that the server
   * closed as the request went out failed before any byte of a response: that request is sent
   * once more on a fresh connection instead of failing (the request is a GET: safe to repeat).
   */
  private failCurrent(error: Error): void {
    const request = this.current!;
    this.current = undefined;
    request.connection = undefined;
    const stale = this.reused && !this.parser.started && !request.retried && !request.aborted;
    if (stale) {
      request.retried = true;
      this.retry = request;
      return;
    }
    request.fail(error);
  }

  private retry: RequestRun | undefined;

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.destroy();
    const request = this.current;
    this.current = undefined;
    const retry = this.retry;
    this.retry = undefined;
    this.pool.closed(this, retry);
    // Not reached by the paths above (each settles its request first); never leave one hanging.
    request?.fail(codedError('other side closed', 'UND_ERR_SOCKET'));
  }
}
