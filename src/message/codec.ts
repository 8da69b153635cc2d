import { type BitmapCodec, compileBitmap, isEmptyBitmap, setBit } from '../bitmap/bitmap.js';
import { type ConvertContext, specialize } from '../codecs/converter.js';
import { getConverter } from '../codecs/registry.js';
import { ByteReader } from '../cursor/byte-reader.js';
import { ByteWriter } from '../cursor/byte-writer.js';
import type { CompiledField } from '../cursor/compiled-field.js';
import { describeType } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { guard, unreadable } from '../errors/guard.js';
import { Iso8583Error, isIso8583Error } from '../errors/iso8583-error.js';
import { located } from '../errors/located.js';
import type { Infer } from '../spec/infer.js';
import { KIND_ALPHABETS } from '../spec/kinds.js';
import type { Message, MessageSpec, ScalarValue } from '../spec/types.js';
import type { StrictSpec } from '../spec/strict.js';
import { headerValueUnits, validateSpec } from '../spec/validate-spec.js';
import { compileField } from './compile-field.js';

/**
 * A compiled codec for one spec: decode frames into messages and encode messages into frames.
 *
 * Why: compiling once and reusing the closures is what makes the per-frame path one pass with no spec lookups.
 */
export interface Codec<M = Message> {
  /** The spec this codec was compiled from. */
  readonly spec: MessageSpec;
  /**
   * Decodes one whole frame (no length header). Throws only `Iso8583Error`, for any input.
   * Strict: bytes after the last announced field are an error.
   */
  decode(frame: Uint8Array): M;
  /** Encodes a message, computing the bitmaps from the present fields. Throws only `Iso8583Error`, for any input. */
  encode(message: M): Uint8Array;
  /**
   * Reads the MTI and some fields of a frame that may not decode as a whole; never throws.
   *
   * Why: a server that cannot decode a request still owes the peer an answer it can pair (DE11, DE41 and the
   * other matching fields echoed); `peek` reads as far as the frame allows. It reads the header and the MTI
   * (`undefined` when its bytes are not four digits; the walk goes on, the MTI having a fixed width), then walks
   * the bitmaps in field order, decoding every field with its own decoder (so each value returned is fully
   * validated) until the wanted fields are all read or the first failure. It returns the wanted fields read before
   * that; numbers the spec does not define are never found. Bitmaps are read as `bitmap.lenient` would read them
   * (an empty extension bitmap or lowercase hex still says where each field is), and bytes after the last wanted
   * field are never looked at, so a frame `decode` refuses can still give its fields here.
   *
   * @example
   * ```ts
   * const { mti, fields } = codec.peek(frame, [11, 41]);
   * if (mti !== undefined && fields[11] !== undefined) console.log('answer', mti, 'STAN', fields[11]);
   * ```
   */
  peek(frame: Uint8Array, fields: readonly number[]): PeekResult<M>;
}

/** The field table of a message type: `M['fields']`, or the dynamic one of {@link Message}. */
export type FieldsOf<M> = M extends { fields: infer F } ? F : Message['fields'];

/**
 * What {@link Codec.peek} could read from a frame: the MTI when it is four digits, and the wanted fields found
 * before the first failure, typed like the codec's messages.
 *
 * Why: a partial read is a result, not an error; its fields are as trustworthy as decoded ones.
 */
export interface PeekResult<M = Message> {
  /** The MTI, or `undefined` when the frame is too short for it or it is not four digits. */
  mti: string | undefined;
  /** The wanted fields read before the first failure (or all of them); absent fields are missing keys. */
  fields: Partial<FieldsOf<M>>;
}

/** Largest data element number a spec can hold (with a tertiary bitmap). */
const LAST_FIELD = 192;
/** Canonical key strings "0".."192": a message key is a field number only if it is spelled exactly so. */
const FIELD_KEYS: readonly string[] = Array.from({ length: LAST_FIELD + 1 }, (_, n) => String(n));
const MTI_CTX: ConvertContext = { alphabet: KIND_ALPHABETS.n, nibblePad: { side: 'left', nibble: '0' } };

const cache = new WeakMap<MessageSpec, Codec<unknown>>();

/**
 * Compiles `spec` once (cached per spec object) and returns its `{ decode, encode }`.
 *
 * Why: the spec is validated here, so an inconsistent spec fails at start-up with `INVALID_SPEC`, and every
 * later frame runs through precompiled closures. Only an `Iso8583Error` leaves it, for any argument: a getter or
 * proxy trap of the spec that throws becomes `INVALID_SPEC` without its text. A spec literal is checked like
 * `defineSpec`'s: a key the spec format does not have is a type error at that key.
 *
 * @example
 * ```ts
 * import { createCodec, presets } from 'iso8583-codec';
 * const codec = createCodec(presets.iso87ascii);
 * const msg = codec.decode(frame);          // { mti: '0100', fields: { 2: '4111…', 4: '000000001000', … } }
 * const reply = codec.encode({ mti: '0110', fields: { ...msg.fields, 39: '00' } });
 * ```
 */
export function createCodec<const S extends MessageSpec>(spec: S & StrictSpec<S>): Codec<Infer<S>> {
  // A WeakMap lookup runs no code of the key's; the spec is read (getters, proxy traps) only inside the guard.
  const cached = cache.get(spec);
  if (cached !== undefined) return cached as Codec<Infer<S>>;
  const codec = guard(ErrorCode.INVALID_SPEC, unreadable('the spec'), () => compileCodec(validateSpec(spec)));
  cache.set(spec, codec as Codec<unknown>);
  return codec as unknown as Codec<Infer<S>>;
}

function compileCodec(spec: MessageSpec): Codec<Message> {
  const tertiary = spec.bitmap.tertiary === true;
  const fields: (CompiledField | undefined)[] = new Array(LAST_FIELD + 1).fill(undefined);
  for (const key of Object.keys(spec.fields)) {
    const n = Number(key);
    fields[n] = compileField(key, spec.fields[n]!);
  }
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
  const headerCtx: ConvertContext = { alphabet: undefined, nibblePad: { side: 'left', nibble: '0' } };
  const headerCodec = headerConverter === undefined ? undefined : specialize(headerConverter, headerCtx);

  /** Reads the header at the cursor. */
  function readHeader(r: ByteReader): ScalarValue {
    const at = r.take(header!.length, 'header');
    try {
      return headerCodec!.decode(r.buf, at, headerUnits);
    } catch (e) {
      throw located(e, 'header', at);
    }
  }

  /** Reads the four MTI digits at the cursor. */
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
   * Reads the primary bitmap and the extension bitmaps it announces into `bits`; returns the index of the last
   * bitmap read (0 primary, 1 secondary, 2 tertiary).
   *
   * Canonical form (what encode writes, refused otherwise unless `lenient`): a secondary only when a field 65–128
   * or a tertiary is present (always, with `alwaysSecondary`), a tertiary only when a field 130–192 is present.
   * Errors point at the first byte of the offending bitmap.
   */
  function readBitmaps(r: ByteReader, bits: Uint8Array, codec: BitmapCodec, strict: boolean): number {
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

  function decodeFrame(frame: Uint8Array): Message {
    if (!(frame instanceof Uint8Array)) {
      throw new Iso8583Error(ErrorCode.INVALID_INPUT, `frame must be a Uint8Array, got ${describeType(frame)}`);
    }
    const r = new ByteReader(frame);
    const message: Message = { mti: '', fields: {} };
    if (header !== undefined) message.header = readHeader(r);
    message.mti = readMti(r);
    const bits = new Uint8Array(24);
    const lastByte = readBitmaps(r, bits, bitmap, !lenient) * 8 + 8;
    const out = message.fields;
    for (let byteIndex = 0; byteIndex < lastByte; byteIndex++) {
      let byte = bits[byteIndex]!;
      // Bits 1, 65 (tertiary) and 129 are bitmap indicators, not data elements.
      if (byteIndex === 0 || (tertiary && byteIndex === 8) || byteIndex === 16) byte &= 0x7f;
      if (byte === 0) continue;
      for (let bit = 0; bit < 8; bit++) {
        if ((byte & (0x80 >> bit)) === 0) continue;
        const n = byteIndex * 8 + bit + 1;
        const field = fields[n];
        if (field === undefined) {
          throw new Iso8583Error(ErrorCode.UNKNOWN_FIELD, 'the bitmap announces a field the spec does not define', {
            field: String(n),
            offset: r.pos,
          });
        }
        out[n] = field.decode(r);
      }
    }
    if (r.pos !== r.end) {
      throw new Iso8583Error(ErrorCode.TRAILING_BYTES, `${r.end - r.pos} bytes after the last field`, {
        offset: r.pos,
      });
    }
    return message;
  }

  function peekFrame(frame: unknown, wanted: unknown): { mti: string | undefined; fields: Message['fields'] } {
    const found: { mti: string | undefined; fields: Message['fields'] } = { mti: undefined, fields: {} };
    // Never throws: everything that reads the arguments (an instanceof check, an iteration, a proxy's traps, a
    // revoked proxy) runs inside this try, and the first failure ends the walk with what was read before it.
    try {
      if (!(frame instanceof Uint8Array) || !Array.isArray(wanted)) return found;
      // wants[n] === 1 for each wanted field the spec defines; the walk stops after the highest of them.
      const wants = new Uint8Array(LAST_FIELD + 1);
      let last = 0;
      for (const n of wanted as unknown[]) {
        if (typeof n === 'number' && Number.isInteger(n) && n >= 2 && n <= LAST_FIELD && fields[n] !== undefined) {
          wants[n] = 1;
          if (n > last) last = n;
        }
      }
      const r = new ByteReader(frame);
      if (header !== undefined) {
        try {
          readHeader(r);
        } catch (e) {
          // A header of the right size that does not decode still leaves the MTI where it always is.
          if (isIso8583Error(e) && e.code === ErrorCode.TRUNCATED) return found;
        }
      }
      try {
        found.mti = readMti(r);
      } catch (e) {
        if (isIso8583Error(e) && e.code === ErrorCode.TRUNCATED) return found;
      }
      if (last === 0) return found;
      const bits = new Uint8Array(24);
      const lastByte = readBitmaps(r, bits, lenientBitmap, false) * 8 + 8;
      for (let byteIndex = 0; byteIndex < lastByte; byteIndex++) {
        let byte = bits[byteIndex]!;
        if (byteIndex === 0 || (tertiary && byteIndex === 8) || byteIndex === 16) byte &= 0x7f;
        for (let bit = 0; byte !== 0 && bit < 8; bit++) {
          if ((byte & (0x80 >> bit)) === 0) continue;
          const n = byteIndex * 8 + bit + 1;
          const field = fields[n];
          if (n > last || field === undefined) return found;
          const value = field.decode(r);
          if (wants[n] === 1) found.fields[n] = value;
        }
      }
    } catch {
      // The first failure ends the walk; what was read before it stands.
    }
    return found;
  }

  const scratch = new ByteWriter(1024);
  let scratchBusy = false;

  function encodeMessage(message: Message, w: ByteWriter): Uint8Array {
    if (typeof message !== 'object' || message === null) {
      throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, `message must be an object, got ${describeType(message)}`);
    }
    const { mti, fields: values } = message;
    if (typeof values !== 'object' || values === null || Array.isArray(values) || values instanceof Uint8Array) {
      throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, `message.fields must be an object, got ${describeType(values)}`);
    }
    if (typeof mti !== 'string' || mti.length !== 4) {
      // The MTI goes right after the header: that is where the output would hold it.
      throw new Iso8583Error(ErrorCode.INVALID_MTI, 'MTI must be a string of four digits', { field: 'mti', offset: header?.length ?? 0 });
    }
    const bits = new Uint8Array(24);
    let present = 0;
    for (const key in values) {
      if (!Object.prototype.hasOwnProperty.call(values, key)) continue;
      const value = (values as Record<string, unknown>)[key];
      if (value === undefined) continue;
      const n = Number(key);
      if (!(n >= 1 && n <= LAST_FIELD) || FIELD_KEYS[n] !== key) {
        throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, 'field keys must be data element numbers');
      }
      if (n === 1 || n === 129 || (tertiary && n === 65)) {
        throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, 'bitmap fields are computed and must not be given', {
          field: key,
        });
      }
      if (fields[n] === undefined) {
        throw new Iso8583Error(ErrorCode.UNKNOWN_FIELD, 'the spec does not define this field', { field: key });
      }
      setBit(bits, n);
      // The last bitmap needed: 0 primary, 1 secondary (a field 65–128), 2 tertiary (a field 130–192).
      if (n > 128) present = 2;
      else if (n > 64 && present === 0) present = 1;
    }
    if (alwaysSecondary && present === 0) present = 1;
    if (present >= 2) setBit(bits, 65);
    if (present >= 1) setBit(bits, 1);

    w.pos = 0;
    if (header !== undefined && headerConverter !== undefined) {
      const h = message.header;
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
    const mtiAt = w.reserve(mtiBytes);
    try {
      mtiCodec.encode(mti, w.buf, mtiAt);
    } catch {
      throw new Iso8583Error(ErrorCode.INVALID_MTI, 'MTI must be a string of four digits', {
        field: 'mti',
        offset: mtiAt,
      });
    }
    bitmap.write(w, bits, 0);
    if (present >= 1) bitmap.write(w, bits, 1);
    if (present >= 2) bitmap.write(w, bits, 2);
    const lastByte = present * 8 + 8;
    for (let byteIndex = 0; byteIndex < lastByte; byteIndex++) {
      let byte = bits[byteIndex]!;
      if (byteIndex === 0 || (tertiary && byteIndex === 8)) byte &= 0x7f;
      if (byte === 0) continue;
      for (let bit = 0; bit < 8; bit++) {
        if ((byte & (0x80 >> bit)) === 0) continue;
        const n = byteIndex * 8 + bit + 1;
        fields[n]!.encode(w, values[n]);
      }
    }
    return w.finish();
  }

  return {
    spec,
    peek: peekFrame as Codec<Message>['peek'],
    decode(frame) {
      try {
        return decodeFrame(frame);
      } catch (e) {
        throw guarded(e, ErrorCode.INVALID_INPUT);
      }
    },
    encode(message) {
      // One scratch writer per codec; a re-entrant call (a user converter encoding with this codec) gets its own.
      const outer = !scratchBusy;
      scratchBusy = true;
      try {
        return encodeMessage(message, outer ? scratch : new ByteWriter());
      } catch (e) {
        throw guarded(e, ErrorCode.INVALID_MESSAGE);
      } finally {
        if (outer) scratchBusy = false;
      }
    },
  };
}

/** The error for a bitmap in a form encode never writes, at the bitmap's first byte. */
function nonCanonical(detail: string, offset: number): Iso8583Error {
  return new Iso8583Error(ErrorCode.NON_CANONICAL_BITMAP, detail, { field: 'bitmap', offset });
}

/**
 * Keeps the one-error-type promise: anything that is not an `Iso8583Error` (a throwing getter on a user's object,
 * an exotic typed-array subclass) becomes one, without its original text, which could hold a value.
 */
function guarded(e: unknown, code: ErrorCode): Iso8583Error {
  return isIso8583Error(e) ? e : new Iso8583Error(code, 'input could not be read');
}

