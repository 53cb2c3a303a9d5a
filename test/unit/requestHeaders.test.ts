import assert from 'node:assert/strict';
import { hostHeaderTable, parseHostKey, requestHeaders, type HeaderLayers } from '../../src/core/requestHeaders';
import { USER_AGENT } from '../../src/core/version';

const LISTED = 'https://origin.test/file.bin';

function headersAt(hop: string, layers: Partial<HeaderLayers>): Record<string, string> {
  return requestHeaders(LISTED, { global: {}, engine: {}, ...layers })(new URL(hop));
}

describe('requestHeaders: the headers of each hop', () => {
  it('sends global and entry headers to the listed origin only, the user agent everywhere', () => {
    const layers = { global: { Authorization: 'Bearer g' }, entry: { 'X-Entry': 'e' } };
    assert.deepEqual(headersAt(LISTED, layers), { 'user-agent': USER_AGENT, authorization: 'Bearer g', 'x-entry': 'e' });
    assert.deepEqual(headersAt('https://cdn.test/file.bin', layers), { 'user-agent': USER_AGENT });
    assert.deepEqual(headersAt('http://origin.test/file.bin', layers), { 'user-agent': USER_AGENT }, 'another scheme is another origin');
  });

  it('sends host headers to their host on any hop, and to no other host', () => {
    const hosts = { 'cdn.test': { 'X-Cdn-Key': 'k' } };
    assert.deepEqual(headersAt('https://cdn.test/redirected.bin', { hosts }), { 'user-agent': USER_AGENT, 'x-cdn-key': 'k' });
    assert.deepEqual(headersAt(LISTED, { hosts }), { 'user-agent': USER_AGENT });
    assert.deepEqual(headersAt('https://sub.cdn.test/', { hosts }), { 'user-agent': USER_AGENT }, 'no subdomains');
  });

  it('ranks entry > host > global > user agent, with names compared case-insensitively', () => {
    const headers = headersAt(LISTED, {
      global: { Accept: 'global', 'X-Global': 'g', 'User-Agent': 'custom' },
      hosts: { 'origin.test': { ACCEPT: 'host', 'x-host': 'h' } },
      entry: { accept: 'entry' },
    });
    assert.deepEqual(headers, { 'user-agent': 'custom', accept: 'entry', 'x-global': 'g', 'x-host': 'h' });
    assert.deepEqual(headersAt(LISTED, { global: { Accept: 'global' }, hosts: { 'origin.test': { accept: 'host' } } }).accept, 'host');
  });

  it('lets the engine headers (Range) win over everything', () => {
    const headers = headersAt(LISTED, { entry: { Range: 'bytes=0-1' }, engine: { range: 'bytes=500-' } });
    assert.equal(headers.range, 'bytes=500-');
  });

  describe('host keys', () => {
    it('matches "host:port" on that port only, over the plain host, default ports included', () => {
      const lookup = hostHeaderTable({
        'cdn.test': { 'X-Any': 'any', 'X-Which': 'any-port' },
        'cdn.test:8443': { 'X-Which': '8443' },
        'cdn.test:443': { 'X-Which': '443' },
      });
      assert.deepEqual(lookup(new URL('https://cdn.test:8443/')), { 'x-any': 'any', 'x-which': '8443' });
      assert.deepEqual(lookup(new URL('https://cdn.test/')), { 'x-any': 'any', 'x-which': '443' });
      assert.deepEqual(lookup(new URL('http://cdn.test/')), { 'x-any': 'any', 'x-which': 'any-port' });
      assert.equal(lookup(new URL('http://other.test/')), undefined);
    });

    it('reads keys the way URLs spell hosts: case, IPv6, IPv4 shorthand, international names', () => {
      assert.deepEqual(parseHostKey(' CDN.Example.com '), { host: 'cdn.example.com', port: undefined });
      assert.deepEqual(parseHostKey('[::1]:8080'), { host: '[::1]', port: 8080 });
      assert.deepEqual(parseHostKey('::1'), { host: '[::1]', port: undefined });
      assert.deepEqual(parseHostKey('127.1'), { host: '127.0.0.1', port: undefined });
      assert.deepEqual(parseHostKey('bücher.example'), { host: 'xn--bcher-kva.example', port: undefined });
    });

    it('rejects a key that is not a host, instead of never matching it', () => {
      for (const key of ['https://cdn.test', 'cdn.test/path', 'cdn.test:0', 'cdn.test:99999', '', 'user@cdn.test', 'a b']) {
        assert.throws(() => parseHostKey(key), (err: Error) => err.message.includes(`"${key}" is not a host name`), key);
      }
    });
  });
});
