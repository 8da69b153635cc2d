import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCodec, type Message, presets, structuredPreset, validateSpec } from '../../src/index.js';
import { loadFixtures } from '../helpers/fixtures.js';
import { arbitraryMessage, arbitrarySpec } from '../../src/testing/index.js';
import { FUZZ_RUNS, countFrames } from './budget.js';

type LooseCodec = { decode(b: Uint8Array): Message; encode(m: Message): Uint8Array };

/** The round-trip law: decoding an encoding gives the message back, and re-encoding gives the same bytes. */
function roundTrips(codec: LooseCodec, m: Message): void {
  const b = codec.encode(m);
  countFrames(1);
  const back = codec.decode(b);
  expect(back).toEqual(m);
  expect(codec.encode(back)).toEqual(b);
}

/**
 * The deadline of a whole-preset round trip: a second a run. The 2003 presets' LLLL elements (up to 9999 bytes,
 * seven of them) make messages ten times the size of 1987's, and drawing them costs in proportion; on a loaded
 * 2-core machine only a hang reaches this.
 */
const PRESET_TIMEOUT = Math.max(60_000, FUZZ_RUNS * 1_000);

describe('round trips', () => {
  for (const preset of Object.values(presets)) {
    const codec = createCodec(preset) as unknown as LooseCodec;

    it(`decode(encode(m)) equals m and encode(decode(b)) equals b for ${preset.name}`, () => {
      fc.assert(
        fc.property(arbitraryMessage(preset), (m) => roundTrips(codec, m as Message)),
        { numRuns: FUZZ_RUNS },
      );
    }, PRESET_TIMEOUT);
  }

  for (const preset of Object.values(presets)) {
    // Some networks require the secondary bitmap on every message: the law holds for that form too.
    const always = { ...preset, name: `${preset.name}+alwaysSecondary`, bitmap: { ...preset.bitmap, alwaysSecondary: true } };
    const codec = createCodec(always) as unknown as LooseCodec;

    it(`holds with bitmap.alwaysSecondary for ${preset.name}, every frame carrying a secondary bitmap`, () => {
      fc.assert(
        fc.property(arbitraryMessage(preset, { maxFields: 8 }), (m) => {
          roundTrips(codec, m as Message);
          expect((codec.encode(m as Message)[preset.mti.encoding === 'bcd' ? 2 : 4]! & 0x80) !== 0).toBe(true);
        }),
        { numRuns: Math.max(20, FUZZ_RUNS >> 1) },
      );
    });
  }

  const structured = [
    ...Object.values(presets).map((p) => structuredPreset(p, { de48: { type: 'tlv', tagLength: 2, lengthDigits: 3, encoding: p.fields[48].encoding } })),
    ...loadFixtures()
      .map((f) => f.spec)
      .filter((spec) => spec.name.startsWith('structured')),
  ];
  for (const spec of structured) {
    it(`holds with subfields (positional, bitmapped, TLV, BER-TLV, Track 2) for ${spec.name}`, () => {
      const codec = createCodec(spec) as unknown as LooseCodec;
      const nested = Object.entries(spec.fields)
        .filter(([, f]) => f.subfields !== undefined)
        .map(([k]) => Number(k));
      fc.assert(
        fc.property(arbitraryMessage(spec, { fields: nested, maxFields: 4 }), (m) => roundTrips(codec, m as Message)),
        { numRuns: Math.max(20, FUZZ_RUNS >> 1) },
      );
    });
  }

  it('holds for random valid specs and their messages', () => {
    fc.assert(
      fc.property(
        arbitrarySpec().chain((spec) => fc.tuple(fc.constant(spec), fc.array(arbitraryMessage(spec), { minLength: 1, maxLength: 5 }))),
        ([spec, messages]) => {
          validateSpec(spec);
          const codec = createCodec(spec) as unknown as LooseCodec;
          for (const m of messages as Message[]) roundTrips(codec, m);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('specs survive a trip through JSON unchanged in behaviour', () => {
    fc.assert(
      fc.property(
        arbitrarySpec().chain((spec) => fc.tuple(fc.constant(spec), arbitraryMessage(spec))),
        ([spec, m]) => {
          const copy = validateSpec(JSON.parse(JSON.stringify(spec)));
          expect(createCodec(copy).encode(m as Message)).toEqual(createCodec(spec).encode(m as Message));
        },
      ),
      { numRuns: Math.max(20, FUZZ_RUNS >> 2) },
    );
  });
});
