import type { Converter } from '../codecs/converter.js';
import { getConverter } from '../codecs/registry.js';
import { unitMapping } from '../codecs/units.js';
import type { ByteReader } from '../cursor/byte-reader.js';
import type { ByteWriter } from '../cursor/byte-writer.js';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import { compilePrefix, type LengthPrefix, parsePrefix } from '../prefixes/length-prefix.js';
import type { FieldSpec, LengthUnit } from '../spec/types.js';

/**
 * The length axis of a field, shared by plain fields and fields with subfields: a fixed number of value units, or a
 * prefix whose count is checked against the field's maximum both ways.
 */
export interface FieldLength {
  /** The prefix, or undefined for a fixed field. */
  readonly prefix: LengthPrefix | undefined;
  /** Value units of a fixed field (0 when prefixed). */
  readonly fixedUnits: number;
  /** Bytes the prefix takes on the wire (0 for a fixed field). */
  readonly prefixBytes: number;
  /** Reads the prefix at the cursor and returns the value units it announces (checked against the maximum). */
  readUnits(r: ByteReader): number;
  /** Writes the prefix for a value of `units` units (checked against the maximum); `start` locates errors. */
  writeUnits(w: ByteWriter, units: number, start: number): void;
}

/**
 * Compiles a field's length axis from its spec and converter (the unit defaults to the converter's first); a header
 * with a prefix of its own passes its spec, which has the same three keys.
 */
export function compileLength(path: string, spec: Pick<FieldSpec, 'length' | 'prefix' | 'lengthUnit'>, converter: Converter): FieldLength {
  const unit: LengthUnit = spec.lengthUnit ?? converter.lengthUnits[0] ?? converter.unit;
  const mapping = unitMapping(converter, unit);
  const shape = parsePrefix(spec.prefix);
  const prefix = shape === undefined || shape.type === 'fixed' ? undefined : compilePrefix(shape, spec.prefix ?? '');
  const max = spec.length;
  const tooLong = (count: number, offset: number): Iso8583Error =>
    new Iso8583Error(ErrorCode.LENGTH_EXCEEDS_MAX, `length ${count} exceeds maximum ${max}`, { field: path, offset });
  const prefixBytes =
    shape === undefined || shape.type === 'fixed' ? 0 : shape.type === 'binary' ? shape.bytes : getConverter(shape.encoding).byteLength(shape.digits);
  return {
    prefix,
    fixedUnits: prefix === undefined ? mapping.toUnits(max) : 0,
    prefixBytes,
    readUnits(r) {
      const start = r.pos;
      const count = prefix!.read(r, path);
      if (count > max) throw tooLong(count, start);
      const units = mapping.toUnits(count);
      if (units < 0) {
        throw new Iso8583Error(ErrorCode.INVALID_LENGTH_PREFIX, `length ${count} is not a whole number of bytes`, {
          field: path,
          offset: start,
        });
      }
      return units;
    },
    writeUnits(w, units, start) {
      const count = mapping.toCount(units);
      if (count > max) throw tooLong(count, start);
      prefix!.write(w, count);
    },
  };
}
