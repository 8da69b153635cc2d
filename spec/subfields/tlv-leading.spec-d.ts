import { describe, expectTypeOf, it } from 'vitest';
import { defineSpec, fieldPaths, type Infer, type LeadingTlv, presets, type TlvEntry, type TlvLayout, withSubfields } from '../../src/index.js';

const base = { name: 't', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' } } as const;
const led = { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: 'ascii', leading: { length: 1, kind: 'a' } } as const;

describe('a TLV layout with a leading part in the types', () => {
  it('types the field as { leading, entries } with a leading part, as entries without one', () => {
    const spec = withSubfields(presets.iso87ascii, { 48: led });
    expectTypeOf<Infer<typeof spec>['fields'][48]>().toEqualTypeOf<LeadingTlv | undefined>();
    const plain = withSubfields(presets.iso87ascii, { 48: { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: 'ascii' } });
    expectTypeOf<Infer<typeof plain>['fields'][48]>().toEqualTypeOf<TlvEntry[] | undefined>();
  });

  it('types a layout whose type does not say whether it has a leading part as either value', () => {
    const wide: TlvLayout = led;
    const spec = withSubfields(presets.iso87ascii, { 48: wide });
    expectTypeOf<Infer<typeof spec>['fields'][48]>().toEqualTypeOf<TlvEntry[] | LeadingTlv | undefined>();
  });

  it('types the path of the leading part as text, a required part that remove refuses', () => {
    const spec = defineSpec({ ...base, fields: { 48: { kind: 'ans', length: 999, prefix: 'LLL/ascii', encoding: 'ascii', subfields: led } } });
    const paths = fieldPaths(spec);
    const message: Infer<typeof spec> = { mti: '0100', fields: { 48: { leading: 'R', entries: [] } } };
    expectTypeOf(paths.get(message, '48.leading')).toEqualTypeOf<string | undefined>();
    expectTypeOf(paths.get(message, '48.01')).toEqualTypeOf<string | undefined>();
    // @ts-expect-error the leading part is required: set it, never remove it
    paths.remove(message, '48.leading');
    // @ts-expect-error a TLV field with a leading part takes { leading, entries }, not the list alone
    const list: Infer<typeof spec> = { mti: '0100', fields: { 48: [{ tag: '01', value: 'A' }] } };
    expectTypeOf(list).not.toBeAny();
  });

  it('refuses keys the leading part does not have and a binary kind in a spec literal', () => {
    // @ts-expect-error lenght is a typo of length
    defineSpec({ ...base, fields: { 48: { kind: 'ans', length: 999, prefix: 'LLL/ascii', encoding: 'ascii', subfields: { ...led, leading: { lenght: 1, kind: 'a' } } } } });
    // @ts-expect-error the leading part is text: kind b is not one of its kinds
    defineSpec({ ...base, fields: { 48: { kind: 'ans', length: 999, prefix: 'LLL/ascii', encoding: 'ascii', subfields: { ...led, leading: { length: 1, kind: 'b' } } } } });
  });
});
