import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  checkRules,
  type Codec,
  createCodec as createTypedCodec,
  ErrorCode,
  ISO03_RULES,
  ISO93_RULES,
  type Message,
  type MessageRules,
  type MessageSpec,
  presets,
  withoutRules,
  withRules,
} from '../../src/index.js';
import { validateRules } from '../../src/spec/validate-rules.js';
import { loadFixtures } from '../helpers/fixtures.js';
import { catchIso } from '../message/errors-helper.js';

/** The codec of a spec, over untyped messages: the tests build messages that break the rules. */
const createCodec = (s: MessageSpec): Codec<Message> => createTypedCodec(s);

/** Well-formed 1993 messages of each type the rules cover: the mandatory fields and the usual company, 1993 formats. */
const ISO93_MESSAGES: Readonly<Record<string, Message['fields']>> = {
  '1100': { 2: '4111111111111111', 3: '000000', 4: '000000012550', 11: '004711', 12: '261124103015', 24: '100', 41: 'TERM0001', 49: '978' },
  '1110': { 2: '4111111111111111', 3: '000000', 4: '000000012550', 11: '004711', 12: '261124103015', 38: 'A1B2C3', 39: '000', 41: 'TERM0001' },
  '1200': { 2: '4111111111111111', 3: '000000', 4: '000000004200', 11: '004712', 12: '261124103512', 24: '200', 41: 'TERM0001', 49: '978' },
  '1210': { 2: '4111111111111111', 3: '000000', 4: '000000004200', 11: '004712', 12: '261124103512', 39: '000', 41: 'TERM0001' },
  // DE56: the original MTI, STAN, local date and time and acquirer, as 1993 digits.
  '1420': { 2: '4111111111111111', 3: '000000', 4: '000000012550', 11: '004713', 12: '261124104000', 24: '400', 25: '4000', 56: '11000047112611241030150612345' },
  '1430': { 2: '4111111111111111', 3: '000000', 4: '000000012550', 11: '004713', 12: '261124104000', 39: '400' },
  '1804': { 7: '1124104500', 11: '000001', 12: '261124104500', 24: '831' },
  '1814': { 7: '1124104500', 11: '000001', 12: '261124104500', 24: '831', 39: '800' },
};

/** The same types in 2003: amounts with their currency (n 16), a 12-digit STAN, century dates, 4-digit action codes. */
const ISO03_MESSAGES: Readonly<Record<string, Message['fields']>> = {
  '2100': { 2: '4111111111111111', 3: '000000', 4: '9782000000012550', 11: '000000004711', 12: '20261124103015', 24: '100', 41: 'TERM000100000001' },
  '2110': { 2: '4111111111111111', 3: '000000', 4: '9782000000012550', 11: '000000004711', 12: '20261124103015', 39: '0000', 41: 'TERM000100000001' },
  '2200': { 2: '4111111111111111', 3: '000000', 4: '9782000000004200', 11: '000000004712', 12: '20261124103512', 24: '200', 41: 'TERM000100000001' },
  '2210': { 2: '4111111111111111', 3: '000000', 4: '9782000000004200', 11: '000000004712', 12: '20261124103512', 39: '0000' },
  '2420': { 2: '4111111111111111', 3: '000000', 4: '9782000000012550', 11: '000000004713', 12: '20261124104000', 24: '400', 25: '4000' },
  '2430': { 2: '4111111111111111', 3: '000000', 4: '9782000000012550', 11: '000000004713', 12: '20261124104000', 39: '0400' },
  '2804': { 7: '1124104500', 11: '000000000001', 12: '20261124104500', 24: '831' },
  '2814': { 7: '1124104500', 11: '000000000001', 12: '20261124104500', 39: '0800' },
};

const VERSIONS = [
  { version: '1993', rules: ISO93_RULES as MessageRules, specs: [presets.iso93ascii, presets.iso93binary] as MessageSpec[], messages: ISO93_MESSAGES },
  { version: '2003', rules: ISO03_RULES as MessageRules, specs: [presets.iso03ascii, presets.iso03binary] as MessageSpec[], messages: ISO03_MESSAGES },
];

describe.each(VERSIONS)('the ISO 8583:$version rules', ({ rules, specs, messages }) => {
  const typed = Object.keys(rules).flatMap((mti) => specs.map((spec) => ({ mti, spec, name: spec.name })));
  const missing = typed.flatMap(({ mti, spec, name }) => (rules[mti]!.mandatory ?? []).map((field) => ({ mti, spec, name, field })));

  it('validate against the field tables of both presets, through validateRules and withRules', () => {
    for (const spec of specs) {
      expect(() => validateRules(rules, spec.fields)).not.toThrow();
      expect(withRules(spec, rules).rules).toBe(rules);
    }
  });

  it('cover the types the messages here are written for, each with mandatory fields and nothing forbidden or conditional', () => {
    expect(Object.keys(messages).sort()).toEqual(Object.keys(rules).sort());
    for (const rule of Object.values(rules)) expect(Object.keys(rule)).toEqual(['mandatory']);
  });

  it.each(typed)('pass a well-formed $mti on $name: it encodes, and decodes with the rules checked to itself', ({ mti, spec }) => {
    const codec = createCodec(withRules(spec, rules));
    const message: Message = { mti, fields: messages[mti]! };
    expect(checkRules(withRules(spec, rules), message)).toEqual([]);
    expect(codec.decode(codec.encode(message), { rules: true })).toEqual(message);
  });

  it.each(missing)('fail a $mti on $name without DE$field with MANDATORY_FIELD_MISSING naming it, on encode, decode and checkRules', ({ mti, spec, field }) => {
    const ruled = withRules(spec, rules);
    const { [field]: _dropped, ...rest } = messages[mti]!;
    const message: Message = { mti, fields: rest };
    const e = catchIso(() => createCodec(ruled).encode(message));
    expect([e.code, e.field, e.offset]).toEqual([ErrorCode.MANDATORY_FIELD_MISSING, String(field), undefined]);
    expect(e.detail).toContain(`rules.${mti}.mandatory`);
    const frame = createCodec(withoutRules(ruled)).encode(message);
    const d = catchIso(() => createCodec(ruled).decode(frame, { rules: true }));
    expect([d.code, d.field]).toEqual([ErrorCode.MANDATORY_FIELD_MISSING, String(field)]);
    expect(checkRules(ruled, message).map((v) => [v.code, v.field, v.rule])).toEqual([[ErrorCode.MANDATORY_FIELD_MISSING, field, `rules.${mti}.mandatory`]]);
  });
});

describe('the version digit of the 1993 and 2003 rules', () => {
  it('keeps each table to its own version: 1987 and the other version MTIs are not checked', () => {
    const on93 = withRules(presets.iso93ascii, ISO93_RULES);
    const on03 = withRules(presets.iso03ascii, ISO03_RULES);
    for (const mti of ['0100', '0110', '0800', '2100', '2814']) expect(checkRules(on93, { mti, fields: {} })).toEqual([]);
    for (const mti of ['0100', '0810', '1100', '1804']) expect(checkRules(on03, { mti, fields: {} })).toEqual([]);
  });

  it('gives 2003 the 1993 table with version digit 2 in place of 1', () => {
    const moved = Object.fromEntries(Object.entries(ISO93_RULES).map(([mti, rule]) => [`2${mti.slice(1)}`, rule]));
    expect(ISO03_RULES).toEqual(moved);
  });
});

describe('the golden 1993 and 2003 fixtures', () => {
  const rulesFor: Readonly<Record<string, MessageRules>> = { iso93ascii: ISO93_RULES, iso93binary: ISO93_RULES, iso03ascii: ISO03_RULES, iso03binary: ISO03_RULES };
  const covered = loadFixtures().filter((f) => f.specName in rulesFor);

  it('keep the rules of their version: they decode with the check on and re-encode to their bytes', () => {
    expect(covered.map((f) => f.name).sort()).toEqual([
      'iso03ascii-2100-auth',
      'iso03binary-2200-financial',
      'iso93ascii-1100-auth',
      'iso93ascii-1110-approved',
      'iso93ascii-1420-reversal',
      'iso93binary-1200-financial',
      'iso93binary-1210-approved',
    ]);
    for (const f of covered) {
      const codec = createCodec(withRules(f.spec, rulesFor[f.specName]!));
      const message = codec.decode(f.bytes, { rules: true });
      expect(codec.encode(message)).toEqual(f.bytes);
    }
  });
});

describe('docs/rules.md on the 1993 and 2003 rules', () => {
  const text = readFileSync(new URL('../../docs/rules.md', import.meta.url), 'utf8');
  const section = text.slice(text.indexOf('### ISO 8583:1993 and 2003'));

  it('shows the tables ISO93_RULES and ISO03_RULES hold, row by row', () => {
    const shown93: Record<string, number[]> = {};
    const shown03: Record<string, number[]> = {};
    // Rows whose cells are MTIs, MTIs and field numbers (the header row has none).
    for (const [, mtis93, mtis03, fields] of section.matchAll(/^\| ([0-9, ]+) \| ([0-9, ]+) \| (\d.+) \|$/gm)) {
      const numbers = [...fields!.matchAll(/\b(\d{1,3})\b/g)].map((m) => Number(m[1]));
      for (const mti of mtis93!.split(', ')) shown93[mti] = numbers;
      for (const mti of mtis03!.split(', ')) shown03[mti] = numbers;
    }
    const lists = (rules: MessageRules) => Object.fromEntries(Object.entries(rules).map(([mti, rule]) => [mti, [...(rule.mandatory ?? [])]]));
    expect(shown93).toEqual(lists(ISO93_RULES));
    expect(shown03).toEqual(lists(ISO03_RULES));
  });

  it('says what the presets hold: DE24 the function code, DE70 a country code in 1993, DE39 the action code of 3 and 4 digits', () => {
    for (const spec of [presets.iso93ascii, presets.iso03ascii]) expect(spec.fields[24]).toMatchObject({ kind: 'n', length: 3, description: 'Function code' });
    expect(presets.iso87ascii.fields[70].description).toMatch(/^Network management information code/);
    expect(presets.iso93ascii.fields[70].description).toMatch(/^Country code/);
    expect(presets.iso93ascii.fields[39]).toMatchObject({ kind: 'n', length: 3, description: 'Action code' });
    expect(presets.iso03ascii.fields[39]).toMatchObject({ kind: 'n', length: 4, description: 'Action code' });
  });
});
