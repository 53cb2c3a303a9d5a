import assert from 'node:assert/strict';
import { parseNoProxy } from '../../src/core/noProxy';

/** Whether `url` bypasses the proxy under the NO_PROXY-style `entries`. */
function bypasses(entries: string[], url: string): boolean {
  return parseNoProxy(entries).bypasses(new URL(url));
}

describe('noProxy: which hosts bypass the proxy', () => {
  it('matches a host and its subdomains, not a host that merely ends the same', () => {
    assert.equal(bypasses(['example.com'], 'http://example.com/a'), true);
    assert.equal(bypasses(['example.com'], 'https://cdn.example.com/a'), true);
    assert.equal(bypasses(['example.com'], 'http://notexample.com/a'), false);
    assert.equal(bypasses(['example.com'], 'http://example.com.evil.net/a'), false);
  });

  it('treats a leading "." or "*." like the bare domain (curl)', () => {
    for (const entry of ['.example.com', '*.example.com']) {
      assert.equal(bypasses([entry], 'http://example.com/'), true, entry);
      assert.equal(bypasses([entry], 'http://a.b.example.com/'), true, entry);
      assert.equal(bypasses([entry], 'http://example.org/'), false, entry);
    }
  });

  it('compares case-insensitively and ignores a trailing dot', () => {
    assert.equal(bypasses(['Example.COM.'], 'http://EXAMPLE.com./'), true);
  });

  it('limits an entry with a port to that port, default ports included', () => {
    assert.equal(bypasses(['example.com:8080'], 'http://example.com:8080/'), true);
    assert.equal(bypasses(['example.com:8080'], 'http://example.com:9090/'), false);
    assert.equal(bypasses(['example.com:8080'], 'http://example.com/'), false);
    assert.equal(bypasses(['example.com:443'], 'https://example.com/'), true);
    assert.equal(bypasses(['example.com:80'], 'https://example.com/'), false);
  });

  it('splits NO_PROXY values on commas and white space', () => {
    const rules = parseNoProxy(['a.test, b.test c.test', '', 'd.test']);
    for (const host of ['a.test', 'b.test', 'c.test', 'd.test']) assert.equal(rules.bypasses(new URL(`http://${host}/`)), true, host);
    assert.equal(rules.bypasses(new URL('http://e.test/')), false);
  });

  it('matches IP addresses exactly, never as a suffix', () => {
    assert.equal(bypasses(['127.0.0.1'], 'http://127.0.0.1:3000/'), true);
    assert.equal(bypasses(['0.0.1'], 'http://127.0.0.1/'), false);
    assert.equal(bypasses(['10.0.0.1'], 'http://10.0.0.10/'), false);
  });

  it('matches CIDR ranges, IPv4 and IPv6', () => {
    assert.equal(bypasses(['10.0.0.0/8'], 'http://10.20.30.40/'), true);
    assert.equal(bypasses(['10.0.0.0/8'], 'http://11.0.0.1/'), false);
    assert.equal(bypasses(['fd00::/8'], 'http://[fd12::1]/'), true);
    assert.equal(bypasses(['[fd00::]/8'], 'http://[fe80::1]/'), false);
    assert.equal(bypasses(['10.0.0.0/8'], 'http://ten.example/'), false, 'host names are not resolved');
  });

  it('reads IPv6 addresses bare, bracketed, and bracketed with a port', () => {
    assert.equal(bypasses(['::1'], 'http://[::1]:8080/'), true);
    assert.equal(bypasses(['[::1]'], 'http://[::1]/'), true);
    assert.equal(bypasses(['[::1]:8080'], 'http://[::1]:8080/'), true);
    assert.equal(bypasses(['[::1]:8080'], 'http://[::1]:9090/'), false);
  });

  it('"*" alone bypasses everything; inside a list too', () => {
    assert.equal(parseNoProxy(['*']).everything, true);
    assert.equal(parseNoProxy(['example.com', '*']).everything, true);
    assert.equal(bypasses(['example.com,*'], 'http://anything.test/'), true);
    assert.equal(parseNoProxy(['example.com']).everything, false);
  });

  it('does not bypass loopback hosts unless listed (curl)', () => {
    assert.equal(bypasses([], 'http://localhost/'), false);
    assert.equal(bypasses([], 'http://127.0.0.1/'), false);
    assert.equal(bypasses(['localhost'], 'http://localhost:3000/'), true);
  });

  it('matches international domain names in either spelling', () => {
    assert.equal(bypasses(['bücher.example'], 'http://xn--bcher-kva.example/'), true);
    assert.equal(bypasses(['xn--bcher-kva.example'], 'http://bücher.example/'), true);
  });
});
