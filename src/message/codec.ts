import { setBit } from '../bitmap/bitmap.js';
import { ByteReader } from '../cursor/byte-reader.js';
import { ByteWriter } from '../cursor/byte-writer.js';
import { WHOLE_READ_MAX_BYTES, wholeHex, wholeLatin1 } from '../codecs/strings.js';
import type { CompiledField, Latin1Text, PackedDigits } from '../cursor/compiled-field.js';
import { describeType } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { guard, guarded, unreadable } from '../errors/guard.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import { compileRules } from '../rules/compile-rules.js';
import type { Infer } from '../spec/infer.js';
import type { Message, MessageSpec } from '../spec/types.js';
import type { StrictSpec } from '../spec/strict.js';
import { validateSpec } from '../spec/validate-spec.js';
import type { Codec } from './codec-types.js';
import { wantsRules } from './decode-options.js';
import { compileField } from './compile-field.js';
import { dataBits, FIELD_SLOTS, highestField } from './field-slots.js';
import { compileFrameHead, LAST_FIELD } from './frame-head.js';
import { compilePeek } from './peek.js';

export type { Codec, DecodeOptions, FieldsOf, PeekResult } from './codec-types.js';

/** Canonical key strings "0".."192": a message key is a field number only if it is spelled exactly so. */
const FIELD_KEYS: readonly string[] = Array.from({ length: LAST_FIELD + 1 }, (_, n) => String(n));

const cache = new WeakMap<MessageSpec, Codec<Message>>();

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
export function createCodec<const S extends MessageSpec>(spec: S & StrictSpec<S>): Codec<Infer<S>>;
// The boundary between the spec's type and its run-time tables: the implementation compiles any MessageSpec into a
// Codec<Message>, and the signature above gives it the message type Infer computes from the same spec value. The
// two agree by construction (validateSpec admits only specs whose tables Infer describes), which the compiler
// cannot see; an overload states it once, with no cast.
export function createCodec(spec: MessageSpec): Codec<Message> {
  // A WeakMap lookup runs no code of the key's; the spec is read (getters, proxy traps) only inside the guard.
  const cached = cache.get(spec);
  if (cached !== undefined) return cached;
  const codec = guard(ErrorCode.INVALID_SPEC, unreadable('the spec'), () => compileCodec(validateSpec(spec)));
  cache.set(spec, codec);
  return codec;
}

/**
 * Compiles a validated spec into its codec; `inline` false reads every field through its own decode.
 *
 * Why: the message loop reads Latin-1 text and fixed packed-digit fields inline, with the fields' own checks; the
 * path without them is the reference that spec/properties/inline-reads.prop.spec.ts holds the inline reads to.
 */
export function compileCodec(spec: MessageSpec, inline = true): Codec<Message> {
  const fields: (CompiledField | undefined)[] = new Array(LAST_FIELD + 1).fill(undefined);
  for (const key of Object.keys(spec.fields)) {
    const n = Number(key);
    fields[n] = compileField(key, spec.fields[n]!);
  }
  // The fields the loop below reads inline (Latin-1 text), by number; the others through their own decode.
  const texts: (Latin1Text | undefined)[] = fields.map((field) => (inline ? field?.latin1Text : undefined));
  const readsText = inline && fields.some((field) => field?.latin1Text !== undefined);
  const packs: (PackedDigits | undefined)[] = fields.map((field) => (inline ? field?.packedDigits : undefined));
  const head = compileFrameHead(spec);
  const tertiary = head.tertiary;
  const alwaysSecondary = spec.bitmap.alwaysSecondary === true;
  const rules = spec.rules === undefined ? undefined : compileRules(spec.rules);
  /** The codec without inline reads, for frames above WHOLE_READ_MAX_BYTES (made on the first one). */
  let large: Codec<Message> | undefined;

  /**
   * Decodes `frame` with `bits` (24 bytes, any content) for its bitmaps; with `starts`, records where each field
   * starts (for the rules check's offsets).
   */
  function decodeFrame(frame: Uint8Array, bits: Uint8Array, starts: Int32Array | undefined): Message {
    if (!(frame instanceof Uint8Array)) {
      throw new Iso8583Error(ErrorCode.INVALID_INPUT, `frame must be a Uint8Array, got ${describeType(frame)}`);
    }
    // A frame above WHOLE_READ_MAX_BYTES goes through the fields' own decode, which reads it a field at a time.
    if (inline && frame.length > WHOLE_READ_MAX_BYTES) return (large ??= compileCodec(spec, false)).decode(frame, starts === undefined ? undefined : { rules: true });
    const r = new ByteReader(frame);
    // The frame's text, read once, for the inline text fields below, the MTI and the fields' own decode.
    const text = readsText ? (r.text = wholeLatin1(frame)) : '';
    const header = head.hasHeader ? head.readHeader(r) : undefined;
    const mtiAt = r.pos;
    const mti = head.readMti(r);
    head.readBitmaps(r, bits, false);
    // Bitmaps read after the primary: 0, 1 or 2. Only the bytes of those are read below (the rest of `bits` may hold
    // an earlier frame's).
    const extra = bits[0]! >> 7 === 0 ? 0 : tertiary ? 1 + (bits[8]! >> 7) : 1;
    // Its highest announced field first, as undefined (see highestField); numbered keys enumerate in ascending order.
    const out: Message['fields'] = { ...FIELD_SLOTS[extra]! };
    const last = highestField(bits, extra, tertiary);
    if (last !== 0) out[last] = undefined;
    const message: Message = { mti, fields: out };
    if (header !== undefined) message.header = header;
    const end = r.end;
    // The cursor's position lives here between fields; r.pos is set only around a field's own decode.
    let pos = r.pos;
    const bitmapBytes = 8 * (extra + 1);
    for (let byteIndex = 0; byteIndex < bitmapBytes; byteIndex++) {
      // Bits 1 and 65 (tertiary) are bitmap indicators, not data elements; a set bit 129 failed readBitmaps.
      let byte = dataBits(bits, byteIndex, tertiary);
      while (byte !== 0) {
        // The highest set bit of the byte is its lowest-numbered field: fields are read in number order.
        const bit = Math.clz32(byte) - 24;
        byte ^= 0x80 >> bit;
        const n = byteIndex * 8 + bit + 1;
        const field = fields[n];
        if (field === undefined) throw new Iso8583Error(ErrorCode.UNKNOWN_FIELD, 'the bitmap announces a field the spec does not define', { field: String(n), offset: pos });
        if (starts !== undefined) starts[n] = pos;
        const t = texts[n];
        inline: if (t !== undefined) {
          // What the field's decode checks (Latin1Text); on anything else it reads the field from the same place
          // and reports it.
          let at = pos;
          let units = t.fixedUnits;
          const digits = t.prefixDigits;
          if (digits !== 0) {
            if (digits > end - at) break inline;
            const digitOf = t.digitOf;
            units = 0;
            for (let i = at; i < at + digits; i++) {
              const d = digitOf[frame[i]!]!;
              if (d < 0) break inline;
              units = units * 10 + d;
            }
            if (units > t.max) break inline;
            at += digits;
          }
          if (units > end - at) break inline;
          const to = at + units;
          const allowed = t.allowed;
          for (let i = at; i < to; i++) if (allowed[frame[i]!] !== 1) break inline;
          out[n] = text.slice(at, to);
          pos = to;
          continue;
        }
        const q = packs[n];
        packed: if (q !== undefined) {
          // What the field's decode checks (PackedDigits); on anything else it reads the field and reports it.
          let first = pos;
          let last = pos + q.bytes;
          if (last > end) break packed;
          // Nibble offsets count from the frame's first high nibble.
          let from = 2 * pos;
          if ((q.units & 1) === 1) {
            if (q.padLeft) {
              const b = frame[first]!;
              if (b >> 4 !== q.padNibble || q.nibbleOk[b & 15] !== 1) break packed;
              from += 1;
              first += 1;
            } else {
              const b = frame[last - 1]!;
              if ((b & 15) !== q.padNibble || q.nibbleOk[b >> 4] !== 1) break packed;
              last -= 1;
            }
          }
          const pairOk = q.pairOk;
          for (let i = first; i < last; i++) if (pairOk[frame[i]!] !== 1) break packed;
          const hex = r.hex ?? (r.hex = wholeHex(frame));
          const digits = hex.slice(from, from + q.units);
          out[n] = q.letters ? digits.toUpperCase() : digits;
          pos += q.bytes;
          continue;
        }
        r.pos = pos;
        out[n] = field.decode(r);
        pos = r.pos;
      }
    }
    if (pos !== end) throw new Iso8583Error(ErrorCode.TRAILING_BYTES, `${end - pos} bytes after the last field`, { offset: pos });
    if (starts !== undefined && rules !== undefined) {
      const broken = rules.check(message.mti, out)[0];
      if (broken !== undefined) {
        // A missing field has no bytes: the error points at the MTI, whose type requires it.
        const offset = broken.code === ErrorCode.MANDATORY_FIELD_MISSING ? mtiAt : starts[broken.field]!;
        throw new Iso8583Error(broken.code, broken.detail, { field: String(broken.field), offset });
      }
    }
    return message;
  }

  const scratch = new ByteWriter(1024);
  let scratchBusy = false;
  const scratchBits = new Uint8Array(24);
  let bitsBusy = false;

  function encodeMessage(message: Message, w: ByteWriter): Uint8Array {
    if (typeof message !== 'object' || message === null) {
      throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, `message must be an object, got ${describeType(message)}`);
    }
    const { mti, header, fields: values } = message;
    if (typeof values !== 'object' || values === null || Array.isArray(values) || values instanceof Uint8Array) {
      throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, `message.fields must be an object, got ${describeType(values)}`);
    }
    if (typeof mti !== 'string' || mti.length !== 4) {
      // The MTI goes right after the header: that is where the output would hold it.
      throw new Iso8583Error(ErrorCode.INVALID_MTI, 'MTI must be a string of four digits', { field: 'mti', offset: head.mtiOffset(header) });
    }
    const bits = new Uint8Array(24);
    let present = 0;
    // Own enumerable keys, as for…in with hasOwnProperty gives them and in the same order, without the per-key
    // filtering for…in does for the prototype chain.
    const keys = Object.keys(values);
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
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
    if (rules !== undefined) {
      // Which fields are given is known before a byte is written: a broken rule names the field, no offset.
      const broken = rules.check(mti, values)[0];
      if (broken !== undefined) throw new Iso8583Error(broken.code, broken.detail, { field: String(broken.field) });
    }
    if (alwaysSecondary && present === 0) present = 1;
    if (present >= 2) setBit(bits, 65);
    if (present >= 1) setBit(bits, 1);

    w.pos = 0;
    head.writeHeader(w, header);
    head.writeMti(w, mti);
    head.writeBitmaps(w, bits, present);
    // Bytes past the last bitmap written are 0.
    for (let byteIndex = 0; byteIndex < bits.length; byteIndex++) {
      let byte = dataBits(bits, byteIndex, tertiary);
      while (byte !== 0) {
        // Highest set bit first: fields are written in number order.
        const bit = Math.clz32(byte) - 24;
        byte ^= 0x80 >> bit;
        const n = byteIndex * 8 + bit + 1;
        fields[n]!.encode(w, values[n]);
      }
    }
    return w.finish();
  }

  return {
    spec,
    peek: compilePeek(head, fields) as Codec<Message>['peek'],
    decode(frame, options) {
      // One scratch bitmap per codec, as for encode's writer; a re-entrant call (a user converter decoding with this
      // codec) gets its own.
      const outer = !bitsBusy;
      bitsBusy = true;
      try {
        const starts = wantsRules(options) && rules !== undefined ? new Int32Array(LAST_FIELD + 1) : undefined;
        return decodeFrame(frame, outer ? scratchBits : new Uint8Array(24), starts);
      } catch (e) {
        throw guarded(e, ErrorCode.INVALID_INPUT);
      } finally {
        if (outer) bitsBusy = false;
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
