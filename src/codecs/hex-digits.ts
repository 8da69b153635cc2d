import { describeType } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import { copyBytes } from './copy-bytes.js';

const HEX_PAIRS: readonly string[] = Array.from({ length: 256 }, (_, b) => (b < 16 ? '0' : '') + b.toString(16).toUpperCase());

/**
 * Uppercase hex of a byte array; throws `INVALID_INPUT` for anything that is not a `Uint8Array` (a `Buffer` is one).
 *
 * Why: binary fields travel through JSON and logs as hex; this needs no `Buffer`, so it runs in any runtime. The
 * brand and the length come from the typed-array internals, so a string, an array, an object with a `length`, a
 * proxy or a subclass whose `length` lies is refused or read as what it is, never turned into other hex.
 *
 * @example
 * ```ts
 * toHex(new Uint8Array([0x9f, 0x02])); // '9F02'
 * toHex('9f02' as never);               // throws INVALID_INPUT: toHex: bytes must be a Uint8Array, got a string
 * ```
 */
export function toHex(bytes: Uint8Array): string {
  const copy = copyBytes(bytes);
  if (copy === undefined) throw new Iso8583Error(ErrorCode.INVALID_INPUT, `toHex: bytes must be a Uint8Array, got ${describeType(bytes)}`);
  let s = '';
  for (let i = 0; i < copy.length; i++) s += HEX_PAIRS[copy[i]!]!;
  return s;
}

/**
 * Parses hex text (either case, even length, no separators) into bytes; throws `INVALID_INPUT` for anything else,
 * with the `offset` of the first character that is not a hex digit (no offset for an odd number of digits).
 *
 * Why: one behaviour with {@link parseHexText} (which also allows white space and comments): a bad input is an
 * `Iso8583Error` with a code and a position, as everywhere in the library, never an `undefined` to forget to check.
 * The error text never holds the input, which could be card data.
 *
 * @example
 * ```ts
 * fromHex('9f02'); // Uint8Array [0x9f, 0x02]
 * fromHex('9f0');  // throws INVALID_INPUT: hex text has an odd number of digits
 * fromHex('9fx2'); // throws INVALID_INPUT at offset 2
 * ```
 */
export function fromHex(hex: string): Uint8Array {
  if (typeof hex !== 'string') throw new Iso8583Error(ErrorCode.INVALID_INPUT, `fromHex: hex must be a string, got ${describeType(hex)}`);
  const bad = hex.search(/[^0-9a-fA-F]/);
  if (bad >= 0) throw notHexDigit(bad);
  if (hex.length % 2 !== 0) throw oddDigits();
  return hexDigitsToBytes(hex);
}

/** The error for a character that is not a hex digit at `offset` of the text (the character is not echoed). */
export function notHexDigit(offset: number): Iso8583Error {
  return new Iso8583Error(ErrorCode.INVALID_INPUT, 'hex text holds a character that is not a hex digit', { offset });
}

/** The error for hex text whose digits do not pair into bytes. */
export function oddDigits(): Iso8583Error {
  return new Iso8583Error(ErrorCode.INVALID_INPUT, 'hex text has an odd number of digits');
}

/**
 * Bytes of hex text, or `undefined` if it is not hex (either case, even length, nothing else): for callers whose
 * input deserves its own error (a binary JSON value, a BER-TLV tag), located at their field.
 */
export function hexOrUndefined(hex: string): Uint8Array | undefined {
  return hex.length % 2 === 0 && /^[0-9a-fA-F]*$/.test(hex) ? hexDigitsToBytes(hex) : undefined;
}

/** Bytes of hex digits already checked (even count, digits only). */
function hexDigitsToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}
