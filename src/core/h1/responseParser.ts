// Parses HTTP/1.1 responses from a connection's bytes, however they are split: the status line and
// headers, then a body delimited by Content-Length, by chunked transfer coding, or by the end of
// the connection. Strict where leniency would corrupt a file (conflicting lengths, bad chunk
// sizes, folded or nameless header lines); errors carry llhttp's codes (HPE_*), so they read the
// same as undici's did (errors.ts).
import type { IncomingHttpHeaders } from 'node:http';

/** Larger heads are refused, as Node's and undici's default limit does. */
export const MAX_HEAD_BYTES = 16 * 1024;

export class HttpParserError extends Error {
  override readonly name = 'HTTPParserError';
  constructor(
    message: string,
    readonly code: string,
    /** The bytes that could not be parsed, as latin1 (tlsProblems.ts looks for HTTP/2 frames in them). */
    readonly data?: string,
  ) {
    super(message);
  }
}

export interface ResponseHead {
  statusCode: number;
  headers: IncomingHttpHeaders;
  /** HTTP/1.0 responses keep the connection only when they say keep-alive. */
  keepAlive: boolean;
  /** How the body ends: its length, chunked coding, or the connection's end. */
  framing: 'length' | 'chunked' | 'close';
  length: number;
}

export interface ParserEvents {
  onHead(head: ResponseHead): void;
  onBody(chunk: Buffer): void;
  /** The response is complete; `reusable`: the connection may carry another request. */
  onComplete(reusable: boolean): void;
}

const enum State {
  Head,
  Body,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailers,
  Done,
}

const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: [^\r\n]*)?$/;
/** A header name: an RFC 9110 token (checked in responses here, in requests by h1Dispatcher.ts). */
export const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const CHUNK_SIZE = /^([0-9A-Fa-f]{1,15})[ \t]*(?:;[^\r\n]*)?$/;
const DIGITS = /^\d{1,15}$/;

/**
 * One response at a time; `reset()` before the next on the same connection. Responses to HEAD and
 * CONNECT are never asked for: every 1xx is skipped, 101 refused.
 */
export class ResponseParser {
  private state = State.Head;
  /** Bytes of an unfinished head, chunk-size line or trailer section. */
  private held: Buffer | undefined;
  private remaining = 0;
  private head: ResponseHead | undefined;

  constructor(private readonly events: ParserEvents) {}

  get started(): boolean {
    return this.held !== undefined || this.state !== State.Head;
  }

  get done(): boolean {
    return this.state === State.Done;
  }

  reset(): void {
    this.state = State.Head;
    this.held = undefined;
    this.head = undefined;
    this.remaining = 0;
  }

  /** Feeds bytes; returns how many were consumed (fewer only when the response completed). Throws HttpParserError. */
  execute(data: Buffer): number {
    let at = 0;
    while (at < data.length && this.state !== State.Done) {
      switch (this.state) {
        case State.Head:
          at = this.readHead(data, at);
          break;
        case State.Body: {
          const n = Math.min(this.remaining, data.length - at);
          const chunk = at === 0 && n === data.length ? data : data.subarray(at, at + n);
          at += n;
          if (this.head!.framing === 'length') this.remaining -= n;
          this.events.onBody(chunk);
          if (this.remaining === 0) this.complete();
          break;
        }
        case State.ChunkSize:
          at = this.readLine(data, at, (line) => this.chunkSize(line));
          break;
        case State.ChunkData: {
          const n = Math.min(this.remaining, data.length - at);
          const chunk = data.subarray(at, at + n);
          at += n;
          this.remaining -= n;
          this.events.onBody(chunk);
          if (this.remaining === 0) this.state = State.ChunkDataEnd;
          break;
        }
        case State.ChunkDataEnd:
          at = this.readLine(data, at, (line) => {
            if (line !== '') throw new HttpParserError('chunk data not followed by CRLF', 'HPE_INVALID_CHUNK_SIZE');
            this.state = State.ChunkSize;
          });
          break;
        case State.Trailers:
          at = this.readLine(data, at, (line) => {
            if (line === '') this.complete();
          });
          break;
      }
    }
    return at;
  }

  /** The connection ended: completes a body read to the end, or throws for a cut-short one. */
  finish(): void {
    if (this.state === State.Done) return;
    if (this.state === State.Body && this.head!.framing === 'close') {
      this.complete();
      return;
    }
    throw Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' });
  }

  private complete(): void {
    this.state = State.Done;
    this.held = undefined;
    const head = this.head!;
    this.events.onComplete(head.keepAlive && head.framing !== 'close');
  }

  private readHead(data: Buffer, at: number): number {
    let buffer = data;
    let start = at;
    let searchFrom = at;
    if (this.held) {
      // Look from just before the join for a blank line split across two reads.
      searchFrom = Math.max(0, this.held.length - 3);
      buffer = Buffer.concat([this.held, data.subarray(at)]);
      start = 0;
    }
    const end = buffer.indexOf('\r\n\r\n', searchFrom, 'latin1');
    if (end === -1) {
      if (buffer.length - start > MAX_HEAD_BYTES) throw new HttpParserError('response head over 16 KiB', 'HPE_HEADER_OVERFLOW');
      this.checkStart(buffer, start);
      this.held = buffer === data ? Buffer.from(data.subarray(at)) : buffer;
      return data.length;
    }
    if (end - start > MAX_HEAD_BYTES) throw new HttpParserError('response head over 16 KiB', 'HPE_HEADER_OVERFLOW');
    const consumedOfData = end + 4 - start - (this.held ? this.held.length : 0);
    const text = buffer.toString('latin1', start, end);
    this.held = undefined;
    this.parseHead(text, buffer, start);
    return at + consumedOfData;
  }

  /** Refuses at once what cannot become an HTTP/1 status line (HTTP/2 frames, say), without waiting for more. */
  private checkStart(buffer: Buffer, start: number): void {
    const seen = buffer.toString('latin1', start, Math.min(buffer.length, start + 5));
    if (!'HTTP/'.startsWith(seen)) throw new HttpParserError('it does not start with HTTP/1.x', 'HPE_INVALID_CONSTANT', buffer.toString('latin1', start, Math.min(buffer.length, start + 64)));
  }

  private parseHead(text: string, buffer: Buffer, start: number): void {
    let lineEnd = text.indexOf('\r\n');
    if (lineEnd === -1) lineEnd = text.length;
    const status = STATUS_LINE.exec(text.slice(0, lineEnd));
    if (!status) throw new HttpParserError(`bad status line ${JSON.stringify(text.slice(0, Math.min(lineEnd, 60)))}`, 'HPE_INVALID_CONSTANT', buffer.toString('latin1', start, Math.min(buffer.length, start + 64)));
    const minor = status[1];
    const statusCode = Number(status[2]);
    const headers: IncomingHttpHeaders = {};
    while (lineEnd < text.length) {
      const lineStart = lineEnd + 2;
      lineEnd = text.indexOf('\r\n', lineStart);
      if (lineEnd === -1) lineEnd = text.length;
      const colon = text.indexOf(':', lineStart);
      // Folded (obsolete) continuation lines and lines without a name are refused, as llhttp does.
      if (colon <= lineStart || colon > lineEnd) throw new HttpParserError('bad header line', 'HPE_INVALID_HEADER_TOKEN');
      const name = lowerCaseName(text.slice(lineStart, colon));
      const value = text.slice(colon + 1, lineEnd).trim();
      const known = headers[name];
      if (known === undefined) headers[name] = value;
      else if (Array.isArray(known)) known.push(value);
      else headers[name] = [known, value];
    }
    if (statusCode < 200) {
      if (statusCode === 101) throw new HttpParserError('unexpected protocol switch (HTTP 101)', 'HPE_INVALID_CONSTANT');
      return; // 100 Continue, 103 Early Hints...: the real response follows
    }
    const connection = joined(headers.connection).toLowerCase();
    const keepAlive = minor === '1' ? !/\bclose\b/.test(connection) : /\bkeep-alive\b/.test(connection);
    const head: ResponseHead = { statusCode, headers, keepAlive, framing: 'close', length: 0 };
    const transferEncoding = joined(headers['transfer-encoding']).toLowerCase();
    const contentLength = headers['content-length'];
    if (statusCode === 204 || statusCode === 304) {
      head.framing = 'length';
    } else if (transferEncoding) {
      // Chunked must be the last coding; anything else is read to the end of the connection.
      head.framing = /(?:^|,)\s*chunked\s*$/.test(transferEncoding) ? 'chunked' : 'close';
      // A length beside a transfer coding is a smuggling sign: use the coding, then drop the connection.
      if (contentLength !== undefined) head.keepAlive = false;
    } else if (contentLength !== undefined) {
      head.framing = 'length';
      head.length = typeof contentLength === 'string' && DIGITS.test(contentLength) ? Number(contentLength) : agreedLength(contentLength);
    }
    this.head = head;
    this.events.onHead(head);
    switch (head.framing) {
      case 'length':
        this.remaining = head.length;
        this.state = State.Body;
        if (head.length === 0) this.complete();
        break;
      case 'chunked':
        this.state = State.ChunkSize;
        break;
      case 'close':
        this.remaining = Infinity;
        this.state = State.Body;
        break;
    }
  }

  private chunkSize(line: string): void {
    const match = CHUNK_SIZE.exec(line);
    if (!match) throw new HttpParserError('bad chunk size', 'HPE_INVALID_CHUNK_SIZE');
    const size = parseInt(match[1], 16);
    if (size === 0) this.state = State.Trailers;
    else {
      this.remaining = size;
      this.state = State.ChunkData;
    }
  }

  /** Reads one CRLF-ended line (chunk sizes, trailers), however it is split; bounded by MAX_HEAD_BYTES. */
  private readLine(data: Buffer, at: number, onLine: (line: string) => void): number {
    const held = this.held;
    if (held && held[held.length - 1] === 13 && data[at] === 10) {
      this.held = undefined;
      onLine(held.toString('latin1', 0, held.length - 1));
      return at + 1;
    }
    const end = data.indexOf('\r\n', at, 'latin1');
    if (end === -1) {
      const rest = data.subarray(at);
      this.held = held ? Buffer.concat([held, rest]) : Buffer.from(rest);
      if (this.held.length > MAX_HEAD_BYTES) throw new HttpParserError('chunk header or trailer too large', 'HPE_HEADER_OVERFLOW');
      return data.length;
    }
    const line = held ? held.toString('latin1') + data.toString('latin1', at, end) : data.toString('latin1', at, end);
    this.held = undefined;
    onLine(line);
    return end + 2;
  }
}

/** Header names seen, checked and lower-cased once: servers repeat the same few on every response. */
const knownNames = new Map<string, string>();

function lowerCaseName(raw: string): string {
  const known = knownNames.get(raw);
  if (known !== undefined) return known;
  if (!HEADER_NAME.test(raw)) throw new HttpParserError('bad header name', 'HPE_INVALID_HEADER_TOKEN');
  const name = raw.toLowerCase();
  if (knownNames.size < 256) knownNames.set(raw, name);
  return name;
}

/** A Content-Length given more than once or as a list: every value must be the same number. */
function agreedLength(contentLength: string | string[]): number {
  const values = (Array.isArray(contentLength) ? contentLength : [contentLength]).flatMap((v) => v.split(',').map((part: string) => part.trim()));
  if (!values.every((v) => DIGITS.test(v)) || values.some((v) => v !== values[0])) {
    throw new HttpParserError(`bad or conflicting Content-Length (${values.join(', ')})`, 'HPE_UNEXPECTED_CONTENT_LENGTH');
  }
  return Number(values[0]);
}

function joined(value: string | string[] | undefined): string {
  return value === undefined ? '' : Array.isArray(value) ? value.join(', ') : value;
}
