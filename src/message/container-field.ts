import { getConverter } from '../codecs/registry.js';
import { ByteReader } from '../cursor/byte-reader.js';
import { ByteWriter } from '../cursor/byte-writer.js';
import type { CompiledField } from '../cursor/compiled-field.js';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error, isIso8583Error } from '../errors/iso8583-error.js';
import type { FieldSpec } from '../spec/types.js';
import { compileLength } from './field-length.js';

/** A field whose bytes hold subfields: the prefix and length are the field's, the content the layout's. */
export function compileContainerField(path: string, spec: FieldSpec, inner: CompiledField): CompiledField {
  const converter = getConverter(spec.encoding);
  const { prefix, fixedUnits, prefixBytes, readUnits, writeUnits } = compileLength(path, spec, converter);
  // Whole bytes of content: a packed-digit container counts two digits per byte.
  const unitsOfBytes = (bytes: number): number => (converter.unit === 'digits' ? bytes * 2 : bytes);
  return {
    path,
    decode(r) {
      const units = prefix === undefined ? fixedUnits : readUnits(r);
      const bytes = converter.byteLength(units);
      const at = r.take(bytes, path);
      const sub = new ByteReader(r.buf, at, at + bytes);
      const value = inner.decode(sub);
      if (sub.pos !== sub.end) {
        throw new Iso8583Error(ErrorCode.TRAILING_BYTES, `${sub.end - sub.pos} bytes after the last subfield`, {
          field: path,
          offset: sub.pos,
        });
      }
      return value;
    },
    encode(w, value) {
      const start = w.pos;
      const tmp = new ByteWriter(64);
      try {
        inner.encode(tmp, value);
      } catch (e) {
        // The subfields are written into their own buffer first (the prefix needs their length): an offset they
        // report counts from the content, which starts after the prefix in the output.
        if (!isIso8583Error(e) || e.offset === undefined) throw e;
        throw new Iso8583Error(e.code, e.detail, { field: e.field, offset: start + prefixBytes + e.offset });
      }
      const content = tmp.finish();
      const units = unitsOfBytes(content.length);
      if (prefix !== undefined) writeUnits(w, units, start);
      else if (units !== fixedUnits) {
        throw new Iso8583Error(
          units > fixedUnits ? ErrorCode.LENGTH_EXCEEDS_MAX : ErrorCode.INVALID_LENGTH,
          `subfields take ${units} but the field is fixed at ${fixedUnits}`,
          { field: path, offset: start },
        );
      }
      const at = w.reserve(content.length);
      const buf = w.buf;
      for (let i = 0; i < content.length; i++) buf[at + i] = content[i]!;
    },
  };
}
