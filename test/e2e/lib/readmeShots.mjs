// The README's screenshots, taken by the scenarios at the moment worth showing. They go to media/
// only when `npm run demo:vscode -- --screenshots` asks for them (ASSET_FETCH_README_SHOTS=1), so
// that a test run never changes tracked files; otherwise to artifacts/readme-<name>, to look at.
import fs from 'node:fs';
import path from 'node:path';
import { artifactsDir, repoDir } from './paths.mjs';

export const README_SHOTS_ENV = 'ASSET_FETCH_README_SHOTS';

/** Where the README screenshot `name` (e.g. "screenshot-hover.png") goes in this run. */
export function readmeShotPath(name) {
  if (process.env[README_SHOTS_ENV] === '1') return path.join(repoDir, 'media', name);
  fs.mkdirSync(artifactsDir, { recursive: true });
  return path.join(artifactsDir, `readme-${name}`);
}

/** Copies a screenshot the scenario already took (ctx.shot) to where README screenshot `name` goes. */
export function keepAsReadmeShot(file, name) {
  fs.copyFileSync(file, readmeShotPath(name));
}
