import { type ConvertContext, specialize } from '../codecs/converter.js';
import { HEX_DIGIT_CODES, HEX_NIBBLE } from '../codecs/hex.js';
import { getConverter } from '../codecs/registry.js';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error, isIso8583Error } from '../errors/iso8583-error.js';
import type { ByteReader } from '../cursor/byte-reader.js';
import type { ByteWriter } from '../cursor/byte-writer.js';
import type { BitmapSpec } from '../spec/types.js';

/**
 * Reads and writes one 64-bit presence bitmap into a shared 24-byte bit array (primary, secondary, tertiary).
 *
 * Why: bit `n` (1-based, most significant bit of the first byte is bit 1) says whether data element `n` is present;
 * binary and hex-text bitmaps differ only in how those 8 bytes travel.
 */
export interface BitmapCodec {
  /** Bytes one bitmap takes on the wire (8 binary, 16 hex). */
  readonly wireBytes: number;
  /** Reads bitmap number `index` (0 primary, 1 secondary, 2 tertiary) into `bits[index*8 .. index*8+7]`. */
  read(r: ByteReader, bits: Uint8Array, index: number): void;
  /** Writes bitmap number `index` from `bits`. */
  write(w: ByteWriter, bits: Uint8Array, index: number): void;
}

const HEX_TEXT_ALPHABET = new Uint8Array(256);
for (let c = 0; c < 256; c++) HEX_TEXT_ALPHABET[c] = HEX_NIBBLE[c]! >= 0 ? 1 : 0;
const HEX_CTX: ConvertContext = { alphabet: HEX_TEXT_ALPHABET, nibblePad: { side: 'left', nibble: '0' } };

/** Char codes of the lowercase hex letters a–f: readable, never written (encode writes uppercase). */
const isLowerHex = (c: number): boolean => c >= 0x61 && c <= 0x66;

/**
 * Compiles a bitmap spec into a {@link BitmapCodec}. A hex bitmap with a lowercase digit is refused with
 * `NON_CANONICAL_BITMAP` (at the bitmap's first byte) unless `spec.lenient` is true, because encode writes
 * uppercase and one message has one byte form.
 */
export function compileBitmap(spec: Pick<BitmapSpec, 'format' | 'encoding' | 'lenient'>, field = 'bitmap'): BitmapCodec {
  if (spec.format === 'binary') {
    return {
      wireBytes: 8,
      read(r, bits, index) {
        const at = r.take(8, field);
        const buf = r.buf;
        const to = index * 8;
        // A plain loop: a subarray view per bitmap would cost more than the copy.
        for (let i = 0; i < 8; i++) bits[to + i] = buf[at + i]!;
      },
      write(w, bits, index) {
        const at = w.reserve(8);
        const buf = w.buf;
        const from = index * 8;
        for (let i = 0; i < 8; i++) buf[at + i] = bits[from + i]!;
      },
    };
  }
  const converter = getConverter(spec.encoding ?? 'ascii');
  const wireBytes = converter.byteLength(16);
  const text = specialize(converter, HEX_CTX);
  const lenient = spec.lenient === true;
  return {
    wireBytes,
    read(r, bits, index) {
      const at = r.take(wireBytes, field);
      let hex: string;
      try {
        hex = text.decode(r.buf, at, 16) as string;
      } catch (e) {
        throw new Iso8583Error(ErrorCode.INVALID_BITMAP, 'bitmap is not 16 hex digits', {
          field,
          offset: isIso8583Error(e) ? e.offset : at,
        });
      }
      for (let i = 0; i < 8; i++) {
        const hi = hex.charCodeAt(i * 2);
        const lo = hex.charCodeAt(i * 2 + 1);
        if (!lenient && (isLowerHex(hi) || isLowerHex(lo))) {
          throw new Iso8583Error(ErrorCode.NON_CANONICAL_BITMAP, 'hex bitmap has a lowercase digit (encode writes uppercase)', {
            field,
            offset: at,
          });
        }
        bits[index * 8 + i] = (HEX_NIBBLE[hi]! << 4) | HEX_NIBBLE[lo]!;
      }
    },
    write(w, bits, index) {
      let hex = '';
      for (let i = 0; i < 8; i++) {
        const b = bits[index * 8 + i]!;
        hex += String.fromCharCode(HEX_DIGIT_CODES[b >> 4]!, HEX_DIGIT_CODES[b & 15]!);
      }
      const at = w.reserve(wireBytes);
      text.encode(hex, w.buf, at);
    },
  };
}

/**
 * Tells whether bitmap number `index` (0 primary, 1 secondary, 2 tertiary) in `bits` has no bit set.
 *
 * Why: an extension bitmap that is announced but empty is a form encode never writes; strict decoders refuse it.
 */
export function isEmptyBitmap(bits: Uint8Array, index: number): boolean {
  for (let i = index * 8; i < index * 8 + 8; i++) if (bits[i] !== 0) return false;
  return true;
}

/** Tells whether bit `n` (1-based) is set. */
export function hasBit(bits: Uint8Array, n: number): boolean {
  return (bits[(n - 1) >> 3]! & (0x80 >> ((n - 1) & 7))) !== 0;
}

/** Sets bit `n` (1-based). */
export function setBit(bits: Uint8Array, n: number): void {
  bits[(n - 1) >> 3]! |= 0x80 >> ((n - 1) & 7);
}
