// Errors are values: a message a user understands, a stable code front ends may act on, and
// `retryable`, which drives the retry loop.
import { formatBytes } from './format';
import { http2OnlyProblem } from './tlsProblems';
import { HttpParserError } from './h1/responseParser';
import type { ErrorCode } from './types';

export interface HttpStatusDetails {
  status: number;
  /** What the server asked us to wait (Retry-After), in ms. */
  retryAfterMs?: number;
  /** The Retry-After header as sent, to quote it. */
  retryAfter?: string;
}

export class DownloadError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly code: ErrorCode,
    /** Set for error statuses from the server. */
    readonly http?: HttpStatusDetails,
  ) {
    super(message);
    this.name = 'DownloadError';
  }

  /** Same error with another message (a suffix, a prefix), no longer retryable. */
  final(message: string): DownloadError {
    return new DownloadError(message, false, this.code, this.http);
  }
}

/** Thrown when the item or batch was cancelled; never retried, never reported as a failure cause. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

const NETWORK_MESSAGES: Record<string, string> = {
  ECONNRESET: 'connection reset',
  ECONNREFUSED: 'connection refused',
  EPIPE: 'connection closed while sending',
  ETIMEDOUT: 'connection timed out',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host name lookup failed (temporary)',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CLOSED: 'connection closed',
  UND_ERR_CONNECT_TIMEOUT: 'timed out connecting',
  UND_ERR_HEADERS_TIMEOUT: 'timed out waiting for response headers',
  UND_ERR_BODY_TIMEOUT: 'no data received within the timeout',
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: 'body length does not match Content-Length',
  UND_ERR_REQ_CONTENT_LENGTH_MISMATCH: 'request length mismatch',
  HPE_INVALID_CONSTANT: 'malformed HTTP response',
  HPE_UNEXPECTED_CONTENT_LENGTH: 'malformed Content-Length',
  HPE_INVALID_CHUNK_SIZE: 'malformed chunked body',
};

const NOT_RETRYABLE = new Set(['ENOTFOUND']);

/** OpenSSL's verdicts on a certificate: retrying cannot change them. */
const CERTIFICATE_PROBLEMS: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'it is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'it is signed by a CA that is not trusted (self-signed certificate in the chain)',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its issuer is not trusted (unable to verify the first certificate)',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its issuer is not trusted (unable to get the local issuer certificate)',
  UNABLE_TO_GET_ISSUER_CERT: 'its issuer is not trusted (unable to get the issuer certificate)',
  CERT_HAS_EXPIRED: 'it has expired',
  CERT_NOT_YET_VALID: 'it is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'it is for another host name',
  CERT_REVOKED: 'it has been revoked',
  CERT_UNTRUSTED: 'it is not trusted',
};
const TRUST_HINT = 'to trust the CA that signed it: --cacert FILE (CLI), NODE_EXTRA_CA_CERTS, or VS Code\'s http.systemCertificates';

/**
 * Turns anything thrown during a request into a DownloadError. `received` is how many body bytes
 * had arrived in this attempt, so the message can say "connection reset after 1.2 MB".
 */
export function toDownloadError(err: unknown, received = 0): DownloadError | CancelledError {
  if (err instanceof DownloadError || err instanceof CancelledError) return err;
  const e = err as { code?: string; name?: string; message?: string; cause?: { code?: string } };
  if (e?.name === 'AbortError' || e?.code === 'ABORT_ERR' || e?.code === 'UND_ERR_ABORTED') return new CancelledError();
  const code = e?.code ?? e?.cause?.code;
  const after = received > 0 ? ` after ${formatBytes(received)}` : '';
  if (code && CERTIFICATE_PROBLEMS[code]) {
    return new DownloadError(`the server's TLS certificate is refused: ${CERTIFICATE_PROBLEMS[code]} (${code}); ${TRUST_HINT}`, false, 'TLS_CERT');
  }
  const http2Only = http2OnlyProblem(err);
  if (http2Only) return new DownloadError(http2Only, false, 'PROTOCOL');
  // The engine's own parser says what was wrong in words (h1/responseParser.ts).
  if (err instanceof HttpParserError) return new DownloadError(`malformed HTTP response: ${err.message}${after}`, true, 'PROTOCOL');
  if (code && NETWORK_MESSAGES[code]) {
    return new DownloadError(`${NETWORK_MESSAGES[code]}${after}`, !NOT_RETRYABLE.has(code), TIMEOUT_CODES.has(code) ? 'TIMEOUT' : 'NETWORK');
  }
  if (e?.name === 'HTTPParserError' && /EOF/i.test(e.message ?? '')) {
    return new DownloadError(`connection closed before the body was complete${after}`, true, 'NETWORK');
  }
  if (code?.startsWith('HPE_') || e?.name === 'HTTPParserError') {
    return new DownloadError(`malformed HTTP response (${code ?? e.message})${after}`, true, 'PROTOCOL');
  }
  if (code && /^E[A-Z]+$/.test(code) && isFileSystemCode(code)) {
    return new DownloadError(`file error: ${e.message ?? code}`, false, 'FILE_SYSTEM');
  }
  return new DownloadError(`${e?.message ?? String(err)}${after}`, Boolean(code), code ? 'NETWORK' : 'UNKNOWN');
}

const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

function isFileSystemCode(code: string): boolean {
  return ['EACCES', 'EPERM', 'ENOSPC', 'EROFS', 'EISDIR', 'ENOTDIR', 'EEXIST', 'ENAMETOOLONG', 'EMFILE', 'EDQUOT'].includes(code);
}
