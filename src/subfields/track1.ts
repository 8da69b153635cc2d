import type { CompiledField } from '../cursor/compiled-field.js';
import { describeType, invalidOption } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { guard, unreadable } from '../errors/guard.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import type { Track1 } from '../spec/types.js';

export type { Track1 } from '../spec/types.js';

/** The field separator of Track 1. */
const SEPARATOR = 0x5e; // '^'

const isDigits = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x30 || c > 0x39) return false;
  }
  return true;
};

/**
 * Index of the first character of `s` outside the Track 1 data alphabet, or -1: the track's 6-bit characters are
 * 0x20–0x5F, of which `%` (start sentinel), `?` (end sentinel) and `^` (field separator) are not data.
 */
function firstNonData(s: string): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x5f || c === 0x25 || c === 0x3f || c === SEPARATOR) return i;
  }
  return -1;
}

function bad(detail: string, field: string, offset: number): Iso8583Error {
  return new Iso8583Error(ErrorCode.INVALID_TRACK, detail, { field, offset });
}

/** Checks the locating arguments: `field` a string (the caller's own label, shown as given), `offset` a byte index. */
function checkLocation(where: string, field: unknown, offset: unknown): void {
  if (typeof field !== 'string') throw invalidOption(where, 'field', 'a string naming the field, e.g. "45"', field);
  if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0) throw invalidOption(where, 'offset', 'a byte offset (an integer of 0 or more)', offset);
}

/**
 * Splits Track 1 text (format B, without sentinels and LRC, as DE45 carries it) into its parts.
 *
 * Wire facts (ISO/IEC 7813): `B`, a PAN of 1–19 digits, `^`, a name of 2–26 characters, `^`, YYMM, a 3-digit
 * service code, then discretionary data to the end; every character is one of the track's data characters
 * (0x20–0x5F but `%`, `?` and `^`).
 *
 * Why: Track 1 reaches an acquirer in DE45 and in card readers' output; `field` and `offset` (the byte offset of
 * the text's first character, one byte a character) locate the `Iso8583Error` thrown for text that is not Track 1:
 * `INVALID_TRACK` at the first character that breaks the layout, with no part of the track in its text.
 *
 * @example
 * ```ts
 * parseTrack1('B4111111111111111^DOE/JANE^28122010000000', '45', 0);
 * // { formatCode: 'B', pan: '4111111111111111', name: 'DOE/JANE', expiry: '2812', serviceCode: '201', discretionary: '0000000' }
 * ```
 */
export function parseTrack1(text: string, field: string, offset: number): Track1 {
  checkLocation('parseTrack1', field, offset);
  if (typeof text !== 'string') {
    throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, `parseTrack1: text must be a string, got ${describeType(text)}`, { field, offset });
  }
  if (text.charCodeAt(0) !== 0x42) throw bad('track 1 does not start with format code B', field, offset);
  const panEnd = text.indexOf('^', 1);
  if (panEnd < 2 || panEnd > 20 || !isDigits(text.slice(1, panEnd))) {
    throw bad('track 1 has no separator after a 1-19 digit PAN', field, offset + 1);
  }
  const nameEnd = text.indexOf('^', panEnd + 1);
  const name = nameEnd < 0 ? '' : text.slice(panEnd + 1, nameEnd);
  const nameBad = firstNonData(name);
  if (nameEnd < 0 || name.length < 2 || name.length > 26 || nameBad >= 0) {
    throw bad('track 1 name is not 2-26 track characters between separators', field, offset + panEnd + 1 + Math.max(nameBad, 0));
  }
  const expiry = text.slice(nameEnd + 1, nameEnd + 5);
  const serviceCode = text.slice(nameEnd + 5, nameEnd + 8);
  if (expiry.length !== 4 || !isDigits(expiry) || serviceCode.length !== 3 || !isDigits(serviceCode)) {
    throw bad('track 1 expiry or service code is not digits', field, offset + nameEnd + 1);
  }
  const discretionary = text.slice(nameEnd + 8);
  const discretionaryBad = firstNonData(discretionary);
  if (discretionaryBad >= 0) throw bad('track 1 discretionary data holds a character outside the track alphabet', field, offset + nameEnd + 8 + discretionaryBad);
  return { formatCode: 'B', pan: text.slice(1, panEnd), name, expiry, serviceCode, discretionary };
}

/**
 * Joins a {@link Track1} back into Track 1 text (format B, without sentinels and LRC).
 *
 * Why: the encoder's half of {@link parseTrack1}: `formatTrack1(parseTrack1(t))` is `t` for every Track 1 text
 * `t`, so a track read and written again keeps its bytes; `field` and `offset` locate the `INVALID_TRACK` thrown
 * for parts that do not make Track 1.
 *
 * @example
 * ```ts
 * formatTrack1({ formatCode: 'B', pan: '4111111111111111', name: 'DOE/JANE', expiry: '2812', serviceCode: '201', discretionary: '' }, '45', 0);
 * // 'B4111111111111111^DOE/JANE^2812201'
 * ```
 */
export function formatTrack1(value: unknown, field: string, offset: number): string {
  checkLocation('formatTrack1', field, offset);
  if (describeType(value) !== 'an object') {
    throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, 'track 1 must be { formatCode, pan, name, expiry, serviceCode, discretionary }', { field, offset });
  }
  // Each part is read once; a getter or proxy trap that throws becomes INVALID_MESSAGE without its text.
  const { formatCode, pan, name, expiry, serviceCode, discretionary } = guard(ErrorCode.INVALID_MESSAGE, unreadable('track 1'), () => {
    const { formatCode, pan, name, expiry, serviceCode, discretionary } = value as Partial<Record<keyof Track1, unknown>>;
    return { formatCode, pan, name, expiry, serviceCode, discretionary };
  });
  if (
    formatCode !== 'B' || typeof pan !== 'string' || typeof name !== 'string' || typeof expiry !== 'string' ||
    typeof serviceCode !== 'string' || typeof discretionary !== 'string' ||
    pan.length < 1 || pan.length > 19 || !isDigits(pan) || name.length < 2 || name.length > 26 || firstNonData(name) >= 0 ||
    expiry.length !== 4 || !isDigits(expiry) || serviceCode.length !== 3 || !isDigits(serviceCode) || firstNonData(discretionary) >= 0
  ) {
    throw bad('track 1 parts must be: format B, PAN 1-19 digits, name 2-26 track characters, expiry 4 and service code 3 digits', field, offset);
  }
  return `B${pan}^${name}^${expiry}${serviceCode}${discretionary}`;
}

/**
 * Compiles a field with a `track1` layout over its scalar field (`scalar`, the field's text): decode splits the
 * text with {@link parseTrack1}, encode joins the parts with {@link formatTrack1}.
 *
 * Why: Track 1 is text first and the structure a view over it, so the field's prefix, length and alphabet stay
 * the scalar field's; a decode error points at the first character that breaks format B (one byte a character,
 * as the layout's validation requires), an encode error at the field.
 */
export function compileTrack1Field(path: string, scalar: CompiledField): CompiledField {
  return {
    path,
    decode(r) {
      const text = scalar.decode(r) as string;
      // One byte a character: the text starts its own length before the cursor.
      return parseTrack1(text, path, r.pos - text.length);
    },
    encode(w, value) {
      scalar.encode(w, formatTrack1(value, path, w.pos));
    },
  };
}
