import { nameLabel } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { guard, unreadable } from '../errors/guard.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import type { ConverterName } from '../spec/names.js';
import { asciiConverter } from './ascii.js';
import { bcdConverter } from './bcd.js';
import { binaryConverter } from './binary.js';
import type { Converter } from './converter.js';
import { ebcdic037Converter, ebcdic1047Converter, ebcdic500Converter } from './ebcdic.js';
import { hexConverter } from './hex.js';

/**
 * Built-in converters by name. `nop` is the name other ISO 8583 libraries give the binary converter.
 * The map is built from imports, not by registration side effects, so tree-shaking cannot drop a built-in.
 */
const BUILT_IN: ReadonlyMap<string, Converter> = new Map<string, Converter>([
  ['ascii', asciiConverter],
  ['binary', binaryConverter],
  ['nop', { ...binaryConverter, name: 'nop' }],
  ['hex', hexConverter],
  ['bcd', bcdConverter],
  ['ebcdic037', ebcdic037Converter],
  ['ebcdic500', ebcdic500Converter],
  ['ebcdic1047', ebcdic1047Converter],
]);

const userConverters = new Map<string, Converter>();

/**
 * Adds a converter under its `name` so specs can refer to it; built-in names cannot be replaced.
 *
 * Why: specs are data and name their converters; the registry is how user code plugs in a new encoding.
 * Register before compiling a spec that uses it; codecs already compiled keep the converter they resolved.
 *
 * @example
 * ```ts
 * registerConverter({ ...getConverter('ascii'), name: 'my-ascii' });
 * ```
 */
export function registerConverter(converter: Converter): void {
  guard(ErrorCode.INVALID_SPEC, unreadable('registerConverter: the converter'), () => {
    const name: unknown = typeof converter === 'object' && converter !== null ? converter.name : undefined;
    if (typeof name !== 'string' || name === '') {
      throw new Iso8583Error(ErrorCode.INVALID_SPEC, 'a converter needs a non-empty name');
    }
    if (BUILT_IN.has(name)) {
      throw new Iso8583Error(ErrorCode.INVALID_SPEC, `converter ${nameLabel(name)} is built in and cannot be replaced`);
    }
    checkConverterShape(converter);
    userConverters.set(name, converter);
  });
}

const UNITS: readonly unknown[] = ['chars', 'digits', 'bytes'];

/**
 * Checks the members the codec calls, so a malformed converter fails when registered, with a text naming the
 * member, instead of inside the first frame (plain JavaScript callers get no compiler to check the interface).
 */
function checkConverterShape(c: Converter): void {
  const bad = (member: string, expected: string): never => {
    throw new Iso8583Error(ErrorCode.INVALID_SPEC, `registerConverter: converter.${member} must be ${expected}`);
  };
  if (c.valueType !== 'string' && c.valueType !== 'bytes') bad('valueType', '"string" or "bytes"');
  if (!UNITS.includes(c.unit)) bad('unit', '"chars", "digits" or "bytes"');
  if (!Array.isArray(c.lengthUnits) || c.lengthUnits.length === 0 || !c.lengthUnits.every((u) => UNITS.includes(u))) {
    bad('lengthUnits', 'a non-empty array of "chars", "digits", "bytes"');
  }
  for (const fn of ['byteLength', 'decode', 'encode'] as const) if (typeof c[fn] !== 'function') bad(fn, 'a function');
  if (c.specialize !== undefined && typeof c.specialize !== 'function') bad('specialize', 'a function when given');
  if (c.charset !== undefined && !(c.charset instanceof Uint8Array && c.charset.length === 256)) bad('charset', 'a 256-entry Uint8Array when given');
}

/**
 * Returns the converter registered under `name`, or throws `UNKNOWN_CONVERTER`.
 *
 * Why: specs are resolved when compiled, so an unknown name fails before the first frame, not during it.
 *
 * @example
 * ```ts
 * const ascii = getConverter('ascii'); // the built-in ASCII converter
 * ```
 */
export function getConverter(name: string): Converter {
  // Map lookups run no code of the key's, so any value may be looked up; the text names it only if it is plain.
  const c = BUILT_IN.get(name) ?? userConverters.get(name);
  if (c === undefined) {
    throw new Iso8583Error(ErrorCode.UNKNOWN_CONVERTER, `no converter is registered as ${nameLabel(name)}`);
  }
  return c;
}

/**
 * Tells whether a converter is registered under `name` (built in or added by the user), and narrows `name` to a
 * {@link ConverterName}.
 *
 * Why: a loader of JSON specs can say which converter a table lacks before `createCodec` refuses the whole spec,
 * and a name read at run time becomes one a spec's types accept only once the registry has it.
 *
 * @example
 * ```ts
 * hasConverter('ebcdic037'); // true
 * ```
 */
export function hasConverter(name: string): name is ConverterName {
  return BUILT_IN.has(name) || userConverters.has(name);
}

/**
 * Lists every registered converter name, built-ins first.
 *
 * Why: a CLI or spec editor can offer exactly the choices the codec accepts.
 *
 * @example
 * ```ts
 * converterNames().includes('bcd'); // true
 * ```
 */
export function converterNames(): string[] {
  return [...BUILT_IN.keys(), ...userConverters.keys()];
}
