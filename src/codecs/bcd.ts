import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import type { FieldValue } from '../spec/types.js';
import { type ConvertContext, type Converter } from './converter.js';
import { HEX_DIGIT_CODES } from './hex.js';
import { CHAR_STRINGS } from './text.js';

/** Nibble value of `0`–`9` and `A`–`F` (uppercase only), or -1. */
const NIBBLE_OF_CHAR = new Int8Array(256).fill(-1);
for (let n = 0; n < 16; n++) NIBBLE_OF_CHAR[HEX_DIGIT_CODES[n]!] = n;
/** The characters a BCD quartet can stand for. */
const charset = new Uint8Array(256);
for (let n = 0; n < 16; n++) charset[HEX_DIGIT_CODES[n]!] = 1;

/**
 * The BCD converter: packed decimal, two digits (quartets) per byte, high nibble first.
 *
 * Wire facts: `n` digits take `ceil(n / 2)` bytes; an odd count leaves one spare nibble, on the side and with the
 * value (`0` or `F`) the field's `nibblePad` names, and decode insists on exactly that nibble. Nibbles A–F decode
 * to the letters `A`–`F` and are accepted only where the field's kind allows them (kind `z`: `D` is the packed
 * track-2 separator); kind `n` accepts 0–9 only.
 */
export const bcdConverter: Converter = {
  name: 'bcd',
  valueType: 'string',
  unit: 'digits',
  lengthUnits: ['digits', 'bytes'],
  charset,
  byteLength: (units) => (units + 1) >> 1,
  decode(src: Uint8Array, offset: number, units: number, ctx: ConvertContext): string {
    const alphabet = ctx.alphabet ?? charset;
    const odd = (units & 1) === 1;
    const padLeft = odd && ctx.nibblePad.side === 'left';
    const padNibble = ctx.nibblePad.nibble === 'F' ? 15 : 0;
    // Position of the first value nibble, counted in nibbles from `offset`.
    const first = padLeft ? 1 : 0;
    if (odd) {
      const padAt = padLeft ? 0 : units;
      const byte = src[offset + (padAt >> 1)]!;
      const nibble = (padAt & 1) === 0 ? byte >> 4 : byte & 15;
      if (nibble !== padNibble) {
        throw new Iso8583Error(ErrorCode.INVALID_PADDING, 'spare BCD nibble differs from the declared pad nibble', {
          offset: offset + (padAt >> 1),
        });
      }
    }
    let s = '';
    for (let k = first, end = first + units; k < end; k++) {
      const byte = src[offset + (k >> 1)]!;
      const nibble = (k & 1) === 0 ? byte >> 4 : byte & 15;
      const c = HEX_DIGIT_CODES[nibble]!;
      if (alphabet[c] !== 1) {
        throw new Iso8583Error(ErrorCode.INVALID_NIBBLE, 'BCD nibble not allowed for this kind', {
          offset: offset + (k >> 1),
        });
      }
      s += CHAR_STRINGS[c]!;
    }
    return s;
  },
  encode(value: FieldValue, dst: Uint8Array, offset: number, ctx: ConvertContext): void {
    const s = value as string;
    const alphabet = ctx.alphabet ?? charset;
    const units = s.length;
    const odd = (units & 1) === 1;
    const first = odd && ctx.nibblePad.side === 'left' ? 1 : 0;
    const padNibble = ctx.nibblePad.nibble === 'F' ? 15 : 0;
    const byteCount = (units + 1) >> 1;
    // Pre-fill with the pad nibble in both halves; every value nibble overwrites its half below.
    dst.fill(odd ? padNibble * 17 : 0, offset, offset + byteCount);
    for (let i = 0; i < units; i++) {
      const c = s.charCodeAt(i);
      const nibble = c < 256 && alphabet[c] === 1 ? NIBBLE_OF_CHAR[c]! : -1;
      const k = first + i;
      const at = offset + (k >> 1);
      if (nibble < 0) {
        throw new Iso8583Error(ErrorCode.INVALID_CHARACTER, `character ${i + 1} has no BCD nibble allowed here`, {
          offset: at,
        });
      }
      dst[at] = (k & 1) === 0 ? (dst[at]! & 0x0f) | (nibble << 4) : (dst[at]! & 0xf0) | nibble;
    }
  },
};
