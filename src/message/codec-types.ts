import type { Message, MessageSpec } from '../spec/types.js';

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
   * Strict: bytes after the last announced field are an error. With `{ rules: true }` it also checks the spec's
   * rules for the frame's MTI once the frame has decoded (see {@link DecodeOptions}).
   */
  decode(frame: Uint8Array, options?: DecodeOptions): M;
  /**
   * Encodes a message, computing the bitmaps from the present fields. Throws only `Iso8583Error`, for any input.
   * A spec with `rules` refuses a message that breaks its MTI's rules (`MANDATORY_FIELD_MISSING`,
   * `FORBIDDEN_FIELD_PRESENT`, naming the lowest such field, no offset) before writing anything.
   */
  encode(message: M): Uint8Array;
  /**
   * Reads the MTI and some fields of a frame that may not decode as a whole; never throws.
   *
   * Why: a server that cannot decode a request still owes the peer an answer it can pair (DE11, DE41 and the
   * other matching fields echoed); `peek` reads as far as the frame allows. It skips the header (a fixed one by
   * its size, one with a prefix by the count its prefix announces) and reads the MTI (`undefined` when its bytes
   * are not four digits; the walk goes on, the MTI having a fixed width), then walks
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

/**
 * Options of {@link Codec.decode}.
 *
 * Why: a frame that decodes is well-formed whatever its MTI's rules say; a gateway that must answer a request
 * lacking a mandatory field with its own response code asks for the check, and an archive reader does not.
 */
export interface DecodeOptions {
  /**
   * When true, a frame that breaks the spec's rules for its MTI is refused after it decodes: a missing mandatory
   * field with `MANDATORY_FIELD_MISSING` (offset: the MTI's), a forbidden field with `FORBIDDEN_FIELD_PRESENT`
   * (offset: where that field starts); the lowest such field is named. Default false.
   */
  readonly rules?: boolean;
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
