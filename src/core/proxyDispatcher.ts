// A dispatcher that sends each request either directly or through undici's ProxyAgent for its
// proxy, with the same connection limits and timeouts on both paths, and that names the proxy in
// errors met on the way to it. Only built when a proxy may be used, and the undici parts behind a
// proxy are loaded when the first request needs one, so a run without a proxy never pays for them.
import type { IncomingHttpHeaders } from 'node:http';
import { statusText, undiciParts } from './lazyModules';
import type { Duplex } from 'node:stream';
import type { Agent, Dispatcher as DispatcherTypes } from 'undici';
import type Dispatcher from 'undici/lib/dispatcher/dispatcher.js';
import { SettledDispatcher } from './settledDispatcher';
import type { TrustOptions } from './http';
import { DownloadError, toDownloadError } from './errors';
import { proxyDisplayName, proxyFor, type ProxyPlan } from './proxy';
import { isRetryableStatus } from './retry';

type DispatchOptions = DispatcherTypes.DispatchOptions;
type DispatchHandler = DispatcherTypes.DispatchHandler;
type Controller = DispatcherTypes.DispatchController;

export class ProxyRoutingDispatcher extends SettledDispatcher {
  private readonly proxyAgents = new Map<string, Dispatcher>();
  /** origin → its proxy (null: direct); a batch meets few origins and asks for each many times. */
  private readonly routes = new Map<string, URL | null>();

  constructor(
    private readonly direct: Dispatcher,
    private readonly plan: ProxyPlan,
    private readonly agentOptions: Agent.Options,
  ) {
    super();
  }

  dispatch(options: DispatchOptions, handler: DispatchHandler): boolean {
    const proxy = this.proxyOf(String(options.origin));
    if (!proxy) return this.direct.dispatch(options, handler);
    return this.proxyAgent(proxy).dispatch(options, new ProxyErrorNamer(handler, proxy, String(options.origin)));
  }

  protected closeAll(): Promise<void> {
    return Promise.all(this.dispatchers().map((d) => d.close())).then(() => undefined);
  }

  protected destroyAll(err: Error | null): Promise<void> {
    return Promise.all(this.dispatchers().map((d) => d.destroy(err))).then(() => undefined);
  }

  private proxyOf(origin: string): URL | undefined {
    let proxy = this.routes.get(origin);
    if (proxy === undefined) {
      proxy = proxyFor(this.plan, new URL(origin)) ?? null;
      this.routes.set(origin, proxy);
    }
    return proxy ?? undefined;
  }

  private proxyAgent(proxy: URL): Dispatcher {
    let agent = this.proxyAgents.get(proxy.href);
    if (!agent) {
      agent = createProxyAgent(proxy, this.agentOptions, this.plan.strictSSL);
      this.proxyAgents.set(proxy.href, agent);
    }
    return agent;
  }

  private dispatchers(): Dispatcher[] {
    return [this.direct, ...this.proxyAgents.values()];
  }
}

function createProxyAgent(proxy: URL, agentOptions: Agent.Options, strictSSL: boolean): Dispatcher {
  const { ProxyAgent, Pool, connect } = undiciParts(); // loaded on demand, see the file comment
  // The connection to the proxy, and TLS to a site through a tunnel, use connectors of their own:
  // they get the connect timeout here, and certificate checks as strictSSL says.
  const trust = (agentOptions.connect ?? {}) as TrustOptions;
  const tls = {
    timeout: agentOptions.connectTimeout,
    ca: trust.ca,
    // Made once per trust: without it every tunnelled connection parses the CA list again.
    secureContext: trust.secureContext,
    rejectUnauthorized: strictSSL && trust.rejectUnauthorized !== false,
  };
  return new ProxyAgent({
    ...agentOptions,
    uri: proxy.href,
    // http:// URLs are forwarded ("GET http://host/path" to the proxy), as curl does; https://
    // URLs always go through a CONNECT tunnel.
    proxyTunnel: false,
    proxyTls: tls,
    requestTls: tls,
    // Per site (tunnels) and per site through the proxy (forwarding): the direct path's limits.
    factory: (origin, options) => new Pool(origin, { ...agentOptions, ...options }),
    // The client that sends CONNECT: its timeouts, but no connection limit (a tunnel's socket
    // leaves the pool once established). It needs Dispatcher#connect, which only the package
    // index would add.
    clientFactory: (origin, options) =>
      Object.assign(new Pool(origin, { ...agentOptions, connections: null, ...options }), { connect }),
  });
}

/** Errors before the proxy answered a request have little to do with the site: they say which proxy. */
const PROXY_CONNECT_FAILURES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT']);

/** Passes everything to `inner`, rewording errors that come from the proxy rather than the site. */
class ProxyErrorNamer implements DispatchHandler {
  private responded = false;

  constructor(
    private readonly inner: DispatchHandler,
    private readonly proxy: URL,
    private readonly origin: string,
  ) {}

  onRequestStart(controller: Controller, context: unknown): void {
    this.inner.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(controller: Controller, statusCode: number, headers: IncomingHttpHeaders, socket: Duplex): void {
    this.inner.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }

  onResponseStart(controller: Controller, statusCode: number, headers: IncomingHttpHeaders, statusMessage?: string): void {
    this.responded = true;
    this.inner.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: Controller, chunk: Buffer): void {
    this.inner.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Controller, trailers: IncomingHttpHeaders): void {
    this.inner.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: Controller, error: Error): void {
    this.inner.onResponseError?.(controller, this.responded ? error : this.reword(error));
  }

  private reword(error: Error): Error {
    const proxy = proxyDisplayName(this.proxy);
    const code = (error as { code?: string }).code ?? (error.cause as { code?: string } | undefined)?.code;
    if (code && PROXY_CONNECT_FAILURES.has(code)) {
      const cause = toDownloadError(error);
      return new DownloadError(`cannot connect to proxy ${proxy}: ${cause.message}`, cause instanceof DownloadError && cause.retryable, cause instanceof DownloadError ? cause.code : 'NETWORK');
    }
    // undici's words for a proxy that answered CONNECT, or a forwarded request, with an error.
    const status = Number(/^Proxy response \((\d{3})\)/.exec(error.message)?.[1] ?? /Proxy Authentication Required \((407)\)/.exec(error.message)?.[1]);
    if (status === 407) {
      return new DownloadError(`proxy ${proxy} requires authentication (HTTP 407): put the user name and password in the proxy URL`, false, 'NETWORK');
    }
    if (status) {
      const reason = `HTTP ${status} ${statusText(status)}`.trim();
      return new DownloadError(`proxy ${proxy} would not connect to ${new URL(this.origin).host} (${reason})`, isRetryableStatus(status), 'NETWORK');
    }
    return error;
  }
}
