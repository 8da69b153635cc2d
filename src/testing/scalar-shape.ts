import fc from 'fast-check';
import { getConverter } from '../codecs/registry.js';
import { unitMapping } from '../codecs/units.js';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import { parsePrefix } from '../prefixes/length-prefix.js';
import { KIND_ALPHABETS } from '../spec/kinds.js';
import type { FieldSpec, FieldValue, LengthUnit, ScalarValue } from '../spec/types.js';
import { countOf, normalize, nth, ofCounts, type Sizes, where } from './sizes.js';

/** A field's valid values, by the number of bytes their encoding takes. */
export interface Shape {
  /** Every wire size (in bytes, length prefix included) a valid value of the field can take. */
  readonly sizes: Sizes;
  /** Valid values whose encoding takes exactly `bytes` bytes; `bytes` must be one of {@link Shape.sizes}. */
  ofSize(bytes: number): fc.Arbitrary<FieldValue>;
}

/** Characters (as one-char strings) a field may hold: its kind's alphabet that its converter can also carry. */
export function alphabetOf(field: FieldSpec): string[] {
  if (field.kind === 'b') return [];
  return charsOf(KIND_ALPHABETS[field.kind], field.encoding);
}

/** Characters of a kind's alphabet that the converter named `encoding` can also carry. */
export function charsOf(kind: Uint8Array, encoding: string): string[] {
  const charset = getConverter(encoding).charset;
  const out: string[] = [];
  for (let c = 0; c < 256; c++) if (kind[c] === 1 && (charset === undefined || charset[c] === 1)) out.push(String.fromCharCode(c));
  return out;
}

/** Lengths biased toward short values, reaching the maximum now and then. */
export function lengthArbitrary(min: number, max: number): fc.Arbitrary<number> {
  if (max <= min) return fc.constant(min);
  return fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min, max: Math.min(max, min + 24) }) },
    { weight: 2, arbitrary: fc.integer({ min, max }) },
    { weight: 1, arbitrary: fc.constant(max) },
    { weight: 1, arbitrary: fc.constant(min) },
  );
}

/** Strings of exactly `length` characters drawn from `chars`. */
export function stringOf(chars: readonly string[], length: number): fc.Arbitrary<string> {
  if (length === 0) return fc.constant('');
  return fc.array(fc.constantFrom(...chars), { minLength: length, maxLength: length }).map((a) => a.join(''));
}

/** A count of the set, biased toward its smallest counts, reaching its largest now and then. */
export function sizeArbitrary(s: Sizes): fc.Arbitrary<number> {
  return lengthArbitrary(0, countOf(s) - 1).map((i) => nth(s, i));
}

/** Bytes a length prefix takes on the wire (0 for a fixed field). */
export function prefixBytesOf(field: FieldSpec): number {
  const shape = parsePrefix(field.prefix);
  if (shape === undefined || shape.type === 'fixed') return 0;
  return shape.type === 'binary' ? shape.bytes : getConverter(shape.encoding).byteLength(shape.digits);
}

/** The value lengths a field without subfields allows, and how to build a value of one of them. */
export interface ScalarRules {
  /** Value lengths (characters, digits or bytes, as the value counts them) that encode and decode back. */
  readonly lengths: Sizes;
  /** The same lengths, biased toward short ones. */
  readonly lengthArbitrary: fc.Arbitrary<number>;
  /** Values of exactly `n` units. */
  valueOfLength(n: number): fc.Arbitrary<ScalarValue>;
}

/** The {@link ScalarRules} of a field without subfields: its length rule, alphabet, pad and sign. */
export function scalarRules(field: FieldSpec): ScalarRules {
  const shape = parsePrefix(field.prefix);
  const fixed = shape === undefined || shape.type === 'fixed';
  const converter = getConverter(field.encoding);
  const unit: LengthUnit = field.lengthUnit ?? converter.lengthUnits[0] ?? converter.unit;
  const mapping = unitMapping(converter, unit);
  // A variable field holds values whose written count is at most its maximum: for hex text counted in characters
  // and an odd maximum, that is one character fewer (two characters a byte).
  let maxUnits = mapping.toUnits(field.length);
  if (!fixed && maxUnits < 0) maxUnits = mapping.toUnits(field.length - 1);
  // Packed digits counted in bytes with an F pad drop a trailing/leading F on decode: keep values round-trippable.
  const padF = !fixed && converter.unit === 'digits' && unit === 'bytes' && field.nibblePad?.nibble === 'F';
  // Packed digits counted in bytes without an F pad cannot tell "123" from "0123": such values have even lengths.
  const evenOnly = !fixed && converter.unit === 'digits' && unit === 'bytes' && !padF;
  // x+n is a sign (C or D) and digits: at least one character.
  const min = field.kind === 'x+n' ? 1 : 0;
  let lengths: Sizes;
  let lengthArb: fc.Arbitrary<number>;
  if (fixed) {
    lengths = ofCounts([maxUnits]);
    lengthArb = fc.constant(maxUnits);
  } else if (evenOnly) {
    const top = maxUnits >> 1;
    const low = (min + 1) >> 1;
    lengths = where(normalize([[low * 2, top * 2]]), (n) => n % 2 === 0);
    lengthArb = lengthArbitrary(low, top).map((n) => n * 2);
  } else {
    const top = padF ? maxUnits - 1 : maxUnits;
    lengths = normalize([[min, top]]);
    lengthArb = lengthArbitrary(min, top);
  }
  const chars = alphabetOf(field);
  const safe = padF ? chars.filter((c) => c !== 'F') : chars;
  const digits = safe.filter((c) => c >= '0' && c <= '9');
  const signs = safe.filter((c) => c === 'C' || c === 'D');
  const valueOfLength = (n: number): fc.Arbitrary<ScalarValue> => {
    if (field.kind === 'b') return fc.uint8Array({ minLength: n, maxLength: n });
    if (field.kind === 'x+n') return fc.tuple(fc.constantFrom(...signs), stringOf(digits, n - 1)).map(([s, d]) => s + d);
    return stringOf(safe, n);
  };
  return { lengths, lengthArbitrary: lengthArb, valueOfLength };
}

/** An Arbitrary of valid values of a field without subfields, typed as the field infers. */
export function scalarArbitrary(field: FieldSpec): fc.Arbitrary<ScalarValue> {
  const rules = scalarRules(field);
  return rules.lengthArbitrary.chain((n) => rules.valueOfLength(n));
}

/** Groups value lengths by the wire size (prefix included) a value of that length takes. */
export function byWireSize(lengths: Sizes, wire: (n: number) => number): { sizes: Sizes; lengthsOf(bytes: number): number[] } {
  const map = new Map<number, number[]>();
  for (const [lo, hi] of lengths) {
    for (let n = lo; n <= hi; n++) {
      const s = wire(n);
      const list = map.get(s);
      if (list === undefined) map.set(s, [n]);
      else list.push(n);
    }
  }
  return { sizes: ofCounts(map.keys()), lengthsOf: (bytes) => map.get(bytes) ?? [] };
}

/** The {@link Shape} of a field without subfields: each allowed value length at the wire size it takes. */
export function scalarShape(field: FieldSpec): Shape {
  const rules = scalarRules(field);
  const converter = getConverter(field.encoding);
  const prefixBytes = prefixBytesOf(field);
  const wire = byWireSize(rules.lengths, (n) => prefixBytes + converter.byteLength(n));
  return {
    sizes: wire.sizes,
    ofSize: (bytes) => fc.constantFrom(...wire.lengthsOf(bytes)).chain((n) => rules.valueOfLength(n)),
  };
}

const DIGITS = '0123456789'.split('');

/** Track 2 is text of a PAN (1–19 digits), a separator, YYMM, a 3-digit service code and discretionary data. */
export function track2Shape(field: FieldSpec): Shape {
  const rules = scalarRules(field);
  const converter = getConverter(field.encoding);
  const prefixBytes = prefixBytesOf(field);
  // At least a 1-digit PAN, the separator, the expiry and the service code.
  const lengths = normalize(rules.lengths.map(([lo, hi]) => [Math.max(lo, 9), hi] as const));
  const wire = byWireSize(lengths, (n) => prefixBytes + converter.byteLength(n));
  return {
    sizes: wire.sizes,
    ofSize: (bytes) =>
      fc
        .constantFrom(...wire.lengthsOf(bytes))
        .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: Math.min(12, n - 8), max: Math.min(19, n - 8) })))
        .chain(([n, panLength]) =>
          fc.record({
            pan: stringOf(DIGITS, panLength),
            expiry: stringOf(DIGITS, 4),
            serviceCode: stringOf(DIGITS, 3),
            discretionary: stringOf(DIGITS, n - 8 - panLength),
          }),
        ),
  };
}

/** Track 1 data characters (ISO/IEC 7813): 0x20-0x5F but `%` and `?` (the sentinels) and `^` (the separator). */
const TRACK1_DATA = Uint8Array.from({ length: 256 }, (_, c) => (c >= 0x20 && c <= 0x5f && c !== 0x25 && c !== 0x3f && c !== 0x5e ? 1 : 0));

/**
 * Track 1 (format B) is text of `B`, a PAN (1–19 digits), `^`, a name (2–26 track characters), `^`, YYMM, a 3-digit
 * service code and discretionary data (track characters), one byte a character.
 */
export function track1Shape(field: FieldSpec): Shape {
  const rules = scalarRules(field);
  const converter = getConverter(field.encoding);
  const prefixBytes = prefixBytesOf(field);
  const chars = charsOf(TRACK1_DATA, field.encoding).filter((c) => KIND_ALPHABETS.ans[c.charCodeAt(0)] === 1);
  // At least B, a 1-digit PAN, ^, a 2-character name, ^, the expiry and the service code: 13 characters.
  const lengths = normalize(rules.lengths.map(([lo, hi]) => [Math.max(lo, 13), hi] as const));
  const wire = byWireSize(lengths, (n) => prefixBytes + converter.byteLength(n));
  return {
    sizes: wire.sizes,
    ofSize: (bytes) =>
      fc
        .constantFrom(...wire.lengthsOf(bytes))
        // n = 10 fixed characters (B ^ ^ YYMM service code) + PAN + name + discretionary.
        .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: 1, max: Math.min(19, n - 12) })))
        .chain(([n, panLength]) => fc.tuple(fc.constant(n), fc.constant(panLength), fc.integer({ min: 2, max: Math.min(26, n - 10 - panLength) })))
        .chain(([n, panLength, nameLength]) =>
          fc.record({
            formatCode: fc.constant<'B'>('B'),
            pan: stringOf(DIGITS, panLength),
            name: stringOf(chars, nameLength),
            expiry: stringOf(DIGITS, 4),
            serviceCode: stringOf(DIGITS, 3),
            discretionary: stringOf(chars, n - 10 - panLength - nameLength),
          }),
        ),
  };
}

/** A container's content: the sizes its subfields can fill, and values of each. */
export interface Content {
  readonly sizes: Sizes;
  ofSize(bytes: number): fc.Arbitrary<FieldValue>;
}

/** The error for a field no valid value fits (its subfields cannot fill any length its prefix or size allows). */
export function noValueFits(path: string): Iso8583Error {
  return new Iso8583Error(ErrorCode.INVALID_SPEC, 'no value fits the field: its subfields cannot fill any length it allows', { field: path });
}
