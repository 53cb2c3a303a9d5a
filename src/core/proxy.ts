// Which proxy, if any, a request goes through. An explicit proxy URL serves http and https alike;
// without one, https_proxy/HTTPS_PROXY serves https URLs and http_proxy/HTTP_PROXY http URLs (lower
// case first, empty means unset; no fallback from one scheme to the other), as in curl. The
// explicit noProxy entries and no_proxy/NO_PROXY together name the hosts reached directly.
// Loopback hosts are not special: like curl, they are proxied unless listed.
import { parseNoProxy, type NoProxyRules } from './noProxy';
import type { ProxySettings } from './types';

export type Environment = Readonly<Record<string, string | undefined>>;

export interface ProxyPlan {
  /** Proxy for http:// URLs. */
  http?: URL;
  /** Proxy for https:// URLs. */
  https?: URL;
  direct: NoProxyRules;
  /** Verify the certificates of https proxies and of https sites reached through a proxy. */
  strictSSL: boolean;
}

/**
 * The proxy plan for a batch, from its settings and the environment (read now, once). Undefined
 * when no request can go through a proxy, so the caller can keep its plain direct agent.
 * Throws an error naming the setting or variable when a proxy URL is unusable.
 */
export function planProxy(settings: ProxySettings | undefined, env: Environment): ProxyPlan | undefined {
  const explicit = settings?.url?.trim();
  const http = explicit ? parseProxyUrl(explicit, 'proxy setting') : fromEnvironment(env, 'http_proxy');
  const https = explicit ? http : fromEnvironment(env, 'https_proxy');
  if (!http && !https) return undefined;
  const direct = parseNoProxy([...(settings?.noProxy ?? []), variable(env, 'no_proxy')?.value ?? '']);
  if (direct.everything) return undefined;
  return { http, https, direct, strictSSL: settings?.strictSSL !== false };
}

/** The proxy for `target` under `plan`, or undefined to connect directly. */
export function proxyFor(plan: ProxyPlan, target: URL): URL | undefined {
  const proxy = target.protocol === 'https:' ? plan.https : plan.http;
  return proxy && !plan.direct.bypasses(target) ? proxy : undefined;
}

/** A proxy as people name it in messages: scheme, host and port, never credentials. */
export function proxyDisplayName(proxy: URL): string {
  return proxy.origin;
}

/** "proxy.corp:8080" or "http://user:pw@proxy.corp:8080/" → a URL undici can use. */
export function parseProxyUrl(text: string, source: string): URL {
  const trimmed = text.trim();
  // Like curl, a proxy without a scheme is an http proxy.
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed) ? trimmed : `http://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new Error(`${source} "${redact(trimmed)}" is not a valid proxy URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(`${source} "${redact(trimmed)}" uses ${url.protocol.slice(0, -1)}; only http:// and https:// proxies are supported`);
  }
  if (!url.hostname) throw new Error(`${source} "${redact(trimmed)}" names no host`);
  // A path means nothing for a proxy (curl ignores it too); undici wants a bare origin.
  url.pathname = '/';
  url.search = '';
  url.hash = '';
  return url;
}

function fromEnvironment(env: Environment, lowerName: 'http_proxy' | 'https_proxy'): URL | undefined {
  const found = variable(env, lowerName);
  return found && parseProxyUrl(found.value, found.name);
}

/** The lower-case variable if set and not empty, else the upper-case one. */
function variable(env: Environment, lowerName: string): { name: string; value: string } | undefined {
  for (const name of [lowerName, lowerName.toUpperCase()]) {
    const value = env[name]?.trim();
    if (value) return { name, value };
  }
  return undefined;
}

/** Hides a password in text that failed to parse as a URL (so URL cannot strip it). */
function redact(text: string): string {
  return text.replace(/\/\/([^/@:]*):[^/@]*@/, '//$1:***@');
}
