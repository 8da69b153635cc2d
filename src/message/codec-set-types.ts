import type { Infer } from '../spec/infer.js';
import type { Message, MessageSpec } from '../spec/types.js';
import type { PeekResult } from './codec-types.js';
import type { MtiOfKey } from './mti-key.js';

/**
 * The specs of a codec set by MTI: whole MTIs (`'0100'`) and patterns of leading digits with `x` for the open
 * positions (`'08xx'`, `'1xxx'`).
 *
 * Why: it is plain data, like a spec, so a network's whole table of message layouts can ship as one JSON file.
 */
export type SpecsByMti = { readonly [mti: string]: MessageSpec };

/**
 * What {@link createCodecSet} builds a set from: the specs by MTI, and a spec for the MTIs no key selects.
 *
 * Why: a network's DE48 (or DE127) often has one layout per message type on the same link; the frame head they
 * share says which.
 */
export interface CodecSetOptions<B extends SpecsByMti = SpecsByMti, D extends MessageSpec | undefined = MessageSpec | undefined> {
  /**
   * The specs by MTI. A whole MTI beats a pattern, a longer pattern a shorter one: `'0800'` over `'08xx'` over
   * `'0xxx'`.
   */
  readonly byMti: B;
  /** The spec of every MTI no key selects; without it such an MTI is `UNKNOWN_MTI`. */
  readonly default?: D;
}

/**
 * The message type of a codec set: the union of each key's `Infer` with `mti` typed by the key
 * ({@link MtiOfKey}), and the default spec's `Infer` (with `mti: string`) when the set has one.
 *
 * Why: with literal keys the union is discriminated by `mti`, so `if (m.mti === '0800')` types `m.fields` by the
 * spec of `'0800'` (and by the default's, which may hold any MTI); with keys typed `string` it is a plain union.
 *
 * @example
 * ```ts
 * const auth = withSubfields(presets.iso87ascii, { 48: { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: 'ascii' } });
 * type Link = InferSet<{ '0100': typeof auth; '08xx': typeof presets.iso87ascii }>;
 * // (Infer<typeof auth> & { mti: '0100' }) | (Infer<typeof presets.iso87ascii> & { mti: `08${string}` })
 * ```
 */
export type InferSet<B extends SpecsByMti, D extends MessageSpec | undefined = undefined> =
  | { [K in keyof B]: Infer<B[K]> & { mti: MtiOfKey<`${K & (string | number)}`> } }[keyof B]
  | (D extends MessageSpec ? Infer<D> : never);

/**
 * A codec over several specs sharing one frame head, chosen per frame by its MTI: decode reads the header and the
 * MTI, and the spec the MTI selects decodes the frame; encode picks by the message's MTI; peek reads with the
 * selected spec.
 *
 * Why: one link can carry messages whose DE48 or DE127 differ by MTI; the set offers what a codec offers
 * (`decode`, `encode`, `peek`), so the client, the server and the session take it as their `codec` and type
 * their messages by {@link InferSet}.
 */
export interface CodecSet<M = Message> {
  /** The specs by MTI key, as given (a frozen copy of the table). */
  readonly byMti: Readonly<Record<string, MessageSpec>>;
  /** The spec of the MTIs no key selects, if any. */
  readonly default: MessageSpec | undefined;
  /**
   * The spec `mti` selects: its own key, else the longest pattern matching it, else the default; `undefined` when
   * none does or `mti` is not four digits.
   */
  specFor(mti: string): MessageSpec | undefined;
  /**
   * Decodes one whole frame with the spec its MTI selects, exactly as that spec's codec does. Throws only
   * `Iso8583Error`: the header's and the MTI's own errors first, then `UNKNOWN_MTI` (field `mti`, offset of the
   * MTI) when no spec is for the MTI.
   */
  decode(frame: Uint8Array): M;
  /**
   * Encodes a message with the spec its MTI selects, exactly as that spec's codec does. Throws only
   * `Iso8583Error`: `INVALID_MTI` for an MTI that is not four digits, `UNKNOWN_MTI` when no spec is for it (both
   * with field `mti` and the offset the MTI would have in the output).
   */
  encode(message: M): Uint8Array;
  /**
   * Reads the MTI and the wanted fields with the spec the MTI selects (see `Codec.peek`); never throws. An MTI that
   * is not four digits selects the default; with no spec to read by, the result holds the MTI and no field.
   */
  peek(frame: Uint8Array, fields: readonly number[]): PeekResult<M>;
}
