import assert from 'node:assert/strict';
import { parseCliArgs } from '../../src/cli/args';
import { usageError } from '../support/usageError';

describe('cli: parseCliArgs', () => {
  it('has defaults', () => {
    assert.deepEqual(parseCliArgs(['list.txt']), {
      inputs: [{ kind: 'file', path: 'list.txt' }],
      format: undefined,
      dir: '.',
      download: { jobs: 8, perHost: 8, split: 8, retries: 5, maxRetryWaitMs: 300_000, timeoutSeconds: 30, maxSize: undefined, headers: {}, onExisting: 'skip' },
      json: false,
      verify: false,
      help: false,
      version: false,
    });
  });

  it('reads every option', () => {
    const args = parseCliArgs([
      '--dir', 'out', '--jobs', '16', '--per-host', '2', '--split', '4', '--retries', '0', '--max-retry-wait', '1.5', '--timeout', '2.5', '--max-size', '10M',
      '--header', 'X-Token: abc', '--header', 'Authorization:Basic a:b', '--on-existing', 'rename', '--format', 'text', '--json', 'a.txt', '-', 'b.md',
    ]);
    assert.deepEqual(args, {
      inputs: [{ kind: 'file', path: 'a.txt' }, { kind: 'stdin' }, { kind: 'file', path: 'b.md' }],
      format: 'text',
      dir: 'out',
      download: {
        jobs: 16,
        perHost: 2,
        split: 4,
        retries: 0,
        maxRetryWaitMs: 1500,
        timeoutSeconds: 2.5,
        maxSize: 10_485_760,
        headers: { 'X-Token': 'abc', Authorization: 'Basic a:b' },
        onExisting: 'rename',
      },
      json: true,
      verify: false,
      help: false,
      version: false,
    });
    assert.equal(parseCliArgs(['--on-existing=overwrite', 'l']).download.onExisting, 'overwrite');
  });

  it('--per-host defaults to --jobs', () => {
    assert.equal(parseCliArgs(['--jobs', '3', 'l']).download.perHost, 3);
    assert.equal(parseCliArgs(['--jobs=20', 'l']).download.perHost, 20);
  });

  it('--max-size takes 1024-based suffixes', () => {
    for (const [value, bytes] of [
      ['500', 500], ['10K', 10_240], ['10k', 10_240], ['10KB', 10_240], ['10KiB', 10_240], ['10M', 10_485_760],
      ['10MiB', 10_485_760], ['2G', 2_147_483_648], ['2gb', 2_147_483_648],
    ] as const) {
      assert.equal(parseCliArgs(['--max-size', value, 'l']).download.maxSize, bytes, value);
    }
  });

  it('bad numbers are usage errors naming the flag', () => {
    usageError(['--jobs', '0', 'l'], /^--jobs must be a whole number of at least 1, got "0"$/);
    usageError(['--jobs', 'many', 'l'], /^--jobs .*"many"/);
    usageError(['--jobs', '1.5', 'l'], /^--jobs /);
    usageError(['--jobs=-1', 'l'], /^--jobs /);
    usageError(['--per-host', '0', 'l'], /^--per-host must be a whole number of at least 1, got "0"$/);
    usageError(['--retries', '-1', 'l'], /--retries/);
    usageError(['--retries=1.5', 'l'], /^--retries must be a whole number, got "1.5"$/);
    usageError(['--timeout', '0', 'l'], /^--timeout must be a positive number of seconds, got "0"$/);
    usageError(['--max-retry-wait', 'soon', 'l'], /^--max-retry-wait must be a positive number of seconds, got "soon"$/);
    usageError(['--timeout', 'soon', 'l'], /^--timeout /);
    usageError(['--timeout=', 'l'], /^--timeout /);
    usageError(['--max-size', '1.5M', 'l'], /^--max-size must be a number of bytes \(suffix K, M or G allowed\), got "1.5M"$/);
    usageError(['--max-size', '10T', 'l'], /^--max-size /);
    usageError(['--verify', 'a.txt', 'b.txt'], /^--verify needs exactly one list file \(its lockfile is <list>\.lock\), or --lock-file FILE$/);
    assert.equal(parseCliArgs(['--lock', 'a.txt']).lockFile, 'a.txt.lock');
    assert.equal(parseCliArgs(['--verify', '--lock-file', 'x.lock']).lockFile, 'x.lock');
    usageError(['--limit-rate', '0', 'l'], /^--limit-rate must be a number of bytes \(suffix K, M or G allowed\), got "0"$/);
    assert.equal(parseCliArgs(['--limit-rate', '500K', 'l']).download.limitRate, 512_000);
    assert.equal(parseCliArgs(['l']).download.limitRate, undefined);
    usageError(['--on-existing', 'keep', 'l'], /^--on-existing must be skip, overwrite, rename or refresh, got "keep"$/);
  });

  it('takes URLs as arguments, mixed with list files and stdin, numbering positional arguments', () => {
    assert.deepEqual(parseCliArgs(['https://a.example/1.png', '--dir', 'out', 'list.txt', 'ftp://a.example/2', '-', 'www.example.com/x']).inputs, [
      { kind: 'url', url: 'https://a.example/1.png', position: 1 },
      { kind: 'file', path: 'list.txt' },
      { kind: 'url', url: 'ftp://a.example/2', position: 3 },
      { kind: 'stdin' },
      { kind: 'file', path: 'www.example.com/x' },
    ]);
  });

  it('--format is auto, list or text', () => {
    assert.equal(parseCliArgs(['--format', 'auto', 'l']).format, undefined);
    assert.equal(parseCliArgs(['--format', 'list', 'l']).format, 'list');
    usageError(['--format', 'json', 'l'], /^--format must be auto, list or text, got "json"$/);
  });

  it('unknown options and missing values are usage errors', () => {
    usageError(['--frobnicate', 'l'], /frobnicate/);
    usageError(['l', '--dir'], /--dir/);
    usageError(['--json=yes', 'l'], /--json/);
  });

  it('no list is a usage error unless --help or --version', () => {
    usageError([], /^no URL or list file given$/);
    usageError(['--json'], /^no URL or list file given$/);
    assert.equal(parseCliArgs(['--help']).help, true);
    assert.equal(parseCliArgs(['-h']).help, true);
    assert.equal(parseCliArgs(['--version']).version, true);
  });

  it('--header must be "Name: value" with a valid token name', () => {
    assert.deepEqual(parseCliArgs(['--header', '  X-A :  spaced value  ', 'l']).download.headers, { 'X-A': 'spaced value' });
    assert.deepEqual(parseCliArgs(['--header', 'X-Empty:', 'l']).download.headers, { 'X-Empty': '' });
    for (const bad of ['NoColon', ': value', 'Bad Name: x', 'X(1): y', 'Ünï: x']) {
      usageError(['--header', bad, 'l'], /^--header must look like "Name: value", got /);
    }
  });

  // Regression: control characters in the value (CR/LF, NUL) are accepted and only fail later, per request.
  it('--header rejects CR, LF and NUL in the value', () => {
    for (const bad of ['X-A: a\r\nInjected: b', 'X-A: a\nb', 'X-A: a\u0000b']) {
      usageError(['--header', bad, 'l'], /--header/);
    }
  });
});
