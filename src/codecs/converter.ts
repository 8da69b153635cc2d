import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import type { CharTable } from '../spec/kinds.js';
import type { LengthUnit, NibblePad, ScalarValue } from '../spec/types.js';

/**
 * Per-field settings a converter receives on every call, fixed when the spec is compiled.
 *
 * Why: the kind's alphabet and the BCD pad rule belong to the field, not to the converter, and passing them
 * in keeps one converter instance shared by every field.
 */
export interface ConvertContext {
  /** Characters the field's kind allows (string converters check every character against it). */
  readonly alphabet: CharTable | undefined;
  /** Spare-nibble rule for BCD. */
  readonly nibblePad: NibblePad;
}

/**
 * The nibble pad of a field that names none: a spare nibble on the left, `0`.
 *
 * Why: one value for every part that packs digits without a `nibblePad` of its own (fields, the MTI, the header),
 * so they cannot drift apart.
 */
export const DEFAULT_NIBBLE_PAD: NibblePad = { side: 'left', nibble: '0' };

/**
 * A pluggable byte converter: turns wire bytes into a field value and back.
 *
 * Why: the converter is one of the three independent axes of a field (with the length prefix and padding), so
 * a network that uses, say, a national code page only needs a new converter registered under a new name.
 * Converters report bad input by throwing {@link Iso8583Error} with the absolute byte `offset`; the codec adds
 * the field path. Anything else they throw is wrapped as `CONVERTER_FAILED`.
 */
export interface Converter {
  /** Registry name used in specs, e.g. `"ascii"`. */
  readonly name: string;
  /** `string` converters carry text or digits; `bytes` converters carry `Uint8Array` (kind `b`). */
  readonly valueType: 'string' | 'bytes';
  /** What one unit of the value is: a character, a BCD digit, or a byte. */
  readonly unit: LengthUnit;
  /** Length units a prefix may count for this converter; the first is the default. */
  readonly lengthUnits: readonly LengthUnit[];
  /** Characters this converter can represent (string converters), used by validation and arbitraries. */
  readonly charset?: CharTable;
  /** Wire bytes taken by `units` units of value. */
  byteLength(units: number): number;
  /** Reads `units` units starting at `offset`; bounds are already checked by the caller. */
  decode(src: Uint8Array, offset: number, units: number, ctx: ConvertContext): ScalarValue;
  /** Writes `value` at `offset`; `dst` already has room for `byteLength(value.length)` bytes. */
  encode(value: ScalarValue, dst: Uint8Array, offset: number, ctx: ConvertContext): void;
  /**
   * Optionally returns decode/encode functions bound to one field's context, with its tables precomputed.
   * Must behave exactly like `decode`/`encode` with that context; the codec prefers it when present.
   */
  specialize?(ctx: ConvertContext): SpecializedConverter;
}

/**
 * A converter bound to one field's context (alphabet, pad rule), as returned by {@link Converter.specialize}.
 *
 * Why: per-field tables (which bytes are allowed for this kind through this code page) are built once at compile
 * time instead of being combined per character on every frame.
 */
export interface SpecializedConverter {
  /** Reads `units` units at `offset`; bounds are already checked. */
  decode(src: Uint8Array, offset: number, units: number): ScalarValue;
  /** Writes `value` at `offset`; room is already reserved. */
  encode(value: ScalarValue, dst: Uint8Array, offset: number): void;
  /**
   * Optionally, the bytes this field allows (`table[byte] === 1`) when decoding is Latin-1 itself: once every byte
   * is allowed, the value is the bytes' Latin-1 text. The codec then slices that text from one read of the frame,
   * and calls `decode` only to report a byte that is not allowed.
   */
  readonly latin1Bytes?: Uint8Array;
  /**
   * Optionally, for packed digits: which bytes hold two allowed nibbles, which nibbles are allowed, and the pad rule.
   * Once every nibble and the pad are checked, the value is the nibbles' hex digits (uppercase). The codec then
   * slices them from one hex read of the frame, and calls `decode` only to report a nibble or pad it refuses.
   */
  readonly packedNibbles?: PackedNibbles;
}

/** The tables of a packed-digit field, as {@link SpecializedConverter.packedNibbles} gives them. */
export interface PackedNibbles {
  /** `pairOk[byte] === 1` when both nibbles of the byte are allowed. */
  readonly pairOk: Uint8Array;
  /** `nibbleOk[n] === 1` when nibble `n` is allowed. */
  readonly nibbleOk: Uint8Array;
  /** An odd count leaves its spare nibble on the left (else on the right). */
  readonly padLeft: boolean;
  /** The spare nibble's value (0 or 15). */
  readonly padNibble: number;
  /** Whether a nibble A–F is allowed (the hex read gives it lowercase, the value has it uppercase). */
  readonly letters: boolean;
}

/**
 * Wraps a specialising function so that each context object is specialised once; used by built-in converters for
 * their context-taking `decode`/`encode`, which callers outside the codec (tests, user code) may call repeatedly.
 */
export function memoizeByContext(
  fn: (ctx: ConvertContext) => SpecializedConverter,
): (ctx: ConvertContext) => SpecializedConverter {
  const cache = new WeakMap<ConvertContext, SpecializedConverter>();
  return (ctx) => {
    let bound = cache.get(ctx);
    if (bound === undefined) {
      bound = fn(ctx);
      cache.set(ctx, bound);
    }
    return bound;
  };
}

/** Binds a converter to a field context, using its own specialisation when it has one. */
export function specialize(converter: Converter, ctx: ConvertContext): SpecializedConverter {
  if (converter.specialize !== undefined) return converter.specialize(ctx);
  return {
    decode: (src, offset, units) => converter.decode(src, offset, units, ctx),
    encode: (value, dst, offset) => converter.encode(value, dst, offset, ctx),
  };
}

/** Builds the error a converter throws for a character it or the field kind cannot carry. */
export function invalidCharacter(offset: number, what: string): Iso8583Error {
  return new Iso8583Error(ErrorCode.INVALID_CHARACTER, what, { offset });
}
