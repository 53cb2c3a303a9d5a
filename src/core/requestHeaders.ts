// The headers of each request of a download, hop by hop along its redirects. Lowest precedence
// first: the User-Agent; `headers` (the listed URL's origin only); the `hostHeaders` of the hop's
// host (wherever the redirect chain started); Basic credentials from a `user:password@` in the
// listed URL and the entry's own headers (both the listed URL's origin only); the engine's own (Range, If-Range). Names compare case-insensitively: "Accept" in a higher
// layer replaces "accept" in a lower one instead of sending both.
import { isIP } from 'node:net';
import { DownloadError } from './errors';
import { USER_AGENT } from './version';

export interface HeaderLayers {
  /** DownloadOptions.headers. */
  global: Record<string, string>;
  /** DownloadOptions.hostHeaders. */
  hosts?: Record<string, Record<string, string>>;
  /** The list entry's own headers. */
  entry?: Record<string, string>;
  /** Set by the engine for this attempt; they win over everything. */
  engine: Record<string, string>;
}

/** For one attempt at `listedUrl`: the headers of a request to `hop`, the listed URL or a redirect target. */
export function requestHeaders(listedUrl: string | URL, layers: HeaderLayers): (hop: URL) => Record<string, string> {
  const listed = typeof listedUrl === 'string' ? new URL(listedUrl) : listedUrl;
  const listedOrigin = listed.origin;
  const credentials = basicAuth(listed);
  const forHost = layers.hosts ? hostHeaderTable(layers.hosts) : undefined;
  return (hop) => {
    const own = hop.origin === listedOrigin;
    return merge(
      { 'user-agent': USER_AGENT },
      own ? layers.global : undefined,
      forHost?.(hop),
      own ? credentials : undefined,
      own ? layers.entry : undefined,
      layers.engine,
    );
  };
}

/** `user:password@` in a URL as the Basic credentials curl and browsers send for it. */
function basicAuth(url: URL): Record<string, string> | undefined {
  if (!url.username && !url.password) return undefined;
  const decode = (part: string) => {
    try {
      return decodeURIComponent(part);
    } catch {
      return part;
    }
  };
  return { authorization: `Basic ${Buffer.from(`${decode(url.username)}:${decode(url.password)}`).toString('base64')}` };
}

type HostLookup = (hop: URL) => Record<string, string> | undefined;

interface HostEntry {
  anyPort?: Record<string, string>;
  byPort: Map<number, Record<string, string>>;
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/** Parsed once per hostHeaders object, however many items use it. */
const tables = new WeakMap<object, HostLookup>();

/** Looks up the headers for a hop's host: "host" entries, then "host:port" ones over them. */
export function hostHeaderTable(hostHeaders: Record<string, Record<string, string>>): HostLookup {
  let lookup = tables.get(hostHeaders);
  if (lookup) return lookup;
  const hosts = new Map<string, HostEntry>();
  for (const [key, headers] of Object.entries(hostHeaders)) {
    const { host, port } = parseHostKey(key);
    const entry: HostEntry = hosts.get(host) ?? { byPort: new Map() };
    hosts.set(host, entry);
    if (port === undefined) entry.anyPort = merge(entry.anyPort, headers);
    else entry.byPort.set(port, merge(entry.byPort.get(port), headers));
  }
  lookup = (hop) => {
    const entry = hosts.get(hop.hostname);
    if (!entry) return undefined;
    const forPort = entry.byPort.get(Number(hop.port) || DEFAULT_PORTS[hop.protocol]);
    return forPort ? merge(entry.anyPort, forPort) : entry.anyPort;
  };
  tables.set(hostHeaders, lookup);
  return lookup;
}

/**
 * "CDN.example.com", "cdn.example.com:8443", "[::1]:8080" or "::1" → the host as URL.hostname
 * writes it, and the port if one was given. Anything else (a URL, a path) is an error, since a
 * key that can never match would silently drop its headers.
 */
export function parseHostKey(key: string): { host: string; port?: number } {
  const text = key.trim().toLowerCase();
  const match = isIP(text) === 6 ? ['', `[${text}]`] : /^(\[[0-9a-f:.]+\]|[^:/?#@\s[\]]+)(?::(\d{1,5}))?$/.exec(text);
  let host: string | undefined;
  try {
    host = match ? new URL(`http://${match[1]}`).hostname : undefined;
  } catch {
    host = undefined;
  }
  const port = match?.[2] === undefined ? undefined : Number(match[2]);
  if (!host || (port !== undefined && (port < 1 || port > 65535))) {
    throw new DownloadError(`host header key "${key}" is not a host name; write it as "cdn.example.com" or "cdn.example.com:8443"`, false, 'LIST_LINE');
  }
  return { host, port };
}

function merge(...layers: (Record<string, string> | undefined)[]): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const layer of layers) {
    if (!layer) continue;
    // for...in: no entries array per layer and request (plain objects, nothing inherited).
    for (const name in layer) merged[name.toLowerCase()] = layer[name];
  }
  return merged;
}
