// Removes the `.part` and `.part.meta` files of a batch that is discarded: only its own items'
// files, only inside its target folder, never those another batch of this window is writing.
// No vscode import: the extension's "Discard" uses it, and the unit tests.
import fs from 'node:fs';
import path from 'node:path';
import { isStrictlyInside } from '../core/naming';
import { PART_SUFFIX, partFilesOf } from '../core/partFile';

export interface DiscardResult {
  /** Files removed (absolute paths). */
  removed: string[];
  /** Paths not touched, with why (outside the folder, in use by a running batch, an error). */
  skipped: { file: string; reason: string }[];
}

/**
 * `relativePaths`: the batch's unfinished items' paths ("img/a.png"); `busy`: absolute paths of
 * files that running batches are downloading (their `.part` files are theirs).
 */
export async function removePartFiles(targetDir: string, relativePaths: Iterable<string>, busy: ReadonlySet<string> = new Set()): Promise<DiscardResult> {
  const result: DiscardResult = { removed: [], skipped: [] };
  const root = path.resolve(targetDir);
  const realRoot = await fs.promises.realpath(root).catch(() => undefined);
  if (!realRoot) return result; // no folder, no files
  for (const relative of relativePaths) {
    const file = path.resolve(root, relative);
    if (!isStrictlyInside(root, file)) {
      result.skipped.push({ file, reason: 'outside the target folder' });
      continue;
    }
    if (busy.has(file)) {
      result.skipped.push({ file, reason: 'another batch is downloading it' });
      continue;
    }
    // A folder on the way may be a link to elsewhere: what counts is where the file really is.
    const realParent = await fs.promises.realpath(path.dirname(file)).catch(() => undefined);
    if (!realParent) continue; // the folder is gone: nothing to remove
    if (realParent !== realRoot && !isStrictlyInside(realRoot, realParent)) {
      result.skipped.push({ file, reason: 'its folder leads outside the target folder' });
      continue;
    }
    const partPath = `${file}${PART_SUFFIX}`;
    for (const candidate of partFilesOf(partPath)) {
      try {
        const stat = await fs.promises.lstat(candidate);
        if (!stat.isFile()) {
          result.skipped.push({ file: candidate, reason: 'not a file' });
          continue;
        }
        await fs.promises.rm(candidate);
        result.removed.push(candidate);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== 'ENOENT') result.skipped.push({ file: candidate, reason: (err as Error).message });
      }
    }
  }
  return result;
}
