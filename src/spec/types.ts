import type { BitmapSpec, HeaderSpec, LengthUnit, MtiSpec } from './head-types.js';
import type { ConverterName, PrefixName } from './names.js';
import type { MessageRules } from './rule-types.js';
import type { BerTlv, Dataset, LeadingTlv, ScalarValue, TlvEntry, Track1, Track2 } from './value-types.js';

export type { BitmapSpec, HeaderSpec, LengthUnit, MtiSpec } from './head-types.js';
export type { ConditionalRule, MessageRules, MtiRule, RuleCondition } from './rule-types.js';
export type { BerTlv, Dataset, DatasetElement, LeadingTlv, ScalarValue, TlvEntry, Track1, Track2 } from './value-types.js';

/**
 * The ISO 8583 data-element kinds ("attributes") a field can have.
 *
 * Why: the kind says which characters a value may hold, independently of how the bytes are encoded:
 * `n` digits, `a` letters, `an`, `ans`, `as`, `ns` combinations with specials, `anp` letters/digits/pad,
 * `z` track-2/3 code set, `x+n` a C/D sign followed by digits, `b` binary (a `Uint8Array`).
 */
export type FieldKind = 'n' | 'a' | 'an' | 'ans' | 'as' | 'ns' | 'anp' | 'z' | 'x+n' | 'b';

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
   * How the length is written: `"fixed"` (default), `"L/…"` to `"LLLLLL/…"` (one to six digits) through a converter
   * named after the slash (`"LL/ascii"`, `"LLL/bcd"`, `"LL/ebcdic037"`), or `"B1"` to `"B4"` for a 1- to 4-byte
   * binary big-endian count.
   */
  readonly prefix?: PrefixName;
  /** Name of the registered converter for the value's bytes: `ascii`, `binary`, `hex`, `bcd`, `ebcdic037` … */
  readonly encoding: ConverterName;
  /** What `length` and the prefix count; defaults to the converter's natural unit. */
  readonly lengthUnit?: LengthUnit;
  /** Fill rule for short values of a fixed-length text or BCD field on encode. */
  readonly pad?: FixedPad;
  /** Spare-nibble rule for an odd number of BCD digits (default: left, `0`). */
  readonly nibblePad?: NibblePad;
  /** Human-readable name of the element. */
  readonly description?: string;
  /**
   * Marks card data that must never be printed unmasked: `true` hides the value, `'pan'` shows only the first six
   * and last four digits (the PCI DSS display rule).
   */
  readonly sensitive?: boolean | 'pan';
  /** Structure inside the field's bytes: positional, TLV, BER-TLV (EMV), bitmapped subfields, or Track 2. */
  readonly subfields?: SubfieldLayout;
}

/**
 * Subfields in a fixed order, each a field spec of its own (fixed or with its own prefix), e.g. DE43 name/location
 * or DE90 original data elements. The value is an object keyed by subfield number.
 */
export interface PositionalLayout {
  /** Discriminator. */
  readonly type: 'positional';
  /** Subfields by number, read and written in ascending order; all are present. */
  readonly fields: { readonly [subfield: number]: FieldSpec };
}

/**
 * Subfields announced by their own bitmap at the start of the field (e.g. DE127). The value is an object keyed by
 * subfield number.
 */
export interface BitmappedLayout {
  /** Discriminator. */
  readonly type: 'bitmapped';
  /** How the sub-bitmap is written (binary or hex, like a message bitmap). */
  readonly bitmap: { readonly format: 'binary' | 'hex'; readonly encoding?: ConverterName<'text'> };
  /**
   * When true, bit 1 announces a second sub-bitmap (subfields 65–128). By default bit 1 is subfield 1, because in
   * most private bitmapped fields it is data, not an extension flag.
   */
  readonly secondary?: boolean;
  /** Subfields by number (1–64, or 2–128 with `secondary`). */
  readonly fields: { readonly [subfield: number]: FieldSpec };
}

/**
 * Simple tag-length-value data such as DE48 private data: a text tag of 2 or 3 characters, a decimal length of 2 or
 * 3 digits, then the value. The value is an ordered list of entries; unknown tags are kept by default.
 */
export interface TlvLayout {
  /** Discriminator. */
  readonly type: 'tlv';
  /** Characters in a tag (2 or 3). */
  readonly tagLength: number;
  /** Digits in the length (2 or 3); the length counts the value's characters (bytes for binary tags). */
  readonly lengthDigits: number;
  /** Text converter for tags and lengths (and for values of unknown tags), e.g. `ascii` or `ebcdic037`. */
  readonly encoding: ConverterName<'text'>;
  /** Known tags: the spec of each value (its `length` is the maximum; prefixes are not used inside TLV). */
  readonly tags?: { readonly [tag: string]: FieldSpec };
  /** Unknown tags: `keep` them as text (default) or `reject` the field. */
  readonly unknownTags?: 'keep' | 'reject';
  /**
   * A fixed-length part before the first entry (a tag-class or dataset-type character, as some networks' DE48
   * start with a transaction category code): its length in characters and the kind its characters belong to,
   * through the layout's `encoding`. With it the value is `{ leading, entries }` instead of the list of entries.
   */
  readonly leading?: TlvLeading;
}

/** The fixed-length text before the entries of a TLV layout that has one. */
export interface TlvLeading {
  /** Characters (one byte each in the layout's single-byte text encoding), 1 to 99. */
  readonly length: number;
  /** The kind the characters belong to: `n`, `a`, `an`, `ans` … (not `b`: the leading part is text). */
  readonly kind: Exclude<FieldKind, 'b'>;
}

/**
 * BER-TLV as used by EMV chip data (DE55): multi-byte tags, short and long-form lengths, constructed tags nested.
 * The value is an ordered list of `{ tag, value }`, where a constructed tag's value is its list of children.
 */
export interface BerTlvLayout {
  /** Discriminator. */
  readonly type: 'ber-tlv';
  /** Tags to describe and mask; the EMV dictionary is used when absent. */
  readonly tags?: { readonly [tag: string]: { readonly description?: string; readonly sensitive?: boolean } };
  /** Tags missing from `tags` (or the dictionary): `keep` them unchanged (default) or `reject` the field. */
  readonly unknownTags?: 'keep' | 'reject';
}

/**
 * Datasets as ISO 8583:2003 composite data elements carry them: each dataset is a 1-byte binary dataset identifier,
 * a 2-byte binary big-endian length counting the bytes of its content, then the content, a sequence of elements
 * with binary tags and binary lengths. The value is the ordered list of datasets, each with its elements.
 */
export interface DatasetLayout {
  /** Discriminator. */
  readonly type: 'dataset';
  /** Bytes of each element's tag (1 or 2), a binary number shown as uppercase hex (`"0A"`, `"1F01"`). */
  readonly tagBytes: 1 | 2;
  /** Bytes of each element's length (1 or 2), a binary big-endian count of the value's bytes. */
  readonly lengthBytes: 1 | 2;
  /** Known datasets by identifier (two uppercase hex digits, `"71"`): a description, and masking as in BER-TLV. */
  readonly datasets?: { readonly [id: string]: { readonly description?: string; readonly sensitive?: boolean } };
  /** Datasets missing from `datasets`: `keep` them (default) or `reject` the field. */
  readonly unknownDatasets?: 'keep' | 'reject';
}

/**
 * Track 2 as a structured value: PAN, expiry (YYMM), service code and discretionary data, separated by `=` in text
 * and by the nibble `D` in packed BCD.
 */
export interface Track2Layout {
  /** Discriminator. */
  readonly type: 'track2';
  /**
   * The separator on the wire: `=` (default for text) or `D` (the only one of packed BCD, and the letter some
   * networks send in ASCII or EBCDIC text). Decode and encode refuse the other one.
   */
  readonly separator?: '=' | 'D';
}

/**
 * Track 1 (format code B, ISO/IEC 7813) as a structured value: format code, PAN, cardholder name, expiry (YYMM),
 * service code and discretionary data, with `^` between PAN, name and expiry; text of one byte a character
 * (kind `ans`), as DE45 carries it without sentinels and LRC.
 */
export interface Track1Layout {
  /** Discriminator. */
  readonly type: 'track1';
}

/** The structure a field's bytes can have. */
export type SubfieldLayout = PositionalLayout | BitmappedLayout | TlvLayout | BerTlvLayout | DatasetLayout | Track2Layout | Track1Layout;

/** A structured (subfield) value. */
export type StructuredValue = { [subfield: number]: FieldValue | undefined } | TlvEntry[] | LeadingTlv | BerTlv[] | Dataset[] | Track2 | Track1;

/**
 * A complete message layout: plain, JSON-serialisable data that the codec compiles once.
 *
 * Why: specs as data can be shipped as files per network and validated before any frame is read.
 */
export interface MessageSpec {
  /** Name of the layout, used in error texts and tooling. */
  readonly name: string;
  /** Optional header before the MTI: fixed, or behind a length prefix of its own. */
  readonly header?: HeaderSpec;
  /** How the MTI is written. */
  readonly mti: MtiSpec;
  /** How bitmaps are written. */
  readonly bitmap: BitmapSpec;
  /** Data elements by number: 2–128, plus 130–192 when the tertiary bitmap is on. */
  readonly fields: { readonly [field: number]: FieldSpec };
  /**
   * Which fields each message type must carry, may not carry, or must (not) carry under a condition, by MTI
   * pattern (see {@link MessageRules}); checked on encode, and on decode when asked.
   */
  readonly rules?: MessageRules;
}

/** A field's decoded value: a string for text and BCD kinds, a `Uint8Array` for kind `b`, a structure with subfields. */
export type FieldValue = string | Uint8Array | StructuredValue;

/**
 * A decoded (or to-be-encoded) message without static field types.
 *
 * Why: the dynamic shape every spec shares; {@link Infer} gives the precise one for a given spec.
 */
export interface Message {
  /** Four-digit Message Type Identifier, e.g. `"0100"`. */
  mti: string;
  /** Header value when the spec has a header. */
  header?: ScalarValue;
  /** Present data elements by number; bitmaps are computed, never listed. */
  fields: { [field: number]: FieldValue | undefined };
}
