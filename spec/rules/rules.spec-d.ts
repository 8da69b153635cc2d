import { describe, expectTypeOf, it } from 'vitest';
import { createCodec, defineSpec, type Infer, ISO87_RULES, type MessageSpec, presets, withoutRules, withRules } from '../../src/index.js';

const base = defineSpec({
  name: 'rules-types',
  mti: { encoding: 'ascii' },
  bitmap: { format: 'binary' },
  fields: { 3: { kind: 'n', length: 6, encoding: 'ascii' }, 11: { kind: 'n', length: 6, encoding: 'ascii' }, 52: { kind: 'b', length: 8, encoding: 'binary' } },
});

describe('rules in the types', () => {
  it('withRules and withoutRules keep the type of the messages', () => {
    const ruled = withRules(base, { '0100': { mandatory: [3, 11] } });
    expectTypeOf<Infer<typeof ruled>>().toEqualTypeOf<Infer<typeof base>>();
    expectTypeOf<Infer<ReturnType<typeof withoutRules<typeof ruled>>>>().toEqualTypeOf<Infer<typeof base>>();
    expectTypeOf(createCodec(withRules(presets.iso87ascii, ISO87_RULES)).decode).returns.toEqualTypeOf<Infer<typeof presets.iso87ascii>>();
    expectTypeOf(ruled.rules['0100'].mandatory).toEqualTypeOf<readonly [3, 11]>();
  });

  it('a spec literal takes rules, and its type keeps them', () => {
    const spec = defineSpec({ ...base, rules: { '01x0': { conditional: [{ when: { field: 3, startsWith: '00' }, forbidden: [52] }] } } });
    expectTypeOf(spec).toMatchTypeOf<MessageSpec>();
    expectTypeOf(spec.rules['01x0'].conditional[0].when.startsWith).toEqualTypeOf<'00'>();
  });

  it('refuses keys the rules format does not have, at the key', () => {
    // @ts-expect-error mandatroy is a typo of mandatory
    withRules(base, { '0100': { mandatroy: [3] } });
    // @ts-expect-error a conditional entry has when, mandatory and forbidden only
    withRules(base, { '0100': { conditional: [{ when: { field: 3, present: true }, mandatory: [11], unless: [] }] } });
    // @ts-expect-error a condition has field, present and startsWith only
    withRules(base, { '0100': { conditional: [{ when: [{ field: 3, presnt: true }], mandatory: [11] }] } });
    // @ts-expect-error in a spec literal too
    defineSpec({ ...base, rules: { '0100': { forbiden: [52] } } });
    // @ts-expect-error a list holds field numbers
    withRules(base, { '0100': { mandatory: ['3'] } });
  });
});
