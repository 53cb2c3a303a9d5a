#!/usr/bin/env node
// The benchmark's floor reference: the least a Node downloader can do. One URL per line in LIST,
// all from one origin; --jobs keep-alive connections (raw node:net sockets reading into one
// reused buffer per connection, or node:tls sockets, speaking HTTP/1.1; with --h2 one node:http2
// session with --jobs streams), each taking the next URL when its response is done; bodies
// written with fs.writeSync straight to <dir>/<basename> as they arrive. No retries, no .part
// files, no progress, no checks beyond status and Content-Length (no chunked encoding).
//
// --safe: each whole file also gets the file-system calls asset-fetch makes for its guarantees (a
// lock symlink against a second run, a check for an existing file, the body in <name>.part renamed
// when complete, the server's Last-Modified as its time, the lock removed): what those calls cost,
// without the engine's JavaScript.
//
// --split BYTES: a file is fetched in Range parts of that size spread over the connections (the
// first part tells the length), each written at its offset (the floor for servers that cap each
// connection's rate).
//
// usage: node bench/floorClient.mjs [--jobs 16] [--dir .] [--cacert ca.pem] [--h2] [--split N] [--safe] LIST

import fs from 'node:fs';
import http2 from 'node:http2';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    jobs: { type: 'string', default: '16' },
    dir: { type: 'string', default: '.' },
    cacert: { type: 'string' },
    h2: { type: 'boolean', default: false },
    split: { type: 'string', default: '0' },
    safe: { type: 'boolean', default: false },
  },
});
if (positionals.length !== 1) {
  console.error('usage: node bench/floorClient.mjs [--jobs 16] [--dir .] [--cacert ca.pem] [--h2] [--split BYTES] [--safe] LIST');
  process.exit(2);
}
const jobs = Number(values.jobs);
const dir = values.dir;
const split = Number(values.split);
const safe = values.safe;
const LOCK_OWNER = `${process.pid} floor`;
const ca = values.cacert ? fs.readFileSync(values.cacert) : undefined;

const urls = fs.readFileSync(positionals[0], 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
const origin = new URL(urls[0]);
const https = origin.protocol === 'https:';
const port = Number(origin.port) || (https ? 443 : 80);
const hostHeader = origin.host;

/** A task is a whole file ({ path, file }) or, with --split, one part of one ({ ..., target, start, end }). */
const queue = urls.map((u) => {
  const url = new URL(u);
  if (url.origin !== origin.origin) die(`all URLs must share one origin (${origin.origin}), got ${u}`);
  return { path: url.pathname + url.search, file: path.join(dir, path.basename(url.pathname)) };
});

function die(message) {
  console.error(`floorClient: ${message}`);
  process.exit(1);
}

/** A file fetched in parts: one fd, closed when its last part is written. */
function openTarget(file) {
  return { fd: fs.openSync(file, 'w'), parts: 1 };
}

function partDone(target) {
  if (--target.parts === 0) fs.closeSync(target.fd);
}

/** After the first part's response head: queue the rest of the file, at the front so the parts of
 *  one file are fetched together. */
function queueRest(task, total) {
  const rest = [];
  for (let start = task.end + 1; start < total; start += split) {
    rest.push({ path: task.path, file: task.file, target: task.target, start, end: Math.min(start + split, total) - 1 });
  }
  task.target.parts += rest.length;
  queue.unshift(...rest);
  firstKnown();
}

// With --split, connections with nothing to do wait while a first part's length is unknown.
let firstsInFlight = 0;
const waiters = [];

function firstKnown() {
  firstsInFlight--;
  for (const wake of waiters.splice(0)) wake();
}

async function takeTask() {
  for (;;) {
    const task = queue.shift();
    if (task && split > 0 && !task.target) {
      task.target = openTarget(task.file);
      task.start = 0;
      task.end = split - 1;
      task.first = true;
      firstsInFlight++;
    }
    if (task || firstsInFlight === 0) return task ?? null;
    await new Promise((resolve) => waiters.push(resolve));
  }
}

// ---------------------------------------------------------------------------
// HTTP/1.1 on a raw socket

/** Plain TCP reads go into one reused 1 MiB buffer per connection (`onread`: no allocation per
 *  read); TLS sockets deliver 'data' chunks. */
function connect(onChunk) {
  return new Promise((resolve, reject) => {
    const socket = https
      ? tls.connect({ host: origin.hostname, port, ca, ALPNProtocols: ['http/1.1'], servername: net.isIP(origin.hostname) ? undefined : origin.hostname })
      : net.connect({ host: origin.hostname, port, onread: { buffer: Buffer.allocUnsafe(1 << 20), callback: (n, buf) => onChunk(buf.subarray(0, n)) } });
    if (https) socket.on('data', onChunk);
    socket.setNoDelay(true);
    socket.once(https ? 'secureConnect' : 'connect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Runs tasks on one connection until the queue is empty. */
async function h1Worker() {
  let task = null;
  let head = Buffer.alloc(0);
  let fd = -1;
  let position = 0;
  let remaining = -1; // body bytes still to come; -1 while reading the head
  let done = null;

  const next = async () => {
    task = await takeTask();
    if (!task) {
      socket.end();
      done.resolve();
      return;
    }
    if (safe && !task.target) {
      fs.symlinkSync(LOCK_OWNER, `${task.file}.part.lock`);
      if (fs.existsSync(task.file)) die(`${task.file} exists`);
    }
    const range = task.target ? `Range: bytes=${task.start}-${task.end}\r\n` : '';
    socket.write(`GET ${task.path} HTTP/1.1\r\nHost: ${hostHeader}\r\n${range}\r\n`);
    remaining = -1;
  };

  const onHead = (text) => {
    const status = Number(text.slice(9, 12));
    const length = /\r\ncontent-length:\s*(\d+)/i.exec(text);
    if (!length) die(`${task.path}: no Content-Length`);
    remaining = Number(length[1]);
    if (task.target) {
      if (status === 200 && task.first) {
        // No ranges: the whole file on this connection.
        position = 0;
        firstKnown();
      } else if (status === 206) {
        const cr = /\r\ncontent-range:\s*bytes (\d+)-\d+\/(\d+)/i.exec(text);
        if (!cr) die(`${task.path}: 206 without Content-Range`);
        position = Number(cr[1]);
        if (task.first) queueRest(task, Number(cr[2]));
      } else {
        die(`${task.path}: HTTP ${status}`);
      }
      fd = task.target.fd;
    } else {
      if (status !== 200) die(`${task.path}: HTTP ${status}`);
      if (safe) task.lastModified = /\r\nlast-modified:\s*([^\r]+)/i.exec(text)?.[1];
      fd = fs.openSync(safe ? `${task.file}.part` : task.file, 'w');
      position = 0;
    }
  };

  const finish = () => {
    if (task.target) partDone(task.target);
    else fs.closeSync(fd);
    if (safe && !task.target) {
      fs.renameSync(`${task.file}.part`, task.file);
      if (task.lastModified) fs.utimesSync(task.file, new Date(), new Date(task.lastModified));
      fs.unlinkSync(`${task.file}.part.lock`);
    }
    task = null;
    remaining = -1;
    next();
  };

  /** The chunk may be the reused read buffer: written synchronously, or copied (head bytes). */
  const onChunk = (chunk) => {
    while (chunk.length) {
      if (remaining < 0) {
        head = Buffer.concat([head, chunk]);
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        onHead(head.toString('latin1', 0, end + 2));
        chunk = head.subarray(end + 4);
        head = Buffer.alloc(0);
        if (remaining === 0) finish();
        continue;
      }
      const n = Math.min(remaining, chunk.length);
      fs.writeSync(fd, chunk, 0, n, position);
      position += n;
      remaining -= n;
      chunk = chunk.subarray(n);
      if (remaining === 0) finish();
    }
  };
  const socket = await connect(onChunk);
  socket.on('error', (err) => die(err.message));
  socket.on('close', () => {
    if (task) die(`connection closed during ${task.path}`);
  });

  await new Promise((resolve) => {
    done = { resolve };
    next();
  });
}

// ---------------------------------------------------------------------------
// HTTP/2: one session, `jobs` streams at a time

async function h2Run() {
  const session = http2.connect(origin.origin, { ca, settings: { initialWindowSize: 4 << 20 } });
  session.on('error', (err) => die(err.message));
  await new Promise((resolve) => session.once('connect', resolve));
  session.setLocalWindowSize(32 << 20);
  const stream = () => new Promise((resolve) => {
    const run = async () => {
      const task = await takeTask();
      if (!task) return resolve();
      const headers = { ':path': task.path };
      if (task.target) headers.range = `bytes=${task.start}-${task.end}`;
      const req = session.request(headers);
      let fd = -1;
      let position = 0;
      req.on('response', (h) => {
        const status = h[':status'];
        if (task.target) {
          if (status === 206) {
            const cr = /^bytes (\d+)-\d+\/(\d+)/.exec(h['content-range'] ?? '');
            if (!cr) die(`${task.path}: 206 without Content-Range`);
            position = Number(cr[1]);
            if (task.first) queueRest(task, Number(cr[2]));
          } else if (status === 200 && task.first) {
            firstKnown();
          } else {
            die(`${task.path}: HTTP ${status}`);
          }
          fd = task.target.fd;
        } else {
          if (status !== 200) die(`${task.path}: HTTP ${status}`);
          fd = fs.openSync(task.file, 'w');
        }
      });
      req.on('data', (chunk) => {
        fs.writeSync(fd, chunk, 0, chunk.length, position);
        position += chunk.length;
      });
      req.on('end', () => {
        if (task.target) partDone(task.target);
        else fs.closeSync(fd);
        run();
      });
      req.on('error', (err) => die(`${task.path}: ${err.message}`));
    };
    run();
  });
  await Promise.all(Array.from({ length: jobs }, stream));
  session.close();
}

if (values.h2) await h2Run();
else await Promise.all(Array.from({ length: split > 0 ? jobs : Math.min(jobs, queue.length) }, h1Worker));
