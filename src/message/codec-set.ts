import { ByteReader } from '../cursor/byte-reader.js';
import { describeType, invalidOption, readOptions } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { guard, unreadable } from '../errors/guard.js';
import { Iso8583Error, isIso8583Error } from '../errors/iso8583-error.js';
import type { Message, MessageSpec } from '../spec/types.js';
import { type Codec, createCodec } from './codec.js';
import type { CodecSet, CodecSetOptions, InferSet, SpecsByMti } from './codec-set-types.js';
import { compileFrameHead } from './frame-head.js';
import { readMtiKey, selectByMti } from './mti-key.js';
import { headDifference } from './shared-head.js';

export type { CodecSet, CodecSetOptions, InferSet, SpecsByMti } from './codec-set-types.js';
export type { MtiOfKey } from './mti-key.js';

const WHERE = 'createCodecSet';
const FOUR_DIGITS = /^[0-9]{4}$/;

/** One spec of the set, compiled, with the label its errors carry (`byMti "0100"`, `default`). */
interface Member {
  readonly label: string;
  readonly codec: Codec<Message>;
}

/**
 * Builds a codec over several specs keyed by MTI, each spec compiled once (as `createCodec` does), the one for a
 * frame chosen by the MTI read from it.
 *
 * Why: one link can carry messages whose DE48 or DE127 differ by MTI; a key fixes a whole MTI (`'0100'`) or its
 * leading digits (`'08xx'`: positions narrow left to right, so the longest matching key is always one key), and
 * `default` takes the rest. The specs must share the frame head (header, MTI encoding, bitmap format), or the MTI
 * would not read the same in each: a set that mixes them is `INVALID_SPEC` naming the part (`field` `header`,
 * `mti` or `bitmap`); a spec that does not validate is its `INVALID_SPEC`, its text prefixed with the key; a
 * malformed key or option is `INVALID_OPTION`. The result plugs into the client, the server and the session as
 * their `codec`, typed by {@link InferSet}: with literal keys, a union discriminated by `mti`.
 *
 * @example
 * ```ts
 * const auth = withSubfields(presets.iso87ascii, { 48: { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: 'ascii' } });
 * const link = createCodecSet({ byMti: { '01xx': auth, '08xx': presets.iso87ascii } });
 * const m = link.decode(frame);
 * if (m.mti === '0100') console.log(m.fields[48]); // TlvEntry[] | undefined: auth's DE48
 * ```
 */
export function createCodecSet<const B extends SpecsByMti, const D extends MessageSpec | undefined = undefined>(
  options: CodecSetOptions<B, D>,
): CodecSet<InferSet<B, D>>;
// The boundary between the specs' types and their run-time tables, as for createCodec: the implementation builds a
// CodecSet<Message> from any specs; the signature above gives it the union InferSet computes from the same values,
// which each frame matches (the spec its MTI selects decoded it, and that MTI is one its key admits).
export function createCodecSet(options: CodecSetOptions): CodecSet<Message> {
  return guard(ErrorCode.INVALID_OPTION, unreadable('the options'), () => buildSet(options));
}

function buildSet(options: unknown): CodecSet<Message> {
  const { byMti, default: fallbackSpec } = readOptions(WHERE, options, ['byMti', 'default']);
  if (typeof byMti !== 'object' || byMti === null || Array.isArray(byMti)) {
    throw invalidOption(WHERE, 'byMti', 'an object of specs by MTI', byMti);
  }
  const table = new Map<string, Codec<Message>>();
  const specs: Record<string, MessageSpec> = {};
  const members: Member[] = [];
  for (const key of Object.keys(byMti)) {
    const { digits } = readMtiKey(WHERE, key);
    const spec = (byMti as Record<string, unknown>)[key];
    const member = compileMember(`byMti "${key}"`, spec);
    table.set(digits, member.codec);
    // createCodec's spec is the object given (validated as it is, never copied).
    specs[key] = member.codec.spec;
    members.push(member);
  }
  const fallback = fallbackSpec === undefined ? undefined : compileMember('default', fallbackSpec);
  if (fallback !== undefined) members.push(fallback);
  if (members.length === 0) throw invalidOption(WHERE, 'byMti', 'an object holding at least one spec (or a default)', byMti);
  const first = members[0]!;
  for (const other of members.slice(1)) {
    const part = headDifference(first.codec.spec, other.codec.spec);
    if (part !== undefined) {
      throw new Iso8583Error(
        ErrorCode.INVALID_SPEC,
        `${WHERE}: the spec of ${other.label} has another ${part === 'mti' ? 'MTI encoding' : part} than the spec of ${first.label}; the specs of a set share header, MTI encoding and bitmap format`,
        { field: part },
      );
    }
  }
  return assemble(table, Object.freeze(specs), fallback?.codec, first.codec.spec);
}

/** Compiles one spec of the set; its spec errors say which key they are about. */
function compileMember(label: string, spec: unknown): Member {
  try {
    return { label, codec: createCodec(spec as MessageSpec) };
  } catch (e) {
    if (!isIso8583Error(e)) throw e;
    throw new Iso8583Error(e.code, `${WHERE}: ${label}: ${e.detail}`, { field: e.field, offset: e.offset });
  }
}

function assemble(
  table: ReadonlyMap<string, Codec<Message>>,
  byMti: Readonly<Record<string, MessageSpec>>,
  fallback: Codec<Message> | undefined,
  headSpec: MessageSpec,
): CodecSet<Message> {
  const head = compileFrameHead(headSpec);

  /** The codec a four-digit MTI selects. */
  const codecFor = (mti: string): Codec<Message> | undefined => selectByMti(table, mti) ?? fallback;

  // The specs share the header, so the MTI sits at the same offset in a frame or output whichever spec it selects.
  const unknownMti = (mtiAt: number): Iso8583Error =>
    new Iso8583Error(ErrorCode.UNKNOWN_MTI, 'no spec of the set is for this MTI, and the set has no default', { field: 'mti', offset: mtiAt });

  function decodeFrame(frame: Uint8Array): Message {
    if (!(frame instanceof Uint8Array)) {
      throw new Iso8583Error(ErrorCode.INVALID_INPUT, `frame must be a Uint8Array, got ${describeType(frame)}`);
    }
    const r = new ByteReader(frame);
    // In frame order, as every spec's codec checks them: the header, then the MTI, then which spec is for it.
    if (head.hasHeader) head.readHeader(r);
    const mtiAt = r.pos;
    const codec = codecFor(head.readMti(r));
    if (codec === undefined) throw unknownMti(mtiAt);
    return codec.decode(frame);
  }

  function encodeMessage(message: Message): Uint8Array {
    if (typeof message !== 'object' || message === null) {
      throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, `message must be an object, got ${describeType(message)}`);
    }
    // Each property is read once: the codec encodes the very MTI the choice was made on.
    const { mti, header, fields } = message;
    if (typeof mti !== 'string' || !FOUR_DIGITS.test(mti)) {
      throw new Iso8583Error(ErrorCode.INVALID_MTI, 'MTI must be a string of four digits', { field: 'mti', offset: head.mtiOffset(header) });
    }
    const codec = codecFor(mti);
    if (codec === undefined) throw unknownMti(head.mtiOffset(header));
    return codec.encode(header === undefined ? { mti, fields } : { mti, header, fields });
  }

  return {
    byMti,
    default: fallback?.spec,
    specFor(mti) {
      if (typeof mti !== 'string' || !FOUR_DIGITS.test(mti)) return undefined;
      return codecFor(mti)?.spec;
    },
    decode(frame) {
      try {
        return decodeFrame(frame);
      } catch (e) {
        throw isIso8583Error(e) ? e : new Iso8583Error(ErrorCode.INVALID_INPUT, 'input could not be read');
      }
    },
    encode(message) {
      try {
        return encodeMessage(message);
      } catch (e) {
        throw isIso8583Error(e) ? e : new Iso8583Error(ErrorCode.INVALID_MESSAGE, 'input could not be read');
      }
    },
    peek(frame, wanted) {
      let mti: string | undefined;
      try {
        // Nothing to read by in what is not a frame (a codec's peek finds nothing in it either).
        if (!(frame instanceof Uint8Array)) return { mti: undefined, fields: {} };
        // The header is skipped, as a codec's peek skips it; an MTI that does not read leaves it undefined.
        const r = new ByteReader(frame);
        head.skipHeader(r);
        mti = head.readMti(r);
      } catch {
        mti = undefined;
      }
      const codec = mti === undefined ? fallback : codecFor(mti);
      return codec === undefined ? { mti, fields: {} } : codec.peek(frame, wanted);
    },
  };
}
