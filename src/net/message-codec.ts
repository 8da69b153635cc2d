import type { FieldValue, Message } from '../spec/types.js';

/**
 * What `peek` reads from a frame that may not decode: its MTI and the wanted fields that decode before the first
 * failure.
 *
 * Why: a frame that fails to decode still has to be answered with a format error the sender can pair with its
 * request, and pairing needs the request's DE11 and DE41 when they sit before the fault.
 *
 * @example
 * ```ts
 * const formatError = (_frame: Uint8Array, _error: Iso8583Error, read: FramePeek) =>
 *   read.mti === undefined ? undefined : { mti: responseMti(read.mti), fields: { 11: read.fields[11], 39: '30' } };
 * ```
 */
export interface FramePeek {
  /** The MTI, or `undefined` when its bytes are not four digits (or the frame is too short). */
  readonly mti: string | undefined;
  /** The wanted fields that decoded, by number. */
  readonly fields: Partial<Record<number, FieldValue>>;
}

/**
 * What a codec must offer to the client and server: the `{ decode, encode }` of `createCodec`, typed by the
 * message type `M` its spec infers.
 *
 * Why: the client and server are generic over it, so `connect({ codec: createCodec(spec) })` types requests,
 * answers and handlers by the spec with no cast; the dynamic {@link Message} stays the default.
 *
 * @example
 * ```ts
 * const typed: MessageCodec<Infer<typeof presets.iso87ascii>> = createCodec(presets.iso87ascii);
 * const server = createServer({ codec: typed, framing: { length: 'binary2' }, handler: (m) => ({ mti: '0810', fields: { 11: m.fields[11] } }) });
 * ```
 */
export interface MessageCodec<M extends Message = Message> {
  /** Decodes one message. */
  decode(frame: Uint8Array): M;
  /** Encodes one message. */
  encode(message: M): Uint8Array;
  /**
   * Optional: reads the MTI and those of `fields` that decode before the first failure; never throws. When the
   * codec has it, the server's format-error answers echo the request's matching fields (DE11, DE41); without it
   * they carry the MTI only.
   */
  peek?(frame: Uint8Array, fields: readonly number[]): FramePeek;
}

/**
 * The fields the default match key pairs on besides the MTI: DE11 (STAN) and DE41 (terminal id).
 *
 * Why: the server's default format-error answer echoes exactly these, so the client's default key pairs it.
 *
 * @example
 * ```ts
 * const { mti, fields } = codec.peek(frame, DEFAULT_MATCH_FIELDS); // what a format error can echo
 * ```
 */
export const DEFAULT_MATCH_FIELDS: readonly number[] = Object.freeze([11, 41]);
