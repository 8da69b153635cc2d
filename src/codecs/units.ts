import type { Converter } from './converter.js';
import type { LengthUnit } from '../spec/types.js';

/**
 * How a count written in `unit` maps to value units of `converter`, and back.
 *
 * Why: a length may count characters, BCD digits or bytes; the codec, spec validation and the arbitraries must
 * agree on the conversion, so it lives in one place. Only combinations `validateSpec` accepts reach here.
 */
export interface UnitMapping {
  /** Value units for a decoded count, or -1 when the count cannot be right (odd hex chars). */
  toUnits(count: number): number;
  /** Count to write for a value of `units` units. */
  toCount(units: number): number;
}

/** Returns the {@link UnitMapping} of a converter for a field whose lengths count `unit`. */
export function unitMapping(converter: Converter, unit: LengthUnit): UnitMapping {
  if (converter.unit === 'digits' && unit === 'bytes') {
    // Packed digits counted in bytes: a count of N bytes carries 2N nibbles (pad included).
    return { toUnits: (count) => count * 2, toCount: (units) => (units + 1) >> 1 };
  }
  if (converter.unit === 'bytes' && unit === 'chars') {
    // Hex text counted in characters: two characters per value byte.
    return { toUnits: (count) => ((count & 1) === 1 ? -1 : count >> 1), toCount: (units) => units * 2 };
  }
  return { toUnits: (count) => count, toCount: (units) => units };
}
