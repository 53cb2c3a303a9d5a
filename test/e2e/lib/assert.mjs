// Small assertions with messages that say what was expected, for scenario steps.
import fs from 'node:fs';
import { isDeepStrictEqual } from 'node:util';

export class AssertionError extends Error {}

export function ok(value, message) {
  if (!value) throw new AssertionError(message);
}

export function equal(actual, expected, message) {
  if (!isDeepStrictEqual(actual, expected)) {
    throw new AssertionError(`${message}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
  }
}

export function includes(text, part, message) {
  if (typeof text !== 'string' || !text.includes(part)) {
    throw new AssertionError(`${message}: expected text containing ${JSON.stringify(part)}, got ${JSON.stringify(text)}`);
  }
}

/** The file exists and holds exactly `expected` (a Buffer). */
export function fileBytes(file, expected, message = file) {
  ok(fs.existsSync(file), `${message}: file missing`);
  const actual = fs.readFileSync(file);
  if (!actual.equals(expected)) {
    throw new AssertionError(`${message}: ${actual.length} bytes on disk differ from the ${expected.length} bytes served`);
  }
}

export function missing(file, message = file) {
  ok(!fs.existsSync(file), `${message}: should not exist`);
}
