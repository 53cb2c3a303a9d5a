// The HTTP layer: one undici Agent per batch (keep-alive reuse) and undici's low-level dispatch
// API, so a response body reaches the file without a stream object per download. Redirects are
// followed by hand so that user headers never leak to another origin or host.
import type { Dispatcher } from 'undici';
// The Agent alone (see src/types/undici-agent.d.ts for why not the package index), and only for
// its type here: it is loaded when a batch asks for it, so a run on the engine's own client
// never compiles undici's client (nor node:http2, which it loads).
import type Agent from 'undici/lib/dispatcher/agent.js';
import type { IncomingHttpHeaders } from 'node:http';
import fs from 'node:fs';
import type tls from 'node:tls';
import { tlsModule, undiciParts } from './lazyModules';
import type { Cancellable } from './cancellation';
import { CancelledError, DownloadError } from './errors';
import { redactUrl } from './urlCheck';
import { planProxy, type Environment } from './proxy';
import { ProxyRoutingDispatcher } from './proxyDispatcher';
import { H1Dispatcher } from './h1/h1Dispatcher';
import { nodeCaReader, type CaReader } from './tlsProblems';
import type { ProxySettings, TlsSettings } from './types';

export const MAX_REDIRECTS = 10;
/** Body bytes buffered before a consumer is attached; the connection is paused beyond this. */
const MAX_UNATTACHED_BYTES = 1024 * 1024;
/** Error bodies up to this size are read out so the connection can be reused; larger ones close it. */
const MAX_DRAIN_BYTES = 64 * 1024;

export interface HttpSettings {
  timeoutSeconds: number;
  perHost: number;
  proxy?: ProxySettings;
  tls?: TlsSettings;
}

/**
 * The batch's dispatcher. Direct connections use the engine's own HTTP/1.1 client (h1/); with a
 * proxy (settings or environment, read now) requests are routed per origin, directly or through
 * undici's proxy agent. ASSET_FETCH_HTTP_CLIENT=undici sends direct ones through undici's Agent
 * too (for comparisons).
 */
export function createDispatcher(settings: HttpSettings, env: Environment = process.env): Dispatcher {
  const timeout = settings.timeoutSeconds * 1000;
  // Default trust needs no options (and no node:tls loaded before the first https connection).
  const tls = settings.tls;
  const trust = tls && (tls.insecure || tls.system || tls.ca?.length) ? trustOptions(tls) : undefined;
  const agentOptions: Agent.Options = {
    connections: settings.perHost,
    connectTimeout: timeout,
    headersTimeout: timeout,
    // undici's body timeout is the idle time between two chunks, exactly "no byte for N seconds".
    bodyTimeout: timeout,
    keepAliveTimeout: 30_000,
    ...(trust && { connect: trust }),
  };
  const direct = env.ASSET_FETCH_HTTP_CLIENT === 'undici'
    ? new (undiciParts().Agent)(agentOptions)
    : new H1Dispatcher({
        connections: settings.perHost,
        connectTimeoutMs: timeout,
        headersTimeoutMs: timeout,
        bodyTimeoutMs: timeout,
        keepAliveTimeoutMs: 30_000,
        tls: trust,
      });
  const plan = planProxy(settings.proxy, env);
  return plan ? new ProxyRoutingDispatcher(direct, plan, agentOptions) : direct;
}

export interface TrustOptions {
  ca?: string[];
  /** Made once from `ca`: without it every TLS connection would parse the whole list again. */
  secureContext?: tls.SecureContext;
  rejectUnauthorized?: boolean;
}

/**
 * TLS options for the trust settings: extra CAs (--cacert files, the OS store) on top of Node's
 * default store, or none checked.
 */
export function trustOptions(trust: TlsSettings, read: CaReader | undefined = nodeCaReader()): TrustOptions {
  if (trust.insecure) return { rejectUnauthorized: false };
  // The OS store (Linux: its bundle and its folder) lists each certificate several times.
  const system = trust.system && read ? read('system') : [];
  if (!trust.ca?.length && system.length === 0) return {};
  // Giving `ca` replaces Node's store: keep its default certificates.
  const ca = [...new Set([...defaultCertificates(read), ...system, ...(trust.ca ?? [])])];
  return { ca, secureContext: secureContextFor(ca) };
}

/**
 * Node's default store. Where this Node cannot list it (before 22.15), its bundled list plus the
 * NODE_EXTRA_CA_CERTS file, which Node itself drops once `ca` is given.
 */
function defaultCertificates(read: CaReader | undefined): string[] {
  if (read) return read('default');
  const extraFile = process.env.NODE_EXTRA_CA_CERTS;
  let extra: string[] = [];
  try {
    if (extraFile) extra = [fs.readFileSync(extraFile, 'utf8')];
  } catch {
    // Node warned about it at start-up.
  }
  return [...tlsModule().rootCertificates, ...extra];
}

/** The last context made: a VS Code window makes its batches with the same trust (about 35 ms each). */
let lastContext: { ca: string[]; context: tls.SecureContext } | undefined;

function secureContextFor(ca: string[]): tls.SecureContext {
  const last = lastContext;
  if (last && last.ca.length === ca.length && last.ca.every((cert, i) => cert === ca[i])) return last.context;
  const context = tlsModule().createSecureContext({ ca });
  lastContext = { ca, context };
  return context;
}

export interface BodyConsumer {
  onData(chunk: Buffer): void;
  onEnd(): void;
  onError(error: Error): void;
}

/**
 * One request/response. `head` resolves with status and headers; the body is then delivered to a
 * consumer attached with `consume`, buffering (and pausing the socket) until one is.
 */
export class Exchange implements Dispatcher.DispatchHandler {
  readonly head: Promise<{ statusCode: number; headers: IncomingHttpHeaders }>;
  private resolveHead!: (value: { statusCode: number; headers: IncomingHttpHeaders }) => void;
  private rejectHead!: (error: Error) => void;
  private controller: Dispatcher.DispatchController | undefined;
  private consumer: BodyConsumer | undefined;
  private early: Buffer[] = [];
  private earlyBytes = 0;
  private ended = false;
  private failure: Error | undefined;
  private headDone = false;
  private pausedByConsumer = false;
  private lastHeaders: IncomingHttpHeaders = {};
  private readonly unsubscribeCancel: () => void;

  constructor(
    dispatcher: Dispatcher,
    readonly url: URL,
    headers: Record<string, string>,
    cancellation: Cancellable,
  ) {
    this.head = new Promise((resolve, reject) => {
      this.resolveHead = resolve;
      this.rejectHead = reject;
    });
    this.head.catch(() => undefined); // errors are read by whoever awaits head; avoid unhandled ones
    this.unsubscribeCancel = cancellation.onCancel(() => this.abort(new CancelledError()));
    if (cancellation.cancelled) return;
    dispatcher.dispatch({ origin: url.origin, path: url.pathname + url.search, method: 'GET', headers }, this);
  }

  /** Starts delivering the body (and whatever arrived already) to `consumer`. */
  consume(consumer: BodyConsumer): void {
    this.consumer = consumer;
    const early = this.early;
    this.early = [];
    this.earlyBytes = 0;
    for (const chunk of early) consumer.onData(chunk);
    if (this.failure) consumer.onError(this.failure);
    else if (this.ended) consumer.onEnd();
    // The connection was paused for the early bytes; the consumer may have paused it since (the
    // bandwidth limit, a slow disk): then it is the consumer's to resume.
    else if (!this.pausedByConsumer) this.controller?.resume();
  }

  /** Ignores the body: small ones are read out for connection reuse, others end the connection. */
  discard(): Promise<void> {
    return new Promise((resolve) => {
      this.consume({ onData: () => undefined, onEnd: resolve, onError: () => resolve() });
      const length = Number(this.headerValue('content-length') ?? Infinity);
      if (!this.ended && !this.failure && !(length <= MAX_DRAIN_BYTES)) this.abort(new Error('body discarded'));
    });
  }

  pause(): void {
    this.pausedByConsumer = true;
    this.controller?.pause();
  }

  resume(): void {
    this.pausedByConsumer = false;
    this.controller?.resume();
  }

  /** Ends the exchange early; does nothing once the body has been fully received. */
  abort(reason: Error): void {
    if (this.ended || this.failure) return;
    if (this.controller && !this.controller.aborted) this.controller.abort(reason);
    else this.fail(reason);
  }

  headerValue(name: string): string | undefined {
    const value = this.lastHeaders[name];
    return Array.isArray(value) ? value[0] : value;
  }

  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.controller = controller;
    if (this.failure) controller.abort(this.failure);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    this.lastHeaders = headers;
    this.headDone = true;
    this.resolveHead({ statusCode, headers });
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.consumer) return this.consumer.onData(chunk);
    this.early.push(chunk);
    this.earlyBytes += chunk.length;
    if (this.earlyBytes >= MAX_UNATTACHED_BYTES) controller.pause();
  }

  onResponseEnd(): void {
    this.ended = true;
    this.unsubscribeCancel();
    this.consumer?.onEnd();
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    this.fail(error);
  }

  private fail(error: Error): void {
    if (this.failure || this.ended) return;
    this.failure = error;
    this.unsubscribeCancel();
    if (!this.headDone) this.rejectHead(error);
    this.consumer?.onError(error);
  }
}

export interface Response {
  exchange: Exchange;
  statusCode: number;
  headers: IncomingHttpHeaders;
  finalUrl: string;
}

/**
 * GETs `url`, following up to MAX_REDIRECTS redirects. `headersFor` gives each hop's headers, so
 * credentials meant for one origin or host are not sent to another (see requestHeaders.ts).
 */
export async function getFollowingRedirects(
  dispatcher: Dispatcher,
  url: string | URL,
  headersFor: (hop: URL) => Record<string, string>,
  cancellation: Cancellable,
): Promise<Response> {
  let current = typeof url === 'string' ? new URL(url) : url;
  for (let hop = 0; ; hop++) {
    const headers = headersFor(current);
    const exchange = new Exchange(dispatcher, current, headers, cancellation);
    const { statusCode, headers: responseHeaders } = await exchange.head;
    const location = exchange.headerValue('location');
    if (statusCode < 300 || statusCode >= 400 || statusCode === 304 || !location) {
      return { exchange, statusCode, headers: responseHeaders, finalUrl: current.href };
    }
    await exchange.discard();
    if (hop >= MAX_REDIRECTS) {
      throw new DownloadError(`too many redirects (more than ${MAX_REDIRECTS}), last to ${redactUrl(current.href)}`, false, 'HTTP_STATUS');
    }
    const next = new URL(location, current);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new DownloadError(`redirect to unsupported scheme "${next.protocol}" from ${redactUrl(current.href)}`, false, 'PROTOCOL');
    }
    next.hash = '';
    current = next;
  }
}
