import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createCodec, fromHex, importPyiso8583Spec, type Message, parseHexText, specFromJSON, specToJSON, toHex, validateSpec } from '../../src/index.js';
import { FIXTURES } from '../helpers/fixtures.js';
import { catchIso } from '../message/errors-helper.js';
import { itRefuses } from '../helpers/import-refusals.js';

const text = readFileSync(join(FIXTURES, 'pyiso8583', 'spec.json'), 'utf8');
const T = { data_enc: 'ascii', len_enc: 'ascii', len_type: 0, max_len: 4 };
const P = { data_enc: 'b', len_enc: 'ascii', len_type: 0, max_len: 8 };
const py = (fields: Record<string, unknown>, head: Record<string, unknown> = { t: T, p: P }) => ({ ...head, ...fields });
const f = (over: Record<string, unknown> = {}) => ({ data_enc: 'ascii', len_enc: 'ascii', len_type: 2, max_len: 19, ...over });

describe('importPyiso8583Spec on the spec written for the tests', () => {
  it('imports to a spec that validates and survives JSON, text or parsed', () => {
    const spec = importPyiso8583Spec(text, { name: 'pos' });
    expect(validateSpec(spec)).toBe(spec);
    expect(specFromJSON(specToJSON(spec))).toEqual(spec);
    expect(importPyiso8583Spec(JSON.parse(text) as unknown)).toEqual({ ...spec, name: 'pyiso8583-spec' });
  });

  it('maps data_enc, len_enc, len_type, max_len, len_count and the pads field by field', () => {
    const { mti, bitmap, header, fields } = importPyiso8583Spec(text);
    expect([mti, bitmap, header]).toEqual([{ encoding: 'ascii' }, { format: 'binary' }, undefined]);
    expect(fields[2]).toEqual({ kind: 'ans', length: 19, encoding: 'ascii', prefix: 'LL/ascii', description: 'PAN' });
    expect(fields[3]).toEqual({ kind: 'ans', length: 6, encoding: 'ascii', description: 'Processing Code' });
    expect(fields[35]).toEqual({ kind: 'z', length: 37, encoding: 'bcd', lengthUnit: 'digits', nibblePad: { side: 'right', nibble: 'F' }, prefix: 'LL/bcd', description: 'Track 2, packed' });
    expect(fields[43]!.encoding).toBe('ebcdic500');
    expect(fields[52]).toEqual({ kind: 'b', length: 8, encoding: 'binary', description: 'PIN' });
    expect(fields[55]!.prefix).toBe('LLL/ascii');
    expect(fields[62]!.prefix).toBe('B2');
    expect(fields[63]!.prefix).toBe('LLL/ebcdic037');
    expect(fields[100]!.nibblePad).toEqual({ side: 'left', nibble: '0' });
    expect(fields[102]).toMatchObject({ kind: 'b', prefix: 'LLLL/bcd', encoding: 'binary' });
  });

  it('maps t in BCD, p and 1 as hex text, and h with a length to a header', () => {
    const spec = importPyiso8583Spec({
      h: { data_enc: 'b', len_enc: 'ascii', len_type: 0, max_len: 5 },
      t: { data_enc: 'b', len_enc: 'ascii', len_type: 0, max_len: 2 },
      p: { data_enc: 'cp500', len_enc: 'ascii', len_type: 0, max_len: 16 },
      1: { data_enc: 'cp500', len_enc: 'ascii', len_type: 0, max_len: 16 },
    });
    expect([spec.header, spec.mti, spec.bitmap]).toEqual([{ length: 5, encoding: 'binary' }, { encoding: 'bcd' }, { format: 'hex', encoding: 'ebcdic500' }]);
    expect(importPyiso8583Spec(py({}, { t: T, p: { ...P, data_enc: 'ascii', max_len: 16 } })).bitmap).toEqual({ format: 'hex' });
  });

  it('encodes a frame to the hand-computed bytes, and decodes them back', () => {
    const codec = createCodec(importPyiso8583Spec(text));
    const message = { mti: '0200', fields: { 2: '4111111111111111', 35: '4111111111111111D2512101', 43: 'ABCDEF', 62: 'HI', 100: '123', 102: fromHex('1234') } };
    const expected = parseHexText(`
      30323030                           # t: "0200" in ASCII
      C000000020200004                   # p: 1 (secondary), 2, 35, 43, 62
      0000000014000000                   # 1: 100, 102
      3136 34313131313131313131313131313131  # DE2 len_type 2 ASCII: "16", the digits
      24 4111111111111111D2512101        # DE35 BCD length of 24 nibbles, D the separator nibble
      C1C2C3C4C5C6                       # DE43 cp500, fixed 6
      0002 4849                          # DE62 len_enc b, len_type 2: a 2-byte count
      03 0123                            # DE100 3 nibbles, left_pad 0
      0002 1234                          # DE102 len_enc bcd, len_type 2: four digits counting 2 bytes
    `);
    const bytes = codec.encode(message as unknown as Message);
    expect(toHex(bytes)).toBe(toHex(expected));
    expect(codec.decode(bytes)).toEqual(message);
  });
});

describe('importPyiso8583Spec refuses what it cannot map, naming the field', () => {
  itRefuses((json) => importPyiso8583Spec(json), [
    ['a codec without a converter here', py({ 2: f({ data_enc: 'latin-1' }) }), '2', 'data_enc "latin-1" has no converter here'],
    ['a length codec without a converter here', py({ 2: f({ len_enc: 'cp1140' }) }), '2', 'len_enc "cp1140" has no converter here'],
    ['a binary length of 5 bytes', py({ 2: f({ len_enc: 'b', len_type: 5 }) }), '2', 'a binary length (len_enc "b") is 1 to 4 bytes'],
    ['a BCD length of 4 bytes', py({ 2: f({ len_enc: 'bcd', len_type: 4 }) }), '2', 'a BCD length is 1 to 3 bytes'],
    ['a len_type of 7', py({ 2: f({ len_type: 7 }) }), '2', 'len_type must be a whole number from 0 to 6'],
    ['a max_len of 0', py({ 2: f({ max_len: 0 }) }), '2', 'max_len must be a whole number from 1'],
    ['an unknown len_count', py({ 2: f({ data_enc: 'b', len_count: 'bits' }) }), '2', 'len_count must be "bytes" or "nibbles"'],
    ['nibbles of text', py({ 2: f({ len_count: 'nibbles' }) }), '2', 'applies to binary data (data_enc "b") only'],
    ['a variable nibble field without a pad', py({ 2: f({ data_enc: 'b', len_enc: 'bcd', len_type: 1, len_count: 'nibbles' }) }), '2', 'needs left_pad or right_pad'],
    ['an odd fixed nibble field without a pad', py({ 2: f({ data_enc: 'b', len_type: 0, max_len: 3, len_count: 'nibbles' }) }), '2', 'needs left_pad or right_pad'],
    ['a pad nibble other than 0 or F', py({ 2: f({ data_enc: 'b', len_enc: 'bcd', len_type: 1, len_count: 'nibbles', left_pad: '5' }) }), '2', 'left_pad "5" cannot be mapped'],
    ['a key a field does not have', py({ 2: f({ maxlen: 3 }) }), '2', 'a field has no key "maxlen"'],
    ['a field that is not a dict', py({ 2: 'x' }), '2', 'a field must be a dict'],
    ['a variable MTI', py({}, { t: { ...T, len_type: 2 }, p: P }), 't', 'len_type must be 0'],
    ['a 6-character MTI', py({}, { t: { ...T, max_len: 6 }, p: P }), 't', 'the MTI ("t") is 4 characters'],
    ['a 4-byte binary MTI', py({}, { t: { ...T, data_enc: 'b' }, p: P }), 't', 'a binary MTI ("t") is 2 bytes'],
    ['no t', py({}, { p: P }), 't', '"t" must be a dict'],
    ['a 16-byte binary bitmap', py({}, { t: T, p: { ...P, max_len: 16 } }), 'p', 'a binary bitmap ("p") is 8 bytes'],
    ['an 8-character hex bitmap', py({}, { t: T, p: { ...P, data_enc: 'ascii' } }), 'p', 'a hex bitmap ("p") is 16 characters'],
    ['a bitmap counted in nibbles', py({}, { t: T, p: { ...P, len_count: 'nibbles' } }), 'p', '"p" is counted in bytes'],
    ['a secondary bitmap unlike the primary', py({}, { t: T, p: P, 1: { ...P, data_enc: 'ascii', max_len: 16 } }), '1', 'written like the primary'],
    ['a field above 64 without "1"', py({ 70: f({ len_type: 0, max_len: 3 }) }), '70', 'needs the secondary bitmap'],
    ['a variable header', py({}, { h: { ...T, len_type: 2 }, t: T, p: P }), 'h', 'len_type must be 0'],
  ]);

  itRefuses((json) => importPyiso8583Spec(json), [
    ['text that is not JSON', '{', undefined, 'the text is not valid JSON'],
    ['JSON that is not a dict', '[]', undefined, 'a pyiso8583 spec is a dict of fields'],
    ['a key that is no field', { t: T, p: P, 129: f() }, undefined, 'key "129" is not h, t, p or a field number'],
  ]);

  it('refuses options it does not know and an empty name', () => {
    expect(catchIso(() => importPyiso8583Spec(py({}), { nmae: 'x' } as never)).code).toBe('INVALID_OPTION');
    expect(catchIso(() => importPyiso8583Spec(py({}), { name: '' })).code).toBe('INVALID_OPTION');
  });
});
