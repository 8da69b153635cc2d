import { ErrorCode } from './codes.js';
import { Iso8583Error } from './iso8583-error.js';

const TYPED_ARRAY_NAME = Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype) as object, Symbol.toStringTag)!.get!;

/**
 * Names a JavaScript value's type without showing the value: `'a string'`, `'an array'`, `'null'` …
 *
 * Why: an error about a wrong argument must say what it got, and the value itself could be card data. It runs no
 * code of the value's: the typed-array brand comes from its internal slot, and a proxy is named `'an object'` or
 * `'an array'` (`'a revoked proxy'` once revoked) without a trap being called.
 */
export function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (v === undefined) return 'undefined';
  if (typeof v !== 'object') return `a ${typeof v}`;
  const typed = TYPED_ARRAY_NAME.call(v) as string | undefined;
  if (typed !== undefined) return `a ${typed}`;
  try {
    return Array.isArray(v) ? 'an array' : 'an object';
  } catch {
    // Only a revoked proxy makes Array.isArray throw.
    return 'a revoked proxy';
  }
}

/**
 * Tells whether `v` is a name safe to quote in an error text: a string of 1 to 32 letters, digits and `_ . + / -`,
 * holding at most 4 digits in all. Converter names (`ebcdic1047`), kinds (`x+n`), prefixes (`LL/ascii`), tags
 * (`9F02`) and option names pass; a PAN, or a PAN cut by separators, cannot (it has 12 digits or more).
 */
export function isPlainName(v: unknown): v is string {
  if (typeof v !== 'string' || !/^[A-Za-z0-9_.+/-]{1,32}$/.test(v)) return false;
  let digits = 0;
  for (let i = 0; i < v.length; i++) if (v.charCodeAt(i) >= 0x30 && v.charCodeAt(i) <= 0x39) digits++;
  return digits <= 4;
}

/**
 * A name taken from a spec or an argument, as an error text shows it: quoted (`"morse"`) when {@link isPlainName}
 * allows it, else only its type (`a string that is not shown`, `an object`), so the text never quotes a value.
 */
export function nameLabel(v: unknown): string {
  if (isPlainName(v)) return `"${v}"`;
  return typeof v === 'string' ? 'a string that is not shown (not a plain name)' : describeType(v);
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
  return /^[A-Za-z_$][A-Za-z0-9_$]{0,39}$/.test(key) && isPlainName(key) ? `"${key}"` : '(a name that is not a plain word)';
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
