// A session file (--save-session): the downloads of a run that are not done yet, written as a
// list in the aria2 input-file form the list parser reads (URL, TAB-separated mirrors, indented
// out=/checksum=/header= lines). Running it again (`asset-fetch --dir <same> SESSION`) continues
// them: each pinned to the very file its `.part` is in, so Range requests pick up the bytes on disk.
import type { ListEntry } from './types';

export interface SessionItem {
  /** The list entry, or just its URL (a batch restored in VS Code keeps no more). */
  entry: Pick<ListEntry, 'url' | 'mirrors' | 'checksum' | 'headers'>;
  /** Where this run put (or will put) the file, relative to the target folder. */
  relativePath: string;
}

/** `header` lines become `#` comments at the top. */
export function sessionListText(items: readonly SessionItem[], header: readonly string[] = []): string {
  const lines = header.map((line) => `# ${line}`);
  for (const { entry, relativePath } of items) {
    if (!entry.url) continue;
    lines.push([entry.url, ...(entry.mirrors ?? [])].join('\t'));
    lines.push(`  out=${relativePath}`);
    if (entry.checksum) lines.push(`  checksum=${entry.checksum.algorithm}=${entry.checksum.hex}`);
    for (const [name, value] of Object.entries(entry.headers ?? {})) lines.push(`  header=${name}: ${value}`);
  }
  return lines.join('\n') + '\n';
}
