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
