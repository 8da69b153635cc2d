import { type ConvertContext, specialize } from '../codecs/converter.js';
import { getConverter } from '../codecs/registry.js';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error, isIso8583Error } from '../errors/iso8583-error.js';
import type { ByteReader } from '../cursor/byte-reader.js';
import type { ByteWriter } from '../cursor/byte-writer.js';
import { KIND_ALPHABETS } from '../spec/kinds.js';

/**
 * A compiled length prefix: reads and writes the count that precedes a variable-length value.
 *
 * Why: the prefix is one of the three independent axes of a field; the same LL prefix works through ASCII,
 * EBCDIC or BCD, and binary prefixes are a separate family.
 */
export interface LengthPrefix {
  /** The spec text it was built from, e.g. `"LL/ascii"`. */
  readonly name: string;
  /** Largest count the prefix can carry (99 for LL, 999,999 for LLLLLL, 65535 for B2, 2^32 - 1 for B4 …). */
  readonly maxCount: number;
  /** Reads the count; throws located `Iso8583Error`s. */
  read(r: ByteReader, field: string): number;
  /** Writes the count (the caller has checked it against the field maximum). */
  write(w: ByteWriter, count: number): void;
  /**
   * For digits written one byte each (ASCII, EBCDIC): how many, and each byte's digit value (-1 for a byte that is
   * not a digit), most significant first. A caller may read such a prefix inline; `read` is the same count.
   */
  readonly inlineDigits?: { readonly digits: number; readonly digitOf: Int8Array };
}

/** Parsed form of a prefix string, before converters are resolved. */
export type PrefixShape =
  | { readonly type: 'fixed' }
  | { readonly type: 'digits'; readonly digits: number; readonly encoding: string }
  | { readonly type: 'binary'; readonly bytes: 1 | 2 | 3 | 4 };

/** Most length digits a digit prefix has (`LLLLLL`, up to 999,999). */
export const MAX_PREFIX_DIGITS = 6;

/** The largest count an unsigned big-endian binary prefix of `bytes` bytes carries: 2^(8·bytes) - 1. */
export function binaryPrefixCapacity(bytes: 1 | 2 | 3 | 4): number {
  return 2 ** (8 * bytes) - 1;
}

/**
 * Parses a prefix string: `"fixed"`, `"L/enc"`…`"LLLLLL/enc"` (one to six length digits through
 * converter `enc`), `"B1"` to `"B4"` (one to four bytes of unsigned big-endian count).
 * Returns `undefined` for anything else.
 *
 * Why: tools that show or translate a spec read the prefix grammar exactly as the codec does.
 *
 * @example
 * ```ts
 * parsePrefix('LL/bcd'); // { type: 'digits', digits: 2, encoding: 'bcd' }
 * parsePrefix('B2');     // { type: 'binary', bytes: 2 }
 * ```
 */
export function parsePrefix(prefix: string | undefined): PrefixShape | undefined {
  if (prefix === undefined || prefix === 'fixed') return { type: 'fixed' };
  if (prefix === 'B1') return { type: 'binary', bytes: 1 };
  if (prefix === 'B2') return { type: 'binary', bytes: 2 };
  if (prefix === 'B3') return { type: 'binary', bytes: 3 };
  if (prefix === 'B4') return { type: 'binary', bytes: 4 };
  const slash = typeof prefix === 'string' ? prefix.indexOf('/') : -1;
  if (slash < 1 || slash > MAX_PREFIX_DIGITS) return undefined;
  const ls = prefix.slice(0, slash);
  if (ls !== 'L'.repeat(slash)) return undefined;
  const encoding = prefix.slice(slash + 1);
  if (encoding === '') return undefined;
  return { type: 'digits', digits: slash, encoding };
}

const DIGITS_CTX: ConvertContext = { alphabet: KIND_ALPHABETS.n, nibblePad: { side: 'left', nibble: '0' } };

/**
 * Compiles a variable-length prefix shape into a reader/writer.
 *
 * Wire facts: digit prefixes are right-justified decimal with leading zeros (`LL` of 7 is `07`); through BCD an
 * odd digit count is padded with a leading 0 nibble (`LLL` of 123 is `01 23`); binary prefixes are unsigned
 * big-endian.
 */
export function compilePrefix(shape: Exclude<PrefixShape, { type: 'fixed' }>, name: string): LengthPrefix {
  if (shape.type === 'binary') {
    const n = shape.bytes;
    return {
      name,
      maxCount: binaryPrefixCapacity(n),
      read(r, field) {
        const at = r.take(n, field);
        const buf = r.buf;
        // Multiplying, not shifting: a 4-byte count above 2^31 - 1 would turn negative through `<<`.
        let count = 0;
        for (let i = at; i < at + n; i++) count = count * 256 + buf[i]!;
        return count;
      },
      write(w, count) {
        const at = w.reserve(n);
        let rest = count;
        for (let i = at + n - 1; i >= at; i--) {
          w.buf[i] = rest % 256;
          rest = Math.floor(rest / 256);
        }
      },
    };
  }
  const converter = getConverter(shape.encoding);
  const digits = shape.digits;
  const bytes = converter.byteLength(digits);
  const maxCount = 10 ** digits - 1;
  const bound = specialize(converter, DIGITS_CTX);
  // Single-byte text converters: map each byte straight to its digit value (-1 if it is not a digit).
  const digitOf = new Int8Array(256).fill(-1);
  const singleByte = converter.unit === 'chars' && bytes === digits;
  if (singleByte) {
    // Encode each digit once (this never throws for a converter that passed validation) and invert.
    const out = new Uint8Array(1);
    for (let d = 0; d <= 9; d++) {
      bound.encode(String(d), out, 0);
      digitOf[out[0]!] = d;
    }
  }
  const bad = (field: string, offset: number | undefined): Iso8583Error =>
    new Iso8583Error(ErrorCode.INVALID_LENGTH_PREFIX, `length prefix is not ${digits} digits`, { field, offset });
  return {
    name,
    maxCount,
    ...(singleByte ? { inlineDigits: { digits, digitOf } } : {}),
    read(r, field) {
      const at = r.take(bytes, field);
      const buf = r.buf;
      let count = 0;
      if (singleByte) {
        for (let i = at; i < at + digits; i++) {
          const d = digitOf[buf[i]!]!;
          if (d < 0) throw bad(field, i);
          count = count * 10 + d;
        }
        return count;
      }
      let text: unknown;
      try {
        text = bound.decode(buf, at, digits);
      } catch (e) {
        throw bad(field, isIso8583Error(e) ? e.offset : at);
      }
      const s = text as string;
      for (let i = 0; i < s.length; i++) count = count * 10 + (s.charCodeAt(i) - 0x30);
      return count;
    },
    write(w, count) {
      let s = String(count);
      while (s.length < digits) s = '0' + s;
      const at = w.reserve(bytes);
      bound.encode(s, w.buf, at);
    },
  };
}
