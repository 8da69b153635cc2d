import { DEFAULT_NIBBLE_PAD } from '../codecs/converter.js';
import { getConverter } from '../codecs/registry.js';
import type { CompiledField } from '../cursor/compiled-field.js';
import { describeType, invalidOption } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { guard, unreadable } from '../errors/guard.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import { parsePrefix } from '../prefixes/length-prefix.js';
import type { FieldSpec, Track2 } from '../spec/types.js';

const isDigits = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
};

function bad(detail: string, field: string, offset: number): Iso8583Error {
  return new Iso8583Error(ErrorCode.INVALID_TRACK, detail, { field, offset });
}

/** Checks the locating arguments: `field` a string (the caller's own label, shown as given), `offset` a byte index. */
function checkLocation(where: string, field: unknown, offset: unknown): void {
  if (typeof field !== 'string') throw invalidOption(where, 'field', 'a string naming the field, e.g. "35"', field);
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) throw invalidOption(where, 'offset', 'a byte offset (an integer of 0 or more)', offset);
}

/**
 * Splits Track 2 text into PAN, expiry, service code and discretionary data.
 *
 * Wire facts: the separator is `=` in ASCII/EBCDIC and the nibble `D` in packed BCD (some networks also send the
 * text with the letter `D`); the PAN is up to 19 digits, then YYMM and a 3-digit service code, then discretionary
 * data to the end. A track uses one separator: with `=` a `D` anywhere is refused, with `D` an `=` anywhere and a
 * second `D` are (`INVALID_TRACK` at that character, `offset` being the text's first byte, one byte a character).
 *
 * Why: the split the `track2` layout applies to DE35, for Track 2 text that reaches you some other way; `field`
 * and `offset` only locate the `Iso8583Error` thrown for text that is not Track 2.
 *
 * @example
 * ```ts
 * parseTrack2('4111111111111111=28122010000', '=', '35', 0);
 * // { pan: '4111111111111111', expiry: '2812', serviceCode: '201', discretionary: '0000' }
 * ```
 */
export function parseTrack2(text: string, separator: '=' | 'D', field: string, offset: number): Track2 {
  if (separator !== '=' && separator !== 'D') throw invalidOption('parseTrack2', 'separator', '"=" (text) or "D" (packed BCD, or text separated by D)', separator);
  checkLocation('parseTrack2', field, offset);
  if (typeof text !== 'string') {
    throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, `parseTrack2: text must be a string, got ${describeType(text)}`, { field, offset });
  }
  return splitTrack2(text, separator, field, offset, (i) => offset + i);
}

/**
 * Index of the first character of a track that breaks the separator rule, or -1. Wire facts: `=` (0x3D) is the
 * separator of the track's own characters and `D` the name of the same nibble (13) in packed form and in text that
 * spells the nibbles; one track uses one of the two. With `=`, a `D` is never in the track (the z kind takes `A`–`F`
 * only as nibble names); with `D`, no `=` is, and `D` stands only at the separator: a second one would be a second
 * separator, which no part holds.
 */
function separatorFault(text: string, separator: '=' | 'D'): number {
  if (separator === '=') return text.indexOf('D');
  const first = text.indexOf('D');
  const again = first < 0 ? -1 : text.indexOf('D', first + 1);
  const other = text.indexOf('=');
  if (other < 0) return again;
  return again < 0 ? other : Math.min(other, again);
}

/** The error for a separator fault at byte `offset`, naming the layout's separator (no track data in its text). */
function wrongSeparator(separator: '=' | 'D', field: string, offset: number): Iso8583Error {
  return bad(
    separator === '='
      ? 'track 2 holds a D, but this layout separates with = (a D belongs to the packed or D-separated form)'
      : 'track 2 holds = or a second D, but this layout separates with one D',
    field,
    offset,
  );
}

/** {@link parseTrack2} with `byteOf(i)`, the byte offset of character `i` (one byte a character, or a nibble's byte). */
function splitTrack2(text: string, separator: '=' | 'D', field: string, offset: number, byteOf: (i: number) => number): Track2 {
  const fault = separatorFault(text, separator);
  if (fault >= 0) throw wrongSeparator(separator, field, byteOf(fault));
  // Only the field's own separator counts, so decoding and re-encoding always give back the same bytes.
  const sep = text.indexOf(separator);
  if (sep < 1 || sep > 19) throw bad('track 2 has no separator after a 1-19 digit PAN', field, offset);
  const pan = text.slice(0, sep);
  const expiry = text.slice(sep + 1, sep + 5);
  const serviceCode = text.slice(sep + 5, sep + 8);
  if (!isDigits(pan) || expiry.length !== 4 || !isDigits(expiry) || serviceCode.length !== 3 || !isDigits(serviceCode)) {
    throw bad('track 2 PAN, expiry or service code is not digits', field, offset);
  }
  return { pan, expiry, serviceCode, discretionary: text.slice(sep + 8) };
}

/**
 * Joins a {@link Track2} back into text with the given separator (`=` for text, `D` for packed BCD or D-separated
 * text); discretionary data holding the other separator (or, with `D`, a `D`) is refused, as parsing would.
 *
 * Why: the encoder's half of {@link parseTrack2}, for Track 2 built outside a codec; `field` and `offset` only
 * locate the `Iso8583Error` thrown for a value that cannot be joined.
 *
 * @example
 * ```ts
 * formatTrack2({ pan: '4111111111111111', expiry: '2812', serviceCode: '201', discretionary: '0000' }, '=', '35', 0);
 * // '4111111111111111=28122010000'
 * ```
 */
export function formatTrack2(value: unknown, separator: '=' | 'D', field: string, offset: number): string {
  if (separator !== '=' && separator !== 'D') throw invalidOption('formatTrack2', 'separator', '"=" (text) or "D" (packed BCD, or text separated by D)', separator);
  checkLocation('formatTrack2', field, offset);
  return joinTrack2(value, separator, field, offset, (i) => offset + i);
}

/**
 * {@link formatTrack2} with `byteOf(i, length)`, the byte offset character `i` of the joined text (of `length`
 * characters) would take: a separator fault is reported there, every other fault at `offset`.
 */
function joinTrack2(value: unknown, separator: '=' | 'D', field: string, offset: number, byteOf: (i: number, length: number) => number): string {
  if (describeType(value) !== 'an object') {
    throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, 'track 2 must be { pan, expiry, serviceCode, discretionary }', {
      field,
      offset,
    });
  }
  // Each part is read once; a getter or proxy trap that throws becomes INVALID_MESSAGE without its text, as
  // any unreadable message does in encode.
  const { pan, expiry, serviceCode, discretionary } = guard(
    ErrorCode.INVALID_MESSAGE,
    unreadable('track 2'),
    () => {
      const { pan, expiry, serviceCode, discretionary } = value as Partial<Track2>;
      return { pan, expiry, serviceCode, discretionary } as { pan: unknown; expiry: unknown; serviceCode: unknown; discretionary: unknown };
    },
  );
  if (
    typeof pan !== 'string' || typeof expiry !== 'string' || typeof serviceCode !== 'string' ||
    typeof discretionary !== 'string' || pan.length < 1 || pan.length > 19 || !isDigits(pan) ||
    expiry.length !== 4 || !isDigits(expiry) || serviceCode.length !== 3 || !isDigits(serviceCode)
  ) {
    throw bad('track 2 parts must be digits: PAN 1-19, expiry 4, service code 3', field, offset);
  }
  const text = `${pan}${separator}${expiry}${serviceCode}${discretionary}`;
  // Decode refuses the other separator (and a second D): a value holding one would not read back as itself.
  const fault = separatorFault(text, separator);
  if (fault >= 0) throw wrongSeparator(separator, field, byteOf(fault, text.length));
  return text;
}

/**
 * The separator a `track2` layout uses on a field: the layout's `separator`, else `D` for packed digits and `=`
 * for text (the wire forms before the option existed).
 */
export function track2Separator(spec: FieldSpec): '=' | 'D' {
  const layout = spec.subfields;
  const declared = layout !== undefined && layout.type === 'track2' ? layout.separator : undefined;
  return declared ?? (getConverter(spec.encoding).unit === 'digits' ? 'D' : '=');
}

/**
 * Compiles a field with a `track2` layout over its scalar field (`scalar`, the field's text or packed digits):
 * decode splits the text at the layout's separator, encode joins the parts with it.
 *
 * Why: Track 2 is text (or packed digits) first and the structure a view over it, so the field's prefix, length,
 * alphabet and nibble pad stay the scalar field's; errors point at the track data, just after the prefix, and a
 * separator fault at the byte holding it.
 */
export function compileTrack2Field(path: string, spec: FieldSpec, scalar: CompiledField): CompiledField {
  const converter = getConverter(spec.encoding);
  const separator = track2Separator(spec);
  const packed = converter.unit === 'digits';
  // Packed: digit i sits in nibble i, or i + 1 when an odd count is padded on the left.
  const padLeft = (spec.nibblePad ?? DEFAULT_NIBBLE_PAD).side === 'left';
  const shape = parsePrefix(spec.prefix);
  const prefixBytes =
    shape === undefined || shape.type === 'fixed' ? 0 : shape.type === 'binary' ? shape.bytes : getConverter(shape.encoding).byteLength(shape.digits);
  const byteMap = (start: number, length: number): ((i: number) => number) => {
    if (!packed) return (i) => start + converter.byteLength(i);
    const shift = padLeft && length % 2 === 1 ? 1 : 0;
    return (i) => start + ((i + shift) >> 1);
  };
  return {
    path,
    decode(r) {
      const text = scalar.decode(r) as string;
      // Errors point at the track data itself, just after the length prefix.
      const start = r.pos - converter.byteLength(text.length);
      return splitTrack2(text, separator, path, start, byteMap(start, text.length));
    },
    encode(w, value) {
      const start = w.pos;
      const text = joinTrack2(value, separator, path, start, (i, length) => byteMap(start + prefixBytes, length)(i));
      scalar.encode(w, text);
    },
  };
}
