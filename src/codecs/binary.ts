import type { ScalarValue } from '../spec/types.js';
import type { Converter } from './converter.js';
import { copyRange } from './copy-bytes.js';

/**
 * The binary (nop) converter: the value is the bytes themselves, as a `Uint8Array`.
 *
 * Why: PIN blocks, MACs and EMV data travel as raw bytes; decode returns a copy so the caller may keep it after
 * the frame buffer is reused.
 */
export const binaryConverter: Converter = {
  name: 'binary',
  valueType: 'bytes',
  unit: 'bytes',
  lengthUnits: ['bytes'],
  byteLength: (units) => units,
  decode: (src, offset, units) => copyRange(src, offset, offset + units),
  encode(value: ScalarValue, dst, offset) {
    dst.set(value as Uint8Array, offset);
  },
};
