import { type BitmapCodec, compileBitmap, isEmptyBitmap } from '../bitmap/bitmap.js';
import { type ConvertContext, type Converter, DEFAULT_NIBBLE_PAD, type SpecializedConverter, specialize } from '../codecs/converter.js';
import { getConverter } from '../codecs/registry.js';
import { hasNativeLatin1 } from '../codecs/strings.js';
import type { ByteReader } from '../cursor/byte-reader.js';
import type { ByteWriter } from '../cursor/byte-writer.js';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import { located } from '../errors/located.js';
import { parsePrefix } from '../prefixes/length-prefix.js';
import { KIND_ALPHABETS } from '../spec/kinds.js';
import type { HeaderSpec, MessageSpec, ScalarValue } from '../spec/types.js';
import { headerValueUnits } from '../spec/validate-spec.js';
import { compileLength, type FieldLength } from './field-length.js';

/** Largest data element number a spec can hold (with a tertiary bitmap). */
export const LAST_FIELD = 192;

// The MTI (four digits) and a fixed header (validated to fill its bytes) never leave a spare nibble; a BCD header
// with a prefix counting an odd number of digits has a leading 0 nibble, DEFAULT_NIBBLE_PAD (checked on decode).
const MTI_CTX: ConvertContext = { alphabet: KIND_ALPHABETS.n, nibblePad: DEFAULT_NIBBLE_PAD };
const HEADER_CTX: ConvertContext = { alphabet: undefined, nibblePad: DEFAULT_NIBBLE_PAD };

/**
 * What comes before the data elements of a frame, compiled from a validated spec: the header, the MTI and the
 * bitmaps, read and written at the cursor.
 *
 * Why: decode, encode and peek all cross the same head before the field walk; one compiled head keeps their
 * checks (canonical bitmaps, MTI digits, header length) identical.
 */
export interface FrameHead {
  /** Whether the spec has a tertiary bitmap (bit 65 is then an indicator, not a data element). */
  readonly tertiary: boolean;
  /** Whether the spec has a header. */
  readonly hasHeader: boolean;
  /**
   * The MTI's offset in the frame of a message whose header value is `header`: the fixed header's bytes (0 without
   * a header), or for a header with a prefix its prefix and bytes (the prefix alone for a value of the wrong type).
   */
  mtiOffset(header: unknown): number;
  /** Reads the header at the cursor (its prefix first when it has one). */
  readHeader(r: ByteReader): ScalarValue;
  /**
   * Moves the cursor past the header without decoding it: a fixed one by its length (the cursor may end past the
   * frame, for the MTI read to say so), one with a prefix by the count its prefix announces (read and checked).
   */
  skipHeader(r: ByteReader): void;
  /** Reads the four MTI digits at the cursor; `INVALID_MTI` if they are not digits. */
  readMti(r: ByteReader): string;
  /**
   * Reads the primary bitmap and the extension bitmaps it announces into `bits` (24 bytes, 0 past the last bitmap
   * read). `lenient` reads any form that says where each field is, as `peek` does; otherwise the spec's own
   * `bitmap.lenient` decides.
   */
  readBitmaps(r: ByteReader, bits: Uint8Array, lenient: boolean): void;
  /** Writes the header (checking its type and length) or nothing for a spec without one. */
  writeHeader(w: ByteWriter, value: unknown): void;
  /** Writes the MTI, a string of length 4 (checked by the caller); `INVALID_MTI` if it is not digits. */
  writeMti(w: ByteWriter, mti: string): void;
  /** Writes the bitmaps up to the one of index `last` (0 primary, 1 secondary, 2 tertiary). */
  writeBitmaps(w: ByteWriter, bits: Uint8Array, last: number): void;
}

/** Compiles the header, MTI and bitmaps of a validated spec. */
export function compileFrameHead(spec: MessageSpec): FrameHead {
  const tertiary = spec.bitmap.tertiary === true;
  const lenient = spec.bitmap.lenient === true;
  const alwaysSecondary = spec.bitmap.alwaysSecondary === true;
  const bitmap = compileBitmap(spec.bitmap);
  // peek reads bitmaps leniently: a non-canonical bitmap still says where each field is.
  const lenientBitmap = compileBitmap({ ...spec.bitmap, lenient: true });
  const mtiConverter = getConverter(spec.mti.encoding);
  const mtiBytes = mtiConverter.byteLength(4);
  const mtiCodec = specialize(mtiConverter, MTI_CTX);
  // The digit bytes of an MTI whose bytes are its Latin-1 text (ASCII), where the frame's text is read natively.
  const mtiText = hasNativeLatin1 ? mtiCodec.latin1Bytes : undefined;
  const header = spec.header === undefined ? undefined : compileHeader(spec.header);

  function readHeader(r: ByteReader): ScalarValue {
    const h = header!;
    const units = h.length === undefined ? h.units : h.length.readUnits(r);
    const at = r.take(h.length === undefined ? h.bytes : h.converter.byteLength(units), 'header');
    try {
      return h.codec.decode(r.buf, at, units);
    } catch (e) {
      throw located(e, 'header', at);
    }
  }

  function skipHeader(r: ByteReader): void {
    if (header === undefined) return;
    if (header.length === undefined) r.pos = header.bytes;
    else r.take(header.converter.byteLength(header.length.readUnits(r)), 'header');
  }

  function readMti(r: ByteReader): string {
    const at = r.take(mtiBytes, 'mti');
    if (mtiText !== undefined && r.text !== undefined) {
      // Four bytes that are digits are their Latin-1 text: a slice of the frame's text, when the caller has read it
      // for the fields anyway.
      const buf = r.buf;
      if (mtiText[buf[at]!] === 1 && mtiText[buf[at + 1]!] === 1 && mtiText[buf[at + 2]!] === 1 && mtiText[buf[at + 3]!] === 1) {
        return r.latin1(at, 4);
      }
    }
    try {
      return mtiCodec.decode(r.buf, at, 4) as string;
    } catch (e) {
      // At the first byte that is not a digit when the converter names it, else at the MTI.
      throw new Iso8583Error(ErrorCode.INVALID_MTI, 'MTI is not four digits', { field: 'mti', offset: located(e, 'mti', at).offset });
    }
  }

  /**
   * Canonical form (what encode writes, refused otherwise unless lenient): a secondary only when a field 65–128
   * or a tertiary is present (always, with `alwaysSecondary`), a tertiary only when a field 130–192 is present.
   * Errors point at the first byte of the offending bitmap.
   */
  function readBitmaps(r: ByteReader, bits: Uint8Array, anyForm: boolean): void {
    const codec: BitmapCodec = anyForm ? lenientBitmap : bitmap;
    const strict = !anyForm && !lenient;
    const primaryAt = r.pos;
    codec.read(r, bits, 0);
    if ((bits[0]! & 0x80) === 0) {
      if (strict && alwaysSecondary) throw nonCanonical('bit 1 is not set but this spec always writes a secondary bitmap', primaryAt);
      return;
    }
    const secondaryAt = r.pos;
    codec.read(r, bits, 1);
    if (!tertiary || (bits[8]! & 0x80) === 0) {
      if (strict && !alwaysSecondary && isEmptyBitmap(bits, 1)) throw nonCanonical('the secondary bitmap is announced but empty', secondaryAt);
      return;
    }
    const tertiaryAt = r.pos;
    codec.read(r, bits, 2);
    if ((bits[16]! & 0x80) !== 0) {
      throw new Iso8583Error(ErrorCode.INVALID_BITMAP, 'bit 129 (a fourth bitmap) is not supported', {
        field: 'bitmap',
        offset: tertiaryAt,
      });
    }
    if (strict && isEmptyBitmap(bits, 2)) throw nonCanonical('the tertiary bitmap is announced but empty', tertiaryAt);
  }

  function writeHeader(w: ByteWriter, h: unknown): void {
    if (header === undefined) return;
    if (header.isBytes ? !(h instanceof Uint8Array) : typeof h !== 'string') {
      throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, `header must be ${header.isBytes ? 'a Uint8Array' : 'a string'}`, {
        field: 'header',
        offset: 0,
      });
    }
    const units = (h as ScalarValue).length;
    if (header.length !== undefined) {
      // LENGTH_EXCEEDS_MAX at the prefix, as for a field.
      header.length.writeUnits(w, units, w.pos);
    } else if (units !== header.units) {
      throw new Iso8583Error(ErrorCode.INVALID_LENGTH, `header must be ${header.units} long`, {
        field: 'header',
        offset: 0,
      });
    }
    const at = w.reserve(header.converter.byteLength(units));
    try {
      header.codec.encode(h as ScalarValue, w.buf, at);
    } catch (e) {
      throw located(e, 'header', at);
    }
  }

  function writeMti(w: ByteWriter, mti: string): void {
    const mtiAt = w.reserve(mtiBytes);
    try {
      mtiCodec.encode(mti, w.buf, mtiAt);
    } catch {
      throw new Iso8583Error(ErrorCode.INVALID_MTI, 'MTI must be a string of four digits', {
        field: 'mti',
        offset: mtiAt,
      });
    }
  }

  function writeBitmaps(w: ByteWriter, bits: Uint8Array, last: number): void {
    bitmap.write(w, bits, 0);
    if (last >= 1) bitmap.write(w, bits, 1);
    if (last >= 2) bitmap.write(w, bits, 2);
  }

  return {
    tertiary,
    hasHeader: header !== undefined,
    mtiOffset: (value) => headerSize(spec.header, value),
    readHeader,
    skipHeader,
    readMti,
    readBitmaps,
    writeHeader,
    writeMti,
    writeBitmaps,
  };
}

/** A compiled header: its size in bytes and in value units, and its converter bound to the header's context. */
interface CompiledHeader {
  /** Bytes on the wire of a fixed header (`header.length`). */
  readonly bytes: number;
  /** Value units that fill those bytes exactly (validated): BCD digits, hex bytes, characters. */
  readonly units: number;
  /** The length axis of a header with a prefix of its own (undefined for a fixed header). */
  readonly length: FieldLength | undefined;
  /** The header's converter (wire bytes of a count of units). */
  readonly converter: Converter;
  /** Whether the value is a `Uint8Array` rather than a string. */
  readonly isBytes: boolean;
  /** The converter, specialised for a header (no alphabet, digits padded left with 0). */
  readonly codec: SpecializedConverter;
}

function compileHeader(spec: HeaderSpec): CompiledHeader {
  const converter = getConverter(spec.encoding);
  const prefixed = hasHeaderPrefix(spec);
  return {
    bytes: prefixed ? 0 : spec.length,
    units: prefixed ? 0 : headerValueUnits(converter, spec.length)!,
    length: prefixed ? compileLength('header', spec, converter) : undefined,
    converter,
    isBytes: converter.valueType === 'bytes',
    codec: specialize(converter, HEADER_CTX),
  };
}

/** Whether a header has a length prefix of its own (a prefix other than `fixed`). */
export function hasHeaderPrefix(spec: HeaderSpec): boolean {
  return spec.prefix !== undefined && spec.prefix !== 'fixed';
}

/**
 * The bytes a validated spec's header takes in the frame of a message whose header value is `value`: 0 without a
 * header, `length` for a fixed one, the prefix and the value's bytes for one with a prefix (the prefix alone when
 * the value is neither a string nor bytes).
 *
 * Why: the MTI's offset, where errors about the MTI point and where a MAC's coverage starts, follows the header.
 */
export function headerSize(spec: HeaderSpec | undefined, value: unknown): number {
  if (spec === undefined) return 0;
  if (!hasHeaderPrefix(spec)) return spec.length;
  const shape = parsePrefix(spec.prefix)!;
  const converter = getConverter(spec.encoding);
  const prefixBytes = shape.type === 'binary' ? shape.bytes : shape.type === 'digits' ? getConverter(shape.encoding).byteLength(shape.digits) : 0;
  const units = typeof value === 'string' || value instanceof Uint8Array ? value.length : 0;
  return prefixBytes + converter.byteLength(units);
}

/** The error for a bitmap in a form encode never writes, at the bitmap's first byte. */
function nonCanonical(detail: string, offset: number): Iso8583Error {
  return new Iso8583Error(ErrorCode.NON_CANONICAL_BITMAP, detail, { field: 'bitmap', offset });
}
