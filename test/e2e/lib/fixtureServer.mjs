// Loopback HTTP server the scenarios download from. Serves files with known bytes, answers 404
// for unknown paths, and has a slow path whose full-body responses dribble out so a batch can be
// cancelled mid-way; Range requests (bytes=N-, with a matching If-Range) get a prompt 206 with
// the rest. Every request is recorded so scenarios can assert on what the extension asked for.
import crypto from 'node:crypto';
import http from 'node:http';

/** Deterministic bytes for a name: the scenarios compare files on disk against these. */
export function bytesFor(name, size) {
  const out = Buffer.alloc(size);
  let block = Buffer.alloc(0);
  for (let offset = 0, counter = 0; offset < size; offset += block.length, counter++) {
    block = crypto.createHash('sha256').update(`${name}:${counter}`).digest();
    block.copy(out, offset);
  }
  return out;
}

const DEFAULT_SLOW = { head: 64 * 1024, chunk: 2048, intervalMs: 100 };
const LAST_MODIFIED = new Date('2024-01-02T03:04:05Z').toUTCString();

/**
 * Starts the server. `files` maps a path ("/a/logo.png") to { body: Buffer, slow? }. A slow file's
 * full-body response sends `slow.head` bytes at once, then `slow.chunk` bytes every
 * `slow.intervalMs` ms; `slow: true` means { head: 64 KiB, chunk: 2 KiB, intervalMs: 100 }.
 * `rateLimited: { retryAfter }` answers the first request for the file with 429 and that
 * Retry-After (seconds).
 */
export async function startFixtureServer(files) {
  const requests = [];
  const sockets = new Set();
  const server = http.createServer((req, res) => {
    const record = { method: req.method, path: req.url, range: req.headers.range, ifRange: req.headers['if-range'], authorization: req.headers.authorization, status: 0, sent: 0 };
    requests.push(record);
    const file = files[new URL(req.url, 'http://x').pathname];
    if (!file) {
      record.status = 404;
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    if (file.rateLimited && requests.filter((r) => r.path === req.url).length === 1) {
      record.status = 429;
      res.writeHead(429, { 'content-type': 'text/plain', 'retry-after': String(file.rateLimited.retryAfter) }).end('slow down\n');
      return;
    }
    const etag = `"${crypto.createHash('sha1').update(file.body).digest('hex').slice(0, 16)}"`;
    const headers = { 'content-type': 'application/octet-stream', 'accept-ranges': 'bytes', etag, 'last-modified': LAST_MODIFIED };
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const ifRangeOk = !req.headers['if-range'] || req.headers['if-range'] === etag || req.headers['if-range'] === LAST_MODIFIED;
    if (range && ifRangeOk) {
      const start = Number(range[1]);
      if (start >= file.body.length) {
        record.status = 416;
        res.writeHead(416, { ...headers, 'content-range': `bytes */${file.body.length}` }).end();
        return;
      }
      record.status = 206;
      const rest = file.body.subarray(start);
      res.writeHead(206, { ...headers, 'content-length': rest.length, 'content-range': `bytes ${start}-${file.body.length - 1}/${file.body.length}` });
      record.sent = rest.length;
      res.end(req.method === 'HEAD' ? undefined : rest);
      return;
    }
    record.status = 200;
    res.writeHead(200, { ...headers, 'content-length': file.body.length });
    if (req.method === 'HEAD') return void res.end();
    if (!file.slow) {
      record.sent = file.body.length;
      res.end(file.body);
      return;
    }
    dribble(res, file.body, file.slow === true ? DEFAULT_SLOW : file.slow, record);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const base = `http://127.0.0.1:${server.address().port}`;
  return {
    base,
    url: (p) => base + p,
    requests,
    /** Bytes sent so far for full-body (200) responses to `p`. */
    sentOf: (p) => requests.filter((r) => r.path === p && r.status === 200).reduce((n, r) => n + r.sent, 0),
    close: () =>
      new Promise((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function dribble(res, body, { head, chunk, intervalMs }, record) {
  let offset = 0;
  const send = (n) => {
    const piece = body.subarray(offset, offset + n);
    offset += piece.length;
    record.sent = offset;
    res.write(piece);
  };
  send(head);
  const timer = setInterval(() => {
    if (offset >= body.length) {
      clearInterval(timer);
      res.end();
      return;
    }
    send(chunk);
  }, intervalMs);
  res.on('close', () => clearInterval(timer));
}
