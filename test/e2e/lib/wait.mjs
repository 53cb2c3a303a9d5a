// Polling helpers: wait for a condition instead of sleeping a fixed time.

/**
 * Calls `check` every `interval` ms until it returns a truthy value (returned) or `timeout` ms
 * pass (throws, naming `what` and the last error `check` threw, if any).
 */
export async function waitFor(what, check, { timeout = 30_000, interval = 200 } = {}) {
  const deadline = Date.now() + timeout;
  let lastError;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError ? ` (last error: ${lastError.message ?? lastError})` : '';
      throw new Error(`timed out after ${timeout} ms waiting for ${what}${why}`);
    }
    await delay(interval);
  }
}

export function delay(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
