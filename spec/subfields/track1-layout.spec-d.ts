import { describe, expectTypeOf, it } from 'vitest';
import { createCodec, defineSpec, type Infer, presets, type Track1, withSubfields } from '../../src/index.js';

describe('the track1 layout in the types', () => {
  it('types DE45 as Track1 once the layout is on, and as text before', () => {
    const spec = withSubfields(presets.iso87ascii, { 45: { type: 'track1' } });
    expectTypeOf<Infer<typeof spec>['fields'][45]>().toEqualTypeOf<Track1 | undefined>();
    expectTypeOf<Infer<typeof presets.iso87ascii>['fields'][45]>().toEqualTypeOf<string | undefined>();
    expectTypeOf(createCodec(spec).decode).returns.toHaveProperty('fields');
  });

  it('takes the layout in a spec literal and refuses keys it does not have', () => {
    const base = { name: 't', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' } } as const;
    const spec = defineSpec({ ...base, fields: { 45: { kind: 'ans', length: 76, prefix: 'LL/ascii', encoding: 'ascii', subfields: { type: 'track1' } } } });
    expectTypeOf<NonNullable<Infer<typeof spec>['fields'][45]>['formatCode']>().toEqualTypeOf<'B'>();
    // @ts-expect-error a Track 1 layout has its type only
    defineSpec({ ...base, fields: { 45: { kind: 'ans', length: 76, prefix: 'LL/ascii', encoding: 'ascii', subfields: { type: 'track1', separator: '^' } } } });
  });
});
