// Log lines for the e2e run: elapsed time since start, the step, the message.
const start = Date.now();

function stamp() {
  return `[e2e +${((Date.now() - start) / 1000).toFixed(1).padStart(6)}s]`;
}

export function log(...parts) {
  console.log(stamp(), ...parts);
}

export function warn(...parts) {
  console.warn(stamp(), 'WARN', ...parts);
}

/** Runs `fn`, logging its start, end and duration under `name`. */
export async function step(name, fn) {
  log(`▶ ${name}`);
  const t0 = Date.now();
  try {
    const result = await fn();
    log(`✔ ${name} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
    return result;
  } catch (err) {
    log(`✘ ${name} (${((Date.now() - t0) / 1000).toFixed(1)}s): ${err?.message ?? err}`);
    throw err;
  }
}
