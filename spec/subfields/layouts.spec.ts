import { describe as group, expect, it } from 'vitest';
import { type BitmappedLayout, type Codec, createCodec, type FieldSpec, type Message, toHex } from '../../src/index.js';
import { catchIso } from '../message/errors-helper.js';

const f = (kind: FieldSpec['kind'], length: number, extra: Partial<FieldSpec> = {}): FieldSpec => ({ kind, length, encoding: 'ascii', ...extra });
const bytesOf = (data: string | number[]): number[] => (typeof data === 'string' ? [...Buffer.from(data, 'latin1')] : data);
const where = (fn: () => unknown): [string, string | undefined, number | undefined] => {
  const e = catchIso(fn);
  return [e.code, e.field, e.offset];
};

function codecFor(n: number, field: FieldSpec): Codec<Message> {
  return createCodec({ name: `t${n}`, mti: { encoding: 'ascii' }, bitmap: { format: 'binary' }, fields: { [n]: field } }) as unknown as Codec<Message>;
}
/** MTI "0100" and a binary primary bitmap announcing field `n` (2–64) alone: 12 bytes. */
const head = (n: number): number[] => {
  const bitmap = [0, 0, 0, 0, 0, 0, 0, 0];
  bitmap[(n - 1) >> 3] = 0x80 >> ((n - 1) & 7);
  return [...Buffer.from('0100'), ...bitmap];
};

group('positional subfields in a fixed field', () => {
  // Field 3 (offset 12): six digits in three subfields of two.
  const codec = codecFor(3, f('n', 6, { subfields: { type: 'positional', fields: { 1: f('n', 2), 2: f('n', 2), 3: f('n', 2) } } }));
  const encode = (value: unknown): string => toHex(codec.encode({ mti: '0100', fields: { 3: value as never } }).subarray(12));

  it('write the subfields in their numeric order whatever order the value lists them in', () => {
    expect(encode({ 3: '56', 1: '12', 2: '34' })).toBe(toHex(Buffer.from('123456')));
  });

  it('ignore a subfield key whose value is undefined', () => {
    expect(encode({ 1: '12', 2: '34', 3: '56', 4: undefined })).toBe(toHex(Buffer.from('123456')));
  });

  it('refuse a subfield the layout does not define, under its own path', () => {
    expect(where(() => encode({ 1: '12', 2: '34', 3: '56', 4: '7' }))).toEqual(['UNKNOWN_FIELD', '3.4', undefined]);
  });

  it('refuse a missing subfield under its own path, where it would start', () => {
    expect(where(() => encode({ 1: '12', 3: '56' }))).toEqual(['INVALID_MESSAGE', '3.2', 14]);
    expect(where(() => encode({ 1: '12', 2: undefined, 3: '56' }))).toEqual(['INVALID_MESSAGE', '3.2', 14]);
  });

  it.each([
    ['null', null],
    ['an array', ['12', '34', '56']],
    ['bytes', Uint8Array.of(1, 2, 3)],
    ['text', '123456'],
  ])('refuse %s in place of the object of subfields, at the field', (_what, value) => {
    expect(where(() => encode(value))).toEqual(['INVALID_VALUE_TYPE', '3', 12]);
  });
});

group('fields whose subfields do not fill them', () => {
  // Field 3 fixed at 10 characters, holding 2 fixed characters and a variable subfield of up to 8: only values whose
  // second subfield is exactly 6 characters long fill it.
  const fixed = codecFor(3, f('ans', 10, { subfields: { type: 'positional', fields: { 1: f('an', 2), 2: f('ans', 8, { prefix: 'LL/ascii' }) } } }));
  const encodeFixed = (value: unknown): Uint8Array => fixed.encode({ mti: '0100', fields: { 3: value as never } });

  it('write a fixed field its subfields fill exactly', () => {
    expect(toHex(encodeFixed({ 1: 'AB', 2: 'xyzxyz' }).subarray(12))).toBe(toHex(Buffer.from('AB06xyzxyz')));
  });

  it('refuse subfields shorter than their fixed field with INVALID_LENGTH and longer ones with LENGTH_EXCEEDS_MAX, at the field', () => {
    expect(where(() => encodeFixed({ 1: 'AB', 2: 'xyz' }))).toEqual(['INVALID_LENGTH', '3', 12]);
    expect(where(() => encodeFixed({ 1: 'AB', 2: 'xyzxyzxy' }))).toEqual(['LENGTH_EXCEEDS_MAX', '3', 12]);
  });

  it('locate a subfield refused on encode inside a fixed field at its own byte, no prefix before the content', () => {
    // The field's content starts at byte 12 of the frame (MTI 4, bitmap 8): subfield 1 (an) refuses the "~" of
    // "A~" at byte 13, a number only when the offset inside the content is added to the field's own start.
    expect(where(() => encodeFixed({ 1: 'A~', 2: 'xyzxyz' }))).toEqual(['INVALID_CHARACTER', '3.1', 13]);
  });

  it('refuse, on decode, bytes of a fixed field left after its last subfield, at the first of them', () => {
    const frame = Uint8Array.from([...head(3), ...bytesOf('AB03xyz   ')]);
    expect(where(() => fixed.decode(frame))).toEqual(['TRAILING_BYTES', '3', 19]);
  });

  it('refuse, on decode, bytes of a prefixed field left after its last subfield, at the first of them', () => {
    const prefixed = codecFor(48, f('ans', 999, { prefix: 'LLL/ascii', subfields: { type: 'positional', fields: { 1: f('n', 2), 2: f('n', 2) } } }));
    const frame = Uint8Array.from([...head(48), ...bytesOf('005'), ...bytesOf('12345')]);
    expect(where(() => prefixed.decode(frame))).toEqual(['TRAILING_BYTES', '48', 19]);
    expect(prefixed.decode(Uint8Array.from([...head(48), ...bytesOf('004'), ...bytesOf('1234')])).fields[48]).toEqual({ 1: '12', 2: '34' });
  });

  it('refuse, on decode, bytes left inside a TLV or BER-TLV field only when they do not form an entry', () => {
    // The data of both layouts is a list of entries to the end of the field: a left-over byte is a malformed entry.
    const tlv = codecFor(48, f('ans', 999, { prefix: 'LLL/ascii', subfields: { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: 'ascii' } }));
    expect(where(() => tlv.decode(Uint8Array.from([...head(48), ...bytesOf('005'), ...bytesOf('ZZ00Z')])))).toEqual(['TRUNCATED', '48', 19]);
    const ber = codecFor(55, { kind: 'b', length: 999, prefix: 'LLL/ascii', encoding: 'binary', subfields: { type: 'ber-tlv' } });
    expect(where(() => ber.decode(Uint8Array.from([...head(55), ...bytesOf('004'), 0x5a, 0x01, 0x01, 0x5a])))).toEqual(['INVALID_TLV', '55.5A', 19]);
  });
});

group('bitmapped subfields', () => {
  // Field 48 (prefix LLL/ascii at offset 12, content from offset 15).
  const DATA = 15;
  function bitmapped(layout: Omit<BitmappedLayout, 'type'>): Codec<Message> {
    return codecFor(48, f('ans', 999, { prefix: 'LLL/ascii', subfields: { type: 'bitmapped', ...layout } as BitmappedLayout }));
  }
  const content = (c: Codec<Message>, value: unknown): string => toHex(c.encode({ mti: '0100', fields: { 48: value as never } }).subarray(DATA));
  const frame = (...parts: (string | number[])[]): Uint8Array => {
    const data = parts.flatMap(bytesOf);
    return Uint8Array.from([...head(48), ...bytesOf(String(data.length).padStart(3, '0')), ...data]);
  };
  const primary = bitmapped({ bitmap: { format: 'binary' }, fields: { 1: f('n', 1), 2: f('n', 1), 64: f('n', 1) } });
  const secondary = bitmapped({ bitmap: { format: 'hex' }, secondary: true, fields: { 2: f('n', 1), 64: f('n', 1), 65: f('n', 1), 128: f('n', 1) } });

  it('without a secondary, carry subfields 1 to 64 under one sub-bitmap', () => {
    const value = { 1: '1', 2: '2', 64: '9' };
    expect(content(primary, value)).toBe(toHex(Uint8Array.from([0xc0, 0, 0, 0, 0, 0, 0, 0x01, ...bytesOf('129')])));
    expect(primary.decode(frame([0xc0, 0, 0, 0, 0, 0, 0, 0x01], '129')).fields[48]).toEqual(value);
  });

  it('with a secondary, write the second sub-bitmap only for a subfield above 64', () => {
    expect(content(secondary, { 2: '2', 64: '9' })).toBe(toHex(Buffer.from('4000000000000001' + '29')));
    expect(content(secondary, { 65: '5', 128: '8' })).toBe(toHex(Buffer.from('8000000000000000' + '8000000000000001' + '58')));
  });

  it('with a secondary, read subfields 2 to 128 through the second sub-bitmap', () => {
    expect(secondary.decode(frame('C000000000000001', '8000000000000001', '2958')).fields[48]).toEqual({ 2: '2', 64: '9', 65: '5', 128: '8' });
    expect(secondary.decode(frame('4000000000000001', '29')).fields[48]).toEqual({ 2: '2', 64: '9' });
  });

  it('refuse a second sub-bitmap that is announced but empty, at that sub-bitmap', () => {
    expect(where(() => secondary.decode(frame('C000000000000000', '0000000000000000', '2')))).toEqual(['NON_CANONICAL_BITMAP', '48.bitmap', DATA + 16]);
  });

  it('refuse a subfield the sub-bitmap announces and the layout does not define, where it would start', () => {
    expect(where(() => primary.decode(frame([0x60, 0, 0, 0, 0, 0, 0, 0], '2')))).toEqual(['UNKNOWN_FIELD', '48.3', DATA + 9]);
    expect(where(() => secondary.decode(frame('C000000000000000', '4000000000000000', '2')))).toEqual(['UNKNOWN_FIELD', '48.66', DATA + 33]);
  });

  it('refuse on encode a subfield the layout does not define, and subfield 1 when bit 1 announces the second sub-bitmap', () => {
    expect(where(() => content(primary, { 3: '3' }))).toEqual(['UNKNOWN_FIELD', '48.3', undefined]);
    expect(where(() => content(secondary, { 1: '1', 2: '2' }))).toEqual(['UNKNOWN_FIELD', '48.1', undefined]);
    expect(where(() => content(primary, { 2: '2', 65: '5' }))).toEqual(['UNKNOWN_FIELD', '48.65', undefined]);
  });

  it('ignore a subfield key whose value is undefined', () => {
    expect(content(primary, { 2: '2', 3: undefined })).toBe(toHex(Uint8Array.from([0x40, 0, 0, 0, 0, 0, 0, 0, ...bytesOf('2')])));
  });

  it('refuse something other than an object of subfields, at the field', () => {
    expect(where(() => content(primary, ['1']))).toEqual(['INVALID_VALUE_TYPE', '48', DATA]);
  });
});
