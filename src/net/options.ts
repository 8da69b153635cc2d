/**
 * Checks of the options the net entry points take, for callers without a compiler (plain JavaScript, JSON
 * configuration). Each failure throws `INVALID_OPTION` naming the option's path; the texts describe types and
 * ranges, never the values given, which could be anything a caller had at hand.
 */
import { typedArrayTag } from '../codecs/copy-bytes.js';
import { Iso8583NetError, isIso8583NetError, NetErrorCode } from './net-error.js';

/** Largest delay `setTimeout` honours (2^31 - 1 ms); above it Node fires at once. */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * What a value is, for an error text: its type, never its content. Typed arrays are told by their internals (a proxy
 * around a `Uint8Array` is an object), and describing a value never throws: a revoked proxy, or one whose
 * `getPrototypeOf` trap throws, is 'an object' too.
 */
export function kindOf(value: unknown): string {
  if (value === null || value === undefined) return String(value);
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : `the number ${value}`;
  if (typeof value !== 'object' && typeof value !== 'function') return `a ${typeof value}`;
  const tag = typedArrayTag(value);
  if (tag === 'Uint8Array') return 'a Uint8Array';
  if (tag !== undefined || ArrayBuffer.isView(value)) return 'a typed array other than Uint8Array';
  try {
    if (Array.isArray(value)) return 'an array';
    if (value instanceof ArrayBuffer) return 'an ArrayBuffer';
  } catch {
    // A revoked proxy or a trap that throws: nothing more is known, nor read.
  }
  return typeof value === 'object' ? 'an object' : 'a function';
}

/** Throws `INVALID_OPTION` for `option` in the call `where`. */
export function invalidOption(where: string, option: string, expected: string, got: unknown): never {
  throw new Iso8583NetError(NetErrorCode.INVALID_OPTION, `${where}: ${option} must be ${expected}, got ${kindOf(got)}`, { option });
}

/** Asserts that `value` is a non-null, non-array object. */
export function checkObject(where: string, option: string, value: unknown): asserts value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalidOption(where, option, 'an object', value);
}

/** A key is quoted in an error only when it is a plain word, so a stray value (a PAN as a key) never reaches the text. */
export function plainKey(key: string): boolean {
  return /^[A-Za-z_$][A-Za-z0-9_$]{0,39}$/.test(key);
}

/**
 * Throws `code` (`INVALID_OPTION` by default) naming the first own key of `value` that is not in `allowed`; keys
 * whose value is `undefined` are ignored, as an option left out is. `where` (the call) prefixes the text unless empty.
 *
 * Why: a misspelt limit (`maxConection: 10`) silently ignored leaves the default in force, which is worse than an
 * error at start-up.
 */
export function checkKnownKeys(
  where: string,
  path: string,
  value: Record<string, unknown>,
  allowed: readonly string[],
  code: typeof NetErrorCode.INVALID_OPTION | typeof NetErrorCode.INVALID_FRAMING = NetErrorCode.INVALID_OPTION,
): void {
  for (const key of Object.keys(value)) {
    if (value[key] === undefined || allowed.includes(key)) continue;
    const option = plainKey(key) ? `${path}.${key}` : path;
    const named = plainKey(key) ? `unknown option ${option}` : `${path} has an unknown option whose name is not a plain word`;
    throw new Iso8583NetError(code, `${where === '' ? '' : `${where}: `}${named} (options: ${allowed.join(', ')})`, { option });
  }
}

/** The codes of a bad option: `INVALID_FRAMING` for a framing's, `INVALID_OPTION` for any other. */
type OptionCode = typeof NetErrorCode.INVALID_OPTION | typeof NetErrorCode.INVALID_FRAMING;

/** The `keys` that make {@link copyOptions} copy an array's items (any other `keys` return an array as given). */
export const ARRAY: readonly string[] = [];

/** The keys of a framing spec (`FramingSpec`), read by the framing checks and refused otherwise. */
export const FRAMING_KEYS: readonly string[] = ['length', 'digits', 'includesLength', 'headerBytes'];

/**
 * Runs `read` (a read or a check of the caller's object at `path`): anything it throws but an `Iso8583NetError` (a
 * getter's or a proxy trap's error, a revoked proxy's `TypeError`) becomes `code` (`INVALID_OPTION` by default)
 * naming `path`, without the thrown text. `where` (the call) prefixes the text unless empty.
 *
 * Why: an option object is caller data; what its getters throw could hold anything (card data).
 */
export function guarded<T>(where: string, path: string, read: () => T, code: OptionCode = NetErrorCode.INVALID_OPTION): T {
  try {
    return read();
  } catch (e) {
    if (isIso8583NetError(e)) throw e;
    throw new Iso8583NetError(code, `${where === '' ? '' : `${where}: `}${path} could not be read (a getter or a proxy trap threw)`, { option: path });
  }
}

/**
 * A plain copy of the option object `value` at `path`, read once inside {@link guarded}: the `keys` an entry point
 * knows are read by name (inherited ones too, as the checks read them), other own keys are copied for
 * `checkKnownKeys` to refuse; with `keys` {@link ARRAY} an array's items are copied, any other array and any value
 * that is not an object are returned as given, for the checks to refuse.
 *
 * Why: the checks and the code after them then read plain values: a getter read again later cannot answer
 * differently from the value that was checked.
 */
export function copyOptions<T>(where: string, path: string, value: T, keys: readonly string[], code: OptionCode = NetErrorCode.INVALID_OPTION): T {
  return guarded(
    where,
    path,
    () => {
      if (typeof value !== 'object' || value === null) return value;
      if (Array.isArray(value)) return (keys === ARRAY ? Array.from(value as unknown[]) : value) as T;
      const source = value as Record<string, unknown>;
      const copy: Record<string, unknown> = {};
      for (const key of keys) {
        const v = source[key];
        if (v !== undefined) copy[key] = v;
      }
      for (const key of Object.keys(source)) if (!keys.includes(key)) copy[key] = source[key];
      return copy as T;
    },
    code,
  );
}

/**
 * A copy of the codec at `path` whose `decode`, `encode` and `peek` were read once, inside {@link guarded}, and
 * bound to the caller's codec (other members are not used and not copied); a value that is not an object, and a
 * member that is not a function, are kept as given for {@link checkCodec} to refuse.
 *
 * Why: the net layer calls the codec on every message; a getter read there could hand a different function (or
 * throw) long after the call that checked it.
 */
export function copyCodec<T>(where: string, path: string, codec: T): T {
  return guarded(where, path, () => {
    if (typeof codec !== 'object' || codec === null || Array.isArray(codec)) return codec;
    const source = codec as Record<string, unknown>;
    const copy: Record<string, unknown> = {};
    for (const key of ['decode', 'encode', 'peek']) {
      const member = source[key];
      if (member !== undefined) copy[key] = typeof member === 'function' ? (member as (...a: unknown[]) => unknown).bind(codec) : member;
    }
    return Object.freeze(copy) as T;
  });
}

/** How a nested option object is copied: its keys for {@link copyOptions} (and the error code), or the codec's way. */
type NestedCopy = readonly [readonly string[], OptionCode] | 'codec';

/**
 * The keys of a TLS option object read by name (inherited ones too); its other own keys are copied as they are,
 * as Node's own spread of it would take them.
 */
const TLS_KEYS: readonly string[] = ['ca', 'cert', 'key', 'pfx', 'passphrase', 'servername', 'rejectUnauthorized', 'requestCert', 'handshakeTimeout'];

/**
 * The option objects inside an entry point's options that are copied with it. `tls` is a shallow copy: the values
 * of its `ca`, `cert` and `key` are taken as they are.
 */
const NESTED: readonly [string, NestedCopy][] = [
  ['framing', [FRAMING_KEYS, NetErrorCode.INVALID_FRAMING]],
  ['keepAlive', [['idleMs', 'echo', 'timeoutMs', 'maxMissed'], NetErrorCode.INVALID_OPTION]],
  ['backoff', [['minMs', 'maxMs', 'jitter'], NetErrorCode.INVALID_OPTION]],
  ['tls', [TLS_KEYS, NetErrorCode.INVALID_OPTION]],
  ['codec', 'codec'],
];

/** Replaces each nested option object of `copy` (an option object copied already) by a copy of its own. */
function copyNested(where: string, path: string, copy: Record<string, unknown>): void {
  for (const [key, how] of NESTED) {
    const value = copy[key];
    if (value === undefined) continue;
    if (how === 'codec') copy[key] = copyCodec(where, `${path}.${key}`, value);
    else copy[key] = copyOptions(how[1] === NetErrorCode.INVALID_FRAMING ? '' : where, `${path}.${key}`, value, how[0], how[1]);
  }
}

/**
 * {@link copyOptions} of an entry point's `options`, with its `framing` (`INVALID_FRAMING` naming
 * `options.framing`), `keepAlive`, `backoff`, `tls` and `codec` ({@link copyCodec}) copied as well, so the call
 * checks and then uses plain values only.
 */
export function copyEntryOptions<T>(where: string, options: T, keys: readonly string[]): T {
  const copy = copyOptions(where, 'options', options, keys);
  if (copy !== options) copyNested(where, 'options', copy as Record<string, unknown>);
  return copy;
}

/** The keys of a link target (where one link of a pool dials). */
export const LINK_TARGET_KEYS: readonly string[] = ['host', 'port', 'tls', 'socket'];

/** {@link copyOptions} of a pool's link target at `path`, its `tls` copied as well, as {@link copyEntryOptions} does. */
export function copyLinkTarget<T>(where: string, path: string, target: T): T {
  const copy = copyOptions(where, path, target, LINK_TARGET_KEYS);
  if (copy !== target) copyNested(where, path, copy as Record<string, unknown>);
  return copy;
}

/** Asserts that `value` is a function. */
export function checkFunction(where: string, option: string, value: unknown): void {
  if (typeof value !== 'function') invalidOption(where, option, 'a function', value);
}

/** Asserts that `value` is a function or `undefined`. */
export function checkOptionalFunction(where: string, option: string, value: unknown): void {
  if (value !== undefined) checkFunction(where, option, value);
}

/** Returns `value` when it is an integer in [min, max], `fallback` when it is `undefined`; throws otherwise. */
export function integerOption(where: string, option: string, value: unknown, fallback: number, min: number, max: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    invalidOption(where, option, `an integer from ${min} to ${max}`, value);
  }
  return value;
}

/** A duration in ms where 0 switches the limit off; at most {@link MAX_TIMER_MS}. */
export function timeoutOption(where: string, option: string, value: unknown, fallback: number): number {
  return integerOption(where, option, value, fallback, 0, MAX_TIMER_MS);
}

/** Asserts that `value` is one of `allowed` (or `undefined`). */
export function checkOneOf(where: string, option: string, value: unknown, allowed: readonly string[]): void {
  if (value !== undefined && !allowed.includes(value as string)) {
    invalidOption(where, option, allowed.map((a) => `'${a}'`).join(' or '), value);
  }
}

/** Asserts that `value` offers `decode` and `encode` functions (a compiled codec). */
export function checkCodec(where: string, option: string, value: unknown): void {
  guarded(where, option, () => {
    checkObject(where, option, value);
    checkFunction(where, `${option}.decode`, value['decode']);
    checkFunction(where, `${option}.encode`, value['encode']);
    checkOptionalFunction(where, `${option}.peek`, value['peek']);
  });
}

/** Asserts that `value` is `undefined` or a logger with `info`, `warn` and `error` functions. */
export function checkLogger(where: string, option: string, value: unknown): void {
  if (value === undefined) return;
  guarded(where, option, () => {
    checkObject(where, option, value);
    for (const level of ['info', 'warn', 'error']) checkFunction(where, `${option}.${level}`, value[level]);
  });
}
