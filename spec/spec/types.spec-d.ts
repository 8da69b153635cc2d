import { describe, expectTypeOf, it } from 'vitest';
import { createCodec, defineSpec, type Infer, presets } from '../../src/index.js';

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
