// The demo's loopback server: demo/assets as static files, plus /export, which answers 503 with
// Retry-After once and then a CSV named by Content-Disposition (to show a retry and server naming),
// and /slow/<name>, 1 MiB sent over about 2.5 s (to show progress).
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const root = path.resolve('demo/assets');

/** Starts the server on a free loopback port; returns { origin, close }. */
export async function startDemoServer() {
  let exportRequests = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    if (url.pathname === '/export') {
      if (exportRequests++ === 0) {
        res.writeHead(503, { 'retry-after': '1' }).end('busy');
        return;
      }
      res.writeHead(200, { 'content-type': 'text/csv', 'content-disposition': 'attachment; filename="export-42.csv"' });
      res.end('id,value\n42,answer\n');
      return;
    }
    if (url.pathname.startsWith('/slow/')) {
      sendSlowly(res, 1024 * 1024, 64 * 1024, 150);
      return;
    }
    const file = path.join(root, path.normalize(decodeURIComponent(url.pathname)));
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-length': fs.statSync(file).size });
    fs.createReadStream(file).pipe(res);
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${server.address().port}`, close: () => server.close() };
}

function sendSlowly(res, size, chunk, intervalMs) {
  res.writeHead(200, { 'content-length': size, 'content-type': 'application/octet-stream' });
  let sent = 0;
  const timer = setInterval(() => {
    const n = Math.min(chunk, size - sent);
    res.write(Buffer.alloc(n, sent % 251));
    sent += n;
    if (sent >= size) {
      clearInterval(timer);
      res.end();
    }
  }, intervalMs);
  res.on('close', () => clearInterval(timer));
}

/** demo/assets.txt with {origin} filled in. */
export function demoList(origin) {
  return fs.readFileSync('demo/assets.txt', 'utf8').replaceAll('{origin}', origin);
}
