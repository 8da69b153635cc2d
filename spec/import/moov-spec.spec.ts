import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCodec, fromHex, importMoovSpec, type Message, parseHexText, specFromJSON, specToJSON, toHex, validateSpec } from '../../src/index.js';
import { FIXTURES } from '../helpers/fixtures.js';
import { catchIso } from '../message/errors-helper.js';
import { itRefuses } from '../helpers/import-refusals.js';

const read = (name: string): string => readFileSync(join(FIXTURES, 'moov', name), 'utf8');

const MTI = { type: 'String', length: 4, enc: 'ASCII', prefix: 'ASCII.Fixed' };
const BITMAP = { type: 'Bitmap', length: 8, enc: 'Binary', prefix: 'Binary.Fixed' };
/** A moov spec of `fields` after the usual MTI and bitmap. */
const moov = (fields: Record<string, unknown>, head: Record<string, unknown> = { 0: MTI, 1: BITMAP }) => ({ name: 't', fields: { ...head, ...fields } });
const refusal = (json: unknown, options?: Parameters<typeof importMoovSpec>[1]) => catchIso(() => importMoovSpec(json, options));
const text = (over: Record<string, unknown> = {}) => ({ type: 'String', length: 9, enc: 'ASCII', prefix: 'ASCII.LL', ...over });

describe('importMoovSpec on the moov-style specs written for the tests', () => {
  it.each(['ascii.json', 'binary.json'])('%s imports to a spec that validates and survives JSON', (file) => {
    const spec = importMoovSpec(read(file));
    expect(validateSpec(spec)).toBe(spec);
    expect(specFromJSON(specToJSON(spec))).toEqual(spec);
    expect(spec.name).toMatch(/^moov .* test spec/);
  });

  it('takes the file parsed already, and a name from the options over the file', () => {
    expect(importMoovSpec(JSON.parse(read('ascii.json')) as unknown, { name: 'mine' }).name).toBe('mine');
    expect(importMoovSpec(moov({}, { 0: MTI, 1: BITMAP }), {}).name).toBe('t');
    expect(importMoovSpec({ fields: { 0: MTI, 1: BITMAP } }).name).toBe('moov-spec');
  });

  it('maps types, encodings, prefixes and padding field by field', () => {
    const ascii = importMoovSpec(read('ascii.json'));
    const binary = importMoovSpec(read('binary.json'));
    expect(ascii.mti).toEqual({ encoding: 'ascii' });
    expect(ascii.bitmap).toEqual({ format: 'hex', encoding: 'ascii', tertiary: true });
    expect(binary.mti).toEqual({ encoding: 'bcd' });
    expect(binary.bitmap).toEqual({ format: 'binary', tertiary: true });
    expect(ascii.fields[2]).toEqual({ kind: 'ans', length: 19, prefix: 'LL/ascii', encoding: 'ascii', description: 'Primary Account Number' });
    expect(ascii.fields[4]).toEqual({ kind: 'n', length: 12, encoding: 'ascii', pad: { side: 'left', char: '0' }, description: 'Transaction Amount' });
    expect(ascii.fields[11]).not.toHaveProperty('pad');
    expect(ascii.fields[41]!.pad).toEqual({ side: 'right', char: ' ' });
    expect(ascii.fields[44]!.prefix).toBe('L/ascii');
    expect(ascii.fields[52]).toEqual({ kind: 'b', length: 8, encoding: 'hex', lengthUnit: 'bytes', description: 'PIN Data' });
    expect(ascii.fields[60]!.prefix).toBe('LLLL/ascii');
    expect(binary.fields[2]).toEqual({ kind: 'n', length: 19, prefix: 'LL/bcd', encoding: 'bcd', nibblePad: { side: 'left', nibble: '0' }, description: 'Primary Account Number' });
    expect(binary.fields[22]!.nibblePad).toEqual({ side: 'right', nibble: '0' });
    expect([32, 46, 47, 49].map((n) => binary.fields[n]!.prefix)).toEqual(['B1', 'B2', 'B3', 'B4']);
    expect([45, 34, 50].map((n) => binary.fields[n]!.prefix)).toEqual(['L/bcd', 'LLL/bcd', 'LLLL/bcd']);
    expect(binary.fields[43]).toMatchObject({ encoding: 'ebcdic1047', prefix: 'LL/ebcdic1047' });
  });

  it('maps Composite fields to positional, simple TLV, BER-TLV and bitmapped subfields in a binary container', () => {
    const ascii = importMoovSpec(read('ascii.json'));
    const binary = importMoovSpec(read('binary.json'));
    expect(ascii.fields[3]).toMatchObject({ kind: 'b', length: 6, encoding: 'binary', subfields: { type: 'positional' } });
    expect(ascii.fields[48]!.subfields).toEqual({
      type: 'tlv',
      tagLength: 2,
      lengthDigits: 2,
      encoding: 'ascii',
      tags: { '01': { kind: 'ans', length: 20, encoding: 'ascii', description: 'Merchant Name' }, '02': { kind: 'n', length: 4, encoding: 'ascii', description: 'Category' } },
      unknownTags: 'reject',
    });
    expect(binary.fields[55]).toMatchObject({ kind: 'b', prefix: 'LLL/bcd', subfields: { type: 'ber-tlv', tags: { '9F02': { description: 'Amount, Authorised' } }, unknownTags: 'reject' } });
    expect(binary.fields[127]!.subfields).toMatchObject({ type: 'bitmapped', bitmap: { format: 'binary' } });
    expect(binary.fields[127]!.subfields).not.toHaveProperty('secondary');
    const expanding = importMoovSpec(moov({ 62: { type: 'Composite', length: 99, prefix: 'ASCII.LL', bitmap: { type: 'Bitmap', length: 8, enc: 'HexToASCII', prefix: 'ASCII.Fixed' }, subfields: { 2: text() } } }));
    expect(expanding.fields[62]!.subfields).toMatchObject({ type: 'bitmapped', bitmap: { format: 'hex', encoding: 'ascii' }, secondary: true });
  });

  it('takes a bitmap of any length as moov does: 8 bytes each, the next one announced by bit 1', () => {
    expect(importMoovSpec(moov({}, { 0: MTI, 1: { ...BITMAP, length: 16 } })).bitmap).toEqual(importMoovSpec(moov({})).bitmap);
  });

  it('takes moov EBCDIC as the code page the ebcdic option names', () => {
    const spec = importMoovSpec(moov({ 2: text({ enc: 'EBCDIC', prefix: 'EBCDIC.LL' }) }, { 0: { ...MTI, enc: 'EBCDIC' }, 1: BITMAP }), { ebcdic: 'ebcdic037' });
    expect(spec.mti).toEqual({ encoding: 'ebcdic037' });
    expect(spec.fields[2]).toMatchObject({ encoding: 'ebcdic037', prefix: 'LL/ebcdic037' });
  });

  it.each(['ebcdic037', 'ebcdic500', 'ebcdic1047'] as const)('reads every EBCDIC of ebcdic.json as %s with that option, and EBCDIC1047 as 1047 still', (page) => {
    const spec = importMoovSpec(read('ebcdic.json'), { ebcdic: page });
    expect(validateSpec(spec)).toBe(spec);
    expect(specFromJSON(specToJSON(spec))).toEqual(spec);
    expect(spec.mti).toEqual({ encoding: page });
    expect(spec.fields[2]).toEqual({ kind: 'n', length: 19, prefix: `LL/${page}`, encoding: page, description: 'Primary Account Number' });
    expect(spec.fields[4]).toMatchObject({ encoding: page, pad: { side: 'left', char: '0' } });
    expect(spec.fields[4]).not.toHaveProperty('prefix');
    expect(spec.fields[43]).toMatchObject({ prefix: `LL/${page}`, encoding: page });
    expect(spec.fields[48]).toMatchObject({ prefix: `LLL/${page}`, subfields: { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: page } });
    expect(spec.fields[62]).toMatchObject({ prefix: 'LLL/ebcdic1047', encoding: 'ebcdic1047' });
  });

  it('leaves a spec without moov EBCDIC as it is whatever the ebcdic option says', () => {
    for (const page of ['ebcdic037', 'ebcdic500', 'ebcdic1047'] as const) {
      expect(importMoovSpec(read('ascii.json'), { ebcdic: page })).toEqual(importMoovSpec(read('ascii.json')));
      expect(importMoovSpec(read('binary.json'), { ebcdic: page })).toEqual(importMoovSpec(read('binary.json')));
    }
  });
});

describe('the wire meaning of an imported moov spec', () => {
  it('encodes an ascii.json frame to the hand-computed bytes, tertiary bitmap included, and decodes them back', () => {
    const codec = createCodec(importMoovSpec(read('ascii.json')));
    const message = { mti: '0100', fields: { 2: '4111111111111111', 3: { 1: '00', 2: '00', 3: '00' }, 4: '000000001000', 48: [{ tag: '01', value: 'ACME' }], 130: '001' } };
    const expected = parseHexText(`
      30313030                           # MTI "0100" in ASCII
      46303030303030303030303130303030   # primary "F000000000010000": 1 (secondary), 2, 3, 4, 48
      38303030303030303030303030303030   # secondary "8000000000000000": bit 65, the tertiary follows
      34303030303030303030303030303030   # tertiary "4000000000000000": 130
      3136 34313131313131313131313131313131  # DE2 ASCII.LL: "16", the digits
      303030303030                       # DE3 positional composite: "00" "00" "00"
      303030303030303031303030           # DE4 Numeric, padding Left '0'
      303038                             # DE48 ASCII.LLL: 8 bytes of subfields
        3031 3034 41434D45               #   tag "01", ASCII.LL "04", "ACME"
      303031                             # DE130 "001"
    `);
    const bytes = codec.encode(message as unknown as Message);
    expect(toHex(bytes)).toBe(toHex(expected));
    expect(codec.decode(bytes)).toEqual(message);
  });

  it('encodes a binary.json frame to the hand-computed bytes, and decodes them back', () => {
    const codec = createCodec(importMoovSpec(read('binary.json')));
    const message = { mti: '0200', fields: { 2: '4111111111111111', 22: '051', 32: '12345', 55: [{ tag: '9F02', value: fromHex('000000001000') }], 127: { 1: '01', 3: 'HI' } } };
    const expected = parseHexText(`
      0200                               # MTI in BCD
      C000040100000200                   # primary bitmap: 1 (secondary), 2, 22, 32, 55
      0000000000000002                   # secondary bitmap: 127
      16 4111111111111111                # DE2 BCD.LL: 16 digits
      0510                               # DE22 LBCD 3 digits: the spare 0 nibble on the right
      05 012345                          # DE32 Binary.L: 5 digits, BCD with the spare nibble on the left
      0009 9F02 06 000000001000          # DE55 BCD.LLL: 9 bytes of BER-TLV
      000D                               # DE127 Binary.LL: 13 bytes
        A000000000000000                 #   sub-bitmap (disableautoexpand): subfields 1 and 3
        01                               #   127.1 BCD "01"
        3032 4849                        #   127.3 ASCII.LL "02" "HI"
    `);
    const bytes = codec.encode(message as unknown as Message);
    expect(toHex(bytes)).toBe(toHex(expected));
    expect(codec.decode(bytes)).toEqual(message);
  });
});

describe('the code page the ebcdic option names, on the wire', () => {
  const message = { mti: '0100', fields: { 2: '4111111111111111', 4: '000000001000', 43: 'HI!', 48: [{ tag: '01', value: 'A!' }] } };
  // Code pages 037 and 500 put the same digits and letters at the same bytes; "!" is 5A in 037 and 4F in 500.
  it.each([
    ['ebcdic037', '5A'],
    ['ebcdic500', '4F'],
  ] as const)('encodes an ebcdic.json frame read as %s to the hand-computed bytes ("!" as %s), and decodes them back', (page, bang) => {
    const codec = createCodec(importMoovSpec(read('ebcdic.json'), { ebcdic: page }));
    const expected = parseHexText(`
      F0F1F0F0                           # MTI "0100" in EBCDIC
      5000000000210000                   # bitmap: 2, 4, 43, 48
      F1F6 F4F1F1F1F1F1F1F1F1F1F1F1F1F1F1F1  # DE2 EBCDIC.LL: "16", the digits
      F0F0F0F0F0F0F0F0F1F0F0F0           # DE4 EBCDIC, fixed 12
      F0F3 C8C9${bang}                       # DE43 EBCDIC.LL: "03", "HI!"
      F0F0F6                             # DE48 EBCDIC.LLL: 6 bytes of subfields
        F0F1 F0F2 C1${bang}                  #   tag "01", EBCDIC.LL "02", "A!"
    `);
    const bytes = codec.encode(message as unknown as Message);
    expect(toHex(bytes)).toBe(toHex(expected));
    expect(codec.decode(bytes)).toEqual(message);
  });
});

describe('importMoovSpec refuses what it cannot map, naming the field', () => {
  const composite = (over: Record<string, unknown>) => ({ type: 'Composite', length: 99, prefix: 'ASCII.LL', subfields: { 1: text() }, ...over });
  itRefuses((json) => importMoovSpec(json), [
    ['moov EBCDIC without the ebcdic option', moov({ 2: text({ enc: 'EBCDIC' }) }), '2', 'EBCDIC is moov\'s own table'],
    ['an EBCDIC prefix without the ebcdic option', moov({ 2: text({ prefix: 'EBCDIC.LL' }) }), '2', 'prefix EBCDIC is moov\'s own table'],
    ['a Hex.LL prefix', moov({ 2: text({ prefix: 'Hex.LL' }) }), '2', 'prefix Hex.LL cannot be mapped'],
    ['an unknown prefix', moov({ 2: text({ prefix: 'ASCII.LLLLL' }) }), '2', 'prefix "ASCII.LLLLL" cannot be mapped'],
    ['a prefix that is not a string', moov({ 2: text({ prefix: 2 }) }), '2', 'prefix must be a string'],
    ['ASCIIToHex', moov({ 2: text({ enc: 'ASCIIToHex' }) }), '2', 'enc "ASCIIToHex" cannot be mapped'],
    ['a Binary field through ASCII', moov({ 52: { type: 'Binary', length: 8, enc: 'ASCII', prefix: 'ASCII.Fixed' } }), '52', 'a Binary field with enc "ASCII" cannot be mapped'],
    ['an enc that is not a string', moov({ 2: text({ enc: 1 }) }), '2', 'enc must be a string'],
    ['an unknown type', moov({ 2: text({ type: 'Track2' }) }), '2', 'type "Track2" cannot be mapped'],
    ['a zero length', moov({ 2: text({ length: 0 }) }), '2', 'length must be a positive whole number'],
    ['padding on a variable-length field', moov({ 2: text({ padding: { type: 'Left', pad: '0' } }) }), '2', 'padding on a variable-length field'],
    ['padding on a binary field', moov({ 52: { type: 'Binary', length: 8, enc: 'Binary', prefix: 'Binary.Fixed', padding: { type: 'Left', pad: '0' } } }), '52', 'padding on a binary field'],
    ['a padding type moov does not have', moov({ 4: text({ prefix: 'ASCII.Fixed', padding: { type: 'Centre', pad: '0' } }) }), '4', 'padding.type must be Left, Right or None'],
    ['a pad of two characters', moov({ 4: text({ prefix: 'ASCII.Fixed', padding: { type: 'Left', pad: '00' } }) }), '4', 'padding.pad must be one character'],
    ['a key moov fields do not have', moov({ 2: text({ lenght: 9 }) }), '2', 'a field has no key "lenght"'],
    ['a tag on a String', moov({ 2: text({ tag: { length: 2, enc: 'ASCII' } }) }), '2', 'tag belongs to a Composite field'],
    ['field 65 as data', moov({ 65: text() }), '65', 'moov reads bit 65 as the tertiary bitmap flag'],
    ['no field 0', moov({}, { 1: BITMAP }), '0', 'field 0 (the MTI) is not defined'],
    ['no field 1', moov({}, { 0: MTI }), '1', 'field 1 (the bitmap) is not defined'],
    ['an MTI of 6 characters', moov({}, { 0: { ...MTI, length: 6 }, 1: BITMAP }), '0', 'length must be 4'],
    ['a Binary MTI', moov({}, { 0: { ...MTI, type: 'Binary' }, 1: BITMAP }), '0', 'a String or Numeric field'],
    ['a variable MTI', moov({}, { 0: { ...MTI, prefix: 'ASCII.LL' }, 1: BITMAP }), '0', 'the MTI has a fixed prefix'],
    ['an MTI in HexToASCII', moov({}, { 0: { ...MTI, enc: 'HexToASCII' }, 1: BITMAP }), '0', 'an MTI with enc "HexToASCII" cannot be mapped'],
    ['a bitmap that is no Bitmap', moov({}, { 0: MTI, 1: { ...BITMAP, type: 'Binary' } }), '1', 'cannot be a bitmap'],
    ['a bitmap length that is no number', moov({}, { 0: MTI, 1: { ...BITMAP, length: '8' } }), '1', 'length must be a whole number'],
    ['a bitmap through ASCII', moov({}, { 0: MTI, 1: { ...BITMAP, enc: 'ASCII' } }), '1', 'a bitmap with enc "ASCII" cannot be mapped'],
    ['a variable bitmap', moov({}, { 0: MTI, 1: { ...BITMAP, prefix: 'Binary.L' } }), '1', 'a bitmap has a fixed prefix'],
    ['a padded bitmap', moov({}, { 0: MTI, 1: { ...BITMAP, padding: { type: 'Left', pad: '0' } } }), '1', 'a bitmap is never padded'],
    ['a message bitmap with disableautoexpand', moov({}, { 0: MTI, 1: { ...BITMAP, disableautoexpand: true } }), '1', 'disableautoexpand on the message bitmap'],
    ['a composite without subfields', moov({ 48: composite({ subfields: {} }) }), '48', 'a Composite field needs subfields'],
    ['a composite with an enc', moov({ 48: composite({ enc: 'ASCII' }) }), '48', 'a Composite field has no enc'],
    ['a padded composite', moov({ 48: composite({ padding: { type: 'Left', pad: '0' } }) }), '48', 'padding on a Composite field'],
    ['a composite with a tag and a bitmap', moov({ 48: composite({ tag: { length: 2, enc: 'ASCII' }, bitmap: BITMAP }) }), '48', 'a tag or a bitmap, not both'],
    ['a positional key that is no number', moov({ 48: composite({ subfields: { x: text() } }) }), '48', 'subfield key "x" is not a number'],
    ['subfield 1 beside an expanding sub-bitmap', moov({ 48: composite({ bitmap: BITMAP }) }), '48.1', 'bit 1 of the sub-bitmap announces the next one'],
    ['subfield 65 beside an expanding sub-bitmap', moov({ 48: composite({ bitmap: BITMAP, subfields: { 65: text() } }) }), '48.65', 'bit 65 of a sub-bitmap'],
    ['subfield 65 beside a single sub-bitmap', moov({ 48: composite({ bitmap: { ...BITMAP, disableautoexpand: true }, subfields: { 65: text() } }) }), '48.65', 'beyond what the sub-bitmap announces'],
    ['tag padding', moov({ 48: composite({ tag: { length: 2, enc: 'ASCII', padding: { type: 'Left', pad: '0' } }, subfields: { '01': text() } }) }), '48', 'tag padding cannot be mapped'],
    ['a tag in an encoding moov has not', moov({ 48: composite({ tag: { length: 2, enc: 'BCD' }, subfields: { '01': text() } }) }), '48', 'tag.enc "BCD" cannot be mapped'],
    ['a tag key of the wrong length', moov({ 48: composite({ tag: { length: 2, enc: 'ASCII' }, subfields: { '001': text() } }) }), '48', 'tag "001" is not 2 characters'],
    ['a tagged subfield without a digit prefix', moov({ 48: composite({ tag: { length: 2, enc: 'ASCII' }, subfields: { '01': text({ prefix: 'ASCII.Fixed' }) } }) }), '48.01', 'needs a digit prefix in the tag\'s encoding'],
    ['tagged subfields with different prefixes', moov({ 48: composite({ tag: { length: 2, enc: 'ASCII' }, subfields: { '01': text(), '02': text({ prefix: 'ASCII.LLL' }) } }) }), '48.02', 'must share one prefix length'],
    ['a BER-TLV subfield without the BerTLV prefix', moov({ 55: composite({ tag: { enc: 'BerTLVTag' }, subfields: { '9F02': text() } }) }), '55.9F02', 'has the prefix BerTLV'],
    ['a BER-TLV tag that is not hex', moov({ 55: composite({ tag: { enc: 'BerTLVTag' }, subfields: { '9f02': text({ prefix: 'BerTLV' }) } }) }), '55', 'is not uppercase hex'],
    ['a BerTLV prefix on the composite itself', moov({ 55: composite({ prefix: 'BerTLV' }) }), '55', 'prefix BerTLV belongs to the subfields'],
    ['a BER-TLV tag of an odd number of hex digits', moov({ 55: composite({ tag: { enc: 'BerTLVTag' }, subfields: { '9F0': text({ prefix: 'BerTLV' }) } }) }), '55', 'is not uppercase hex'],
  ]);

  itRefuses((json) => importMoovSpec(json), [
    ['text that is not JSON', '{', undefined, 'the text is not valid JSON'],
    ['JSON that is not an object', '[]', undefined, 'a moov spec is an object'],
    ['a key a moov spec does not have', { name: 't', fields: {}, feilds: {} }, undefined, 'the spec has no key "feilds"'],
    ['fields that are not an object', { name: 't', fields: [] }, undefined, 'fields must be an object'],
    ['a field key that is no number', { name: 't', fields: { x: MTI } }, undefined, 'field key "x" is not a field number'],
  ]);

  it('refuses Composite fields nested deeper than the subfields of a spec may be', () => {
    const nest = (depth: number): unknown => (depth === 0 ? text() : { type: 'Composite', length: 999, prefix: 'ASCII.LLL', subfields: { 1: nest(depth - 1) } });
    expect(() => importMoovSpec(moov({ 48: nest(4) }))).not.toThrow();
    const e = refusal(moov({ 48: nest(5) }));
    expect([e.code, e.field]).toEqual(['INVALID_SPEC', '48.1.1.1.1']);
    expect(e.message).toContain('Composite fields nest deeper than');
  });

  it('refuses options it does not know, a bad ebcdic option and an empty name', () => {
    expect(refusal(moov({}), { ebcdc: 'ebcdic037' } as never).code).toBe('INVALID_OPTION');
    expect(refusal(moov({}), { ebcdic: 'cp500' as never }).code).toBe('INVALID_OPTION');
    expect(refusal(moov({}), { name: '' }).code).toBe('INVALID_OPTION');
  });

  it('refuses an ebcdic option that names no EBCDIC converter, quoting it only when it is a plain name', () => {
    const named = refusal(read('ebcdic.json'), { ebcdic: 'cp500' as never });
    expect([named.code, named.field]).toEqual(['INVALID_OPTION', undefined]);
    expect(named.detail).toBe('importMoovSpec: ebcdic must be an EBCDIC code page, "ebcdic037", "ebcdic500" or "ebcdic1047", got "cp500"');
    const pan = refusal(moov({}), { ebcdic: '4111111111111111' as never });
    expect(pan.message).not.toContain('4111111111111111');
    expect(pan.message).toContain('got a string that is not shown');
    expect(refusal(moov({}), { ebcdic: 37 as never }).message).toContain('got a number');
  });
});
