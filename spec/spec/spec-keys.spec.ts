import { describe, expect, it } from 'vitest';
import { createCodec, defineSpec, presets, specFromJSON, validateFieldSpec, validateSpec, valueToJSON } from '../../src/index.js';
import { catchIso } from '../message/errors-helper.js';

// A spec as a plain JavaScript caller passes it: the type-level checks of defineSpec are tested elsewhere.
const define = defineSpec as (spec: unknown) => unknown;

const base = { name: 't', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' } };
const withField = (n: number, field: unknown): unknown => ({ ...base, fields: { [n]: field } });
const f = (extra: object = {}): object => ({ kind: 'n', length: 6, encoding: 'ascii', ...extra });
const positional = (fields: object): object => ({ kind: 'ans', length: 99, prefix: 'LL/ascii', encoding: 'ascii', subfields: { type: 'positional', fields } });

/** One unknown key at each level of a spec: the spec, the error's field, and the key's path the text names. */
const typos: readonly (readonly [string, unknown, string | undefined, string])[] = [
  ['the top level', { ...base, fields: {}, feilds: {} }, undefined, 'unknown key "feilds" at feilds: did you mean "fields"?'],
  ['the header', { ...base, header: { length: 2, encoding: 'ascii', lenght: 2 }, fields: {} }, 'header', 'unknown key "lenght" at header.lenght: did you mean "length"?'],
  ['the MTI', { ...base, mti: { encoding: 'ascii', encodng: 'bcd' }, fields: {} }, 'mti', 'unknown key "encodng" at mti.encodng: did you mean "encoding"?'],
  ['the bitmap', { ...base, bitmap: { format: 'binary', tertary: true }, fields: {} }, 'bitmap', 'unknown key "tertary" at bitmap.tertary: did you mean "tertiary"?'],
  ['a field', withField(2, f({ lenghtUnit: 'bytes' })), '2', 'unknown key "lenghtUnit" at 2.lenghtUnit: did you mean "lengthUnit"?'],
  ['a pad', withField(4, f({ pad: { side: 'left', char: '0', sid: 'x' } })), '4', 'unknown key "sid" at 4.pad.sid: did you mean "side"?'],
  ['a nibble pad', withField(3, f({ encoding: 'bcd', nibblePad: { side: 'left', nibbel: '0' } })), '3', 'unknown key "nibbel" at 3.nibblePad.nibbel: did you mean "nibble"?'],
  ['a layout', withField(48, { ...positional({ 1: f() }), subfields: { type: 'positional', fields: { 1: f() }, secondary: true } }), '48', 'unknown key "secondary" at 48.subfields.secondary; allowed: type, fields'],
  [
    'a sub-bitmap',
    withField(127, { kind: 'b', length: 999, prefix: 'LLL/ascii', encoding: 'binary', subfields: { type: 'bitmapped', bitmap: { format: 'hex', encodnig: 'ascii' }, fields: { 2: f() } } }),
    '127',
    'unknown key "encodnig" at 127.subfields.bitmap.encodnig: did you mean "encoding"?',
  ],
  ['a subfield', withField(43, positional({ 1: f({ lenghtUnit: 'bytes' }) })), '43.1', 'unknown key "lenghtUnit" at 43.1.lenghtUnit: did you mean "lengthUnit"?'],
  ['a subfield of a subfield', withField(43, positional({ 1: positional({ 7: f({ Kind: 'n' }) }) })), '43.1.7', 'unknown key "Kind" at 43.1.7.Kind: did you mean "kind"?'],
  [
    'a TLV value',
    withField(48, { kind: 'ans', length: 999, prefix: 'LLL/ascii', encoding: 'ascii', subfields: { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: 'ascii', tags: { '01': f({ prefx: 'fixed' }) } } }),
    '48.01',
    'unknown key "prefx" at 48.01.prefx: did you mean "prefix"?',
  ],
  [
    'a BER-TLV tag entry',
    withField(55, { kind: 'b', length: 999, prefix: 'LLL/ascii', encoding: 'binary', subfields: { type: 'ber-tlv', tags: { '9F02': { sensitve: true } } } }),
    '55',
    'unknown key "sensitve" at 55.subfields.tags.9F02.sensitve: did you mean "sensitive"?',
  ],
  ['a field, with no near key', withField(2, f({ colour: 'red' })), '2', 'unknown key "colour" at 2.colour; allowed: kind, length, prefix, encoding, lengthUnit, pad, nibblePad, description, sensitive, subfields'],
];

describe('unknown keys in a spec', () => {
  it.each(typos)('are refused in %s by validateSpec, with the path of the key', (_where, spec, field, detail) => {
    const e = catchIso(() => validateSpec(spec));
    expect([e.code, e.field, e.detail]).toEqual(['INVALID_SPEC', field, detail]);
  });

  it.each(typos)('are refused in %s by defineSpec, specFromJSON and createCodec alike', (_where, spec, field, detail) => {
    for (const run of [() => define(spec), () => specFromJSON(JSON.stringify(spec)), () => specFromJSON(spec), () => createCodec(spec as never)]) {
      const e = catchIso(run);
      expect([e.code, e.field, e.detail]).toEqual(['INVALID_SPEC', field, detail]);
    }
  });

  it('are refused before any other problem of the same spec, whose cause they are likelier to be', () => {
    // `lenght` leaves the field without a length: the typo is what the text names.
    const e = catchIso(() => validateSpec(withField(2, { kind: 'n', lenght: 6, encoding: 'ascii' })));
    expect(e.detail).toBe('unknown key "lenght" at 2.lenght: did you mean "length"?');
    // Even when the problem is in another field, listed first.
    const other = catchIso(() => validateSpec({ ...base, fields: { 2: f({ encoding: 'morse' }), 3: f({ lenghtUnit: 'bytes' }) } }));
    expect(other.field).toBe('3');
  });

  it('in a field spec alone are refused by validateFieldSpec, and by the JSON helpers that take one', () => {
    const e = catchIso(() => validateFieldSpec(f({ lenghtUnit: 'bytes' }), '2'));
    expect([e.code, e.field, e.detail]).toEqual(['INVALID_SPEC', '2', 'unknown key "lenghtUnit" at 2.lenghtUnit: did you mean "lengthUnit"?']);
    const json = catchIso(() => valueToJSON('000001', f({ lenghtUnit: 'bytes' }) as never));
    expect([json.code, json.detail]).toEqual(['INVALID_SPEC', 'unknown key "lenghtUnit" at value.lenghtUnit: did you mean "lengthUnit"?']);
  });

  it('never quote a key that is not a plain name, nor any value', () => {
    const pan = '4111111111111111';
    const e = catchIso(() => validateSpec(withField(2, f({ [pan]: pan }))));
    expect(e.field).toBe('2');
    expect(e.message).not.toContain(pan);
    expect(e.detail).toBe('unknown key in 2 (not shown: not a plain name); allowed: kind, length, prefix, encoding, lengthUnit, pad, nibblePad, description, sensitive, subfields');
    const value = catchIso(() => validateSpec(withField(2, f({ note: pan }))));
    expect(value.message).not.toContain(pan);
    const top = catchIso(() => validateSpec({ ...base, fields: {}, [pan]: 1 }));
    expect([top.field, top.message.includes(pan)]).toEqual([undefined, false]);
  });

  it('are not looked for below a field key that is not a field number (validateSpec refuses the key itself)', () => {
    const e = catchIso(() => validateSpec({ ...base, fields: { '4111111111111111': f({ lenghtUnit: 'bytes' }) } }));
    expect([e.field, e.detail]).toEqual([undefined, 'field key a string that is not shown (not a plain name) is not a field number']);
  });

  it('with the value undefined count as absent, as in JSON', () => {
    expect(() => validateSpec(withField(2, f({ lenghtUnit: undefined })))).not.toThrow();
    expect(() => define({ ...base, fields: {}, extra: undefined })).not.toThrow();
  });

  it('leave defineSpec accepting what only validateSpec checks, such as a converter registered later', () => {
    const spec = withField(2, f({ encoding: 'registered-later' }));
    expect(define(spec)).toBe(spec);
    expect(catchIso(() => validateSpec(spec)).detail).toBe('encoding "registered-later" is not a registered converter');
  });

  it('include every key of the format: presets and structured layouts pass, and so does $schema at the top level', () => {
    for (const p of Object.values(presets)) expect(define(p)).toBe(p);
    const fileSpec = { $schema: './node_modules/iso8583-codec/spec.schema.json', ...base, fields: { 2: f() } };
    expect(validateSpec(fileSpec)).toBe(fileSpec);
    expect(catchIso(() => validateSpec({ ...fileSpec, $schema: 1 })).detail).toBe('spec.$schema must be a string (the address of its JSON Schema)');
  });

  it('are refused through a getter that throws, as INVALID_SPEC without its text', () => {
    const spec = Object.defineProperty({ ...base, fields: {} }, 'bitmap', {
      enumerable: true,
      get() {
        throw new Error('secret 4111111111111111');
      },
    });
    const e = catchIso(() => define(spec));
    expect(e.code).toBe('INVALID_SPEC');
    expect(e.message).not.toContain('4111');
  });
});
