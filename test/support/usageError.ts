// Asserts that parsing `argv` fails with a UsageError whose message matches `pattern`.
import assert from 'node:assert/strict';
import { parseCliArgs, UsageError } from '../../src/cli/args';

export function usageError(argv: string[], pattern: RegExp): void {
  assert.throws(() => parseCliArgs(argv), (err: unknown) => {
    assert.ok(err instanceof UsageError, `expected UsageError, got ${String(err)}`);
    assert.match(err.message, pattern);
    return true;
  }, argv.join(' '));
}
