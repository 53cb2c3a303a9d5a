// A file replaced in one step: readers (and a crash) see the old content or the new, never half.
import fs from 'node:fs';

/** Where the next content is written before it is renamed over `file`, unless the caller names a place. */
const temporaryOf = (file: string): string => `${file}.${process.pid}.tmp`;

export function writeFileAtomicSync(file: string, content: string, temporary = temporaryOf(file)): void {
  fs.writeFileSync(temporary, content);
  fs.renameSync(temporary, file);
}

export async function writeFileAtomic(file: string, content: string, temporary = temporaryOf(file)): Promise<void> {
  await fs.promises.writeFile(temporary, content);
  await fs.promises.rename(temporary, file);
}
