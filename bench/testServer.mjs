#!/usr/bin/env node
// A small HTTP/1.1 file server for the benchmark cases nginx can't model (bench/bench.mjs starts
// and stops it, one process per case, on 127.0.0.1 only):
//
//   --delay-ms N   wait N ms before the first byte of every response (the "latency" case: a far
//                  or slow server, where only concurrency helps)
//   --rate B       cap each connection at B bytes/s (the "capped" case: object stores and CDNs
//                  that limit each connection, where only Range requests over several connections
//                  get the bandwidth)
//   --log FILE     append one JSON line per response to FILE: { t (ms since the epoch, request
//                  start), ms (until the response ended), conn (connection number), method, url,
//                  range (the Range header), status, bytes (body bytes sent), complete }; for the
//                  benches to check how a client fetched (e.g. split into Range requests)
//
// Files come from --root (read into memory on first use); GET and HEAD, keep-alive without limits,
// single byte ranges (206 / 416), ETag, Last-Modified and Accept-Ranges like a static server.
// Prints {"port":N} on stdout once it listens.

import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    root: { type: 'string' },
    port: { type: 'string', default: '0' },
    'delay-ms': { type: 'string', default: '0' },
    rate: { type: 'string', default: '0' },
    chunk: { type: 'string', default: String(64 * 1024) },
    log: { type: 'string' },
  },
});
if (!values.root) {
  console.error('usage: node bench/testServer.mjs --root DIR [--delay-ms N] [--rate BYTES_PER_S] [--log FILE] [--port 0]');
  process.exit(2);
}
const root = path.resolve(values.root);
const delayMs = Number(values['delay-ms']);
const rate = Number(values.rate);
const chunkSize = Number(values.chunk);

/** path → { body, etag, mtime } */
const files = new Map();

function load(urlPath) {
  let entry = files.get(urlPath);
  if (entry !== undefined) return entry;
  const file = path.join(root, path.normalize(decodeURIComponent(urlPath)).replace(/^(\.\.[/\\])+/, ''));
  entry = null;
  if (file.startsWith(root + path.sep)) {
    try {
      const st = fs.statSync(file);
      if (st.isFile()) {
        entry = {
          body: fs.readFileSync(file),
          etag: `"${st.size.toString(16)}-${Math.floor(st.mtimeMs).toString(16)}"`,
          mtime: st.mtime.toUTCString(),
        };
      }
    } catch {
      // 404
    }
  }
  files.set(urlPath, entry);
  return entry;
}

/** One `bytes=a-b`, `bytes=a-` or `bytes=-n` range → [start, end] inclusive; null for none or
 *  several (served whole, as a server may); 'unsatisfiable' for a range past the end. */
function parseRange(header, size) {
  const m = /^bytes=(\d*)-(\d*)$/.exec((header ?? '').trim());
  if (!m || (m[1] === '' && m[2] === '')) return null;
  let start;
  let end;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
    if (start >= size || end < start) return 'unsatisfiable';
  }
  return [start, end];
}

const CAP = Symbol('cap');

/** Writes body at most `rate` bytes/s per connection: chunks on a schedule kept per socket, so
 *  consecutive (keep-alive) responses share the budget; a timer that fires late may catch up by
 *  at most 20 ms worth, never burst. */
function sendCapped(req, res, body) {
  const state = (req.socket[CAP] ??= { next: 0 });
  let offset = 0;
  const step = () => {
    if (res.destroyed) return;
    if (offset >= body.length) {
      res.end();
      return;
    }
    const now = performance.now();
    if (state.next > now) {
      setTimeout(step, Math.max(1, state.next - now));
      return;
    }
    const n = Math.min(chunkSize, body.length - offset);
    const ok = res.write(body.subarray(offset, offset + n));
    offset += n;
    const base = state.next >= now - 20 ? state.next : now;
    state.next = base + (n / rate) * 1000;
    if (ok) step();
    else res.once('drain', step);
  };
  step();
}

function respond(req, res) {
  const url = new URL(req.url, 'http://127.0.0.1');
  if (url.pathname === '/healthz') {
    res.writeHead(204).end();
    return;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-length': 0 }).end();
    return;
  }
  const entry = load(url.pathname);
  if (!entry) {
    res.writeHead(404, { 'content-length': 0 }).end();
    return;
  }
  const size = entry.body.length;
  const headers = {
    'content-type': 'application/octet-stream',
    'accept-ranges': 'bytes',
    etag: entry.etag,
    'last-modified': entry.mtime,
  };
  let range = parseRange(req.headers.range, size);
  const ifRange = req.headers['if-range'];
  if (range && ifRange && ifRange !== entry.etag && ifRange !== entry.mtime) range = null;
  if (range === 'unsatisfiable') {
    res.writeHead(416, { ...headers, 'content-range': `bytes */${size}`, 'content-length': 0 }).end();
    return;
  }
  let body = entry.body;
  if (range) {
    body = body.subarray(range[0], range[1] + 1);
    res.writeHead(206, { ...headers, 'content-range': `bytes ${range[0]}-${range[1]}/${size}`, 'content-length': body.length });
  } else {
    res.writeHead(200, { ...headers, 'content-length': size });
  }
  if (req.method === 'HEAD') res.end();
  else if (rate > 0) sendCapped(req, res, body);
  else res.end(body);
}

/** --log: a line per response once it has ended (finished or cut off). */
const requestLog = values.log ? fs.createWriteStream(values.log, { flags: 'a' }) : undefined;
const CONN = Symbol('conn');
let connections = 0;

function logResponse(req, res) {
  const t = Date.now();
  const t0 = performance.now();
  const conn = (req.socket[CONN] ??= ++connections);
  let written = 0;
  const write = res.write;
  res.write = function (chunk, ...rest) {
    if (chunk) written += chunk.length;
    return write.call(this, chunk, ...rest);
  };
  const end = res.end;
  res.end = function (chunk, ...rest) {
    if (chunk && typeof chunk !== 'function') written += chunk.length;
    return end.call(this, chunk, ...rest);
  };
  res.once('close', () => {
    requestLog.write(JSON.stringify({
      t, ms: Math.round(performance.now() - t0), conn, method: req.method, url: req.url, range: req.headers.range,
      status: res.statusCode, bytes: req.method === 'HEAD' ? 0 : written, complete: res.writableFinished,
    }) + '\n');
  });
}

const server = http.createServer((req, res) => {
  if (requestLog) logResponse(req, res);
  if (delayMs > 0) setTimeout(() => respond(req, res), delayMs);
  else respond(req, res);
});
// Keep-alive like the nginx config: no request limit per connection, long idle timeout.
server.keepAliveTimeout = 75_000;
server.headersTimeout = 80_000;
server.requestTimeout = 0;
server.maxRequestsPerSocket = 0;
server.listen(Number(values.port), '127.0.0.1', () => {
  process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n');
});
for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => process.exit(0));
