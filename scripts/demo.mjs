// `npm run demo`: serves demo/assets on 127.0.0.1, downloads demo/assets.txt with the CLI into
// demo-output/, and prints the CLI's own summary. Works offline.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

const root = path.resolve('demo/assets');
const outDir = path.resolve('demo-output');
let exportRequests = 0;

const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://localhost');
  if (url.pathname === '/export') {
    // The first request is turned away, to show a retry honouring Retry-After.
    if (exportRequests++ === 0) {
      res.writeHead(503, { 'retry-after': '1' }).end('busy');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/csv', 'content-disposition': 'attachment; filename="export-42.csv"' });
    res.end('id,value\n42,answer\n');
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
const origin = `http://127.0.0.1:${server.address().port}`;
fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });
const list = path.join(outDir, 'assets.txt');
fs.writeFileSync(list, fs.readFileSync('demo/assets.txt', 'utf8').replaceAll('{origin}', origin));
console.log(`Serving demo/assets at ${origin}; downloading ${path.relative('.', list)} into demo-output/downloads\n`);

const cli = spawn(process.execPath, ['dist/cli.js', '--dir', 'demo-output/downloads', list], { stdio: 'inherit' });
const code = await new Promise((resolve) => cli.on('exit', resolve));
server.close();
console.log(`\nFiles now in demo-output/downloads:`);
for (const entry of fs.readdirSync('demo-output/downloads', { recursive: true }).sort()) console.log(`  ${entry}`);
process.exitCode = code ?? 1;
