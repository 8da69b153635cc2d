import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkRules,
  type Codec,
  createCodec as createTypedCodec,
  ErrorCode,
  ISO87_RULES,
  type Message,
  type MessageSpec,
  presets,
  specFromJSON,
  specToJSON,
  validateSpec,
  withoutRules,
  withRules,
} from '../../src/index.js';
import { arbitrarySpec } from '../../src/testing/index.js';
import { loadFixtures } from '../helpers/fixtures.js';
import { rulesBase as base } from '../helpers/rules-spec.js';
import { catchIso } from '../message/errors-helper.js';

/** The codec of a spec, over untyped messages: the tests build messages that break the spec's rules. */
const createCodec = (s: MessageSpec): Codec<Message> => createTypedCodec(s);

const spec = withRules(base, {
  '0100': {
    mandatory: [3, 11],
    forbidden: [39],
    conditional: [
      { when: { field: 35, present: false }, mandatory: [2] },
      { when: { field: 3, startsWith: '09' }, mandatory: [54] },
      { when: [{ field: 2, present: true }, { field: 35, present: false }], mandatory: [14] },
      { when: { field: 3, startsWith: '31' }, forbidden: [4] },
    ],
  },
  '01x0': { mandatory: [11] },
});
const codec = createCodec(spec);
const withHeader = (m: Omit<Message, 'header'>): Message => ({ header: 'H1', ...m });

/** A valid 0100: DE3 purchase, DE11, PAN with its expiry. */
const valid: Message = withHeader({ mti: '0100', fields: { 2: '4111111111111111', 3: '000000', 11: '000001', 14: '2812' } });

/** The frame of `message` encoded without rules, so decode meets frames that break them. */
const frameOf = (message: Message): Uint8Array => createCodec(withoutRules(spec)).encode(message);

describe('rules on encode', () => {
  it('encodes a message that keeps its MTI rules', () => {
    expect(codec.decode(codec.encode(valid), { rules: true })).toEqual(valid);
  });

  it('refuses a message without a mandatory field, naming it, with no offset', () => {
    const e = catchIso(() => codec.encode(withHeader({ mti: '0100', fields: { 2: '4111111111111111', 3: '000000', 14: '2812' } })));
    expect([e.code, e.field, e.offset]).toEqual([ErrorCode.MANDATORY_FIELD_MISSING, '11', undefined]);
    expect(e.detail).toContain('rules.0100.mandatory');
  });

  it('refuses a message with a forbidden field', () => {
    const e = catchIso(() => codec.encode(withHeader({ mti: '0100', fields: { ...valid.fields, 39: '00' } })));
    expect([e.code, e.field, e.offset]).toEqual([ErrorCode.FORBIDDEN_FIELD_PRESENT, '39', undefined]);
  });

  it('applies a field made mandatory by the absence of another', () => {
    const e = catchIso(() => codec.encode(withHeader({ mti: '0100', fields: { 3: '000000', 11: '000001' } })));
    expect([e.code, e.field]).toEqual([ErrorCode.MANDATORY_FIELD_MISSING, '2']);
    expect(e.detail).toContain('rules.0100.conditional.0');
    // With track 2 present, the PAN is not required.
    expect(() => codec.encode(withHeader({ mti: '0100', fields: { 3: '000000', 11: '000001', 35: '4111111111111111=2812101' } }))).not.toThrow();
  });

  it('applies a field made mandatory by the processing code', () => {
    const e = catchIso(() => codec.encode(withHeader({ mti: '0100', fields: { ...valid.fields, 3: '090000' } })));
    expect([e.code, e.field]).toEqual([ErrorCode.MANDATORY_FIELD_MISSING, '54']);
    expect(e.detail).toContain('rules.0100.conditional.1');
    expect(() => codec.encode(withHeader({ mti: '0100', fields: { ...valid.fields, 3: '090000', 54: '1001840C000000001000' } }))).not.toThrow();
  });

  it('applies a rule only when all its conditions hold', () => {
    const e = catchIso(() => codec.encode(withHeader({ mti: '0100', fields: { 2: '4111111111111111', 3: '000000', 11: '000001' } })));
    expect([e.code, e.field]).toEqual([ErrorCode.MANDATORY_FIELD_MISSING, '14']);
    expect(e.detail).toContain('rules.0100.conditional.2');
    const both = withHeader({ mti: '0100', fields: { 2: '4111111111111111', 3: '000000', 11: '000001', 35: '4111111111111111=2812101' } });
    expect(() => codec.encode(both)).not.toThrow();
  });

  it('applies a field forbidden by a condition', () => {
    const e = catchIso(() => codec.encode(withHeader({ mti: '0100', fields: { ...valid.fields, 3: '310000', 4: '000000001000' } })));
    expect([e.code, e.field]).toEqual([ErrorCode.FORBIDDEN_FIELD_PRESENT, '4']);
    expect(e.detail).toContain('rules.0100.conditional.3');
  });

  it('applies a pattern with x to every MTI it matches, and no rule to an MTI no pattern matches', () => {
    const e = catchIso(() => codec.encode(withHeader({ mti: '0110', fields: { 39: '00' } })));
    expect([e.code, e.field]).toEqual([ErrorCode.MANDATORY_FIELD_MISSING, '11']);
    expect(e.detail).toContain('rules.01x0.mandatory');
    expect(() => codec.encode(withHeader({ mti: '0200', fields: { 39: '00' } }))).not.toThrow();
  });

  it('applies a pattern of four x to every MTI', () => {
    const every = createCodec(withRules(base, { xxxx: { mandatory: [11] } }));
    for (const mti of ['0100', '0800', '9999']) expect(catchIso(() => every.encode(withHeader({ mti, fields: {} }))).field).toBe('11');
  });

  it('names the lowest-numbered field when several rules break', () => {
    const e = catchIso(() => codec.encode(withHeader({ mti: '0100', fields: { 39: '00' } })));
    expect([e.code, e.field]).toEqual([ErrorCode.MANDATORY_FIELD_MISSING, '2']);
  });

  it('treats a field whose value is undefined as absent', () => {
    const e = catchIso(() => codec.encode(withHeader({ mti: '0100', fields: { ...valid.fields, 11: undefined } })));
    expect([e.code, e.field]).toEqual([ErrorCode.MANDATORY_FIELD_MISSING, '11']);
  });

  it('never shows a value in the error text', () => {
    const e = catchIso(() => codec.encode(withHeader({ mti: '0100', fields: { ...valid.fields, 3: '090000' } })));
    expect(e.message).not.toContain('4111111111111111');
    expect(e.message).not.toContain('090000');
    expect(e.message).not.toContain('"09"');
  });
});

describe('rules on decode', () => {
  it('are not checked unless asked', () => {
    const frame = frameOf(withHeader({ mti: '0100', fields: { 3: '000000', 39: '00' } }));
    expect(codec.decode(frame).fields[39]).toBe('00');
    expect(codec.decode(frame, { rules: false }).fields[39]).toBe('00');
  });

  it('refuse a missing mandatory field at the offset of the MTI', () => {
    const frame = frameOf(withHeader({ mti: '0100', fields: { 2: '4111111111111111', 3: '000000', 14: '2812' } }));
    const e = catchIso(() => codec.decode(frame, { rules: true }));
    // The 2-byte header comes first: the MTI starts at offset 2.
    expect([e.code, e.field, e.offset]).toEqual([ErrorCode.MANDATORY_FIELD_MISSING, '11', 2]);
  });

  it('refuse a forbidden field at the offset where it starts', () => {
    const frame = frameOf(withHeader({ mti: '0100', fields: { ...valid.fields, 39: '00' } }));
    const e = catchIso(() => codec.decode(frame, { rules: true }));
    // header 2 + MTI 4 + bitmap 8 + DE2 (2 + 16) + DE3 6 + DE11 6 + DE14 4.
    expect([e.code, e.field, e.offset]).toEqual([ErrorCode.FORBIDDEN_FIELD_PRESENT, '39', 2 + 4 + 8 + 18 + 6 + 6 + 4]);
  });

  it('refuse a field made mandatory or forbidden by a condition', () => {
    const missing = catchIso(() => codec.decode(frameOf(withHeader({ mti: '0100', fields: { ...valid.fields, 3: '090000' } })), { rules: true }));
    expect([missing.code, missing.field, missing.offset]).toEqual([ErrorCode.MANDATORY_FIELD_MISSING, '54', 2]);
    const forbidden = catchIso(() => codec.decode(frameOf(withHeader({ mti: '0100', fields: { ...valid.fields, 3: '310000', 4: '000000001000' } })), { rules: true }));
    // header 2 + MTI 4 + bitmap 8 + DE2 18 + DE3 6.
    expect([forbidden.code, forbidden.field, forbidden.offset]).toEqual([ErrorCode.FORBIDDEN_FIELD_PRESENT, '4', 2 + 4 + 8 + 18 + 6]);
  });

  it('report a malformed frame as such before any rule', () => {
    const frame = frameOf(withHeader({ mti: '0100', fields: { 3: '000000' } }));
    const e = catchIso(() => codec.decode(frame.subarray(0, frame.length - 1), { rules: true }));
    expect([e.code, e.field]).toEqual([ErrorCode.TRUNCATED, '3']);
  });

  it('refuse an unknown option and a rules option that is not a boolean', () => {
    const frame = codec.encode(valid);
    const unknown = catchIso(() => codec.decode(frame, { ruels: true } as never));
    expect([unknown.code, unknown.field]).toEqual([ErrorCode.INVALID_OPTION, undefined]);
    const notBoolean = catchIso(() => codec.decode(frame, { rules: 'yes' } as never));
    expect(notBoolean.code).toBe(ErrorCode.INVALID_OPTION);
    expect(notBoolean.detail).toContain('options.rules');
  });
});

describe('checkRules', () => {
  it('lists every broken rule, by field number, without encoding', () => {
    const violations = checkRules(spec, withHeader({ mti: '0100', fields: { 3: '090000', 39: '00' } }));
    expect(violations.map((v) => [v.code, v.field, v.rule])).toEqual([
      [ErrorCode.MANDATORY_FIELD_MISSING, 2, 'rules.0100.conditional.0'],
      [ErrorCode.MANDATORY_FIELD_MISSING, 11, 'rules.0100.mandatory'],
      [ErrorCode.FORBIDDEN_FIELD_PRESENT, 39, 'rules.0100.forbidden'],
      [ErrorCode.MANDATORY_FIELD_MISSING, 54, 'rules.0100.conditional.1'],
    ]);
  });

  it('returns an empty list for a message that keeps the rules and for a spec without rules', () => {
    expect(checkRules(spec, valid)).toEqual([]);
    expect(checkRules(base, withHeader({ mti: '0100', fields: {} }))).toEqual([]);
  });

  it('does not check the values against their field specs', () => {
    expect(checkRules(spec, withHeader({ mti: '0100', fields: { ...valid.fields, 11: 'not digits' } }))).toEqual([]);
  });

  it('refuses what is not a message, and an MTI that is not four characters', () => {
    expect(catchIso(() => checkRules(spec, null as never)).code).toBe(ErrorCode.INVALID_MESSAGE);
    expect(catchIso(() => checkRules(spec, { mti: '0100', fields: [] as never })).code).toBe(ErrorCode.INVALID_MESSAGE);
    const mti = catchIso(() => checkRules(spec, { mti: '100', fields: {} }));
    expect([mti.code, mti.field]).toEqual([ErrorCode.INVALID_MTI, 'mti']);
    const getter = catchIso(() =>
      checkRules(spec, {
        mti: '0100',
        get fields(): Message['fields'] {
          throw new Error('4111111111111111');
        },
      }),
    );
    expect(getter.code).toBe(ErrorCode.INVALID_MESSAGE);
    expect(getter.message).not.toContain('4111');
  });

  it('refuses a spec that is not valid', () => {
    expect(catchIso(() => checkRules({ ...base, rules: { '0100': { mandatory: [99] } } }, valid)).code).toBe(ErrorCode.INVALID_SPEC);
  });
});

describe('rules in the spec', () => {
  it('survive a JSON round trip and keep refusing the same messages', () => {
    const json = specToJSON(spec);
    const back = specFromJSON(json);
    expect(back.rules).toEqual(spec.rules);
    const e = catchIso(() => createCodec(back).encode(withHeader({ mti: '0100', fields: { ...valid.fields, 39: '00' } })));
    expect([e.code, e.field]).toEqual([ErrorCode.FORBIDDEN_FIELD_PRESENT, '39']);
  });

  it('withRules replaces the rules and withoutRules drops them, the field table kept', () => {
    const replaced = withRules(spec, { '0100': { mandatory: [4] } });
    expect(replaced.rules).toEqual({ '0100': { mandatory: [4] } });
    expect(replaced.fields).toBe(spec.fields);
    expect(catchIso(() => createCodec(replaced).encode(valid)).field).toBe('4');
    const none = withoutRules(spec);
    expect('rules' in none).toBe(false);
    expect(() => createCodec(none).encode(withHeader({ mti: '0100', fields: {} }))).not.toThrow();
    expect(catchIso(() => withRules(base, { '0100': { mandatory: [99] } })).code).toBe(ErrorCode.INVALID_SPEC);
  });

  it('are never drawn by arbitrarySpec', () => {
    for (const drawn of fc.sample(arbitrarySpec(), { numRuns: 50, seed: 8583 })) expect(drawn.rules).toBeUndefined();
  });

  it('leave the presets without rules, so their messages encode as before', () => {
    for (const preset of Object.values(presets)) expect(preset.rules).toBeUndefined();
  });
});

/** The INVALID_SPEC a spec with these rules gets: [field, detail]. */
function refusal(rules: unknown): [string | undefined, string] {
  const e = catchIso(() => validateSpec({ ...base, rules }));
  expect(e.code).toBe(ErrorCode.INVALID_SPEC);
  return [e.field, e.detail];
}

describe('validateSpec on rules', () => {
  it('accepts rules by exact MTI and by pattern', () => {
    expect(() => validateSpec(spec)).not.toThrow();
    expect(() => validateSpec({ ...base, rules: {} })).not.toThrow();
    expect(() => validateSpec({ ...base, rules: { xxxx: {}, '0x1x': { forbidden: [52] } } })).not.toThrow();
  });

  it('refuses a key that is not an MTI pattern', () => {
    expect(refusal({ '01X0': {} })).toEqual(['rules', 'rules key "01X0" is not an MTI pattern (four digits or x, e.g. "0100", "01x0")']);
    expect(refusal({ '100': {} })[1]).toMatch(/not an MTI pattern/);
    // A key that could be card data is not quoted.
    expect(refusal({ '4111111111111111': {} })[1]).not.toContain('4111');
  });

  it('refuses rules that are not objects, and lists that are not field numbers', () => {
    expect(refusal([])).toEqual(['rules', 'spec.rules must be an object of rules by MTI pattern']);
    expect(refusal({ '0100': [] })[1]).toBe('rules.0100 must be an object { mandatory, forbidden, conditional }');
    expect(refusal({ '0100': { mandatory: 3 } })[1]).toBe('rules.0100.mandatory must be an array of field numbers');
    expect(refusal({ '0100': { forbidden: ['3'] } })[1]).toBe('rules.0100.forbidden holds something that is not a field number (2-192)');
    expect(refusal({ '0100': { mandatory: [4111111111111111] } })[1]).not.toContain('4111');
    expect(refusal({ '0100': { mandatory: [3, 3] } })[1]).toBe('rules.0100.mandatory lists field 3 twice');
  });

  it('refuses a rule naming a field the spec does not define', () => {
    expect(refusal({ '0100': { mandatory: [70] } })).toEqual(['rules', 'rules.0100.mandatory names field 70, which the spec does not define']);
    expect(refusal({ '0100': { conditional: [{ when: { field: 70, present: true }, mandatory: [3] }] } })[1]).toBe(
      'rules.0100.conditional.0.when names field 70, which the spec does not define',
    );
  });

  it('refuses a field both mandatory and forbidden for one MTI', () => {
    expect(refusal({ '0100': { mandatory: [3], forbidden: [3] } })[1]).toBe('rules.0100: field 3 is both mandatory and forbidden');
    expect(refusal({ '0100': { conditional: [{ when: { field: 2, present: true }, mandatory: [3], forbidden: [3] }] } })[1]).toBe(
      'rules.0100.conditional.0: field 3 is both mandatory and forbidden',
    );
    expect(refusal({ '01x0': { mandatory: [39] }, '0100': { forbidden: [39] } })[1]).toBe(
      'rules.01x0 and rules.0100 match a common MTI: field 39 is both mandatory and forbidden',
    );
    // Patterns that share no MTI may disagree.
    expect(() => validateSpec({ ...base, rules: { '0110': { mandatory: [39] }, '0100': { forbidden: [39] } } })).not.toThrow();
  });

  it('refuses conditions without exactly one test, and malformed conditional entries', () => {
    const entry = (when: unknown, lists: object = { mandatory: [3] }): unknown => ({ '0100': { conditional: [{ when, ...lists }] } });
    expect(refusal({ '0100': { conditional: {} } })[1]).toBe('rules.0100.conditional must be an array');
    expect(refusal({ '0100': { conditional: [1] } })[1]).toBe('rules.0100.conditional.0 must be an object { when, mandatory, forbidden }');
    expect(refusal(entry({ field: 2 }))[1]).toBe('rules.0100.conditional.0.when must have exactly one test: present or startsWith');
    expect(refusal(entry({ field: 2, present: true, startsWith: '0' }))[1]).toBe('rules.0100.conditional.0.when must have exactly one test: present or startsWith');
    expect(refusal(entry({ field: 2, present: 'yes' }))[1]).toBe('rules.0100.conditional.0.when.present must be a boolean');
    expect(refusal(entry({ field: 3, startsWith: '' }))[1]).toBe('rules.0100.conditional.0.when.startsWith must be a non-empty string');
    expect(refusal(entry({ field: 'x', present: true }))[1]).toBe('rules.0100.conditional.0.when.field must be a field number (2-192)');
    expect(refusal(entry([]))[1]).toBe('rules.0100.conditional.0.when must hold at least one condition');
    expect(refusal(entry([{ field: 2, present: true }, 5]))[1]).toBe('rules.0100.conditional.0.when.1 must be an object { field, present } or { field, startsWith }');
    expect(refusal(entry({ field: 2, present: true }, {}))[1]).toBe('rules.0100.conditional.0 needs a mandatory or a forbidden list');
  });

  it('refuses startsWith on a field whose value is not a string', () => {
    expect(refusal({ '0100': { conditional: [{ when: { field: 52, startsWith: '00' }, mandatory: [3] }] } })[1]).toBe(
      'rules.0100.conditional.0.when.startsWith tests field 52, whose value is not a string (binary, or with subfields)',
    );
    const track = { ...base.fields[35], subfields: { type: 'track2' } };
    const e = catchIso(() => validateSpec({ ...base, fields: { ...base.fields, 35: track }, rules: { '0100': { conditional: [{ when: { field: 35, startsWith: '4' }, mandatory: [3] }] } } }));
    expect([e.code, e.field, e.detail]).toEqual([ErrorCode.INVALID_SPEC, 'rules', 'rules.0100.conditional.0.when.startsWith tests field 35, whose value is not a string (binary, or with subfields)']);
  });

  it('refuses an unknown key anywhere in the rules, with its path', () => {
    expect(refusal({ '0100': { mandatroy: [3] } })).toEqual(['rules', 'unknown key "mandatroy" at rules.0100.mandatroy: did you mean "mandatory"?']);
    expect(refusal({ '0100': { conditional: [{ when: { field: 2, present: true }, mandatory: [3], unless: {} }] } })[1]).toMatch(
      /^unknown key "unless" at rules\.0100\.conditional\.0\.unless/,
    );
    expect(refusal({ '0100': { conditional: [{ when: [{ field: 2, presnt: true }], mandatory: [3] }] } })[1]).toBe(
      'unknown key "presnt" at rules.0100.conditional.0.when.0.presnt: did you mean "present"?',
    );
  });
});

describe('ISO87_RULES', () => {
  const on1987 = loadFixtures().filter((f) => ['iso87ascii', 'iso87binary', 'iso87ebcdic'].includes(f.specName));
  const keeping = ['ascii-0100-purchase', 'ascii-0110-approved', 'ascii-0200-fee', 'ascii-0420-reversal-secondary', 'ascii-0800-echo', 'binary-0100-odd-bcd', 'binary-0200-emv', 'binary-0800-secondary', 'ebcdic-0100-auth', 'ebcdic-0420-reversal'];

  it('are accepted by every 1987 preset', () => {
    for (const preset of [presets.iso87ascii, presets.iso87binary, presets.iso87ebcdic]) expect(() => withRules(preset, ISO87_RULES)).not.toThrow();
  });

  it('hold for the golden 1987 fixtures of the types they cover, which decode with the check on and re-encode to their bytes', () => {
    const checked = on1987.filter((f) => keeping.includes(f.name));
    expect(checked.map((f) => f.name).sort()).toEqual([...keeping].sort());
    for (const f of checked) {
      const codec87 = createCodec(withRules(f.spec, ISO87_RULES));
      const message = codec87.decode(f.bytes, { rules: true });
      expect(codec87.encode(message)).toEqual(f.bytes);
    }
  });

  it('are the table docs/rules.md shows', () => {
    const doc = readFileSync(new URL('../../docs/rules.md', import.meta.url), 'utf8');
    // The 1987 table, up to the section on the 1993 and 2003 rules (spec/rules/version-rules.spec.ts reads that one).
    const text = doc.slice(0, doc.indexOf('### ISO 8583:1993 and 2003'));
    expect(text.length).toBeLessThan(doc.length);
    const shown: Record<string, number[]> = {};
    for (const [, mtis, fields] of text.matchAll(/^\| ([0-9, ]+) \| (.+) \|$/gm)) {
      const numbers = [...fields!.matchAll(/\b(\d{1,3})\b/g)].map((m) => Number(m[1]));
      for (const mti of mtis!.split(', ')) shown[mti] = numbers;
    }
    expect(shown).toEqual(Object.fromEntries(Object.entries(ISO87_RULES).map(([mti, rule]) => [mti, [...rule.mandatory]])));
  });

  it('refuse a 0800 without DE70 and a 0110 without DE39', () => {
    const codec87 = createCodec(withRules(presets.iso87ascii, ISO87_RULES));
    const echo = catchIso(() => codec87.encode({ mti: '0800', fields: { 7: '1124120000', 11: '000001' } }));
    expect([echo.code, echo.field]).toEqual([ErrorCode.MANDATORY_FIELD_MISSING, '70']);
    const reply = catchIso(() => codec87.encode({ mti: '0110', fields: { 11: '000001' } }));
    expect([reply.code, reply.field]).toEqual([ErrorCode.MANDATORY_FIELD_MISSING, '39']);
  });
});
