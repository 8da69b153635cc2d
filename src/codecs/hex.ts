import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import type { ScalarValue } from '../spec/types.js';
import { type Converter } from './converter.js';

/** ASCII codes of the uppercase hex digits, indexed by nibble. */
export const HEX_DIGIT_CODES = new Uint8Array([
  0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46,
]);
/** Nibble value of an ASCII hex digit (either case), or -1. */
export const HEX_NIBBLE = new Int8Array(256).fill(-1);
for (let n = 0; n < 16; n++) {
  HEX_NIBBLE[HEX_DIGIT_CODES[n]!] = n;
  if (n >= 10) HEX_NIBBLE[HEX_DIGIT_CODES[n]! + 0x20] = n;
}

/** Nibble value of an uppercase ASCII hex digit, or -1: the only digits the hex converter reads. */
const UPPER_HEX_NIBBLE = new Int8Array(256).fill(-1);
for (let n = 0; n < 16; n++) UPPER_HEX_NIBBLE[HEX_DIGIT_CODES[n]!] = n;

/**
 * The hex converter: binary data carried as ASCII hex text, two characters per byte.
 *
 * Why: some links send binary elements (PIN block, MAC, EMV data) as printable hex. Encode writes uppercase and
 * decode reads uppercase only (a lowercase digit is `INVALID_CHARACTER`), so a frame has one byte form and
 * re-encodes to its own bytes. A length counts bytes of the value (`bytes`) or hex characters on the wire (`chars`).
 */
export const hexConverter: Converter = {
  name: 'hex',
  valueType: 'bytes',
  unit: 'bytes',
  lengthUnits: ['bytes', 'chars'],
  byteLength: (units) => units * 2,
  decode(src, offset, units) {
    const out = new Uint8Array(units);
    for (let i = 0; i < units; i++) {
      const p = offset + i * 2;
      const hi = UPPER_HEX_NIBBLE[src[p]!]!;
      const lo = UPPER_HEX_NIBBLE[src[p + 1]!]!;
      if (hi < 0 || lo < 0) {
        throw new Iso8583Error(ErrorCode.INVALID_CHARACTER, 'not an uppercase hex digit', { offset: hi < 0 ? p : p + 1 });
      }
      out[i] = (hi << 4) | lo;
    }
    return out;
  },
  encode(value: ScalarValue, dst, offset) {
    const bytes = value as Uint8Array;
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i]!;
      dst[offset + i * 2] = HEX_DIGIT_CODES[b >> 4]!;
      dst[offset + i * 2 + 1] = HEX_DIGIT_CODES[b & 15]!;
    }
  },
};
