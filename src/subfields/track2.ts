import { describeType, invalidOption } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { guard, unreadable } from '../errors/guard.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import type { Track2 } from '../spec/types.js';

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
 * Wire facts: the separator is `=` in ASCII/EBCDIC and the nibble `D` in packed BCD; the PAN is up to 19 digits,
 * then YYMM and a 3-digit service code, then discretionary data to the end.
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
  if (separator !== '=' && separator !== 'D') throw invalidOption('parseTrack2', 'separator', '"=" (text) or "D" (packed BCD)', separator);
  checkLocation('parseTrack2', field, offset);
  if (typeof text !== 'string') {
    throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, `parseTrack2: text must be a string, got ${describeType(text)}`, { field, offset });
  }
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
 * Joins a {@link Track2} back into text with the given separator (`=` for text, `D` for packed BCD).
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
  if (separator !== '=' && separator !== 'D') throw invalidOption('formatTrack2', 'separator', '"=" (text) or "D" (packed BCD)', separator);
  checkLocation('formatTrack2', field, offset);
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
  return `${pan}${separator}${expiry}${serviceCode}${discretionary}`;
}
