// TLS troubles the engine explains in words of its own instead of OpenSSL's: a server that speaks
// only HTTP/2, and an OS certificate store that this Node cannot read.
import { tlsModule } from './lazyModules';
import type { TlsSettings } from './types';

/** Node's tls.getCACertificates (22.15+, 23.10+), absent on older versions. */
export type CaReader = (type: 'default' | 'system' | 'bundled' | 'extra') => string[];

export function nodeCaReader(): CaReader | undefined {
  const tls = tlsModule();
  const read = (tls as { getCACertificates?: CaReader }).getCACertificates;
  return read && ((type) => read.call(tls, type));
}

/**
 * The message for a failure that means "this server speaks only HTTP/2", else undefined:
 * - a TLS alert "no application protocol" (ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL): the
 *   server refused the only protocol offered in ALPN, http/1.1 (Node's and Go's HTTP/2 servers
 *   without HTTP/1 fallback, and other OpenSSL/BoringSSL servers, answer so). undici 7 gives the
 *   socket's error as is: that code, and OpenSSL's text
 *   "...:SSL routines:ssl3_read_bytes:tlsv1 alert no application protocol:...SSL alert number 120";
 * - HTTP/2 frames (SETTINGS or GOAWAY on stream 0) where an HTTP/1.1 response should start: a
 *   server that ignores ALPN and speaks HTTP/2 to everyone (undici's HTTPParserError carries the
 *   bytes it could not parse in `data`).
 * Not retryable: the next attempt would get the same answer. `url` adds "at <origin>".
 */
export function http2OnlyProblem(err: unknown, url?: string | URL): string | undefined {
  const e = err as { code?: unknown; message?: unknown; reason?: unknown; name?: unknown; data?: unknown; cause?: { code?: unknown; message?: unknown } } | null;
  if (!e || typeof e !== 'object') return undefined;
  const alert =
    [e.code, e.cause?.code].includes(NO_APPLICATION_PROTOCOL) ||
    [e.message, e.reason, e.cause?.message].some((text) => typeof text === 'string' && /alert no application protocol/i.test(text));
  const frames = e.name === 'HTTPParserError' && typeof e.data === 'string' && HTTP2_FRAME_START.test(e.data);
  if (!alert && !frames) return undefined;
  const server = `the server${url ? ` at ${originOf(url)}` : ''}`;
  const seen = alert
    ? 'it refused HTTP/1.1 when the connection was set up (TLS alert "no application protocol")'
    : 'it answered an HTTP/1.1 request with HTTP/2 frames';
  return `${server} speaks only HTTP/2, which Asset Fetch does not support yet (it is planned); ${seen}. Meanwhile download it from a mirror that speaks HTTP/1.1, or with a client that speaks HTTP/2 (curl, a browser)`;
}

const NO_APPLICATION_PROTOCOL = 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL';
/**
 * A frame header: a 24-bit length (small), type SETTINGS (4) or GOAWAY (7), flags 0 or ACK (1),
 * stream 0. The parser's data is the bytes decoded as UTF-8, which keeps bytes below 0x80 in place.
 */
const HTTP2_FRAME_START = /^\x00[\s\S]{2}[\x04\x07][\x00\x01]\x00\x00\x00\x00/;

function originOf(url: string | URL): string {
  try {
    return new URL(url).origin;
  } catch {
    return String(url);
  }
}

/**
 * The warning a batch logs once when it was asked to trust the OS certificate store and this Node
 * cannot read it (no tls.getCACertificates: Node before 22.15, or a 23.x before 23.10); undefined otherwise.
 */
export function systemStoreProblem(trust: TlsSettings | undefined, read?: CaReader, nodeVersion = process.version): string | undefined {
  // Asked only when it matters: a reader loads node:tls.
  if (!trust?.system || trust.insecure || (read ?? nodeCaReader())) return undefined;
  return `system certificates are on (http.systemCertificates, --ca-native), but this Node (${nodeVersion}) cannot read the OS certificate store (Node 22.15 or newer can): only Node's own CA list is trusted. To trust your CA, set NODE_EXTRA_CA_CERTS to its PEM file`;
}
