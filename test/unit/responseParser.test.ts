// The HTTP/1.1 response parser: each response is fed whole, then split at every byte boundary, and
// must give the same head, body and end each time.
import assert from 'node:assert/strict';
import { HttpParserError, MAX_HEAD_BYTES, ResponseParser, type ResponseHead } from '../../src/core/h1/responseParser';

interface Parsed {
  heads: ResponseHead[];
  body: string;
  completed: boolean | undefined;
  consumed: number;
}

function parse(parts: Buffer[], finish = false): Parsed {
  const result: Parsed = { heads: [], body: '', completed: undefined, consumed: 0 };
  const parser = new ResponseParser({
    onHead: (head) => result.heads.push(head),
    onBody: (chunk) => (result.body += chunk.toString('latin1')),
    onComplete: (reusable) => (result.completed = reusable),
  });
  for (const part of parts) {
    result.consumed += parser.execute(part);
    if (parser.done) break;
  }
  if (finish) parser.finish();
  return result;
}

/** The same parse for the whole text and for every split of it in two and in single bytes. */
function parseEverySplit(text: string, finish = false): Parsed {
  const whole = Buffer.from(text, 'latin1');
  const expected = parse([whole], finish);
  for (let at = 1; at < whole.length; at++) {
    const split = parse([whole.subarray(0, at), whole.subarray(at)], finish);
    assert.deepEqual(strip(split), strip(expected), `split at byte ${at}`);
  }
  const bytes = parse([...whole].map((b) => Buffer.from([b])), finish);
  assert.deepEqual(strip(bytes), strip(expected), 'byte by byte');
  return expected;
}

const strip = (p: Parsed) => ({ heads: p.heads, body: p.body, completed: p.completed });

function rejects(text: string, code: string, finish = false): void {
  assert.throws(() => parse([Buffer.from(text, 'latin1')], finish), (err: HttpParserError) => err.code === code, `expected ${code}`);
}

describe('HTTP/1.1 response parser', () => {
  it('reads a Content-Length body and says the connection may be reused', () => {
    const parsed = parseEverySplit('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nETag: "x"\r\nX-Dup: a\r\nx-dup: b\r\n\r\nhello');
    assert.equal(parsed.heads.length, 1);
    assert.equal(parsed.heads[0].statusCode, 200);
    assert.deepEqual(parsed.heads[0].headers, { 'content-length': '5', etag: '"x"', 'x-dup': ['a', 'b'] });
    assert.equal(parsed.body, 'hello');
    assert.equal(parsed.completed, true);
  });

  it('reads a chunked body with extensions and trailers', () => {
    const parsed = parseEverySplit('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;name=v\r\nhello\r\n1A\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nX-Trailer: 1\r\n\r\n');
    assert.equal(parsed.body, 'helloabcdefghijklmnopqrstuvwxyz');
    assert.equal(parsed.completed, true);
  });

  it('reads to the end of the connection without a length, and never reuses it', () => {
    const parsed = parseEverySplit('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end', true);
    assert.equal(parsed.body, 'until the end');
    assert.equal(parsed.completed, false);
  });

  it('skips 1xx responses and keeps the real one', () => {
    const parsed = parseEverySplit('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\nno');
    assert.deepEqual(parsed.heads.map((h) => h.statusCode), [404]);
    assert.equal(parsed.body, 'no');
  });

  it('gives 204 and 304 no body even with a Content-Length', () => {
    for (const status of [204, 304]) {
      const parsed = parse([Buffer.from(`HTTP/1.1 ${status} X\r\nContent-Length: 10\r\n\r\n`)]);
      assert.equal(parsed.body, '');
      assert.equal(parsed.completed, true);
    }
  });

  it('keeps an HTTP/1.0 connection only when it says keep-alive, and no connection that says close', () => {
    assert.equal(parse([Buffer.from('HTTP/1.0 200 OK\r\nContent-Length: 0\r\n\r\n')]).completed, false);
    assert.equal(parse([Buffer.from('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n')]).completed, true);
    assert.equal(parse([Buffer.from('HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 0\r\n\r\n')]).completed, false);
  });

  it('uses the transfer coding over a Content-Length and drops the connection after', () => {
    const parsed = parse([Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n')]);
    assert.equal(parsed.body, 'hello');
    assert.equal(parsed.completed, false);
  });

  it('stops at the end of the response: bytes after it are not consumed', () => {
    const parsed = parse([Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokEXTRA')]);
    assert.equal(parsed.body, 'ok');
    assert.equal(parsed.consumed, 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok'.length);
  });

  it('refuses conflicting or malformed lengths, bad chunk sizes and malformed heads', () => {
    rejects('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n', 'HPE_UNEXPECTED_CONTENT_LENGTH');
    rejects('HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\n', 'HPE_UNEXPECTED_CONTENT_LENGTH');
    rejects('HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n', 'HPE_UNEXPECTED_CONTENT_LENGTH');
    rejects('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n', 'HPE_INVALID_CHUNK_SIZE');
    rejects('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nabX\r\n', 'HPE_INVALID_CHUNK_SIZE');
    rejects('HTTP/1.1 200 OK\r\nX-Folded: a\r\n b\r\n\r\n', 'HPE_INVALID_HEADER_TOKEN');
    rejects('HTTP/1.1 200 OK\r\nno colon here\r\n\r\n', 'HPE_INVALID_HEADER_TOKEN');
    rejects('HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n', 'HPE_INVALID_HEADER_TOKEN');
    rejects('HTTP/1.1 2000 OK\r\n\r\n', 'HPE_INVALID_CONSTANT');
    rejects('HTTP/1.1 101 Switching Protocols\r\n\r\n', 'HPE_INVALID_CONSTANT');
    rejects(`HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(MAX_HEAD_BYTES)}\r\n\r\n`, 'HPE_HEADER_OVERFLOW');
  });

  it('refuses HTTP/2 frames at once, keeping the bytes for the message', () => {
    const settings = Buffer.from([0, 0, 0x12, 4, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0x64]);
    assert.throws(
      () => parse([settings]),
      (err: HttpParserError) => err.name === 'HTTPParserError' && err.code === 'HPE_INVALID_CONSTANT' && err.data!.startsWith('\x00\x00\x12\x04'),
    );
  });

  it('says a body cut short by the end of the connection is an error', () => {
    assert.throws(() => parse([Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc')], true), (err: { code?: string }) => err.code === 'UND_ERR_SOCKET');
    assert.throws(() => parse([Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab')], true), (err: { code?: string }) => err.code === 'UND_ERR_SOCKET');
    assert.throws(() => parse([Buffer.from('HTTP/1.1 200 O')], true), (err: { code?: string }) => err.code === 'UND_ERR_SOCKET');
  });

  it('starts over cleanly for the next response on the same connection', () => {
    const events: string[] = [];
    const parser = new ResponseParser({
      onHead: (h) => events.push(`head ${h.statusCode}`),
      onBody: (c) => events.push(`body ${c.toString()}`),
      onComplete: (r) => events.push(`end ${r}`),
    });
    parser.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\na'));
    assert.ok(parser.done);
    parser.reset();
    assert.ok(!parser.started);
    parser.execute(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nb'));
    assert.deepEqual(events, ['head 200', 'body a', 'end true', 'head 200', 'body b', 'end true']);
  });
});
