import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Codec, createCodec, createCodecSet, ErrorCode, isIso8583Error, type Message, type MessageSpec, presets, structuredPreset, withSubfields } from '../../src/index.js';
import { arbitraryMessage } from '../../src/testing/index.js';
import { countFrames, FUZZ_RUNS, FUZZ_SEED } from './budget.js';

/**
 * A link whose DE48 differs by MTI: TLV for authorizations and financial messages (with DE35, DE55 and DE127
 * structured too), positional for network management, flat text for every other MTI.
 */
const auth = structuredPreset(presets.iso87ascii, { de48: { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: 'ascii' } });
const admin = withSubfields(presets.iso87ascii, {
  48: {
    type: 'positional',
    fields: { 1: { kind: 'n', length: 3, encoding: 'ascii' }, 2: { kind: 'ans', length: 40, prefix: 'LL/ascii', encoding: 'ascii' } },
  },
});
const flat = presets.iso87ascii;
const byMti = { '01xx': auth, '02xx': auth, '08xx': admin } as const;
const withDefault = createCodecSet({ byMti, default: flat });
const keysOnly = createCodecSet({ byMti });

/** The spec an MTI's first two digits name in this test's table (its own reading of the keys, not the set's). */
function specOf(mti: string): MessageSpec | undefined {
  const table: Record<string, MessageSpec> = { '01': auth, '02': auth, '08': admin };
  return table[mti.slice(0, 2)];
}
const loose = (spec: MessageSpec): Codec<Message> => createCodec(spec) as unknown as Codec<Message>;
const digits = fc.stringMatching(/^[0-9]{4}$/);
/** An MTI of a key's class, or of any other class (the default's). */
const mtiOfKey = fc.tuple(fc.constantFrom('01', '02', '08'), fc.stringMatching(/^[0-9]{2}$/)).map(([cls, rest]) => `${cls}${rest}`);

/** A network management message of the `08xx` key's spec, as a fixed example among the generated ones. */
const SIGN_ON: Message = { mti: '0800', fields: { 11: '000001', 70: '001' } };

/** The codes a set's decode may throw: those of a codec's decode (docs/errors.md), and UNKNOWN_MTI. */
const DECODE_CODES: ReadonlySet<string> = new Set([
  'INVALID_INPUT', 'TRUNCATED', 'TRAILING_BYTES', 'INVALID_MTI', 'INVALID_BITMAP', 'NON_CANONICAL_BITMAP', 'UNKNOWN_FIELD',
  'INVALID_LENGTH_PREFIX', 'LENGTH_EXCEEDS_MAX', 'INVALID_CHARACTER', 'INVALID_NIBBLE', 'INVALID_PADDING', 'INVALID_TLV',
  'UNKNOWN_TAG', 'INVALID_TRACK', 'CONVERTER_FAILED', 'UNKNOWN_MTI',
]);

/**
 * Decodes `bytes` with the set, which may only throw a located decode error or return the message the spec of its
 * MTI decodes, which re-encodes to exactly these bytes; peek never throws and reads what that spec's peek reads.
 */
function decodesOrRefuses(set: typeof withDefault, fallback: MessageSpec | undefined, bytes: Uint8Array, tally: { refused: number; accepted: number }): void {
  const mti = /^[0-9]{4}/.test(String.fromCharCode(...bytes.subarray(0, 4))) ? String.fromCharCode(...bytes.subarray(0, 4)) : undefined;
  const spec = mti === undefined ? fallback : (specOf(mti) ?? fallback);
  const peeked = set.peek(bytes, [2, 11, 41, 48]);
  expect(peeked).toEqual(spec === undefined ? { mti, fields: {} } : loose(spec).peek(bytes, [2, 11, 41, 48]));
  let message: Message;
  try {
    message = set.decode(bytes) as Message;
  } catch (e) {
    if (!isIso8583Error(e)) throw e;
    expect(DECODE_CODES.has(e.code), `decode threw ${e.code}`).toBe(true);
    expect(Number.isInteger(e.offset) && e.offset! >= 0 && e.offset! <= bytes.length).toBe(true);
    if (e.code !== 'TRAILING_BYTES') expect(typeof e.field).toBe('string');
    if (e.code === ErrorCode.UNKNOWN_MTI) expect({ spec, field: e.field, offset: e.offset }).toEqual({ spec: undefined, field: 'mti', offset: 0 });
    tally.refused++;
    return;
  }
  tally.accepted++;
  expect(spec).toBeDefined();
  expect(message).toEqual(loose(spec!).decode(bytes));
  expect(set.encode(message as never)).toEqual(bytes);
}

describe('a codec set over presets whose DE48 differs by MTI', () => {
  it('round-trips every message of each key’s spec, to the bytes of that spec’s codec', () => {
    fc.assert(
      fc.property(
        mtiOfKey.chain((mti) => fc.tuple(fc.constant(mti), arbitraryMessage(specOf(mti)!, { mti, maxFields: 24 }))),
        ([mti, m]) => {
          const bytes = withDefault.encode(m as never);
          expect(bytes).toEqual(loose(specOf(mti)!).encode(m as Message));
          const back = withDefault.decode(bytes);
          expect(back).toEqual(m);
          expect(keysOnly.decode(bytes)).toEqual(m);
          expect(withDefault.encode(back)).toEqual(bytes);
          countFrames(1);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('round-trips the default’s messages for every MTI no key is for, which the set without a default refuses', () => {
    fc.assert(
      fc.property(
        digits.filter((mti) => specOf(mti) === undefined).chain((mti) => arbitraryMessage(flat, { mti, maxFields: 24 })),
        (m) => {
          const bytes = withDefault.encode(m);
          expect(withDefault.decode(bytes)).toEqual(m);
          const e = (() => {
            try {
              keysOnly.decode(bytes);
            } catch (error) {
              return error;
            }
            return undefined;
          })();
          expect(isIso8583Error(e) && { code: e.code, field: e.field, offset: e.offset }).toEqual({ code: ErrorCode.UNKNOWN_MTI, field: 'mti', offset: 0 });
          countFrames(1);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('random bytes only ever produce an Iso8583Error, or the frame the MTI’s spec decodes', () => {
    const tally = { refused: 0, accepted: 0 };
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        decodesOrRefuses(withDefault, flat, bytes, tally);
        decodesOrRefuses(keysOnly, undefined, bytes, tally);
        countFrames(2);
      }),
      // An empty frame is always among the inputs (TRUNCATED at the MTI), so the tally cannot be vacuous.
      { numRuns: FUZZ_RUNS * 2, examples: [[new Uint8Array(0)]] },
    );
    expect(tally.refused).toBeGreaterThan(0);
  });

  it('random bytes behind an MTI of any class and a bitmap only ever produce an Iso8583Error, or the decoded frame', () => {
    const tally = { refused: 0, accepted: 0 };
    fc.assert(
      fc.property(digits, fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ maxLength: 400 }), (mti, bitmaps, rest) => {
        const bytes = Uint8Array.from([...new TextEncoder().encode(mti), ...bitmaps, ...rest]);
        decodesOrRefuses(withDefault, flat, bytes, tally);
        decodesOrRefuses(keysOnly, undefined, bytes, tally);
        countFrames(2);
      }),
      { numRuns: FUZZ_RUNS * 2, seed: FUZZ_SEED },
    );
    expect(tally.refused).toBeGreaterThan(0);
  });

  it('mutated frames of every key only ever produce an Iso8583Error, or the decoded frame', () => {
    const tally = { refused: 0, accepted: 0 };
    fc.assert(
      fc.property(
        mtiOfKey.chain((mti) => arbitraryMessage(specOf(mti)!, { mti, maxFields: 12 })),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        (m, edits) => {
          const bytes = Uint8Array.from(keysOnly.encode(m as never));
          for (const [at, byte] of edits) bytes[at % bytes.length] = byte;
          decodesOrRefuses(keysOnly, undefined, bytes, tally);
          countFrames(1);
        },
      ),
      // Whatever the seed and the number of runs, one frame left as it was (its first byte written again) is
      // accepted and one with a byte outside the MTI's digits is refused, so the tallies below cannot be vacuous.
      { numRuns: FUZZ_RUNS, seed: FUZZ_SEED, examples: [[SIGN_ON, [[0, 0x30]]], [SIGN_ON, [[1, 0xff]]]] },
    );
    expect(tally.refused).toBeGreaterThan(0);
    expect(tally.accepted).toBeGreaterThan(0);
  });

  it('encoding any value only ever produces an Iso8583Error or a frame that decodes to it', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.record({ mti: fc.oneof(digits, fc.string()), fields: fc.oneof(fc.anything(), fc.dictionary(fc.string(), fc.anything())) })), (value) => {
        try {
          const bytes = keysOnly.encode(value as never);
          expect(keysOnly.encode(keysOnly.decode(bytes))).toEqual(bytes);
        } catch (e) {
          if (!isIso8583Error(e)) throw e;
        }
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});
