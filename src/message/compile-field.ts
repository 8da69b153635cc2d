import { type ConvertContext, DEFAULT_NIBBLE_PAD, specialize } from '../codecs/converter.js';
import { getConverter } from '../codecs/registry.js';
import { hasNativeHex, hasNativeLatin1 } from '../codecs/strings.js';
import type { ByteReader } from '../cursor/byte-reader.js';
import type { ByteWriter } from '../cursor/byte-writer.js';
import type { CompiledField } from '../cursor/compiled-field.js';
import { describeType } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import { located } from '../errors/located.js';
import { KIND_ALPHABETS } from '../spec/kinds.js';
import type { FieldSpec, LengthUnit, ScalarValue } from '../spec/types.js';
import { compileLayout } from '../subfields/compile-layout.js';
import { compileTrack1Field } from '../subfields/track1.js';
import { compileTrack2Field } from '../subfields/track2.js';
import { compileContainerField } from './container-field.js';
import { compileLength } from './field-length.js';

/** The digit table of a fixed field, which has no prefix to read. */
const NO_DIGITS = new Int8Array(256).fill(-1);

/**
 * Compiles one field spec (recursively for subfields). The spec must already have passed `validateSpec`.
 */
export function compileField(path: string, spec: FieldSpec): CompiledField {
  const layout = spec.subfields;
  if (layout === undefined) return compileScalarField(path, spec);
  // Track 2 is text (or packed digits) first; the structure is a view over that string.
  if (layout.type === 'track2') return compileTrack2Field(path, spec, compileScalarField(path, spec));
  if (layout.type === 'track1') return compileTrack1Field(path, compileScalarField(path, spec));
  return compileContainerField(path, spec, compileLayout(path, layout, compileField));
}

/** Compiles a field without subfields: converter, prefix and padding. */
export function compileScalarField(path: string, spec: FieldSpec): CompiledField {
  const converter = getConverter(spec.encoding);
  const unit: LengthUnit = spec.lengthUnit ?? converter.lengthUnits[0] ?? converter.unit;
  const { prefix, fixedUnits, readUnits, writeUnits } = compileLength(path, spec, converter);
  const isBytes = converter.valueType === 'bytes';
  const kind = spec.kind;
  const ctx: ConvertContext = {
    alphabet: kind === 'b' ? undefined : KIND_ALPHABETS[kind],
    nibblePad: spec.nibblePad ?? DEFAULT_NIBBLE_PAD,
  };
  // Packed digits counted in bytes with an F pad: the pad nibble is dropped on decode and restored on encode.
  const stripsPadF =
    prefix !== undefined && converter.unit === 'digits' && unit === 'bytes' && ctx.nibblePad.nibble === 'F';
  const padLeft = ctx.nibblePad.side === 'left';
  const signed = kind === 'x+n';
  const pad = spec.pad;
  const bound = specialize(converter, ctx);

  function checkSign(s: string, offset: number): void {
    // x+n: one C (credit) or D (debit) then digits only.
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      const isSign = c === 0x43 || c === 0x44;
      if (isSign !== (i === 0)) {
        throw new Iso8583Error(ErrorCode.INVALID_CHARACTER, 'x+n value must be C or D followed by digits', {
          field: path,
          offset,
        });
      }
    }
  }

  function decode(r: ByteReader): ScalarValue {
    let units = prefix === undefined ? fixedUnits : readUnits(r);
    const at = r.take(converter.byteLength(units), path);
    if (stripsPadF && units > 0) {
      // N bytes hold 2N nibbles; an F in the pad position means the value has 2N - 1 digits.
      const edge = r.buf[padLeft ? at : at + (units >> 1) - 1]!;
      if ((padLeft ? edge >> 4 : edge & 15) === 15) units -= 1;
    }
    let value: ScalarValue;
    try {
      value = bound.decode(r.buf, at, units);
    } catch (e) {
      throw located(e, path, at);
    }
    if (signed) checkSign(value as string, at);
    return value;
  }

  // Text that is its bytes' Latin-1 (ASCII), fixed or after a digit prefix of one byte per digit: prefix, bounds
  // and every byte are checked inline against the field's tables, then the value is sliced from the frame's text,
  // read once per frame. Anything out of the ordinary (a short frame, a bad digit, a count over the maximum, a
  // refused byte) leaves the cursor where it was and goes through `decode`, which reports it as always.
  const latin1Bytes = hasNativeLatin1 ? bound.latin1Bytes : undefined;
  const inline = prefix?.inlineDigits;
  const readsLatin1 = latin1Bytes !== undefined && (prefix === undefined || inline !== undefined);
  const prefixDigits = inline === undefined ? 0 : inline.digits;
  const digitOf = inline?.digitOf;
  const max = spec.length;
  function decodeLatin1(r: ByteReader): ScalarValue {
    const end = r.end;
    const buf = r.buf;
    let at = r.pos;
    let units = fixedUnits;
    if (prefixDigits !== 0) {
      if (prefixDigits > end - at) return decode(r);
      units = 0;
      for (let i = at; i < at + prefixDigits; i++) {
        const d = digitOf![buf[i]!]!;
        if (d < 0) return decode(r);
        units = units * 10 + d;
      }
      if (units > max) return decode(r);
      at += prefixDigits;
    }
    if (units > end - at) return decode(r);
    const table = latin1Bytes!;
    for (let i = at; i < at + units; i++) if (table[buf[i]!] !== 1) return decode(r);
    r.pos = at + units;
    const value = r.latin1(at, units);
    if (signed) checkSign(value, at);
    return value;
  }

  // Packed digits: the pad and every nibble are checked against the field's tables (whole bytes in one lookup), then
  // the digits are sliced from the frame's hex, read once per frame. A refused nibble or pad goes through the
  // converter, which reports it as always.
  const packed = hasNativeHex ? bound.packedNibbles : undefined;
  function decodePacked(r: ByteReader): ScalarValue {
    let units = prefix === undefined ? fixedUnits : readUnits(r);
    const bytes = converter.byteLength(units);
    const at = r.take(bytes, path);
    const buf = r.buf;
    if (stripsPadF && units > 0) {
      // As in decode: an F in the pad position means the value has 2N - 1 digits.
      const edge = buf[padLeft ? at : at + (units >> 1) - 1]!;
      if ((padLeft ? edge >> 4 : edge & 15) === 15) units -= 1;
    }
    const t = packed!;
    // Nibble offsets count from the buffer's first high nibble; [first, last) are the bytes of two value nibbles.
    let from = 2 * at;
    let first = at;
    let last = at + bytes;
    if ((units & 1) === 1) {
      if (t.padLeft) {
        const b = buf[at]!;
        if (b >> 4 !== t.padNibble || t.nibbleOk[b & 15] !== 1) return refusedPacked(buf, at, units);
        from += 1;
        first += 1;
      } else {
        const b = buf[last - 1]!;
        if ((b & 15) !== t.padNibble || t.nibbleOk[b >> 4] !== 1) return refusedPacked(buf, at, units);
        last -= 1;
      }
    }
    const pairOk = t.pairOk;
    for (let i = first; i < last; i++) if (pairOk[buf[i]!] !== 1) return refusedPacked(buf, at, units);
    const digits = r.hexDigits(from, from + units);
    const value = t.letters ? digits.toUpperCase() : digits;
    if (signed) checkSign(value, at);
    return value;
  }
  function refusedPacked(buf: Uint8Array, at: number, units: number): never {
    try {
      bound.decode(buf, at, units);
    } catch (e) {
      throw located(e, path, at);
    }
    throw located(undefined, path, at);
  }

  function encode(w: ByteWriter, raw: unknown): void {
    const start = w.pos;
    if (isBytes ? !(raw instanceof Uint8Array) : typeof raw !== 'string') {
      throw new Iso8583Error(
        ErrorCode.INVALID_VALUE_TYPE,
        `value must be ${isBytes ? 'a Uint8Array' : 'a string'}, got ${describeType(raw)}`,
        { field: path, offset: start },
      );
    }
    let value = raw as ScalarValue;
    let units = value.length;
    if (prefix === undefined) {
      if (units !== fixedUnits) {
        if (units > fixedUnits) {
          throw new Iso8583Error(ErrorCode.LENGTH_EXCEEDS_MAX, `length ${units} exceeds fixed length ${fixedUnits}`, {
            field: path,
            offset: start,
          });
        }
        if (pad === undefined || isBytes) {
          throw new Iso8583Error(ErrorCode.INVALID_LENGTH, `length ${units} differs from fixed length ${fixedUnits}`, {
            field: path,
            offset: start,
          });
        }
        const fill = pad.char.repeat(fixedUnits - units);
        value = pad.side === 'left' ? fill + (value as string) : (value as string) + fill;
        units = fixedUnits;
      }
    } else {
      let valueUnits = units;
      if (stripsPadF && (units & 1) === 1) valueUnits = units + 1;
      else if (stripsPadF && units > 0) {
        const s = value as string;
        // An even value whose pad-side digit is F would lose that F on decode: refuse the ambiguity.
        if (padLeft ? s.charCodeAt(0) === 0x46 : s.charCodeAt(s.length - 1) === 0x46) {
          throw new Iso8583Error(ErrorCode.INVALID_PADDING, 'value ends on the pad nibble F', {
            field: path,
            offset: start,
          });
        }
      }
      writeUnits(w, valueUnits, start);
    }
    if (signed) checkSign(value as string, w.pos);
    const at = w.reserve(converter.byteLength(units));
    try {
      bound.encode(value, w.buf, at);
    } catch (e) {
      throw located(e, path, at);
    }
  }

  // Text that is its bytes' Latin-1, exactly as long as a fixed field wants or within the maximum after a digit
  // prefix of one byte per digit: the prefix digits and each character (checked against the field's table) are
  // written in one pass. Anything else (another type, a length to pad or refuse, a refused character) rewinds the
  // writer and goes through `encode`, which writes or reports it as always.
  const textBytes = bound.latin1Bytes;
  const encodesLatin1 = textBytes !== undefined && !signed && (prefix === undefined || inline !== undefined);
  const byteOfDigit = new Uint8Array(10);
  if (inline !== undefined) for (let b = 0; b < 256; b++) if (inline.digitOf[b]! >= 0) byteOfDigit[inline.digitOf[b]!] = b;
  function encodeLatin1(w: ByteWriter, raw: unknown): void {
    if (typeof raw !== 'string') return encode(w, raw);
    const units = raw.length;
    if (prefix === undefined ? units !== fixedUnits : units > max) return encode(w, raw);
    const start = w.pos;
    const at = w.reserve(prefixDigits + units);
    const buf = w.buf;
    let rest = units;
    for (let i = at + prefixDigits - 1; i >= at; i--) {
      buf[i] = byteOfDigit[rest % 10]!;
      rest = (rest - (rest % 10)) / 10;
    }
    const table = textBytes!;
    const to = at + prefixDigits;
    for (let i = 0; i < units; i++) {
      const c = raw.charCodeAt(i);
      if (c > 255 || table[c] !== 1) {
        w.pos = start;
        return encode(w, raw);
      }
      buf[to + i] = c;
    }
  }

  return {
    path,
    decode: readsLatin1 ? decodeLatin1 : packed !== undefined ? decodePacked : decode,
    encode: encodesLatin1 ? encodeLatin1 : encode,
    // What decodeLatin1 checks, for a message loop that reads the field inline (a signed value has its own check).
    latin1Text:
      readsLatin1 && !signed
        ? { fixedUnits, prefixDigits, digitOf: digitOf ?? NO_DIGITS, max, allowed: latin1Bytes! }
        : undefined,
    // What decodePacked checks for a fixed field (a prefixed one reads its prefix through the prefix's own code).
    packedDigits:
      packed !== undefined && !readsLatin1 && prefix === undefined && !signed
        ? { units: fixedUnits, bytes: converter.byteLength(fixedUnits), ...packed }
        : undefined,
  };
}
