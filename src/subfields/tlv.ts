import { type ConvertContext, specialize, type SpecializedConverter } from '../codecs/converter.js';
import { getConverter } from '../codecs/registry.js';
import type { CompiledField } from '../cursor/compiled-field.js';
import { describeType } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error, isIso8583Error } from '../errors/iso8583-error.js';
import { located } from '../errors/located.js';
import { KIND_ALPHABETS } from '../spec/kinds.js';
import type { FieldSpec, LeadingTlv, ScalarValue, TlvEntry, TlvLayout } from '../spec/types.js';

const PAD = { side: 'left', nibble: '0' } as const;

/**
 * Compiles simple TLV data (e.g. DE48): text tags of `tagLength` characters, decimal lengths of `lengthDigits`
 * digits, values through each known tag's converter or, for unknown tags, the layout's text converter. A layout
 * with `leading` reads and writes its fixed-length leading text first (errors at `<path>.leading`), and its value
 * is `{ leading, entries }`.
 */
export function compileTlv(path: string, layout: TlvLayout): CompiledField {
  const entries = compileEntries(path, layout);
  const leading = layout.leading;
  if (leading === undefined) return entries;
  const leadingPath = `${path}.leading`;
  const leadingCodec = specialize(getConverter(layout.encoding), { alphabet: KIND_ALPHABETS[leading.kind], nibblePad: PAD });
  return {
    path,
    decode(r) {
      // Single-byte text (validateSpec): the leading part's characters are its bytes.
      const at = r.take(leading.length, leadingPath);
      let text: string;
      try {
        text = leadingCodec.decode(r.buf, at, leading.length) as string;
      } catch (e) {
        throw located(e, leadingPath, at);
      }
      return { leading: text, entries: entries.decode(r) as TlvEntry[] };
    },
    encode(w, value) {
      if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
        throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, `TLV value with a leading part must be { leading, entries }, got ${describeType(value)}`, {
          field: path,
          offset: w.pos,
        });
      }
      const { leading: text, entries: list } = value as Partial<LeadingTlv>;
      if (typeof text !== 'string' || text.length !== leading.length) {
        throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, `the leading part must be a string of ${leading.length} characters`, {
          field: leadingPath,
          offset: w.pos,
        });
      }
      const at = w.reserve(leading.length);
      try {
        leadingCodec.encode(text, w.buf, at);
      } catch (e) {
        throw located(e, leadingPath, at);
      }
      entries.encode(w, list);
    },
  };
}

/** The entries of a TLV layout, read to the end of the field and written in list order. */
function compileEntries(path: string, layout: TlvLayout): CompiledField {
  const text = getConverter(layout.encoding);
  const tagCodec = specialize(text, { alphabet: KIND_ALPHABETS.ans, nibblePad: PAD });
  const lenCodec = specialize(text, { alphabet: KIND_ALPHABETS.n, nibblePad: PAD });
  const unknownCodec = specialize(text, { alphabet: KIND_ALPHABETS.ans, nibblePad: PAD });
  const maxLength = 10 ** layout.lengthDigits - 1;
  const known = new Map<string, { spec: FieldSpec; codec: SpecializedConverter; bytesPerUnit: (n: number) => number }>();
  for (const [tag, spec] of Object.entries(layout.tags ?? {})) {
    const converter = getConverter(spec.encoding);
    const ctx: ConvertContext = { alphabet: spec.kind === 'b' ? undefined : KIND_ALPHABETS[spec.kind], nibblePad: spec.nibblePad ?? PAD };
    known.set(tag, { spec, codec: specialize(converter, ctx), bytesPerUnit: (n) => converter.byteLength(n) });
  }
  const reject = layout.unknownTags === 'reject';

  return {
    path,
    decode(r) {
      const out: TlvEntry[] = [];
      while (r.pos < r.end) {
        const start = r.pos;
        let tag: string;
        let length = 0;
        try {
          tag = tagCodec.decode(r.buf, r.take(layout.tagLength, path), layout.tagLength) as string;
          const digits = lenCodec.decode(r.buf, r.take(layout.lengthDigits, path), layout.lengthDigits) as string;
          for (let i = 0; i < digits.length; i++) length = length * 10 + digits.charCodeAt(i) - 0x30;
        } catch (e) {
          if (isIso8583Error(e) && e.code === ErrorCode.TRUNCATED) throw e.locate(path, start);
          throw new Iso8583Error(ErrorCode.INVALID_TLV, 'TLV tag or length is malformed', { field: path, offset: start });
        }
        const entryPath = `${path}.${tag}`;
        const k = known.get(tag);
        if (k === undefined && reject) {
          throw new Iso8583Error(ErrorCode.UNKNOWN_TAG, 'tag is not in the layout', { field: entryPath, offset: start });
        }
        if (k !== undefined && length > k.spec.length) {
          throw new Iso8583Error(ErrorCode.LENGTH_EXCEEDS_MAX, `length ${length} exceeds maximum ${k.spec.length}`, {
            field: entryPath,
            offset: start,
          });
        }
        const codec = k?.codec ?? unknownCodec;
        const at = r.take(k === undefined ? length : k.bytesPerUnit(length), entryPath);
        let value: ScalarValue;
        try {
          value = codec.decode(r.buf, at, length);
        } catch (e) {
          throw located(e, entryPath, at);
        }
        out.push({ tag, value });
      }
      return out;
    },
    encode(w, value) {
      if (!Array.isArray(value)) {
        throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, `TLV value must be an array of { tag, value }, got ${describeType(value)}`, {
          field: path,
          offset: w.pos,
        });
      }
      for (const entry of value as unknown[]) {
        const { tag, value: v } = (entry ?? {}) as Partial<TlvEntry>;
        if (typeof tag !== 'string' || tag.length !== layout.tagLength) {
          throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, `each TLV tag must be ${layout.tagLength} characters`, { field: path, offset: w.pos });
        }
        const entryPath = `${path}.${tag}`;
        const k = known.get(tag);
        if (k === undefined && reject) throw new Iso8583Error(ErrorCode.UNKNOWN_TAG, 'tag is not in the layout', { field: entryPath });
        const isBytes = k?.spec.kind === 'b';
        if (isBytes ? !(v instanceof Uint8Array) : typeof v !== 'string') {
          throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, `value must be ${isBytes ? 'a Uint8Array' : 'a string'}`, { field: entryPath, offset: w.pos });
        }
        const units = (v as ScalarValue).length;
        if (units > (k?.spec.length ?? maxLength) || units > maxLength) {
          throw new Iso8583Error(ErrorCode.LENGTH_EXCEEDS_MAX, `length ${units} exceeds maximum`, { field: entryPath, offset: w.pos });
        }
        const start = w.pos;
        try {
          // Reserve before reading w.buf: reserving may replace the buffer.
          const tagAt = w.reserve(layout.tagLength);
          tagCodec.encode(tag, w.buf, tagAt);
          const lenAt = w.reserve(layout.lengthDigits);
          lenCodec.encode(String(units).padStart(layout.lengthDigits, '0'), w.buf, lenAt);
          const codec = k?.codec ?? unknownCodec;
          const valueAt = w.reserve(k === undefined ? units : k.bytesPerUnit(units));
          codec.encode(v as ScalarValue, w.buf, valueAt);
        } catch (e) {
          throw located(e, entryPath, start);
        }
      }
    },
  };
}
