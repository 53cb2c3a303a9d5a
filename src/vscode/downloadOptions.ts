// Turns settings and secret headers into the engine's DownloadOptions for one batch.
import { DEFAULT_OPTIONS, type DownloadOptions } from '../core/frontEnd';
import type { Settings } from './config';

/** Progress updates from the worker: a few a second is smooth and cheap for the extension host. */
const PROGRESS_INTERVAL_MS = 250;
/**
 * ...and none with more items than this: the host applies an update in one task (model, store,
 * badges, log), about 10-14 ms for the few hundred items of a 250 ms update of a fast small-file
 * batch, which alone pushed its event loop's p99 towards 20 ms (bench:vscode profiles).
 */
const PROGRESS_MAX_ITEMS = 100;

export function downloadOptions(
  targetDir: string,
  settings: Settings,
  secretHeaders: Record<string, Record<string, string>>,
): DownloadOptions {
  return {
    ...DEFAULT_OPTIONS,
    targetDir,
    jobs: settings.concurrency,
    perHost: settings.connectionsPerHost,
    split: settings.splitConnections,
    retries: settings.retries,
    maxRetryWaitMs: settings.maxRetryWaitSeconds * 1000,
    ...(settings.limitRate !== undefined && { limitRate: settings.limitRate }),
    timeoutSeconds: settings.timeoutSeconds,
    maxSize: settings.maxSize,
    onExisting: settings.onExisting,
    progressIntervalMs: PROGRESS_INTERVAL_MS,
    progressMaxItems: PROGRESS_MAX_ITEMS,
    hostHeaders: mergeHostHeaders(settings.headers, secretHeaders),
    proxy: settings.proxy,
    // http.proxyStrictSSL travels in `proxy` (strictSSL): it concerns the proxy and its tunnels.
    ...(settings.systemCertificates && { tls: { system: true } }),
  };
}

/** Host names compare case-insensitively; a secret value wins over a setting of the same name. */
function mergeHostHeaders(...sources: Record<string, Record<string, string>>[]): Record<string, Record<string, string>> {
  const merged: Record<string, Record<string, string>> = {};
  for (const source of sources) {
    for (const [host, headers] of Object.entries(source)) {
      const target = (merged[host.trim().toLowerCase()] ??= {});
      for (const [name, value] of Object.entries(headers ?? {})) {
        if (typeof value === 'string') target[name.toLowerCase()] = value;
      }
    }
  }
  return merged;
}
