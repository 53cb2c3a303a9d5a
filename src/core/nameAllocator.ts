// One owner for "who gets which file name" within a batch: two items wanting "report.pdf" both
// keep their files ("report.pdf", "report (1).pdf"). Keys are case-folded because macOS and
// Windows treat "A.png" and "a.png" as the same file.
import { numberedName } from './naming';

export class NameAllocator {
  private readonly owners = new Map<string, number>();
  /** Next suffix to try per wanted name, so 100,000 equal names stay linear. */
  private readonly nextSuffix = new Map<string, number>();

  /** Reserves `wanted` or the first free "wanted (n)" for `owner`, synchronously. */
  reserve(wanted: string, owner: number, isTaken: (candidate: string) => boolean = () => false): string {
    const key = keyOf(wanted);
    if (this.isFree(wanted, owner) && !isTaken(wanted)) return this.claim(wanted, owner);
    for (let n = this.nextSuffix.get(key) ?? 1; ; n++) {
      const candidate = numberedName(wanted, n);
      if (this.isFree(candidate, owner) && !isTaken(candidate)) {
        this.nextSuffix.set(key, n + 1);
        return this.claim(candidate, owner);
      }
    }
  }

  /**
   * Like reserve, but also steps over names that exist on disk (`exists` is asynchronous, so each
   * candidate is claimed before it is checked and released if it turns out to be taken).
   */
  async reserveNotOnDisk(wanted: string, owner: number, exists: (candidate: string) => Promise<boolean>): Promise<string> {
    const onDisk = new Set<string>();
    for (;;) {
      const candidate = this.reserve(wanted, owner, (c) => onDisk.has(keyOf(c)));
      if (!(await exists(candidate))) return candidate;
      onDisk.add(keyOf(candidate));
      this.release(candidate, owner);
    }
  }

  /**
   * Free when nobody else holds the name, nor a name whose temporary files would be this one
   * ("notes" downloads through "notes.part", so "notes.part" and "notes" exclude each other).
   */
  isFree(name: string, owner: number): boolean {
    const key = keyOf(name);
    const stem = key.replace(/\.part(\.meta)?$/, '');
    return [key, stem, `${key}.part`, `${key}.part.meta`].every((k) => {
      const current = this.owners.get(k);
      return current === undefined || current === owner;
    });
  }

  release(name: string, owner: number): void {
    const key = keyOf(name);
    if (this.owners.get(key) === owner) this.owners.delete(key);
  }

  private claim(name: string, owner: number): string {
    this.owners.set(keyOf(name), owner);
    return name;
  }
}

function keyOf(name: string): string {
  return name.normalize('NFC').toLowerCase();
}
