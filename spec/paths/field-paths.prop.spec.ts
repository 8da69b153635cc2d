import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCodec, type FieldValue, fieldPaths, type Infer, isIso8583Error } from '../../src/index.js';
import { arbitraryMessage } from '../../src/testing/index.js';
import { countFrames, FUZZ_RUNS, FUZZ_SEED } from '../properties/budget.js';
import { pathSpec } from './path-specs.js';

type M = Infer<typeof pathSpec>;
const paths = fieldPaths(pathSpec);
const codec = createCodec(pathSpec);

const digits = (min: number, max: number): fc.Arbitrary<string> => fc.stringMatching(new RegExp(`^[0-9]{${min},${max}}$`));
const bytes = (min: number, max: number): fc.Arbitrary<Uint8Array> => fc.uint8Array({ minLength: min, maxLength: max });

/**
 * Paths of every layout with values their specs take (bounds from the spec: DE11 n6, DE41 ans8, 127.2 LLVAR ans,
 * 127.3 n4 + an8, 127.4 b4, DE48 tags of 2 characters, BB n..6, EMV tags as bytes, Track 2 parts by ISO/IEC 7813).
 * Each is small enough that a message holding all of them stays within every container's maximum.
 */
const settable: readonly (readonly [string, fc.Arbitrary<FieldValue>])[] = [
  ['11', digits(6, 6)],
  ['41', fc.stringMatching(/^[A-Z0-9]{8}$/)],
  ['3.1', digits(2, 2)],
  ['3.3', digits(2, 2)],
  ['35.pan', digits(12, 19)],
  ['35.expiry', digits(4, 4)],
  ['35.serviceCode', digits(3, 3)],
  ['35.discretionary', digits(0, 10)],
  ['48.AB', fc.stringMatching(/^[ -~]{0,20}$/)],
  ['48.CD', fc.stringMatching(/^[ -~]{0,20}$/)],
  ['48.BB', digits(0, 6)],
  ['55.9F26', bytes(8, 8)],
  ['55.9F36', bytes(0, 4)],
  ['55.70.57', bytes(1, 19)],
  ['55.70.5A', bytes(1, 10)],
  ['55.71.86', bytes(1, 20)],
  ['127.2', fc.stringMatching(/^[ -~]{0,20}$/)],
  ['127.3.1', digits(4, 4)],
  ['127.3.2', fc.stringMatching(/^[A-Za-z0-9 ]{8}$/)],
  ['127.4', bytes(4, 4)],
];
const assignment = fc.oneof(...settable.map(([path, value]) => fc.tuple(fc.constant(path), value)));

/** Removable paths of every layout, present or not in a drawn message. */
const removable = fc.constantFrom('2', '3', '11', '35', '48', '48.AB', '48.BB', '55', '55.9F26', '55.70', '55.70.57', '55.71.86', '127', '127.2', '127.3', '127.4');

/** The positional field and Track 2 exist whole, so their parts can be set. */
const base: M = {
  mti: '0100',
  fields: {
    3: { 1: '00', 2: '00', 3: '00' },
    35: { pan: '4111111111111111', expiry: '2812', serviceCode: '201', discretionary: '' },
    127: { 3: { 1: '0000', 2: 'AAAAAAAA' } },
  },
};

/** A message drawn from the spec, with DE3, DE35 and DE127.3 present so that every settable path can be set. */
const drawn = arbitraryMessage(pathSpec, { maxFields: 8, fields: [127] }).map(
  (m): M => ({ ...m, fields: { ...base.fields, ...m.fields, 127: { ...m.fields[127], 3: m.fields[127]?.[3] ?? { 1: '0000', 2: 'AAAAAAAA' } } } }),
);

describe('field paths (properties)', () => {
  it('set then get gives the value back, and the message given is left unchanged', () => {
    fc.assert(
      fc.property(drawn, assignment, (m, [path, value]) => {
        const before = structuredClone(m);
        const out = paths.set(m, path, value);
        expect(paths.get(out, path)).toEqual(value);
        expect(paths.has(out, path)).toBe(true);
        expect(m).toEqual(before);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('remove then has is false, and the message given is left unchanged', () => {
    fc.assert(
      fc.property(drawn, removable, (m, path) => {
        const before = structuredClone(m);
        const out = paths.remove(m, path);
        expect(paths.has(out, path)).toBe(false);
        expect(m).toEqual(before);
        // What remove leaves still encodes: it never leaves a container half-formed.
        expect(codec.decode(codec.encode(out))).toEqual(out);
        countFrames(1);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('a message built by any sequence of sets round-trips through encode and decode, each path holding its last value', () => {
    fc.assert(
      fc.property(fc.array(assignment, { minLength: 1, maxLength: 12 }), (assignments) => {
        let m = base;
        const last = new Map<string, FieldValue>();
        for (const [path, value] of assignments) {
          m = paths.set(m, path, value);
          last.set(path, value);
        }
        const decoded = codec.decode(codec.encode(m));
        countFrames(1);
        expect(decoded).toEqual(m);
        for (const [path, value] of last) expect(paths.get(decoded, path)).toEqual(value);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});

/** Path segments near the spec's and far from it: numbers, tags of every form, Track 2 names, PAN-like digits, anything. */
const segment = fc.oneof(
  fc.integer({ min: 0, max: 200 }).map(String),
  fc.constantFrom('02', '9F26', '9f26', '70', '71', '5A', '57', 'DF01', '1F', 'AB', 'BB', 'ABC', 'pan', 'expiry', 'serviceCode', '', '__proto__', 'constructor'),
  digits(12, 19),
  fc.string({ maxLength: 6 }),
);
const anyPath = fc.oneof(
  fc.array(segment, { minLength: 1, maxLength: 5 }).map((parts) => parts.join('.')),
  fc.constantFrom(...settable.map(([path]) => path)),
);
const anyValue = fc.oneof(fc.string({ maxLength: 8 }), bytes(0, 8), fc.constant([]), fc.constant({}), fc.constant(null), fc.integer());

describe('field paths (properties): any path, any value', () => {
  it('only ever answer or throw UNKNOWN_PATH or INVALID_MESSAGE, whose text quotes no digits of a PAN-like segment', () => {
    const seen = { answered: 0, UNKNOWN_PATH: 0, INVALID_MESSAGE: 0 };
    fc.assert(
      fc.property(drawn, anyPath, anyValue, (m, path, value) => {
        const before = structuredClone(m);
        for (const call of [
          () => paths.get(m, path),
          () => paths.has(m, path),
          () => paths.set(m, path, value as FieldValue),
          () => paths.remove(m, path),
        ]) {
          try {
            call();
            seen.answered++;
          } catch (e) {
            expect(isIso8583Error(e), String(e)).toBe(true);
            const err = e as { code: 'UNKNOWN_PATH' | 'INVALID_MESSAGE'; message: string };
            expect(['UNKNOWN_PATH', 'INVALID_MESSAGE']).toContain(err.code);
            seen[err.code]++;
            for (const long of path.match(/[0-9]{12,}/g) ?? []) expect(err.message).not.toContain(long);
          }
        }
        expect(m).toEqual(before);
      }),
      // Whatever the seed, each outcome is met: an answer, a path of no field (PAN-like), a required part removed.
      { numRuns: FUZZ_RUNS, seed: FUZZ_SEED, examples: [[base, '11', '000001'], [base, '4111111111111111', 'x'], [base, '35.pan', 'x']] },
    );
    // Every outcome the property asserts about is met (a required part removed is INVALID_MESSAGE).
    expect(Object.values(seen).every((n) => n > 0), JSON.stringify(seen)).toBe(true);
  });
});
