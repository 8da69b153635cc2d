import { compileBitmap, hasBit, isEmptyBitmap, setBit } from '../bitmap/bitmap.js';
import type { CompiledField, FieldCompiler } from '../cursor/compiled-field.js';
import { describeType } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import type { BitmappedLayout, FieldValue, PositionalLayout, SubfieldLayout } from '../spec/types.js';
import { compileBerTlv } from './ber-tlv.js';
import { compileDataset } from './dataset.js';
import { compileTlv } from './tlv.js';

/** Checks that a structured value is a plain object keyed by subfield number. */
export function asSubfieldObject(value: unknown, path: string, offset: number): Record<number, FieldValue | undefined> {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Uint8Array) {
    throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, `value must be an object of subfields, got ${describeType(value)}`, {
      field: path,
      offset,
    });
  }
  return value as Record<number, FieldValue | undefined>;
}

function compilePositional(path: string, layout: PositionalLayout, compileField: FieldCompiler): CompiledField {
  const parts = Object.keys(layout.fields)
    .map(Number)
    .sort((a, b) => a - b)
    .map((n) => ({ n, field: compileField(`${path}.${n}`, layout.fields[n]!) }));
  return {
    path,
    decode(r) {
      const out: Record<number, FieldValue> = {};
      for (const { n, field } of parts) out[n] = field.decode(r);
      return out;
    },
    encode(w, value) {
      const obj = asSubfieldObject(value, path, w.pos);
      for (const key of Object.keys(obj)) {
        if (obj[Number(key)] !== undefined && layout.fields[Number(key)] === undefined) {
          throw new Iso8583Error(ErrorCode.UNKNOWN_FIELD, 'the layout does not define this subfield', { field: `${path}.${key}` });
        }
      }
      for (const { n, field } of parts) {
        const v = obj[n];
        if (v === undefined) {
          throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, 'a positional subfield is missing', { field: `${path}.${n}`, offset: w.pos });
        }
        field.encode(w, v);
      }
    },
  };
}

function compileBitmapped(path: string, layout: BitmappedLayout, compileField: FieldCompiler): CompiledField {
  const secondary = layout.secondary === true;
  const last = secondary ? 128 : 64;
  const fields: (CompiledField | undefined)[] = new Array(last + 1).fill(undefined);
  for (const key of Object.keys(layout.fields)) fields[Number(key)] = compileField(`${path}.${key}`, layout.fields[Number(key)]!);
  const bitmap = compileBitmap(layout.bitmap, `${path}.bitmap`);
  return {
    path,
    decode(r) {
      const bits = new Uint8Array(24);
      bitmap.read(r, bits, 0);
      const extended = secondary && (bits[0]! & 0x80) !== 0;
      if (extended) {
        const at = r.pos;
        bitmap.read(r, bits, 1);
        // Encode writes the second sub-bitmap only for a subfield 65–128: an empty one has another byte form.
        if (isEmptyBitmap(bits, 1)) {
          throw new Iso8583Error(ErrorCode.NON_CANONICAL_BITMAP, 'the second sub-bitmap is announced but empty', {
            field: `${path}.bitmap`,
            offset: at,
          });
        }
      }
      const out: Record<number, FieldValue> = {};
      for (let n = secondary ? 2 : 1; n <= (extended ? 128 : 64); n++) {
        if (!hasBit(bits, n)) continue;
        const field = fields[n];
        if (field === undefined) {
          throw new Iso8583Error(ErrorCode.UNKNOWN_FIELD, 'the sub-bitmap announces a subfield the layout does not define', {
            field: `${path}.${n}`,
            offset: r.pos,
          });
        }
        out[n] = field.decode(r);
      }
      return out;
    },
    encode(w, value) {
      const obj = asSubfieldObject(value, path, w.pos);
      const bits = new Uint8Array(24);
      let extended = false;
      for (const key of Object.keys(obj)) {
        const n = Number(key);
        if (obj[n] === undefined) continue;
        if (!Number.isInteger(n) || fields[n] === undefined || (secondary && n === 1)) {
          throw new Iso8583Error(ErrorCode.UNKNOWN_FIELD, 'the layout does not define this subfield', { field: `${path}.${key}` });
        }
        setBit(bits, n);
        if (n > 64) extended = true;
      }
      if (extended) setBit(bits, 1);
      bitmap.write(w, bits, 0);
      if (extended) bitmap.write(w, bits, 1);
      for (let n = secondary ? 2 : 1; n <= last; n++) {
        if (hasBit(bits, n)) fields[n]!.encode(w, obj[n]);
      }
    },
  };
}

/**
 * Compiles the inside of a field with subfields into decode/encode closures over a cursor bounded to the field.
 *
 * Why: subfields run on the same cursor as the message (one pass, absolute offsets in errors) with paths such as
 * `127.3` or `55.9F02`. Positional and bitmapped subfields are fields again, compiled by `compileField` (the
 * message's field compiler, passed in so this module never imports it back).
 */
export function compileLayout(
  path: string,
  layout: Exclude<SubfieldLayout, { type: 'track2' | 'track1' }>,
  compileField: FieldCompiler,
): CompiledField {
  switch (layout.type) {
    case 'positional':
      return compilePositional(path, layout, compileField);
    case 'bitmapped':
      return compileBitmapped(path, layout, compileField);
    case 'tlv':
      return compileTlv(path, layout);
    case 'ber-tlv':
      return compileBerTlv(path, layout);
    case 'dataset':
      return compileDataset(path, layout);
  }
}
