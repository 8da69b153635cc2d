import type { FieldKind } from '../spec/types.js';

/**
 * One row of a data-element table of an ISO 8583 version: attribute, length and how the length is carried.
 *
 * Why: every version's presets share its standard's facts (kinds and lengths) and differ only in encoding, so the
 * facts live once per version, as rows of this shape, and a dialect maps them onto converters and prefixes.
 */
export interface DataElement {
  /** Attribute from the standard (`n`, `an`, `ans`, `b`, `z`, `x+n` …). */
  readonly kind: FieldKind;
  /** Fixed length, or maximum for variable elements; characters/digits, and bytes for `b`. */
  readonly length: number;
  /** 0 fixed, 2 for LLVAR, 3 for LLLVAR, 4 for LLLLVAR. */
  readonly lengthDigits: 0 | 2 | 3 | 4;
  /** The element's name. */
  readonly description: string;
  /** Card data that must never be printed unmasked. */
  readonly sensitive?: true | 'pan';
}
