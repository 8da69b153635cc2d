import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { isIso8583Error, validateSpec } from '../../src/index.js';
import { rulesBase as base } from '../helpers/rules-spec.js';

/**
 * docs/spec.schema.json states the shape of `rules` as validateSpec checks it; the checks that compare values
 * across the document (a rule names a field the spec defines, `startsWith` tests a string field, no field both
 * mandatory and forbidden for an MTI) are the ones its description says it cannot state.
 */
const schema = JSON.parse(readFileSync(new URL('../../docs/spec.schema.json', import.meta.url), 'utf8')) as { description: string };
const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);

/** [schema's verdict, validateSpec's verdict] on the base spec with these rules. */
function verdicts(rules: unknown): [boolean, boolean] {
  const doc = JSON.parse(JSON.stringify({ ...base, rules })) as unknown;
  let bySpec = true;
  try {
    validateSpec(doc);
  } catch (e) {
    if (!isIso8583Error(e) || e.code !== 'INVALID_SPEC') throw e;
    bySpec = false;
  }
  return [validate(doc), bySpec];
}

const when = (condition: unknown, lists: object = { mandatory: [3] }): unknown => ({ '0100': { conditional: [{ when: condition, ...lists }] } });

describe('docs/spec.schema.json on rules', () => {
  it('accepts what validateSpec accepts', () => {
    for (const rules of [
      {},
      { '0100': {} },
      { '0100': { mandatory: [2, 3], forbidden: [52] }, '01x0': { mandatory: [3] }, xxxx: {} },
      when({ field: 3, startsWith: '00' }),
      when([{ field: 2, present: true }, { field: 52, present: false }], { forbidden: [52], mandatory: [] }),
    ]) {
      expect(verdicts(rules), JSON.stringify(rules)).toEqual([true, true]);
    }
  });

  it('refuses what validateSpec refuses for its shape', () => {
    for (const rules of [
      [],
      { '01X0': {} },
      { '100': {} },
      { '0100': [] },
      { '0100': { mandatory: 3 } },
      { '0100': { mandatory: [3, 3] } },
      { '0100': { mandatory: [1] } },
      { '0100': { mandatory: [193] } },
      { '0100': { mandatory: [2.5] } },
      { '0100': { mandatroy: [3] } },
      { '0100': { conditional: {} } },
      { '0100': { conditional: [{ mandatory: [3] }] } },
      when({ field: 2 }),
      when({ field: 2, present: true, startsWith: '4' }),
      when({ field: 2, present: 'yes' }),
      when({ field: 3, startsWith: '' }),
      when({ field: 1, present: true }),
      when({ field: 2, present: true, extra: 1 }),
      when([]),
      when({ field: 2, present: true }, {}),
      when({ field: 2, present: true }, { mandatory: [3], unless: [] }),
    ]) {
      expect(verdicts(rules), JSON.stringify(rules)).toEqual([false, false]);
    }
  });

  it('accepts what only a comparison across the document refuses, as its description says', () => {
    expect(schema.description).toContain('the rules by MTI must name fields the spec defines, test with startsWith only a field whose value is a string');
    expect(schema.description).toContain('never make a field both mandatory and forbidden for one MTI');
    for (const rules of [
      { '0100': { mandatory: [70] } },
      when({ field: 70, present: true }),
      when({ field: 52, startsWith: '00' }),
      { '0100': { mandatory: [3], forbidden: [3] } },
      { '01x0': { mandatory: [3] }, '0100': { forbidden: [3] } },
    ]) {
      expect(verdicts(rules), JSON.stringify(rules)).toEqual([true, false]);
    }
  });
});
