import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Codec, createCodec, isIso8583Error, type Message, presets } from '../../src/index.js';
import { arbitraryMessage, arbitrarySpec } from '../../src/testing/index.js';
import { loadFixtures } from '../helpers/fixtures.js';
import { countFrames, FUZZ_RUNS } from './budget.js';

const codecs = Object.values(presets).map((p) => createCodec(p) as unknown as Codec<Message>);

/** Runs `fn`; passes if it returns or throws an Iso8583Error, fails on any other throw. */
function onlyIsoErrors(fn: () => unknown): void {
  try {
    fn();
  } catch (e) {
    if (!isIso8583Error(e)) throw e;
    expect(typeof e.code).toBe('string');
  }
}

/** The golden fixture frames, as seeds for mutation. */
function fixtureFrames(): { codec: Codec<Message>; bytes: Uint8Array }[] {
  return loadFixtures().map((f) => ({ codec: f.codec, bytes: f.bytes }));
}

/** A random edit of a frame: flip, overwrite, insert, delete, truncate or extend. */
const mutation = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('extend' as const), bytes: fc.uint8Array({ minLength: 1, maxLength: 4 }) }),
);
type Mutation = typeof mutation extends fc.Arbitrary<infer M> ? M : never;

function mutate(frame: Uint8Array, edits: Mutation[]): Uint8Array {
  let b = Uint8Array.from(frame);
  for (const m of edits) {
    const at = b.length === 0 ? 0 : ('at' in m ? m.at % b.length : 0);
    switch (m.op) {
      case 'flip':
        if (b.length > 0) b[at] = b[at]! ^ (1 << m.bit);
        break;
      case 'set':
        if (b.length > 0) b[at] = m.byte;
        break;
      case 'insert':
        b = Uint8Array.from([...b.subarray(0, at), m.byte, ...b.subarray(at)]);
        break;
      case 'delete':
        b = Uint8Array.from([...b.subarray(0, at), ...b.subarray(at + 1)]);
        break;
      case 'truncate':
        b = b.slice(0, at);
        break;
      case 'extend':
        b = Uint8Array.from([...b, ...m.bytes]);
        break;
    }
  }
  return b;
}

describe('robustness', () => {
  it('random bytes only ever produce an Iso8583Error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (bytes) => {
        for (const codec of codecs) onlyIsoErrors(() => codec.decode(bytes));
        countFrames(codecs.length);
      }),
      { numRuns: FUZZ_RUNS * 4 },
    );
  });

  it('random bytes behind a valid MTI and bitmap only ever produce an Iso8583Error', () => {
    // Plain random bytes rarely get past the MTI; these reach the field decoders.
    fc.assert(
      fc.property(fc.constantFrom(...codecs), fc.uint8Array({ minLength: 16, maxLength: 16 }), fc.uint8Array({ maxLength: 400 }), (codec, bitmaps, rest) => {
        const head = codec.encode({ mti: '0100', fields: {} }).subarray(0, -8);
        onlyIsoErrors(() => codec.decode(Uint8Array.from([...head, ...bitmaps, ...rest])));
        countFrames(1);
      }),
      { numRuns: FUZZ_RUNS * 4 },
    );
  });

  it('mutated valid frames only ever produce an Iso8583Error', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...codecs).chain((codec) =>
          fc.tuple(fc.constant(codec), arbitraryMessage(codec.spec, { maxFields: 20 }), fc.array(mutation, { minLength: 1, maxLength: 4 })),
        ),
        ([codec, message, edits]) => {
          onlyIsoErrors(() => codec.decode(mutate(codec.encode(message as Message), edits)));
          countFrames(1);
        },
      ),
      { numRuns: FUZZ_RUNS * 2 },
    );
  });

  it('mutated fixture frames only ever produce an Iso8583Error', () => {
    const seeds = fixtureFrames();
    expect(seeds.length).toBeGreaterThanOrEqual(12);
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 4 }), (seed, edits) => {
        onlyIsoErrors(() => seed.codec.decode(mutate(seed.bytes, edits)));
        countFrames(1);
      }),
      { numRuns: FUZZ_RUNS * 4 },
    );
  });

  it('mutated frames with subfields (TLV lengths, sub-bitmaps, BER-TLV, Track 2) only ever produce an Iso8583Error', () => {
    const specs = loadFixtures()
      .map((f) => f.spec)
      .filter((spec) => spec.name.startsWith('structured'));
    expect(specs.length).toBeGreaterThanOrEqual(2);
    fc.assert(
      fc.property(
        fc.constantFrom(...specs).chain((spec) => {
          const nested = Object.entries(spec.fields)
            .filter(([, f]) => f.subfields !== undefined)
            .map(([k]) => Number(k));
          return fc.tuple(fc.constant(spec), arbitraryMessage(spec, { fields: nested, maxFields: 2 }), fc.array(mutation, { minLength: 1, maxLength: 3 }));
        }),
        ([spec, message, edits]) => {
          const codec = createCodec(spec) as unknown as Codec<Message>;
          onlyIsoErrors(() => codec.decode(mutate(codec.encode(message as Message), edits)));
          countFrames(1);
        },
      ),
      { numRuns: FUZZ_RUNS * 2 },
    );
  });

  it('frames that still decode after mutation re-encode to exactly the same bytes (one canonical form)', () => {
    const specs = [
      ...Object.values(presets),
      ...loadFixtures()
        .map((f) => f.spec)
        .filter((spec) => spec.name.startsWith('structured')),
    ];
    let decoded = 0;
    fc.assert(
      fc.property(
        fc.constantFrom(...specs).chain((spec) => fc.tuple(fc.constant(spec), arbitraryMessage(spec, { maxFields: 6 }), fc.array(mutation, { minLength: 1, maxLength: 2 }))),
        ([spec, message, edits]) => {
          const codec = createCodec(spec) as unknown as Codec<Message>;
          const bytes = mutate(codec.encode(message as Message), edits);
          let m: Message;
          try {
            m = codec.decode(bytes);
          } catch (e) {
            if (!isIso8583Error(e)) throw e;
            return;
          }
          decoded++;
          expect(codec.encode(m)).toEqual(bytes);
        },
      ),
      { numRuns: FUZZ_RUNS * 2 },
    );
    countFrames(FUZZ_RUNS * 2);
    expect(decoded).toBeGreaterThan(0);
  });

  it('mutated frames of random specs only ever produce an Iso8583Error', () => {
    fc.assert(
      fc.property(
        arbitrarySpec().chain((spec) => fc.tuple(fc.constant(spec), arbitraryMessage(spec), fc.array(mutation, { minLength: 1, maxLength: 3 }))),
        ([spec, message, edits]) => {
          const codec = createCodec(spec);
          onlyIsoErrors(() => codec.decode(mutate(codec.encode(message as Message), edits)));
          countFrames(1);
        },
      ),
      { numRuns: FUZZ_RUNS * 2 },
    );
  });

  it('a prefix claiming far more bytes than the frame holds fails at once with TRUNCATED', () => {
    const ascii = codecs[0]!;
    // Field 48 (LLL) claims 999 bytes in a 32-byte frame: the reader refuses before reserving anything.
    const frame = Uint8Array.from([...new TextEncoder().encode('0100'), 0, 0, 0, 0, 0, 1, 0, 0, ...new TextEncoder().encode('999abcdefghijklmnopq')]);
    let error: unknown;
    try {
      ascii.decode(frame);
    } catch (e) {
      error = e;
    }
    expect(isIso8583Error(error) && error.code).toBe('TRUNCATED');
  });

  it('arbitrary values given to encode only ever produce an Iso8583Error', () => {
    const oddFields = fc.dictionary(
      fc.oneof(fc.integer({ min: -5, max: 200 }).map(String), fc.string({ maxLength: 4 }), fc.constantFrom('__proto__', 'constructor', '1', '65', '129', '01', '2.0')),
      fc.oneof(fc.anything(), fc.string({ maxLength: 1200 }), fc.uint8Array({ maxLength: 1200 }), fc.integer(), fc.constant(null)),
      { maxKeys: 8 },
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...codecs),
        fc.oneof(
          fc.anything(),
          fc.record({ mti: fc.oneof(fc.string({ maxLength: 6 }), fc.anything()), fields: fc.oneof(oddFields, fc.anything()) }),
        ),
        (codec, value) => {
          onlyIsoErrors(() => codec.encode(value as Message));
        },
      ),
      { numRuns: FUZZ_RUNS * 4 },
    );
  });

  it('error messages never contain the value of a sensitive field', () => {
    const pan = fc.stringMatching(/^4[0-9]{15,18}$/);
    fc.assert(
      fc.property(fc.constantFrom(...codecs), pan, fc.array(mutation, { minLength: 1, maxLength: 3 }), (codec, p, edits) => {
        const message: Message = { mti: '0100', fields: { 2: p, 4: '000000001000', 35: `${p}D2512101` } };
        const frame = mutate(codec.encode(message), edits);
        try {
          codec.decode(frame);
        } catch (e) {
          expect(String(e)).not.toContain(p);
          expect(JSON.stringify({ ...(e as object) })).not.toContain(p);
        }
        // Encoding a too-long PAN, or one with a letter, fails without echoing it.
        for (const bad of [`${p}12345`, `${p.slice(0, -1)}X`]) {
          try {
            codec.encode({ mti: '0100', fields: { 2: bad } });
          } catch (e) {
            expect(String(e)).not.toContain(bad.slice(0, 12));
          }
        }
        countFrames(1);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});
