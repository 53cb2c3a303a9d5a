// Node modules most runs never need, loaded on first use: node:http (for a status text), tls,
// zlib and crypto cost a CLI run 20-30 ms of start-up when loaded up front.
/* eslint-disable @typescript-eslint/no-require-imports -- loading on demand is the point */
export const tlsModule = (): typeof import('node:tls') => require('node:tls');
export const zlibModule = (): typeof import('node:zlib') => require('node:zlib');
export const cryptoModule = (): typeof import('node:crypto') => require('node:crypto');
/** undici's agents (undiciParts.ts): a file of their own in the builds (dist/undici.js). */
export const undiciParts = (): typeof import('./undiciParts') => require('./undiciParts');

/** "Not Found" for 404: the reason phrase Node knows, or ''. */
export function statusText(status: number): string {
  return (require('node:http') as typeof import('node:http')).STATUS_CODES[status] ?? '';
}
