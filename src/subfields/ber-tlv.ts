import { copyRange } from '../codecs/copy-bytes.js';
import { hexOrUndefined, toHex } from '../codecs/hex-digits.js';
import type { ByteReader } from '../cursor/byte-reader.js';
import { ByteWriter } from '../cursor/byte-writer.js';
import type { CompiledField } from '../cursor/compiled-field.js';
import { describeType } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import type { BerTlv, BerTlvLayout } from '../spec/types.js';
import { BER_TAG_TEXT, isWellFormedTag, MAX_BER_TAG_BYTES } from './ber-tag.js';
import { EMV_TAGS } from './emv-tags.js';

/** Constructed tags nest at most this deep; deeper data is refused rather than recursed into. */
const MAX_DEPTH = 8;

function malformed(detail: string, field: string, offset: number): Iso8583Error {
  return new Iso8583Error(ErrorCode.INVALID_TLV, detail, { field, offset });
}

/**
 * Compiles BER-TLV data (EMV DE55).
 *
 * Wire facts: a tag's first byte with its low five bits all set (`xxx11111`) continues in following bytes while
 * their top bit is set (up to {@link MAX_BER_TAG_BYTES} bytes in all); bit 6 (0x20) of the first byte marks a
 * constructed tag whose value is more TLVs. A length below 0x80 is one byte; `0x81`–`0x84` are followed by 1–4
 * length bytes. Strict: a first subsequent tag byte `0x80` (a leading zero group), the indefinite length form
 * (0x80) and non-minimal long forms are refused, so decoding then encoding gives back the same bytes.
 */
export function compileBerTlv(path: string, layout: BerTlvLayout): CompiledField {
  const dictionary = layout.tags ?? EMV_TAGS;
  const reject = layout.unknownTags === 'reject';

  function readList(r: ByteReader, end: number, depth: number): BerTlv[] {
    const out: BerTlv[] = [];
    while (r.pos < end) {
      const start = r.pos;
      // Tag
      const first = r.buf[r.pos]!;
      let tagEnd = r.pos + 1;
      if ((first & 0x1f) === 0x1f) {
        // Subsequent tag bytes: the top bit says another follows (X.690 8.1.2.4.2).
        for (;;) {
          if (tagEnd >= end) throw malformed('tag runs past the end of the data', path, start);
          const b = r.buf[tagEnd++]!;
          // 8.1.2.4.2 c: the first subsequent byte never holds a zero group alone (another spelling of the tag).
          if (tagEnd === start + 2 && b === 0x80) throw malformed('non-minimal tag: the first subsequent byte is 0x80', path, start);
          if ((b & 0x80) === 0) break;
          if (tagEnd - start >= MAX_BER_TAG_BYTES) throw malformed(`tag longer than ${MAX_BER_TAG_BYTES} bytes`, path, start);
        }
      }
      const tag = toHex(copyRange(r.buf, r.pos, tagEnd));
      const tagPath = `${path}.${tag}`;
      if (reject && dictionary[tag] === undefined) {
        throw new Iso8583Error(ErrorCode.UNKNOWN_TAG, 'tag is not in the dictionary', { field: tagPath, offset: start });
      }
      r.pos = tagEnd;
      // Length
      if (r.pos >= end) throw malformed('length missing', tagPath, r.pos);
      const l0 = r.buf[r.pos++]!;
      let length = l0;
      if (l0 >= 0x80) {
        const n = l0 & 0x7f;
        if (n === 0 || n > 4) throw malformed('indefinite or oversized length form', tagPath, r.pos - 1);
        if (r.pos + n > end) throw malformed('length runs past the end of the data', tagPath, r.pos - 1);
        length = 0;
        for (let i = 0; i < n; i++) length = length * 256 + r.buf[r.pos++]!;
        if (length < 0x80 || (n > 1 && r.buf[r.pos - n] === 0)) throw malformed('non-minimal length form', tagPath, r.pos - n - 1);
      }
      if (length > end - r.pos) throw malformed(`length ${length} runs past the end of the data`, tagPath, r.pos);
      const valueEnd = r.pos + length;
      if ((first & 0x20) !== 0) {
        if (depth >= MAX_DEPTH) throw malformed('constructed tags nested too deep', tagPath, start);
        out.push({ tag, value: readList(r, valueEnd, depth + 1) });
      } else {
        out.push({ tag, value: copyRange(r.buf, r.pos, valueEnd) });
        r.pos = valueEnd;
      }
    }
    return out;
  }

  function writeLength(w: ByteWriter, length: number): void {
    if (length < 0x80) return w.byte(length);
    const bytes: number[] = [];
    for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n & 0xff);
    w.byte(0x80 | bytes.length);
    for (const b of bytes) w.byte(b);
  }

  function writeList(w: ByteWriter, list: unknown, depth: number): void {
    if (!Array.isArray(list)) {
      throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, `BER-TLV value must be an array of { tag, value }, got ${describeType(list)}`, {
        field: path,
        offset: w.pos,
      });
    }
    if (depth > MAX_DEPTH) throw malformed('constructed tags nested too deep', path, w.pos);
    for (const entry of list as unknown[]) {
      const { tag, value } = (entry ?? {}) as Partial<BerTlv>;
      const tagBytes = typeof tag === 'string' ? hexOrUndefined(tag) : undefined;
      if (tagBytes === undefined || !isWellFormedTag(tagBytes)) {
        throw new Iso8583Error(ErrorCode.INVALID_TLV, BER_TAG_TEXT, { field: path, offset: w.pos });
      }
      const upper = (tag as string).toUpperCase();
      const tagPath = `${path}.${upper}`;
      if (reject && dictionary[upper] === undefined) throw new Iso8583Error(ErrorCode.UNKNOWN_TAG, 'tag is not in the dictionary', { field: tagPath });
      const constructed = (tagBytes[0]! & 0x20) !== 0;
      if (constructed ? !Array.isArray(value) : !(value instanceof Uint8Array)) {
        throw new Iso8583Error(
          ErrorCode.INVALID_VALUE_TYPE,
          constructed ? 'a constructed tag holds an array of children' : 'a primitive tag holds a Uint8Array',
          { field: tagPath, offset: w.pos },
        );
      }
      for (const b of tagBytes) w.byte(b);
      if (constructed) {
        // Children first into their own writer, to learn the length.
        const inner = new ByteWriter(64);
        writeList(inner, value, depth + 1);
        const bytes = inner.finish();
        writeLength(w, bytes.length);
        const at = w.reserve(bytes.length);
        w.buf.set(bytes, at);
      } else {
        const bytes = value as Uint8Array;
        writeLength(w, bytes.length);
        const at = w.reserve(bytes.length);
        w.buf.set(bytes, at);
      }
    }
  }

  return {
    path,
    decode: (r) => readList(r, r.end, 0),
    encode: (w, value) => writeList(w, value, 0),
  };
}
