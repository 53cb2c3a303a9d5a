// The engine's thread yields the CPU to the editor. On a busy machine (the engine, the renderer, a
// build) the extension host's thread otherwise waits for a core like any other, and every
// extension's event loop stalls with it. On Linux a nice value belongs to a thread (setpriority
// on the calling thread), so the worker lowers its own; elsewhere the same call would lower the
// whole extension host, so it is not made. An idle machine runs downloads as fast either way.
import os from 'node:os';

/** How much lower than the extension host the engine's thread runs (nice steps, of 0-19). */
export const ENGINE_NICE_STEPS = 10;

/** Lowers the calling thread's priority where that is per thread; returns the nice value set, if any. */
export function yieldToEditor(platform: NodeJS.Platform = process.platform): number | undefined {
  if (platform !== 'linux') return undefined;
  try {
    const nice = Math.min(19, os.getPriority() + ENGINE_NICE_STEPS);
    os.setPriority(nice);
    return nice;
  } catch {
    return undefined; // not allowed here (a sandbox): run at the host's priority
  }
}
