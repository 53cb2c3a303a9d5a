// A file replaced in one step: readers (and a crash) see the old content or the new, never half.
import fs from 'node:fs';

export function writeFileAtomicSync(file: string, content: string): void {
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, content);
  fs.renameSync(temporary, file);
}
