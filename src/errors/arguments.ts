import { ErrorCode } from './codes.js';
import { Iso8583Error } from './iso8583-error.js';

/**
 * Names a JavaScript value's type without showing the value: `'a string'`, `'an array'`, `'null'` …
 *
 * Why: an error about a wrong argument must say what it got, and the value itself could be card data.
 */
export function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (Array.isArray(v)) return 'an array';
  if (v instanceof Uint8Array) return 'a Uint8Array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

/**
 * The `INVALID_OPTION` error for argument or option `name` of the call `where`: "`where`: `name` must be
 * `expected`, got a number".
 *
 * Why: plain JavaScript callers have no compiler to tell them; the text names the call and the option, and
 * describes what was given by its type only.
 */
export function invalidOption(where: string, name: string, expected: string, got: unknown): Iso8583Error {
  return new Iso8583Error(ErrorCode.INVALID_OPTION, `${where}: ${name} must be ${expected}, got ${describeType(got)}`);
}

/** An option name is quoted in an error only when it is a plain word, so a stray value never reaches the text. */
function optionName(key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]{0,39}$/.test(key) ? `"${key}"` : '(a name that is not a plain word)';
}

/**
 * Checks an options argument: `undefined` (no options) or a plain object whose keys are all in `allowed` (keys
 * whose value is `undefined` are ignored). Returns the options as a record; throws `INVALID_OPTION` otherwise.
 *
 * Why: a misspelt option (`{ maxFeilds: 3 }`) silently ignored is worse than an error.
 */
export function readOptions(where: string, options: unknown, allowed: readonly string[]): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw invalidOption(where, 'options', 'an object', options);
  }
  const record = options as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    if (record[key] !== undefined && !allowed.includes(key)) {
      throw new Iso8583Error(ErrorCode.INVALID_OPTION, `${where}: unknown option ${optionName(key)} (options: ${allowed.join(', ')})`);
    }
  }
  return record;
}
