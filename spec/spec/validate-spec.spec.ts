import { describe, expect, it } from 'vitest';
import { type FieldSpec, presets, validateSpec } from '../../src/index.js';
import { catchIso } from '../message/errors-helper.js';

const base = { name: 't', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' } } as const;
const withField = (n: number, field: unknown, extra: object = {}) => ({ ...base, ...extra, fields: { [n]: field } });
const problem = (spec: unknown) => catchIso(() => validateSpec(spec));
const f = (over: Partial<Record<keyof FieldSpec, unknown>>) => ({ kind: 'n', length: 6, encoding: 'ascii', ...over });
const ber = (tags: object) => ({ kind: 'b', length: 999, prefix: 'LLL/ascii', encoding: 'binary', subfields: { type: 'ber-tlv', tags } });
const tlv = (tags: object) => ({ kind: 'ans', length: 999, prefix: 'LLL/ascii', encoding: 'ascii', subfields: { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: 'ascii', tags } });

describe('validateSpec', () => {
  it('accepts every preset', () => {
    for (const p of Object.values(presets)) expect(validateSpec(p)).toBe(p);
  });

  it('accepts a spec that went through JSON', () => {
    expect(() => validateSpec(JSON.parse(JSON.stringify(presets.iso87binary)))).not.toThrow();
  });

  it.each([
    ['a non-object spec', 42, undefined],
    ['a missing name', { ...base, name: '', fields: {} }, undefined],
    ['an unknown MTI converter', { ...base, mti: { encoding: 'x' }, fields: {} }, 'mti'],
    ['a binary MTI', { ...base, mti: { encoding: 'binary' }, fields: {} }, 'mti'],
    ['an unknown bitmap format', { ...base, bitmap: { format: 'octal' }, fields: {} }, 'bitmap'],
    ['a bitmap encoding on a binary bitmap', { ...base, bitmap: { format: 'binary', encoding: 'ascii' }, fields: {} }, 'bitmap'],
    ['a zero-length header', { ...base, header: { length: 0, encoding: 'binary' }, fields: {} }, 'header'],
    ['field 1 listed as data', withField(1, f({})), '1'],
    ['field 65 listed with a tertiary bitmap', withField(65, f({}), { bitmap: { format: 'binary', tertiary: true } }), '65'],
    ['field 150 without a tertiary bitmap', withField(150, f({})), '150'],
    ['field 129', withField(129, f({}), { bitmap: { format: 'binary', tertiary: true } }), '129'],
    ['an unknown kind', withField(2, f({ kind: 'q' })), '2'],
    ['a negative length', withField(2, f({ length: -1 })), '2'],
    ['a fractional length', withField(2, f({ length: 2.5 })), '2'],
    ['a zero fixed length', withField(2, f({ length: 0 })), '2'],
    ['an unknown encoding', withField(2, f({ encoding: 'utf-9' })), '2'],
    ['kind b through a text converter', withField(52, f({ kind: 'b', length: 8 })), '52'],
    ['kind an through the binary converter', withField(41, f({ kind: 'an', encoding: 'binary' })), '41'],
    ['kind an through BCD', withField(41, f({ kind: 'an', encoding: 'bcd' })), '41'],
    ['a maximum that an LL prefix cannot carry', withField(2, f({ length: 100, prefix: 'LL/ascii' })), '2'],
    ['a maximum that a B1 prefix cannot carry', withField(2, f({ length: 256, prefix: 'B1' })), '2'],
    ['a malformed prefix', withField(2, f({ prefix: 'LX/ascii' })), '2'],
    ['a prefix through an unknown converter', withField(2, f({ prefix: 'LL/utf-9', length: 19 })), '2'],
    ['a prefix through the binary converter', withField(2, f({ prefix: 'LL/binary', length: 19 })), '2'],
    ['a length unit the converter cannot count', withField(2, f({ lengthUnit: 'digits' })), '2'],
    ['digits counted for binary data', withField(55, f({ kind: 'b', encoding: 'binary', lengthUnit: 'digits' })), '55'],
    ['padding on a variable field', withField(2, f({ prefix: 'LL/ascii', length: 19, pad: { side: 'left', char: '0' } })), '2'],
    ['a pad character the kind forbids', withField(3, f({ pad: { side: 'left', char: ' ' } })), '3'],
    ['a two-character pad', withField(3, f({ pad: { side: 'left', char: '00' } })), '3'],
    ['padding on a binary field', withField(52, { kind: 'b', length: 8, encoding: 'binary', pad: { side: 'left', char: '0' } }), '52'],
    ['a nibble pad on a text field', withField(3, f({ nibblePad: { side: 'left', nibble: '0' } })), '3'],
    ['a nibble pad of 5', withField(3, f({ encoding: 'bcd', nibblePad: { side: 'left', nibble: '5' } })), '3'],
    ['an odd fixed hex field counted in characters', withField(52, { kind: 'b', length: 7, encoding: 'hex', lengthUnit: 'chars' }), '52'],
    ['a non-numeric field key', { ...base, fields: { x: f({}) } }, undefined],
    ['a null length unit (only an absent one takes the default)', withField(2, f({ lengthUnit: null })), '2'],
    ['a BER-TLV tag of one byte announcing more', withField(55, ber({ '9F': {} })), '55'],
    ['a BER-TLV tag in lowercase hex', withField(55, ber({ '9f02': {} })), '55'],
    ['a BER-TLV tag whose last byte announces more', withField(55, ber({ '9F81': {} })), '55'],
    ['a BER-TLV tag of nine bytes', withField(55, ber({ DF8181818181818101: {} })), '55'],
    ['a BER-TLV tag whose first subsequent byte is 0x80', withField(55, ber({ '9F8002': {} })), '55'],
    ['a BER-TLV entry that is not an object', withField(55, ber({ '9F02': 'amount' })), '55.9F02'],
    ['a BER-TLV entry marked sensitive with "pan"', withField(55, ber({ '5A': { sensitive: 'pan' } })), '55.5A'],
    ['a BER-TLV entry with a numeric description', withField(55, ber({ '5A': { description: 5 } })), '55.5A'],
    ['a TLV tag ASCII cannot write', withField(48, tlv({ 'A\u00e9': f({}) })), '48'],
    ['a TLV tag with a control character', withField(48, tlv({ 'A\u0007': f({}) })), '48'],
    ['an encoding on a binary sub-bitmap', withField(127, { kind: 'b', length: 999, prefix: 'LLL/ascii', encoding: 'binary', subfields: { type: 'bitmapped', bitmap: { format: 'binary', encoding: 'ascii' }, fields: { 2: f({}) } } }), '127'],
  ])('rejects %s with INVALID_SPEC', (_what, spec, field) => {
    const e = problem(spec);
    expect(e.code).toBe('INVALID_SPEC');
    if (field !== undefined) expect(e.field).toBe(field);
  });

  it('accepts BER-TLV dictionaries of well-formed tags, TLV tags in EBCDIC beyond ASCII, and hex sub-bitmaps in EBCDIC', () => {
    expect(() => validateSpec(withField(55, ber({ '5A': { sensitive: true }, '9F02': { description: 'amount' }, DF8101: {}, DF818101: {}, DFFFFFFFFFFFFF7F: {} })))).not.toThrow();
    expect(() => validateSpec(withField(48, { ...tlv({}), encoding: 'ebcdic037', subfields: { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: 'ebcdic037', tags: { 'A\u00e9': f({ encoding: 'ebcdic037' }) } } }))).not.toThrow();
    expect(() => validateSpec(withField(127, { kind: 'b', length: 999, prefix: 'LLL/ascii', encoding: 'binary', subfields: { type: 'bitmapped', bitmap: { format: 'hex', encoding: 'ebcdic500' }, fields: { 2: f({}) } } }))).not.toThrow();
  });

  it('accepts digits counted in bytes for BCD and characters for hex', () => {
    expect(() => validateSpec(withField(2, f({ encoding: 'bcd', prefix: 'LL/bcd', length: 10, lengthUnit: 'bytes' })))).not.toThrow();
    expect(() => validateSpec(withField(55, { kind: 'b', length: 510, prefix: 'LLL/ascii', encoding: 'hex', lengthUnit: 'chars' }))).not.toThrow();
  });
});
