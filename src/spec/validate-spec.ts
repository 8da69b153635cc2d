import type { Converter } from '../codecs/converter.js';
import { getConverter, hasConverter } from '../codecs/registry.js';
import { invalidOption, nameLabel } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { guard, unreadable } from '../errors/guard.js';
import { binaryPrefixCapacity, parsePrefix, type PrefixShape } from '../prefixes/length-prefix.js';
import { checkedAs } from './checked.js';
import { isFieldKind, KIND_ALPHABETS } from './kinds.js';
import { checkFieldKeys, checkSpecKeys } from './spec-keys.js';
import { isSpecObject as isObject, specProblem as fail } from './spec-problem.js';
import type { FieldSpec, MessageSpec } from './types.js';
import { validateLayout } from './validate-layout.js';
import { validateRules } from './validate-rules.js';

/**
 * Largest length a field may declare: 999,999, what the widest digit prefix (LLLLLL) carries; beyond it no ISO
 * 8583 dialect exists and a typo is far likelier (so B3 and B4 fields stop here too, below their capacity).
 */
const MAX_FIELD_LENGTH = 999_999;

/**
 * Checks one field spec against the converters and prefixes it names; throws `INVALID_SPEC` at the first problem.
 *
 * Why: a spec editor or a loader of per-field overrides can check one row as it is written, without a whole
 * message spec; `path` names the row in the error. An unknown key anywhere in the row (`lenghtUnit`, a key of
 * `pad` or of a subfield) is refused first, with its path.
 *
 * @example
 * ```ts
 * validateFieldSpec({ kind: 'n', length: 19, prefix: 'LL/ascii', encoding: 'ascii' }, '2'); // passes
 * validateFieldSpec({ kind: 'n', length: 19, prefix: 'LL/ascii', encoding: 'morse' }, '2'); // throws INVALID_SPEC
 * ```
 */
export function validateFieldSpec(field: unknown, path: string): asserts field is FieldSpec {
  if (typeof path !== 'string' || path === '') throw invalidOption('validateFieldSpec', 'path', 'a non-empty string naming the field, e.g. "2"', path);
  guard(ErrorCode.INVALID_SPEC, unreadable('the field spec'), () => {
    checkFieldKeys(field, path);
    checkFieldSpec(field, path);
  });
}

function checkFieldSpec(field: unknown, path: string): asserts field is FieldSpec {
  if (!isObject(field)) fail('field spec must be an object', path);
  const { kind, length, prefix, encoding, lengthUnit, pad, nibblePad } = field;
  if (!isFieldKind(kind)) fail(`unknown kind ${nameLabel(kind)}`, path);
  if (!Number.isInteger(length) || (length as number) < 0 || (length as number) > MAX_FIELD_LENGTH) {
    fail(`length must be an integer from 0 to ${MAX_FIELD_LENGTH}`, path);
  }
  const len = length as number;
  if (typeof encoding !== 'string' || !hasConverter(encoding)) {
    fail(`encoding ${nameLabel(encoding)} is not a registered converter`, path);
  }
  const converter = getConverter(encoding);
  if ((kind === 'b') !== (converter.valueType === 'bytes')) {
    fail(
      kind === 'b'
        ? `kind b needs a bytes converter (binary, hex), not ${nameLabel(encoding)}`
        : `kind ${kind} needs a text or digit converter, not ${nameLabel(encoding)}`,
      path,
    );
  }
  if (converter.unit === 'digits' && kind !== 'n' && kind !== 'z' && kind !== 'x+n') {
    fail(`BCD carries only digit kinds (n, z, x+n), not ${kind}`, path);
  }
  if (kind !== 'b' && converter.charset !== undefined) {
    const alphabet = KIND_ALPHABETS[kind];
    let any = false;
    for (let c = 0; c < 256 && !any; c++) any = alphabet[c] === 1 && converter.charset[c] === 1;
    if (!any) fail(`converter ${nameLabel(encoding)} cannot represent any character of kind ${kind}`, path);
  }
  // Only an absent unit takes the converter's default: `null` is a value, and not a unit.
  const unit = lengthUnit === undefined ? converter.lengthUnits[0] : lengthUnit;
  if (typeof unit !== 'string' || !converter.lengthUnits.includes(unit as never)) {
    fail(`lengthUnit ${nameLabel(lengthUnit)} does not fit converter ${nameLabel(encoding)} (${converter.lengthUnits.map(nameLabel).join(', ')})`, path);
  }
  const shape = checkPrefix(prefix, len, path);
  if (shape.type === 'fixed') {
    if (len === 0) fail('a fixed field needs a length above 0', path);
    if (converter.unit === 'bytes' && unit === 'chars' && len % 2 === 1) {
      fail('a fixed hex field counted in characters needs an even length', path);
    }
  }
  if (pad !== undefined) {
    if (shape.type !== 'fixed') fail('pad applies to fixed-length fields only', path);
    if (kind === 'b') fail('binary fields are never padded', path);
    if (!isObject(pad) || (pad.side !== 'left' && pad.side !== 'right')) fail('pad.side must be left or right', path);
    const ch = pad.char;
    if (typeof ch !== 'string' || ch.length !== 1) fail('pad.char must be one character', path);
    const c = ch.charCodeAt(0);
    if (c > 255 || KIND_ALPHABETS[kind][c] !== 1 || (converter.charset !== undefined && converter.charset[c] !== 1)) {
      fail(`pad character is not allowed for kind ${kind} through ${nameLabel(encoding)}`, path);
    }
  }
  if (nibblePad !== undefined) {
    if (converter.unit !== 'digits') fail('nibblePad applies to BCD fields only', path);
    if (!isObject(nibblePad) || (nibblePad.side !== 'left' && nibblePad.side !== 'right')) {
      fail('nibblePad.side must be left or right', path);
    }
    if (nibblePad.nibble !== '0' && nibblePad.nibble !== 'F') fail('nibblePad.nibble must be "0" or "F"', path);
  }
  if (field.description !== undefined && typeof field.description !== 'string') fail('description must be a string', path);
  if (field.sensitive !== undefined && typeof field.sensitive !== 'boolean' && field.sensitive !== 'pan') {
    fail('sensitive must be a boolean or "pan"', path);
  }
  if (field.subfields !== undefined) validateLayout(field.subfields, checkedAs<FieldSpec>(field), path, checkFieldSpec);
}

/** Checks a length prefix (of a field or a header) against the maximum `len` it must carry; returns its shape. */
function checkPrefix(prefix: unknown, len: number, path: string): PrefixShape {
  if (prefix !== undefined && typeof prefix !== 'string') fail('prefix must be a string', path);
  const shape = parsePrefix(prefix as string | undefined);
  if (shape === undefined) fail(`prefix ${nameLabel(prefix)} is not fixed, L…LLLLLL/<encoding> or B1…B4`, path);
  if (shape.type === 'digits') {
    if (!hasConverter(shape.encoding)) fail(`prefix encoding ${nameLabel(shape.encoding)} is not a registered converter`, path);
    const pc = getConverter(shape.encoding);
    if (pc.valueType !== 'string' || (pc.charset !== undefined && pc.charset[0x30] !== 1)) {
      fail(`prefix encoding ${nameLabel(shape.encoding)} cannot write digits`, path);
    }
    if (len > 10 ** shape.digits - 1) fail(`maximum length ${len} does not fit a ${shape.digits}-digit prefix`, path);
  }
  if (shape.type === 'binary' && len > binaryPrefixCapacity(shape.bytes)) {
    fail(`maximum length ${len} does not fit a ${shape.bytes}-byte binary prefix`, path);
  }
  return shape;
}

/**
 * Checks a header: a registered converter, and either a fixed length in bytes that a whole number of its units
 * fills, or a prefix of its own with a maximum (at most {@link MAX_FIELD_LENGTH}) in a unit the converter counts.
 */
function checkHeader(header: unknown): void {
  if (!isObject(header) || !Number.isInteger(header.length) || (header.length as number) < 1) {
    fail('header.length must be a positive integer', 'header');
  }
  if (typeof header.encoding !== 'string' || !hasConverter(header.encoding)) {
    fail('header.encoding must name a registered converter', 'header');
  }
  const converter = getConverter(header.encoding);
  const len = header.length as number;
  const shape = checkPrefix(header.prefix, len, 'header');
  if (shape.type === 'fixed') {
    if (header.lengthUnit !== undefined) fail('header.lengthUnit applies to a header with a prefix only: a fixed header counts bytes', 'header');
    if (headerValueUnits(converter, len) === undefined) {
      fail(`header.length ${String(header.length)} is not a whole number of ${nameLabel(header.encoding)} units`, 'header');
    }
    return;
  }
  if (len > MAX_FIELD_LENGTH) fail(`header.length must be at most ${MAX_FIELD_LENGTH}`, 'header');
  const unit = header.lengthUnit === undefined ? converter.lengthUnits[0] : header.lengthUnit;
  if (typeof unit !== 'string' || !converter.lengthUnits.includes(unit as never)) {
    fail(`header.lengthUnit ${nameLabel(header.lengthUnit)} does not fit converter ${nameLabel(header.encoding)} (${converter.lengthUnits.map(nameLabel).join(', ')})`, 'header');
  }
}

/**
 * The value units a header of `length` wire bytes holds through `converter`: two digits a byte for BCD, one byte
 * per two characters for hex text, one character or byte a byte otherwise; `undefined` when no whole number of
 * units fills exactly `length` bytes (an odd length of hex text).
 */
export function headerValueUnits(converter: Converter, length: number): number | undefined {
  const units = converter.unit === 'digits' ? length * 2 : converter.byteLength(1) === 2 ? length / 2 : length;
  return Number.isInteger(units) && converter.byteLength(units) === length ? units : undefined;
}

/** Tells whether data element `n` may appear in a spec with (or without) a tertiary bitmap. */
export function isFieldNumberAllowed(n: number, tertiary: boolean): boolean {
  if (n >= 2 && n <= 128) return !(tertiary && n === 65);
  return tertiary && n >= 130 && n <= 192;
}

/**
 * Checks a whole message spec and returns it typed; throws `INVALID_SPEC` naming the first inconsistency.
 *
 * Why: a bad spec (a 25-character maximum behind an `L` prefix, BCD for an `ans` field, field 1 listed as data)
 * must fail when the codec is created, not on the first production frame that happens to carry that field. A key
 * the spec format does not have, at any level (`lenghtUnit`, `feilds`, `bitmap.tertary`), is refused first, with
 * its path: the codec would ignore it, and a typo is likelier than a new option. Only
 * an `Iso8583Error` leaves it: a getter or proxy trap of the spec that throws becomes `INVALID_SPEC` without its
 * text, and names from the spec are quoted only when they are plain names (see `nameLabel`).
 *
 * @example
 * ```ts
 * validateSpec(JSON.parse(readFileSync('my-network.json', 'utf8')));
 * ```
 */
export function validateSpec(spec: unknown): MessageSpec {
  return guard(ErrorCode.INVALID_SPEC, unreadable('the spec'), () => checkSpec(spec));
}

function checkSpec(spec: unknown): MessageSpec {
  if (!isObject(spec)) fail('spec must be an object');
  checkSpecKeys(spec);
  if (typeof spec.name !== 'string' || spec.name === '') fail('spec.name must be a non-empty string');
  if (spec.$schema !== undefined && typeof spec.$schema !== 'string') fail('spec.$schema must be a string (the address of its JSON Schema)');
  const { mti, bitmap, header, fields } = spec;
  if (!isObject(mti) || typeof mti.encoding !== 'string' || !hasConverter(mti.encoding)) {
    fail('mti.encoding must name a registered converter', 'mti');
  }
  const mc = getConverter(mti.encoding);
  if (mc.valueType !== 'string' || (mc.charset !== undefined && mc.charset[0x30] !== 1)) {
    fail(`mti encoding ${nameLabel(mti.encoding)} cannot write digits`, 'mti');
  }
  if (!isObject(bitmap) || (bitmap.format !== 'binary' && bitmap.format !== 'hex')) {
    fail('bitmap.format must be binary or hex', 'bitmap');
  }
  if (bitmap.encoding !== undefined) {
    if (bitmap.format !== 'hex') fail('bitmap.encoding applies to hex bitmaps only', 'bitmap');
    if (typeof bitmap.encoding !== 'string' || !hasConverter(bitmap.encoding)) {
      fail('bitmap.encoding must name a registered converter', 'bitmap');
    }
    const bc = getConverter(bitmap.encoding);
    if (bc.valueType !== 'string' || bc.unit !== 'chars') fail('bitmap.encoding must be a text converter', 'bitmap');
  }
  for (const flag of ['tertiary', 'alwaysSecondary', 'lenient'] as const) {
    if (bitmap[flag] !== undefined && typeof bitmap[flag] !== 'boolean') fail(`bitmap.${flag} must be a boolean`, 'bitmap');
  }
  if (header !== undefined) checkHeader(header);
  if (!isObject(fields)) fail('spec.fields must be an object');
  const tertiary = bitmap.tertiary === true;
  for (const key of Object.keys(fields)) {
    const n = Number(key);
    // A key is named (as the field) only when it is a number of at most 3 digits: a longer one could be a PAN.
    if (!Number.isInteger(n) || String(n) !== key || n > 999) fail(`field key ${nameLabel(key)} is not a field number`);
    if (n === 1 || (tertiary && n === 65)) fail('bitmap fields are computed and must not be listed', key);
    if (!isFieldNumberAllowed(n, tertiary)) {
      fail(tertiary ? 'field numbers run 2–128 and 130–192' : 'field numbers run 2–128 (130–192 need bitmap.tertiary)', key);
    }
    checkFieldSpec(fields[key], key);
  }
  if (spec.rules !== undefined) validateRules(spec.rules, checkedAs<MessageSpec['fields']>(fields));
  return checkedAs<MessageSpec>(spec);
}
