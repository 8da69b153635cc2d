import type { ConverterName, PrefixName } from './names.js';

/**
 * What a length (fixed length, maximum, or the number in a length prefix) counts.
 *
 * Why: "19" means 19 characters of text, 19 BCD digits (10 bytes) or 19 bytes of binary; mixing digits and bytes
 * is the most repeated bug in ISO 8583 libraries, so a spec says it outright.
 */
export type LengthUnit = 'chars' | 'digits' | 'bytes';

/**
 * How the Message Type Identifier is written: four digits as text (`ascii`, `ebcdic…`) or two BCD bytes (`bcd`).
 */
export interface MtiSpec {
  /** Converter name for the four MTI digits. */
  readonly encoding: ConverterName<'text' | 'digits'>;
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
  readonly encoding?: ConverterName<'text'>;
  /** When true, bit 65 announces a tertiary bitmap (fields 130–192) instead of data element 65. */
  readonly tertiary?: boolean;
  /**
   * When true, encode writes the secondary bitmap on every message (bit 1 always set, the secondary all zeros when
   * no field 65–128 is present), and decode expects it. Default: the secondary is written only when needed.
   *
   * Why: some networks require the secondary bitmap on every message; with this on, that form is the canonical
   * one for the spec.
   */
  readonly alwaysSecondary?: boolean;
  /**
   * When true, decode also accepts bitmaps in forms encode never writes: lowercase hex digits, an extension bitmap
   * announced but empty, and (with `alwaysSecondary`) a frame without the secondary. Such a frame re-encodes to
   * other bytes. Default false: decode refuses them with `NON_CANONICAL_BITMAP`.
   *
   * Why: strict means one byte sequence per message (a MAC is computed over bytes); leniency for a network that
   * sends such bitmaps is an explicit choice, visible in its spec.
   */
  readonly lenient?: boolean;
}

/**
 * A header that precedes the MTI (e.g. a network header or TPDU carried inside the message): fixed, or of variable
 * length behind a length prefix of its own.
 */
export interface HeaderSpec {
  /**
   * Without `prefix`: the length in bytes on the wire. With `prefix`: the maximum, counted in `lengthUnit` as a
   * field's maximum is.
   */
  readonly length: number;
  /** A bytes converter (`binary`, `hex`) keeps the header as a `Uint8Array`; a text or BCD one decodes it to a string. */
  readonly encoding: ConverterName;
  /**
   * A length prefix of the header's own, written before it as a field's is (`"LL/ascii"`, `"B1"` …): the header's
   * length then varies per message, and decode reads it from the prefix. Absent (or `"fixed"`): `length` bytes.
   */
  readonly prefix?: PrefixName;
  /**
   * What `length` and the prefix count when the header has a prefix; defaults to the converter's natural unit
   * (characters of text, bytes of binary, BCD digits). Only with a prefix: a fixed header counts bytes.
   */
  readonly lengthUnit?: LengthUnit;
}
