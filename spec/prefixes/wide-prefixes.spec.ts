import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteReader } from '../../src/cursor/byte-reader.js';
import { ByteWriter } from '../../src/cursor/byte-writer.js';
import { type Codec, createCodec, defineSpec, type FieldSpec, type Message, type PrefixName, validateSpec } from '../../src/index.js';
import { compilePrefix, parsePrefix } from '../../src/prefixes/length-prefix.js';
import { catchIso } from '../message/errors-helper.js';

// Capacities are facts of the wire form, not of the code: d decimal digits carry 10^d - 1; n unsigned big-endian
// bytes carry 2^(8n) - 1.
const CAPACITY = {
  'LLLLL/ascii': 99_999,
  'LLLLL/bcd': 99_999,
  'LLLLLL/ascii': 999_999,
  'LLLLLL/ebcdic037': 999_999,
  B3: 16_777_215,
  B4: 4_294_967_295,
} as const;
/** Bytes each prefix takes: one a digit through text, two digits a byte through BCD (odd counts pad one nibble). */
const WIDTH = { 'LLLLL/ascii': 5, 'LLLLL/bcd': 3, 'LLLLLL/ascii': 6, 'LLLLLL/ebcdic037': 6, B3: 3, B4: 4 } as const;
type Wide = keyof typeof CAPACITY;
const WIDE = Object.keys(CAPACITY) as Wide[];

function prefix(name: string) {
  const shape = parsePrefix(name);
  if (shape === undefined || shape.type === 'fixed') throw new Error(`not a variable prefix: ${name}`);
  return compilePrefix(shape, name);
}
const write = (name: string, count: number): number[] => {
  const w = new ByteWriter(1);
  prefix(name).write(w, count);
  return [...w.finish()];
};
const where = (fn: () => unknown): [string, string | undefined, number | undefined] => {
  const e = catchIso(fn);
  return [e.code, e.field, e.offset];
};

/** ASCII MTI 0100, a binary bitmap with only field 48, then `rest`: field 48's prefix starts at offset 12. */
const frame48 = (...rest: number[]): Uint8Array => Uint8Array.from([0x30, 0x31, 0x30, 0x30, 0, 0, 0, 0, 0, 1, 0, 0, ...rest]);
function codec48(field: FieldSpec): Codec<Message> {
  return createCodec(defineSpec({ name: 'wide', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' }, fields: { 48: field } })) as unknown as Codec<Message>;
}
const text48 = (prefixName: PrefixName, length: number): FieldSpec => ({ kind: 'ans', length, prefix: prefixName, encoding: 'ascii' });

describe('five- and six-digit and three- and four-byte prefixes', () => {
  it('parse as digit prefixes of five and six digits and binary prefixes of three and four bytes', () => {
    expect(parsePrefix('LLLLL/ascii')).toEqual({ type: 'digits', digits: 5, encoding: 'ascii' });
    expect(parsePrefix('LLLLLL/bcd')).toEqual({ type: 'digits', digits: 6, encoding: 'bcd' });
    expect(parsePrefix('B3')).toEqual({ type: 'binary', bytes: 3 });
    expect(parsePrefix('B4')).toEqual({ type: 'binary', bytes: 4 });
  });

  it.each(WIDE)('%s declares the capacity of its wire form', (name) => {
    expect(prefix(name).maxCount).toBe(CAPACITY[name]);
  });

  it('write right-justified zero-padded digits and unsigned big-endian bytes', () => {
    expect(write('LLLLL/ascii', 1234)).toEqual([0x30, 0x31, 0x32, 0x33, 0x34]);
    expect(write('LLLLL/bcd', 12345)).toEqual([0x01, 0x23, 0x45]);
    expect(write('LLLLLL/ascii', 999_999)).toEqual([0x39, 0x39, 0x39, 0x39, 0x39, 0x39]);
    expect(write('LLLLLL/ebcdic037', 7)).toEqual([0xf0, 0xf0, 0xf0, 0xf0, 0xf0, 0xf7]);
    expect(write('B3', 0x123456)).toEqual([0x12, 0x34, 0x56]);
    expect(write('B4', 0xfedcba98)).toEqual([0xfe, 0xdc, 0xba, 0x98]);
  });

  it('read a four-byte count above 2^31 - 1 as a positive number', () => {
    expect(prefix('B4').read(new ByteReader(Uint8Array.from([0xff, 0xff, 0xff, 0xff])), '48')).toBe(4_294_967_295);
    expect(prefix('B4').read(new ByteReader(Uint8Array.from([0x80, 0, 0, 1])), '48')).toBe(2 ** 31 + 1);
  });

  it.each(WIDE)('%s reads back every count it can carry, in its own width', (name) => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: CAPACITY[name] }), (count) => {
        const bytes = write(name, count);
        expect(bytes).toHaveLength(WIDTH[name]);
        const r = new ByteReader(Uint8Array.from(bytes));
        expect(prefix(name).read(r, '48')).toBe(count);
        expect(r.pos).toBe(WIDTH[name]);
      }),
    );
  });

  it.each(WIDE)('%s cut short is TRUNCATED at the start of the prefix', (name) => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: WIDTH[name] - 1 }), fc.integer({ min: 0, max: 4 }), (have, at) => {
        const r = new ByteReader(new Uint8Array(at + have).fill(0x30), at);
        expect(where(() => prefix(name).read(r, '48'))).toEqual(['TRUNCATED', '48', at]);
      }),
    );
  });

  it('refuses a non-digit in a five- or six-digit prefix at that byte', () => {
    const r = new ByteReader(Uint8Array.from([0x20, 0x30, 0x30, 0x30, 0x3a, 0x30]), 1);
    expect(where(() => prefix('LLLLL/ascii').read(r, '48'))).toEqual(['INVALID_LENGTH_PREFIX', '48', 4]);
    const packed = new ByteReader(Uint8Array.from([0x00, 0x00, 0x0b]));
    expect(where(() => prefix('LLLLLL/bcd').read(packed, '48'))).toEqual(['INVALID_LENGTH_PREFIX', '48', 2]);
  });
});

describe('spec maxima of the wider prefixes', () => {
  const spec = (field: unknown) => ({ name: 't', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' }, fields: { 48: field } });

  it('accept a maximum up to the prefix capacity and refuse one above it, at the field', () => {
    expect(() => validateSpec(spec(text48('LLLLL/ascii', 99_999)))).not.toThrow();
    const five = catchIso(() => validateSpec(spec(text48('LLLLL/ascii', 100_000))));
    expect([five.code, five.field]).toEqual(['INVALID_SPEC', '48']);
    expect(() => validateSpec(spec(text48('LLLLLL/ascii', 999_999)))).not.toThrow();
  });

  it('cap every field, six-digit and three- or four-byte prefixed too, at 999,999', () => {
    for (const p of ['LLLLLL/ascii', 'B3', 'B4', 'fixed'] as const) {
      expect(() => validateSpec(spec(text48(p, 999_999)))).not.toThrow();
      const e = catchIso(() => validateSpec(spec(text48(p, 1_000_000))));
      expect([e.code, e.field]).toEqual(['INVALID_SPEC', '48']);
    }
  });
});

describe('fields with the wider prefixes', () => {
  it('refuse an announced length over the maximum with LENGTH_EXCEEDS_MAX at the prefix', () => {
    const c5 = codec48(text48('LLLLL/ascii', 500));
    expect(where(() => c5.decode(frame48(0x30, 0x30, 0x35, 0x30, 0x31, 0x41)))).toEqual(['LENGTH_EXCEEDS_MAX', '48', 12]);
    const c3 = codec48(text48('B3', 999_999));
    expect(where(() => c3.decode(frame48(0x0f, 0x42, 0x40)))).toEqual(['LENGTH_EXCEEDS_MAX', '48', 12]);
    const c4 = codec48(text48('B4', 70_000));
    expect(where(() => c4.decode(frame48(0xff, 0xff, 0xff, 0xff)))).toEqual(['LENGTH_EXCEEDS_MAX', '48', 12]);
  });

  it('refuse a value over the maximum on encode with LENGTH_EXCEEDS_MAX', () => {
    for (const p of ['LLLLL/ascii', 'LLLLLL/ascii', 'B3', 'B4'] as const) {
      const e = catchIso(() => codec48(text48(p, 10)).encode({ mti: '0100', fields: { 48: 'x'.repeat(11) } }));
      expect([e.code, e.field]).toEqual(['LENGTH_EXCEEDS_MAX', '48']);
    }
  });

  it('report a prefix cut by the end of the frame as TRUNCATED at the prefix', () => {
    expect(where(() => codec48(text48('LLLLLL/ascii', 999)).decode(frame48(0x30, 0x30, 0x30)))).toEqual(['TRUNCATED', '48', 12]);
    expect(where(() => codec48(text48('B4', 999)).decode(frame48(0, 0, 1)))).toEqual(['TRUNCATED', '48', 12]);
  });

  it('round-trip values up to the field maximum through each wider prefix', () => {
    const max = 99_999; // the LLLLL capacity: every wider prefix carries it too
    const codecs = (['LLLLL/ascii', 'LLLLLL/ascii', 'B3', 'B4'] as const).map((p) => [p, codec48(text48(p, max))] as const);
    fc.assert(
      fc.property(fc.integer({ min: 1, max }), fc.constantFrom(...'AZ09 .-'), (length, ch) => {
        const value = ch.repeat(length - 1) + 'E';
        for (const [p, codec] of codecs) {
          const bytes = codec.encode({ mti: '0100', fields: { 48: value } });
          expect(bytes.length).toBe(12 + WIDTH[p] + length);
          expect(codec.decode(bytes).fields[48]).toBe(value);
        }
      }),
      { numRuns: 40 },
    );
  });
});
