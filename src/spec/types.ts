/**
 * The ISO 8583 data-element kinds ("attributes") a field can have.
 *
 * Why: the kind says which characters a value may hold, independently of how the bytes are encoded:
 * `n` digits, `a` letters, `an`, `ans`, `as`, `ns` combinations with specials, `anp` letters/digits/pad,
 * `z` track-2/3 code set, `x+n` a C/D sign followed by digits, `b` binary (a `Uint8Array`).
 */
export type FieldKind = 'n' | 'a' | 'an' | 'ans' | 'as' | 'ns' | 'anp' | 'z' | 'x+n' | 'b';

/**
 * What a length (fixed length, maximum, or the number in a length prefix) counts.
 *
 * Why: "19" means 19 characters of text, 19 BCD digits (10 bytes) or 19 bytes of binary; mixing digits and bytes
 * is the most repeated bug in ISO 8583 libraries, so a spec says it outright.
 */
export type LengthUnit = 'chars' | 'digits' | 'bytes';

/** Which side of a value padding goes on. */
export type PadSide = 'left' | 'right';

/**
 * Padding used to fill a fixed-length value that is shorter than the field on encode.
 *
 * Why: numeric amounts are right-justified with zeros and text is left-justified with spaces on the wire;
 * decode returns the full-width value unchanged because leading zeros matter.
 */
export interface FixedPad {
  /** The side the pad characters go on. */
  readonly side: PadSide;
  /** The single pad character, e.g. `"0"` or `" "`. */
  readonly char: string;
}

/**
 * Where the spare nibble of an odd number of BCD digits goes, and what it holds.
 *
 * Why: three digits take two bytes; networks differ on `0123` versus `123F`, and decode checks the spare nibble.
 */
export interface NibblePad {
  /** The side the spare nibble goes on. */
  readonly side: PadSide;
  /** The spare nibble's value: `"0"` or `"F"`. */
  readonly nibble: '0' | 'F';
}

/**
 * One data element: converter (what the bytes mean) × prefix (how the length is written) × padding.
 *
 * Why: each choice is independent, so a new network dialect is a table of plain data, not code.
 */
export interface FieldSpec {
  /** The element's attribute; decides the alphabet and whether the value is a string or a `Uint8Array`. */
  readonly kind: FieldKind;
  /** Exact length for fixed fields; maximum length for variable fields; counted in `lengthUnit`. */
  readonly length: number;
  /**
   * How the length is written: `"fixed"` (default), `"L/…"` to `"LLLL/…"` digits through a converter named after
   * the slash (`"LL/ascii"`, `"LLL/bcd"`, `"LL/ebcdic037"`), or `"B1"` / `"B2"` for a 1- or 2-byte binary
   * big-endian count.
   */
  readonly prefix?: string;
  /** Name of the registered converter for the value's bytes: `ascii`, `binary`, `hex`, `bcd`, `ebcdic037` … */
  readonly encoding: string;
  /** What `length` and the prefix count; defaults to the converter's natural unit. */
  readonly lengthUnit?: LengthUnit;
  /** Fill rule for short values of a fixed-length text or BCD field on encode. */
  readonly pad?: FixedPad;
  /** Spare-nibble rule for an odd number of BCD digits (default: left, `0`). */
  readonly nibblePad?: NibblePad;
  /** Human-readable name of the element. */
  readonly description?: string;
  /** Marks card data (PAN, track, PIN block, cryptograms) that must never be printed unmasked. */
  readonly sensitive?: boolean;
}

/**
 * How the Message Type Identifier is written: four digits as text (`ascii`, `ebcdic…`) or two BCD bytes (`bcd`).
 */
export interface MtiSpec {
  /** Converter name for the four MTI digits. */
  readonly encoding: string;
}

/**
 * How presence bitmaps are written.
 *
 * Why: some networks send 8 raw bytes per bitmap, others 16 hex characters in ASCII or EBCDIC.
 */
export interface BitmapSpec {
  /** `binary` writes 8 bytes per bitmap; `hex` writes 16 hex characters through `encoding`. */
  readonly format: 'binary' | 'hex';
  /** Text converter for `hex` bitmaps (default `ascii`). */
  readonly encoding?: string;
  /** When true, bit 65 announces a tertiary bitmap (fields 130–192) instead of data element 65. */
  readonly tertiary?: boolean;
}

/**
 * A fixed-length header that precedes the MTI (e.g. a network header or TPDU carried inside the message).
 */
export interface HeaderSpec {
  /** Length in bytes on the wire. */
  readonly length: number;
  /** `binary` keeps the header as a `Uint8Array`; a text converter name decodes it to a string. */
  readonly encoding: string;
}

/**
 * A complete message layout: plain, JSON-serialisable data that the codec compiles once.
 *
 * Why: specs as data can be shipped as files per network and validated before any frame is read.
 */
export interface MessageSpec {
  /** Name of the layout, used in error texts and tooling. */
  readonly name: string;
  /** Optional fixed header before the MTI. */
  readonly header?: HeaderSpec;
  /** How the MTI is written. */
  readonly mti: MtiSpec;
  /** How bitmaps are written. */
  readonly bitmap: BitmapSpec;
  /** Data elements by number: 2–128, plus 130–192 when the tertiary bitmap is on. */
  readonly fields: { readonly [field: number]: FieldSpec };
}

/** A field's decoded value: a string for text and BCD kinds, a `Uint8Array` for kind `b`. */
export type FieldValue = string | Uint8Array;

/**
 * A decoded (or to-be-encoded) message without static field types.
 *
 * Why: the dynamic shape every spec shares; {@link Infer} gives the precise one for a given spec.
 */
export interface Message {
  /** Four-digit Message Type Identifier, e.g. `"0100"`. */
  mti: string;
  /** Header value when the spec has a header. */
  header?: FieldValue;
  /** Present data elements by number; bitmaps are computed, never listed. */
  fields: { [field: number]: FieldValue | undefined };
}
