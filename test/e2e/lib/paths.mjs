// Where things are: the repository, the artifacts folder, the caches, scratch folders.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const e2eDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const repoDir = path.resolve(e2eDir, '../..');
export const artifactsDir = path.join(e2eDir, 'artifacts');

/**
 * Cache folders, in the order they are looked in. ASSET_FETCH_CACHE replaces the list (and is
 * where a missing tool is installed); otherwise the repository's .vscode-test/ (installed into)
 * and then ~/.cache/asset-fetch/ (only used when already there).
 */
export function cacheRoots() {
  if (process.env.ASSET_FETCH_CACHE) return [path.resolve(process.env.ASSET_FETCH_CACHE)];
  return [path.join(repoDir, '.vscode-test'), path.join(os.homedir(), '.cache', 'asset-fetch')];
}

/** A new scratch folder for this run; removed by removeScratch() unless E2E_KEEP is set. */
let scratchRoot;
export function scratchDir(name) {
  scratchRoot ??= fs.mkdtempSync(path.join(os.tmpdir(), 'asset-fetch-e2e-'));
  const dir = path.join(scratchRoot, name);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

export function removeScratch() {
  if (!scratchRoot) return undefined;
  if (process.env.E2E_KEEP) return scratchRoot;
  fs.rmSync(scratchRoot, { recursive: true, force: true });
  scratchRoot = undefined;
  return undefined;
}
