// Which hosts bypass the proxy: NO_PROXY as curl reads it (a host matches itself and its
// subdomains, a leading "." or "*." changes nothing, IP addresses match exactly or by CIDR range,
// "*" alone means no proxy at all), plus an optional ":port" that limits an entry to one port.
// Only the URL's host text is compared: no name is resolved to decide.
import { BlockList, isIP } from 'node:net';
import { domainToASCII } from 'node:url';

export interface NoProxyRules {
  /** "*" was given: nothing goes through a proxy. */
  readonly everything: boolean;
  /** True when `url` is reached directly. */
  bypasses(url: URL): boolean;
}

interface HostRule {
  /** Lower-case host name or IP address (IPv6 without brackets). */
  host: string;
  /** Only this port, when the entry named one. */
  port?: number;
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443 };

/** Reads entries such as VS Code's http.noProxy items or a whole NO_PROXY value ("a,b c"). */
export function parseNoProxy(entries: Iterable<string>): NoProxyRules {
  const hosts: HostRule[] = [];
  const ranges = new BlockList();
  let everything = false;
  for (const entry of entries) {
    for (const token of entry.toLowerCase().split(/[\s,]+/)) {
      if (!token) continue;
      if (token === '*') everything = true;
      else if (!addRange(ranges, token)) hosts.push(hostRule(token));
    }
  }
  return {
    everything,
    bypasses(url) {
      if (everything) return true;
      const host = bare(url.hostname.toLowerCase()).replace(/\.$/, '');
      const port = Number(url.port) || DEFAULT_PORTS[url.protocol];
      const family = isIP(host);
      if (family !== 0 && ranges.check(host, family === 4 ? 'ipv4' : 'ipv6')) return true;
      return hosts.some((rule) => (rule.port === undefined || rule.port === port) && (host === rule.host || host.endsWith('.' + rule.host)));
    },
  };
}

/** Adds "10.0.0.0/8" or "[fd00::]/8" to `ranges`; false when `token` is not a CIDR range. */
function addRange(ranges: BlockList, token: string): boolean {
  const match = /^(.+)\/(\d{1,3})$/.exec(token);
  if (!match) return false;
  const address = bare(match[1]);
  const family = isIP(address);
  const prefix = Number(match[2]);
  if (family === 0 || prefix > (family === 4 ? 32 : 128)) return false;
  ranges.addSubnet(address, prefix, family === 4 ? 'ipv4' : 'ipv6');
  return true;
}

function hostRule(token: string): HostRule {
  // "host:port" or "[v6]:port"; a bare IPv6 address ("::1") has no port.
  const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(token);
  const host = bare(match ? match[1] : token)
    .replace(/^\*?\./, '')
    .replace(/\.$/, '');
  // As URLs spell hosts: punycode, and numbers as full IPv4 addresses ("1.2.3" → "1.2.0.3"), so
  // an IP address can only match exactly, never as the "subdomain" of a shorter number.
  return { host: isIP(host) === 6 ? host : domainToASCII(host) || host, port: match ? Number(match[2]) : undefined };
}

/** "[::1]" → "::1": URL.hostname keeps the brackets of an IPv6 address. */
function bare(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}
