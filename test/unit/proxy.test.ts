import assert from 'node:assert/strict';
import { parseProxyUrl, planProxy, proxyFor, type Environment, type ProxyPlan } from '../../src/core/proxy';

const HTTP = 'http://plain.test/file';
const HTTPS = 'https://secure.test/file';

/** The proxy (as an origin) for each of HTTP and HTTPS under `plan`; "direct" when none. */
function routes(plan: ProxyPlan | undefined): { http: string; https: string } {
  const route = (url: string) => (plan && proxyFor(plan, new URL(url))?.origin) ?? 'direct';
  return { http: route(HTTP), https: route(HTTPS) };
}

describe('proxy: which proxy a request uses', () => {
  it('has no plan at all without settings or variables (the plain agent stays)', () => {
    assert.equal(planProxy(undefined, {}), undefined);
    assert.equal(planProxy({ url: '', noProxy: ['x.test'], strictSSL: false }, {}), undefined);
    assert.equal(planProxy({ url: '   ' }, { HTTP_PROXY: '' }), undefined);
  });

  it('uses an explicit URL for http and https alike, over the variables', () => {
    const plan = planProxy({ url: 'http://corp.test:3128' }, { HTTP_PROXY: 'http://env.test:1', HTTPS_PROXY: 'http://env.test:2' });
    assert.deepEqual(routes(plan), { http: 'http://corp.test:3128', https: 'http://corp.test:3128' });
  });

  it('uses HTTP_PROXY for http:// and HTTPS_PROXY for https://, never one for the other (curl)', () => {
    assert.deepEqual(routes(planProxy(undefined, { HTTP_PROXY: 'http://h.test:1' })), { http: 'http://h.test:1', https: 'direct' });
    assert.deepEqual(routes(planProxy(undefined, { HTTPS_PROXY: 'http://s.test:2' })), { http: 'direct', https: 'http://s.test:2' });
    assert.deepEqual(routes(planProxy({}, { HTTP_PROXY: 'http://h.test:1', HTTPS_PROXY: 'http://s.test:2' })), {
      http: 'http://h.test:1',
      https: 'http://s.test:2',
    });
  });

  it('prefers the lower-case variables, and skips empty ones', () => {
    const env: Environment = { http_proxy: 'http://lower.test:1', HTTP_PROXY: 'http://upper.test:1', https_proxy: ' ', HTTPS_PROXY: 'http://upper.test:2' };
    assert.deepEqual(routes(planProxy(undefined, env)), { http: 'http://lower.test:1', https: 'http://upper.test:2' });
  });

  it('bypasses hosts in noProxy and in NO_PROXY together', () => {
    const plan = planProxy({ url: 'http://corp.test:3128', noProxy: ['plain.test'] }, { no_proxy: 'secure.test' });
    assert.deepEqual(routes(plan), { http: 'direct', https: 'direct' });
    assert.equal(proxyFor(plan!, new URL('http://other.test/'))?.origin, 'http://corp.test:3128');
  });

  it('has no plan when "*" bypasses everything', () => {
    assert.equal(planProxy({ url: 'http://corp.test:3128', noProxy: ['*'] }, {}), undefined);
    assert.equal(planProxy(undefined, { HTTP_PROXY: 'http://h.test:1', NO_PROXY: '*' }), undefined);
  });

  it('verifies certificates unless strictSSL is false', () => {
    assert.equal(planProxy({ url: 'http://p.test' }, {})?.strictSSL, true);
    assert.equal(planProxy({ url: 'http://p.test', strictSSL: true }, {})?.strictSSL, true);
    assert.equal(planProxy({ url: 'http://p.test', strictSSL: false }, {})?.strictSSL, false);
  });

  describe('parseProxyUrl', () => {
    it('reads a proxy without a scheme as http, and drops any path', () => {
      assert.equal(parseProxyUrl('proxy.test:8080', 'x').href, 'http://proxy.test:8080/');
      assert.equal(parseProxyUrl(' https://proxy.test/some/path?q#h ', 'x').href, 'https://proxy.test/');
    });

    it('keeps credentials for the proxy to use', () => {
      const url = parseProxyUrl('http://user:p%40ss@proxy.test:3128', 'x');
      assert.equal(url.username, 'user');
      assert.equal(url.password, 'p%40ss');
    });

    it('names the setting or variable, and never shows a password', () => {
      assert.throws(() => parseProxyUrl('http://user:secret@', 'HTTP_PROXY'), (err: Error) => {
        assert.match(err.message, /^HTTP_PROXY "http:\/\/user:\*\*\*@" is not a valid proxy URL$/);
        return true;
      });
      assert.throws(() => parseProxyUrl('socks5://user:secret@proxy.test:1080', '--proxy'), (err: Error) => {
        assert.equal(err.message, '--proxy "socks5://user:***@proxy.test:1080" uses socks5; only http:// and https:// proxies are supported');
        return true;
      });
    });

    it('rejects an unusable variable when the plan is made', () => {
      assert.throws(() => planProxy(undefined, { HTTPS_PROXY: 'http://[bad' }), /^Error: HTTPS_PROXY "http:\/\/\[bad" is not a valid proxy URL$/);
    });
  });
});
