// The CLI's lockfile commands: --verify prints the report of src/core/lockfile.ts's verifyLock
// (writing a lockfile and --frozen are in src/core/lockWriter.ts).
import { readLock, verifyLock } from '../core/lockfile';

/** --verify: prints one line per difference and a summary; true when the folder matches the lockfile. */
export async function verifyCommand(lockFile: string, dir: string, listFiles: string[], out: NodeJS.WritableStream, json: boolean): Promise<boolean> {
  const lock = await readLock(lockFile);
  if (!lock) throw new Error(`no lockfile at ${lockFile} (write one with --lock or --lock-file)`);
  const report = await verifyLock(lockFile, lock, { scanDir: dir, ignore: listFiles });
  const ok = report.missing.length + report.changed.length + report.extra.length === 0;
  if (json) {
    out.write(`${JSON.stringify({ lockfile: lockFile, ok, ...report })}\n`);
    return ok;
  }
  for (const key of report.missing) out.write(`missing  ${key}\n`);
  for (const { path: key, reason } of report.changed) out.write(`changed  ${key}: ${reason}\n`);
  for (const key of report.extra) out.write(`extra    ${key}: not in ${lockFile}\n`);
  out.write(
    `${report.verified.length} of ${Object.keys(lock.files).length} files verified against ${lockFile}` +
      `${report.missing.length ? `, ${report.missing.length} missing` : ''}${report.changed.length ? `, ${report.changed.length} changed` : ''}` +
      `${report.extra.length ? `, ${report.extra.length} extra` : ''}\n`,
  );
  return ok;
}
