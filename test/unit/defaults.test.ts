// Defaults are defined once, in the engine (DEFAULT_OPTIONS): the CLI's help text, the CLI's
// parsed options and the extension's settings in package.json must say the same.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import { parseCliArgs, USAGE } from '../../src/cli/args';
import { DEFAULT_OPTIONS } from '../../src/core';

const manifest = JSON.parse(fs.readFileSync('package.json', 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { default?: unknown }> } };
};
const settings = manifest.contributes.configuration.properties;

/** Each engine option with a default, as the CLI flag, the setting and the unit each uses. */
const SHARED_DEFAULTS = [
  { option: 'jobs', flag: '--jobs', setting: 'assetFetch.concurrency', value: DEFAULT_OPTIONS.jobs },
  { option: 'perHost', flag: undefined, setting: 'assetFetch.connectionsPerHost', value: DEFAULT_OPTIONS.perHost },
  { option: 'split', flag: '--split', setting: 'assetFetch.splitConnections', value: DEFAULT_OPTIONS.split },
  { option: 'retries', flag: '--retries', setting: 'assetFetch.retries', value: DEFAULT_OPTIONS.retries },
  { option: 'timeoutSeconds', flag: '--timeout', setting: 'assetFetch.timeoutSeconds', value: DEFAULT_OPTIONS.timeoutSeconds },
  { option: 'maxRetryWaitMs', flag: '--max-retry-wait', setting: 'assetFetch.maxRetryWaitSeconds', value: DEFAULT_OPTIONS.maxRetryWaitMs / 1000 },
  { option: 'onExisting', flag: '--on-existing', setting: 'assetFetch.onExisting', value: DEFAULT_OPTIONS.onExisting },
] as const;

/** The "(default N)" of a flag in the help text: on its line, or on the lines that continue it. */
function usageDefault(flag: string): string | undefined {
  const lines = USAGE.split('\n');
  const start = lines.findIndex((line) => line.trimStart().startsWith(`${flag} `));
  assert.ok(start >= 0, `${flag} is in the help text`);
  let text = lines[start];
  for (let i = start + 1; i < lines.length && /^\s{20,}\S/.test(lines[i]); i++) text += ' ' + lines[i].trim();
  return /\(default (\S+?)\)/.exec(text)?.[1] ?? /(\S+) \(default\)/.exec(text)?.[1];
}

describe('defaults agree everywhere', () => {
  for (const { option, flag, setting, value } of SHARED_DEFAULTS) {
    it(`${option}: ${value} in the engine${flag ? `, in ${flag}'s help and its parsed value` : ''}, and in ${setting}`, () => {
      assert.ok(setting in settings, `package.json contributes ${setting}`);
      assert.equal(settings[setting].default, value, `${setting}'s default in package.json`);
      if (!flag) return;
      assert.equal(usageDefault(flag), String(value), `the help text's default of ${flag}`);
      const parsed = parseCliArgs(['list.txt']).download;
      const unit = option === 'maxRetryWaitMs' ? 1000 : 1;
      assert.equal(parsed[option], typeof value === 'number' ? value * unit : value, `${flag} given no value`);
    });
  }

  it('--per-host follows --jobs, and the settings without a limit default to none', () => {
    assert.equal(parseCliArgs(['--jobs', '3', 'list.txt']).download.perHost, 3);
    assert.equal(DEFAULT_OPTIONS.maxSize, undefined);
    assert.equal(settings['assetFetch.maxFileSizeMB'].default, 0, '0: no limit');
    assert.equal(DEFAULT_OPTIONS.limitRate, undefined);
    assert.equal(settings['assetFetch.limitRate'].default, '', 'empty: no limit');
  });
});
