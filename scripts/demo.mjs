// `npm run demo`: serves demo/assets on 127.0.0.1, downloads demo/assets.txt with the CLI into
// demo-output/, and prints the CLI's own summary. Works offline.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { demoList, startDemoServer } from './demoServer.mjs';

const outDir = path.resolve('demo-output');
const server = await startDemoServer();
const { origin } = server;
fs.rmSync(outDir, { recursive: true, force: true });
fs.mkdirSync(outDir, { recursive: true });
const list = path.join(outDir, 'assets.txt');
fs.writeFileSync(list, demoList(origin));
console.log(`Serving demo/assets at ${origin}; downloading ${path.relative('.', list)} into demo-output/downloads\n`);

const cli = spawn(process.execPath, ['dist/cli.js', '--dir', 'demo-output/downloads', list], { stdio: 'inherit' });
const code = await new Promise((resolve) => cli.on('exit', resolve));
server.close();
console.log(`\nFiles now in demo-output/downloads:`);
for (const entry of fs.readdirSync('demo-output/downloads', { recursive: true }).sort()) console.log(`  ${entry}`);
process.exitCode = code ?? 1;
