// The HTTP layer: one undici Agent per batch (keep-alive reuse), redirects followed by hand so
// that credentials never leak to another origin and the final URL is known.
import { Agent, request, type Dispatcher } from 'undici';
import { DownloadError } from './errors';

export const MAX_REDIRECTS = 10;

export interface HttpSettings {
  timeoutSeconds: number;
  perHost: number;
}

export function createDispatcher(settings: HttpSettings): Dispatcher {
  const timeout = settings.timeoutSeconds * 1000;
  return new Agent({
    connections: settings.perHost,
    connectTimeout: timeout,
    headersTimeout: timeout,
    // undici's body timeout is the idle time between two chunks, exactly "no byte for N seconds".
    bodyTimeout: timeout,
    keepAliveTimeout: 30_000,
  });
}

export type ResponseData = Dispatcher.ResponseData;

export interface FetchResult {
  response: ResponseData;
  finalUrl: string;
}

/**
 * GETs `url`, following up to MAX_REDIRECTS redirects. User-given headers (`userHeaders`) go only
 * to the original origin; on a cross-origin hop they are dropped, credentials first of all.
 */
export async function getFollowingRedirects(
  dispatcher: Dispatcher,
  url: string,
  userHeaders: Record<string, string>,
  extraHeaders: Record<string, string>,
  signal: AbortSignal,
): Promise<FetchResult> {
  const origin = new URL(url).origin;
  let current = url;
  for (let hop = 0; ; hop++) {
    const sameOrigin = new URL(current).origin === origin;
    // Authorization, Cookie and every other user header stay with the origin the user listed.
    const headers = sameOrigin ? { ...userHeaders, ...extraHeaders } : extraHeaders;
    const response = await request(current, { dispatcher, method: 'GET', headers, signal });
    const location = response.headers.location;
    if (response.statusCode < 300 || response.statusCode >= 400 || response.statusCode === 304 || !location) {
      return { response, finalUrl: current };
    }
    await response.body.dump().catch(() => undefined);
    if (hop >= MAX_REDIRECTS) {
      throw new DownloadError(`too many redirects (more than ${MAX_REDIRECTS}), last to ${current}`, false);
    }
    const next = new URL(Array.isArray(location) ? location[0] : location, current);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') {
      throw new DownloadError(`redirect to unsupported scheme "${next.protocol}" from ${current}`, false);
    }
    next.hash = '';
    current = next.href;
  }
}

export function headerValue(headers: ResponseData['headers'], name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}
