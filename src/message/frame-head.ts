import { type BitmapCodec, compileBitmap, isEmptyBitmap } from '../bitmap/bitmap.js';
import { type ConvertContext, specialize } from '../codecs/converter.js';
import { getConverter } from '../codecs/registry.js';
import type { ByteReader } from '../cursor/byte-reader.js';
import type { ByteWriter } from '../cursor/byte-writer.js';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error, isIso8583Error } from '../errors/iso8583-error.js';
import { located } from '../errors/located.js';
import { KIND_ALPHABETS } from '../spec/kinds.js';
import type { MessageSpec, ScalarValue } from '../spec/types.js';
import { headerValueUnits } from '../spec/validate-spec.js';

/** Largest data element number a spec can hold (with a tertiary bitmap). */
export const LAST_FIELD = 192;

const MTI_CTX: ConvertContext = { alphabet: KIND_ALPHABETS.n, nibblePad: { side: 'left', nibble: '0' } };
const HEADER_CTX: ConvertContext = { alphabet: undefined, nibblePad: { side: 'left', nibble: '0' } };

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
  /** Bytes the header takes (0 without one): the MTI's offset in every frame. */
  readonly headerBytes: number;
  /** Whether the spec has a header. */
  readonly hasHeader: boolean;
  /** Reads the header at the cursor. */
  readHeader(r: ByteReader): ScalarValue;
  /** Reads the four MTI digits at the cursor; `INVALID_MTI` if they are not digits. */
  readMti(r: ByteReader): string;
  /**
   * Reads the primary bitmap and the extension bitmaps it announces into `bits` (24 bytes); returns the index of
   * the last bitmap read (0 primary, 1 secondary, 2 tertiary). `lenient` reads any form that says where each field
   * is, as `peek` does; otherwise the spec's own `bitmap.lenient` decides.
   */
  readBitmaps(r: ByteReader, bits: Uint8Array, lenient: boolean): number;
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
  const lenientBitmap = lenient ? bitmap : compileBitmap({ ...spec.bitmap, lenient: true });
  const mtiConverter = getConverter(spec.mti.encoding);
  const mtiBytes = mtiConverter.byteLength(4);
  const mtiCodec = specialize(mtiConverter, MTI_CTX);
  const header = spec.header;
  const headerConverter = header === undefined ? undefined : getConverter(header.encoding);
  // Value units of the header (validated to fill header.length bytes exactly): BCD digits, hex bytes, characters.
  const headerUnits =
    header === undefined || headerConverter === undefined ? 0 : headerValueUnits(headerConverter, header.length)!;
  const headerCodec = headerConverter === undefined ? undefined : specialize(headerConverter, HEADER_CTX);

  function readHeader(r: ByteReader): ScalarValue {
    const at = r.take(header!.length, 'header');
    try {
      return headerCodec!.decode(r.buf, at, headerUnits);
    } catch (e) {
      throw located(e, 'header', at);
    }
  }

  function readMti(r: ByteReader): string {
    const at = r.take(mtiBytes, 'mti');
    try {
      return mtiCodec.decode(r.buf, at, 4) as string;
    } catch (e) {
      throw new Iso8583Error(ErrorCode.INVALID_MTI, 'MTI is not four digits', {
        field: 'mti',
        offset: isIso8583Error(e) && e.offset !== undefined ? e.offset : at,
      });
    }
  }

  /**
   * Canonical form (what encode writes, refused otherwise unless lenient): a secondary only when a field 65–128
   * or a tertiary is present (always, with `alwaysSecondary`), a tertiary only when a field 130–192 is present.
   * Errors point at the first byte of the offending bitmap.
   */
  function readBitmaps(r: ByteReader, bits: Uint8Array, anyForm: boolean): number {
    const codec: BitmapCodec = anyForm ? lenientBitmap : bitmap;
    const strict = !anyForm && !lenient;
    const primaryAt = r.pos;
    codec.read(r, bits, 0);
    if ((bits[0]! & 0x80) === 0) {
      if (strict && alwaysSecondary) throw nonCanonical('bit 1 is not set but this spec always writes a secondary bitmap', primaryAt);
      return 0;
    }
    const secondaryAt = r.pos;
    codec.read(r, bits, 1);
    if (!tertiary || (bits[8]! & 0x80) === 0) {
      if (strict && !alwaysSecondary && isEmptyBitmap(bits, 1)) throw nonCanonical('the secondary bitmap is announced but empty', secondaryAt);
      return 1;
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
    return 2;
  }

  function writeHeader(w: ByteWriter, h: unknown): void {
    if (header === undefined || headerConverter === undefined) return;
    const isBytes = headerConverter.valueType === 'bytes';
    if (isBytes ? !(h instanceof Uint8Array) : typeof h !== 'string') {
      throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, `header must be ${isBytes ? 'a Uint8Array' : 'a string'}`, {
        field: 'header',
        offset: 0,
      });
    }
    if ((h as ScalarValue).length !== headerUnits) {
      throw new Iso8583Error(ErrorCode.INVALID_LENGTH, `header must be ${headerUnits} long`, {
        field: 'header',
        offset: 0,
      });
    }
    const at = w.reserve(header.length);
    try {
      headerCodec!.encode(h as ScalarValue, w.buf, at);
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
    headerBytes: header?.length ?? 0,
    hasHeader: header !== undefined,
    readHeader,
    readMti,
    readBitmaps,
    writeHeader,
    writeMti,
    writeBitmaps,
  };
}

/** The error for a bitmap in a form encode never writes, at the bitmap's first byte. */
function nonCanonical(detail: string, offset: number): Iso8583Error {
  return new Iso8583Error(ErrorCode.NON_CANONICAL_BITMAP, detail, { field: 'bitmap', offset });
}
