import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import type { ScalarValue } from '../spec/types.js';
import { type ConvertContext, type Converter, memoizeByContext, type SpecializedConverter } from './converter.js';
import { scratchFor, scratchString } from './strings.js';
import { HEX_DIGIT_CODES } from './hex.js';

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
  specialize: specializeBcd,
  decode: (src, offset, units, ctx) => bindBcd(ctx).decode(src, offset, units),
  encode: (value, dst, offset, ctx) => bindBcd(ctx).encode(value, dst, offset),
};

const bindBcd = memoizeByContext((ctx) => specializeBcd(ctx));

/** Binds the BCD converter to one field's alphabet and pad rule (tables built once per field). */
function specializeBcd(ctx: ConvertContext): SpecializedConverter {
  const alphabet = ctx.alphabet ?? charset;
  // nibbleOk[n]: nibble n stands for a character the field allows; nibbleOf[c]: nibble of char c, or -1.
  const nibbleOk = new Uint8Array(16);
  const nibbleOf = new Int8Array(256).fill(-1);
  for (let n = 0; n < 16; n++) {
    const c = HEX_DIGIT_CODES[n]!;
    if (alphabet[c] === 1) {
      nibbleOk[n] = 1;
      nibbleOf[c] = n;
    }
  }
  const padLeftSide = ctx.nibblePad.side === 'left';
  const padNibble = ctx.nibblePad.nibble === 'F' ? 15 : 0;
  const pairOk = new Uint8Array(256);
  for (let b = 0; b < 256; b++) pairOk[b] = nibbleOk[b >> 4]! & nibbleOk[b & 15]!;
  const letters = nibbleOk.subarray(10).includes(1);

  return {
    packedNibbles: { pairOk, nibbleOk, padLeft: padLeftSide, padNibble, letters },
    decode(src: Uint8Array, offset: number, units: number): string {
      const odd = (units & 1) === 1;
      const padLeft = odd && padLeftSide;
      if (odd) {
        const padAt = padLeft ? 0 : units;
        const byte = src[offset + (padAt >> 1)]!;
        if (((padAt & 1) === 0 ? byte >> 4 : byte & 15) !== padNibble) {
          throw new Iso8583Error(ErrorCode.INVALID_PADDING, 'spare BCD nibble differs from the declared pad nibble', {
            offset: offset + (padAt >> 1),
          });
        }
      }
      const codes = scratchFor(units);
      // k counts nibbles from `offset`; the first value nibble is 1 when the pad sits on the left.
      for (let i = 0, k = padLeft ? 1 : 0; i < units; i++, k++) {
        const byte = src[offset + (k >> 1)]!;
        const nibble = (k & 1) === 0 ? byte >> 4 : byte & 15;
        if (nibbleOk[nibble] !== 1) {
          throw new Iso8583Error(ErrorCode.INVALID_NIBBLE, 'BCD nibble not allowed for this kind', {
            offset: offset + (k >> 1),
          });
        }
        codes[i] = HEX_DIGIT_CODES[nibble]!;
      }
      return scratchString(units);
    },
    encode(value: ScalarValue, dst: Uint8Array, offset: number): void {
      const s = value as string;
      const units = s.length;
      const odd = (units & 1) === 1;
      const first = odd && padLeftSide ? 1 : 0;
      // Pre-fill with the pad nibble in both halves; every value nibble overwrites its half below.
      dst.fill(odd ? padNibble * 17 : 0, offset, offset + ((units + 1) >> 1));
      for (let i = 0; i < units; i++) {
        const c = s.charCodeAt(i);
        const nibble = c < 256 ? nibbleOf[c]! : -1;
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
}
