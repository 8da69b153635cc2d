import type { CharTable } from '../spec/kinds.js';
import type { ScalarValue } from '../spec/types.js';
import { type ConvertContext, type Converter, invalidCharacter, memoizeByContext, type SpecializedConverter } from './converter.js';
import { latin1String, scratchFor, scratchString } from './strings.js';

/**
 * Builds a single-byte text converter from a byte→char-code table.
 *
 * Why: ASCII and every EBCDIC code page are the same loop over a different 256-entry table; one byte is one
 * character, so a length in characters equals a length in bytes.
 */
export function singleByteTextConverter(name: string, toChar: Uint16Array, representable: CharTable): Converter {
  const toByte = new Int16Array(256).fill(-1);
  for (let b = 0; b < 256; b++) {
    const c = toChar[b]!;
    if (c < 256 && representable[c] === 1) toByte[c] = b;
  }
  const charset = new Uint8Array(256);
  for (let c = 0; c < 256; c++) charset[c] = toByte[c]! >= 0 ? 1 : 0;

  const isIdentity = toChar.every((c, b) => c === b);

  function specializeText(ctx: ConvertContext): SpecializedConverter {
    const alphabet = ctx.alphabet ?? charset;
    // byteOk[b]: byte b decodes to a character this field allows; byteOf[c]: the byte for char c, or -1.
    const byteOk = new Uint8Array(256);
    const byteOf = new Int16Array(256).fill(-1);
    for (let b = 0; b < 256; b++) {
      const c = toChar[b]!;
      if (c < 256 && alphabet[c] === 1 && charset[c] === 1) {
        byteOk[b] = 1;
        byteOf[c] = b;
      }
    }
    return {
      ...(isIdentity ? { latin1Bytes: byteOk } : {}),
      decode(src: Uint8Array, offset: number, units: number): string {
        const end = offset + units;
        for (let i = offset; i < end; i++) {
          if (byteOk[src[i]!] !== 1) throw invalidCharacter(i, `byte is not a character allowed here (${name})`);
        }
        if (isIdentity) return latin1String(src, offset, units);
        const codes = scratchFor(units);
        for (let i = 0; i < units; i++) codes[i] = toChar[src[offset + i]!]!;
        return scratchString(units);
      },
      encode(value: ScalarValue, dst: Uint8Array, offset: number): void {
        const s = value as string;
        for (let i = 0; i < s.length; i++) {
          const c = s.charCodeAt(i);
          const b = c < 256 ? byteOf[c]! : -1;
          if (b < 0) throw invalidCharacter(offset + i, `character ${i + 1} is not allowed here (${name})`);
          dst[offset + i] = b;
        }
      },
    };
  }

  const bind = memoizeByContext(specializeText);
  return {
    name,
    valueType: 'string',
    unit: 'chars',
    lengthUnits: ['chars', 'bytes'],
    charset,
    byteLength: (units) => units,
    specialize: specializeText,
    decode: (src, offset, units, ctx) => bind(ctx).decode(src, offset, units),
    encode: (value, dst, offset, ctx) => bind(ctx).encode(value, dst, offset),
  };
}
