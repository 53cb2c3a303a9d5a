import assert from 'node:assert/strict';
import { http2OnlyProblem } from '../../src/core/tlsProblems';

/** What undici 7 rejects with when the server refuses http/1.1 in ALPN (Node 20 and 24 alike). */
function alpnAlert(): Error {
  return Object.assign(
    new Error('80FC2164257F0000:error:0A000460:SSL routines:ssl3_read_bytes:tlsv1 alert no application protocol:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:1601:SSL alert number 120\n'),
    { code: 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL', library: 'SSL routines', reason: 'tlsv1 alert no application protocol' },
  );
}

/** undici's HTTPParserError for bytes that are not an HTTP/1.1 response (its `data`: them, as UTF-8). */
function parserError(bytes: number[]): Error {
  return Object.assign(new Error('Response does not match the HTTP/1.1 protocol (Expected HTTP/, RTSP/ or ICE/)'), {
    name: 'HTTPParserError',
    code: undefined,
    data: Buffer.from(bytes).toString(),
  });
}
const SETTINGS = [0, 0, 6, 4, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 100];
const GOAWAY = [0, 0, 8, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];

describe('tlsProblems: http2OnlyProblem', () => {
  it('the TLS alert "no application protocol": HTTP/2 only, with the origin when given', () => {
    assert.equal(
      http2OnlyProblem(alpnAlert()),
      'the server speaks only HTTP/2, which Asset Fetch does not support yet (it is planned); it refused HTTP/1.1 when the connection was set up (TLS alert "no application protocol"). Meanwhile download it from a mirror that speaks HTTP/1.1, or with a client that speaks HTTP/2 (curl, a browser)',
    );
    assert.match(http2OnlyProblem(alpnAlert(), 'https://cdn.example:8443/a/b.png?x=1') ?? '', /^the server at https:\/\/cdn\.example:8443 speaks only HTTP\/2, /);
  });

  it('recognises the alert by its code, its OpenSSL text, or a wrapped cause', () => {
    assert.ok(http2OnlyProblem(Object.assign(new Error('x'), { code: 'ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL' })));
    assert.ok(http2OnlyProblem(new Error('...:SSL routines:ssl3_read_bytes:tlsv1 alert no application protocol:...')));
    assert.ok(http2OnlyProblem(new TypeError('fetch failed', { cause: alpnAlert() })));
  });

  it('HTTP/2 frames (SETTINGS, GOAWAY on stream 0) where an HTTP/1.1 response should start', () => {
    assert.match(http2OnlyProblem(parserError([...SETTINGS, ...GOAWAY])) ?? '', /speaks only HTTP\/2, .*; it answered an HTTP\/1\.1 request with HTTP\/2 frames\./);
    assert.ok(http2OnlyProblem(parserError(GOAWAY)));
    // A larger SETTINGS frame (length byte over 0x7f, which UTF-8 decoding replaces) still counts.
    assert.ok(http2OnlyProblem(parserError([0, 0, 0x90, 4, 0, 0, 0, 0, 0, ...new Array(0x90).fill(0)])));
  });

  it('other failures are not HTTP/2', () => {
    assert.equal(http2OnlyProblem(parserError([...Buffer.from('HTTP/1.1 2OO OK\r\n')])), undefined);
    assert.equal(http2OnlyProblem(parserError([0, 0, 6, 4, 0, 0, 0, 0, 1, 0, 3, 0, 0, 0, 100])), undefined, 'not stream 0');
    assert.equal(http2OnlyProblem(parserError([0, 0, 4, 1, 4, 0, 0, 0, 1])), undefined, 'HEADERS is no server opening');
    assert.equal(http2OnlyProblem(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' })), undefined);
    assert.equal(http2OnlyProblem(Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' })), undefined);
    assert.equal(http2OnlyProblem(Object.assign(new Error('x'), { code: 'ERR_SSL_WRONG_VERSION_NUMBER' })), undefined);
    assert.equal(http2OnlyProblem(undefined), undefined);
    assert.equal(http2OnlyProblem(null), undefined);
    assert.equal(http2OnlyProblem('no application protocol'), undefined);
  });
});
