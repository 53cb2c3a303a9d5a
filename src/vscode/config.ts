// The one typed reader of `assetFetch.*` settings (and the `http.*` proxy and certificate settings
// the engine needs, since undici in the worker does not use VS Code's proxy and certificate support).
import * as vscode from 'vscode';
import { DEFAULT_OPTIONS, parseByteCount, type OnExisting } from '../core/frontEnd';

export interface ProxySettings {
  url?: string;
  noProxy: string[];
  strictSSL: boolean;
}

export interface Settings {
  targetDirectory: string;
  concurrency: number;
  connectionsPerHost: number;
  splitConnections: number;
  retries: number;
  maxRetryWaitSeconds: number;
  /** Bytes per second for a whole batch; undefined: no limit. */
  limitRate: number | undefined;
  timeoutSeconds: number;
  /** Bytes; undefined means no limit. */
  maxSize: number | undefined;
  onExisting: OnExisting;
  /** `assetFetch.lockfile`: "besideList" writes `<list>.lock` beside a list file, as the CLI's --lock does. */
  lockfile: 'off' | 'besideList';
  /** Host → header name → value (non-secret headers only). */
  headers: Record<string, Record<string, string>>;
  proxy: ProxySettings;
  /**
   * `http.systemCertificates` (default true): also trust the OS certificate store, as VS Code's
   * own requests do. The worker's undici never sees VS Code's patched https, so the engine adds it.
   */
  systemCertificates: boolean;
}

/** Reads settings for a list file's folder (settings may differ per workspace folder). */
export function readSettings(scope?: vscode.Uri): Settings {
  const c = vscode.workspace.getConfiguration('assetFetch', scope);
  const http = vscode.workspace.getConfiguration('http', scope);
  const maxMiB = c.get<number>('maxFileSizeMB', 0);
  return {
    targetDirectory: c.get<string>('targetDirectory', '').trim(),
    concurrency: clampInt(c.get<number>('concurrency'), DEFAULT_OPTIONS.jobs, 1, 64),
    connectionsPerHost: clampInt(c.get<number>('connectionsPerHost'), DEFAULT_OPTIONS.perHost, 1, 64),
    splitConnections: clampInt(c.get<number>('splitConnections'), DEFAULT_OPTIONS.split, 1, 64),
    retries: clampInt(c.get<number>('retries'), DEFAULT_OPTIONS.retries, 0, 20),
    limitRate: parseByteCount(c.get<string>('limitRate', '')) || undefined,
    maxRetryWaitSeconds: clampInt(c.get<number>('maxRetryWaitSeconds'), DEFAULT_OPTIONS.maxRetryWaitMs / 1000, 1, 86_400),
    timeoutSeconds: clampInt(c.get<number>('timeoutSeconds'), DEFAULT_OPTIONS.timeoutSeconds, 1, 3600),
    maxSize: maxMiB > 0 ? Math.round(maxMiB * 1024 * 1024) : undefined,
    onExisting: c.get<OnExisting>('onExisting', DEFAULT_OPTIONS.onExisting),
    lockfile: c.get<string>('lockfile', 'off') === 'besideList' ? 'besideList' : 'off',
    headers: c.get<Record<string, Record<string, string>>>('headers', {}),
    proxy: proxySettings(http),
    systemCertificates: http.get<boolean>('systemCertificates', true),
  };
}


/** `assetFetch.codeLens`: the download state above each URL line of a list (default true). */
export const CODE_LENS_SETTING = 'assetFetch.codeLens';

export function codeLensEnabled(scope?: vscode.Uri): boolean {
  return vscode.workspace.getConfiguration('assetFetch', scope).get<boolean>('codeLens', true);
}

/** `http.proxySupport: "off"` means no proxy at all, not even one from the environment. */
function proxySettings(http: vscode.WorkspaceConfiguration): ProxySettings {
  const off = http.get<string>('proxySupport') === 'off';
  return {
    url: off ? undefined : http.get<string>('proxy')?.trim() || undefined,
    noProxy: off ? ['*'] : http.get<string[]>('noProxy', []),
    strictSSL: http.get<boolean>('proxyStrictSSL', true),
  };
}

function clampInt(value: number | undefined, fallback: number, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.round(value)));
}
