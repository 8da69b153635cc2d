import { describe, expectTypeOf, it } from 'vitest';
import { type BerTlv, createCodec, defineSpec, type Infer, presets, type TlvEntry, type Track2 } from '../../src/index.js';
import type fc from 'fast-check';
import { arbitraryFieldValue } from '../../src/testing/index.js';

const spec = defineSpec({
  name: 'typed',
  mti: { encoding: 'ascii' },
  bitmap: { format: 'binary' },
  fields: {
    2: { kind: 'n', length: 19, prefix: 'LL/ascii', encoding: 'ascii', sensitive: true },
    4: { kind: 'n', length: 12, encoding: 'ascii' },
    52: { kind: 'b', length: 8, encoding: 'binary' },
  },
});

describe('Infer', () => {
  it('types numeric fields as strings and binary fields as Uint8Array', () => {
    type M = Infer<typeof spec>;
    expectTypeOf<M['mti']>().toEqualTypeOf<string>();
    expectTypeOf<M['fields'][2]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<M['fields'][4]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<M['fields'][52]>().toEqualTypeOf<Uint8Array | undefined>();
  });

  it('knows only the fields the spec defines', () => {
    type Keys = keyof Infer<typeof spec>['fields'];
    expectTypeOf<Keys>().toEqualTypeOf<2 | 4 | 52>();
  });

  it('flows through createCodec', () => {
    const codec = createCodec(spec);
    const m = codec.decode(new Uint8Array());
    expectTypeOf(m.fields[52]).toEqualTypeOf<Uint8Array | undefined>();
    expectTypeOf(codec.encode).parameter(0).toEqualTypeOf<Infer<typeof spec>>();
    // @ts-expect-error a binary field does not take a string
    codec.encode({ mti: '0100', fields: { 52: 'AB' } });
    // @ts-expect-error amounts are strings, never numbers
    codec.encode({ mti: '0100', fields: { 4: 1000 } });
  });

  it('types the fields peek returns from the spec', () => {
    const codec = createCodec(spec);
    const peeked = codec.peek(new Uint8Array(), [2, 52]);
    expectTypeOf(peeked.mti).toEqualTypeOf<string | undefined>();
    expectTypeOf(peeked.fields[2]).toEqualTypeOf<string | undefined>();
    expectTypeOf(peeked.fields[52]).toEqualTypeOf<Uint8Array | undefined>();
    expectTypeOf(createCodec(presets.iso87ascii).peek(new Uint8Array(), [11]).fields[52]).toEqualTypeOf<Uint8Array | undefined>();
  });

  it('types preset fields by their ISO 8583:1987 kinds', () => {
    type A = Infer<typeof presets.iso87ascii>;
    expectTypeOf<A['fields'][2]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<A['fields'][55]>().toEqualTypeOf<Uint8Array | undefined>();
    expectTypeOf<A['fields'][128]>().toEqualTypeOf<Uint8Array | undefined>();
  });

  it('adds a typed header only when the spec declares one', () => {
    const withHeader = defineSpec({ ...spec, header: { length: 5, encoding: 'binary' } });
    expectTypeOf<Infer<typeof withHeader>['header']>().toEqualTypeOf<Uint8Array>();
    expectTypeOf<Infer<typeof spec>['header']>().toEqualTypeOf<undefined>();
  });
});

describe('Infer with subfields', () => {
  const nested = defineSpec({
    name: 'nested',
    mti: { encoding: 'ascii' },
    bitmap: { format: 'binary' },
    fields: {
      3: { kind: 'n', length: 6, encoding: 'ascii', subfields: { type: 'positional', fields: { 1: { kind: 'n', length: 2, encoding: 'ascii' }, 2: { kind: 'n', length: 4, encoding: 'ascii' } } } },
      35: { kind: 'z', length: 37, prefix: 'LL/ascii', encoding: 'ascii', subfields: { type: 'track2' } },
      48: { kind: 'ans', length: 999, prefix: 'LLL/ascii', encoding: 'ascii', subfields: { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: 'ascii' } },
      55: { kind: 'b', length: 255, prefix: 'LLL/ascii', encoding: 'binary', subfields: { type: 'ber-tlv' } },
      127: { kind: 'ans', length: 999, prefix: 'LLL/ascii', encoding: 'ascii', subfields: { type: 'bitmapped', bitmap: { format: 'binary' }, fields: { 2: { kind: 'b', length: 8, encoding: 'binary' } } } },
    },
  });
  type N = Infer<typeof nested>['fields'];

  it('types positional subfields as a required object and bitmapped ones as optional', () => {
    expectTypeOf<NonNullable<N[3]>>().toEqualTypeOf<{ 1: string; 2: string }>();
    expectTypeOf<NonNullable<N[127]>[2]>().toEqualTypeOf<Uint8Array | undefined>();
  });

  it('types Track 2, TLV and BER-TLV values', () => {
    expectTypeOf<NonNullable<N[35]>>().toEqualTypeOf<Track2>();
    expectTypeOf<NonNullable<N[48]>>().toEqualTypeOf<TlvEntry[]>();
    expectTypeOf<NonNullable<N[55]>>().toEqualTypeOf<BerTlv[]>();
  });
});

describe('arbitraryFieldValue', () => {
  it('generates values of the type the field infers', () => {
    expectTypeOf(arbitraryFieldValue(spec.fields[2])).toEqualTypeOf<fc.Arbitrary<string>>();
    expectTypeOf(arbitraryFieldValue(spec.fields[52])).toEqualTypeOf<fc.Arbitrary<Uint8Array>>();
    expectTypeOf(arbitraryFieldValue(presets.iso87ascii.fields[55])).toEqualTypeOf<fc.Arbitrary<Uint8Array>>();
  });
});
