// The command line's network flags: --proxy, --no-proxy, --host-header.
import assert from 'node:assert/strict';
import { parseCliArgs, USAGE } from '../../src/cli/args';
import { usageError } from '../support/usageError';

describe('cli: network flags', () => {
  it('leaves proxy settings and host headers out unless given (the environment decides)', () => {
    const { download } = parseCliArgs(['list.txt']);
    assert.equal('proxy' in download, false);
    assert.equal('hostHeaders' in download, false);
  });

  it('reads --proxy and repeated --no-proxy', () => {
    const { download } = parseCliArgs(['--proxy', 'http://proxy.test:3128', '--no-proxy', 'a.test,b.test', '--no-proxy', '10.0.0.0/8', 'list.txt']);
    assert.deepEqual(download.proxy, { url: 'http://proxy.test:3128', noProxy: ['a.test,b.test', '10.0.0.0/8'] });
  });

  it('takes --no-proxy alone, for NO_PROXY-style bypassing of the environment proxies', () => {
    assert.deepEqual(parseCliArgs(['--no-proxy', '*', 'list.txt']).download.proxy, { url: undefined, noProxy: ['*'] });
  });

  it('rejects an unusable --proxy by name', () => {
    usageError(['--proxy', 'ftp://proxy.test', 'list.txt'], /^--proxy "ftp:\/\/proxy\.test" uses ftp; only http:\/\/ and https:\/\/ proxies are supported$/);
    usageError(['--proxy', 'http://[oops', 'list.txt'], /^--proxy "http:\/\/\[oops" is not a valid proxy URL$/);
    usageError(['--proxy', '', 'list.txt'], /--proxy needs a URL .*--no-proxy '\*'/);
  });

  it('reads repeated --host-header per host, with ports and IPv6', () => {
    const { download } = parseCliArgs([
      '--host-header', 'cdn.test: X-Key: k1',
      '--host-header', 'cdn.test:Accept:image/avif',
      '--host-header', 'cdn.test:8443: Authorization: Bearer a:b',
      '--host-header', '[::1]:8080: X-Local: yes',
      'list.txt',
    ]);
    assert.deepEqual(download.hostHeaders, {
      'cdn.test': { 'X-Key': 'k1', Accept: 'image/avif' },
      'cdn.test:8443': { Authorization: 'Bearer a:b' },
      '[::1]:8080': { 'X-Local': 'yes' },
    });
  });

  it('rejects a --host-header without a host, without a header, or with a URL for a host', () => {
    usageError(['--host-header', 'X-Key: value', 'list.txt'], /^--host-header must look like "host: Name: value", got "X-Key: value"$/);
    usageError(['--host-header', 'cdn.test', 'list.txt'], /^--host-header must look like "host: Name: value", got "cdn.test"$/);
    usageError(['--host-header', 'cdn.test: X Key: v', 'list.txt'], /^--host-header "cdn.test: X Key: v": header must look like "Name: value"/);
    usageError(['--host-header', 'https://cdn.test: X-Key: v', 'list.txt'], /^--host-header takes a host name, not a URL/);
    usageError(['--host-header', 'cdn.test:99999: X-Key: v', 'list.txt'], /^--host-header: host header key "cdn.test:99999" is not a host name/);
  });

  it('lists the new flags in --help', () => {
    for (const flag of ['--proxy <url>', '--no-proxy <hosts>', '--host-header "host: Name: value"']) assert.ok(USAGE.includes(flag), flag);
  });
});
