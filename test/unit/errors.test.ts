import assert from 'node:assert/strict';
import { CancelledError, DownloadError, toDownloadError } from '../../src/core/errors';
import { HttpParserError } from '../../src/core/h1/responseParser';

function asDownloadError(err: unknown): DownloadError {
  assert.ok(err instanceof DownloadError, `expected a DownloadError, got ${String(err)}`);
  return err;
}

const errno = (code: string, message = code) => Object.assign(new Error(message), { code });

describe('errors: toDownloadError', () => {
  it('ECONNRESET with bytes received names the amount and is retryable', () => {
    const e = asDownloadError(toDownloadError(errno('ECONNRESET', 'read ECONNRESET'), 1_234_567));
    assert.equal(e.message, 'connection reset after 1.2 MB');
    assert.equal(e.retryable, true);
    assert.equal(e.name, 'DownloadError');
  });

  it("the engine's parser errors say what was wrong, as a retryable PROTOCOL error", () => {
    const error = asDownloadError(toDownloadError(new HttpParserError('bad chunk size', 'HPE_INVALID_CHUNK_SIZE'), 2048));
    assert.equal(error.message, 'malformed HTTP response: bad chunk size after 2.0 KB');
    assert.equal(error.code, 'PROTOCOL');
    assert.equal(error.retryable, true);
  });

  it('without bytes received there is no "after"', () => {
    assert.equal(toDownloadError(errno('ECONNRESET')).message, 'connection reset');
  });

  it('reads the code from a fetch-style cause', () => {
    const err = new TypeError('fetch failed', { cause: errno('ECONNREFUSED') });
    const e = asDownloadError(toDownloadError(err));
    assert.equal(e.message, 'connection refused');
    assert.equal(e.retryable, true);
  });

  it('maps undici timeouts', () => {
    const headers = asDownloadError(toDownloadError(errno('UND_ERR_HEADERS_TIMEOUT', 'Headers Timeout Error')));
    assert.equal(headers.message, 'timed out waiting for response headers');
    assert.equal(headers.retryable, true);
    const body = asDownloadError(toDownloadError(errno('UND_ERR_BODY_TIMEOUT'), 2_500));
    assert.equal(body.message, 'no data received within the timeout after 2.5 KB');
    assert.equal(body.retryable, true);
  });

  it('host not found is not retryable', () => {
    const e = asDownloadError(toDownloadError(errno('ENOTFOUND', 'getaddrinfo ENOTFOUND x.invalid')));
    assert.equal(e.message, 'host not found');
    assert.equal(e.retryable, false);
  });

  it('other HTTP parser errors are retryable malformed responses', () => {
    const e = asDownloadError(toDownloadError(errno('HPE_INVALID_HEADER_TOKEN'), 10));
    assert.equal(e.message, 'malformed HTTP response (HPE_INVALID_HEADER_TOKEN) after 10 B');
    assert.equal(e.retryable, true);
  });

  it('file system errors are not retryable', () => {
    const e = asDownloadError(toDownloadError(errno('ENOSPC', 'ENOSPC: no space left on device, write'), 5_000_000));
    assert.equal(e.message, 'file error: ENOSPC: no space left on device, write');
    assert.equal(e.retryable, false);
    assert.equal(asDownloadError(toDownloadError(errno('EACCES', 'EACCES: permission denied'))).retryable, false);
  });

  it('aborts become CancelledError', () => {
    const abortError = new Error('This operation was aborted');
    abortError.name = 'AbortError';
    for (const err of [abortError, new DOMException('aborted', 'AbortError'), errno('ABORT_ERR'), errno('UND_ERR_ABORTED')]) {
      const result = toDownloadError(err, 100);
      assert.ok(result instanceof CancelledError, String(err));
      assert.equal(result.message, 'cancelled');
    }
  });

  it('passes DownloadError and CancelledError through unchanged', () => {
    const d = new DownloadError('HTTP 503', true, 'HTTP_STATUS', { status: 503, retryAfterMs: 1000 });
    assert.equal(toDownloadError(d), d);
    const c = new CancelledError();
    assert.equal(toDownloadError(c), c);
  });

  it('unknown errors keep their message; retryable only when they carry a code', () => {
    const plain = asDownloadError(toDownloadError(new Error('boom')));
    assert.equal(plain.message, 'boom');
    assert.equal(plain.retryable, false);
    const coded = asDownloadError(toDownloadError(errno('EWEIRD', 'weird'), 1_000_000));
    assert.equal(coded.message, 'weird after 1.0 MB');
    assert.equal(coded.retryable, true);
    assert.equal(toDownloadError('just a string').message, 'just a string');
  });
});
