import { describe as group, expect, it } from 'vitest';
import { type Codec, createCodec, type Message, type TlvEntry, type TlvLayout, toHex } from '../../src/index.js';
import { catchIso } from '../message/errors-helper.js';

// DE48 alone in a frame: MTI "0100" (4 bytes), binary primary bitmap with bit 48 (8 bytes), an LLL/ascii prefix
// (3 bytes), then the TLV data, whose first byte is therefore at offset 15 of the frame.
const DATA = 15;
const TAGS = {
  // Text of up to 3 digits, bytes of up to 4, and bytes carried as hex text (two characters a byte).
  AA: { kind: 'n', length: 3, encoding: 'ascii' },
  BB: { kind: 'b', length: 4, encoding: 'binary' },
  HX: { kind: 'b', length: 3, encoding: 'hex' },
} as const;

function de48(layout: Partial<TlvLayout> = {}): Codec<Message> {
  return createCodec({
    name: 'de48',
    mti: { encoding: 'ascii' },
    bitmap: { format: 'binary' },
    fields: { 48: { kind: 'ans', length: 999, prefix: 'LLL/ascii', encoding: 'ascii', subfields: { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: 'ascii', tags: TAGS, ...layout } } },
  }) as unknown as Codec<Message>;
}
const codec = de48();
const strict = de48({ unknownTags: 'reject' });

const bytesOf = (data: string | number[]): number[] => (typeof data === 'string' ? [...Buffer.from(data, 'latin1')] : data);
/** A frame carrying `data` (text, or bytes) as DE48. */
function frame(...parts: (string | number[])[]): Uint8Array {
  const data = parts.flatMap(bytesOf);
  return Uint8Array.from([...Buffer.from('0100'), 0, 0, 0, 0, 0, 0x01, 0, 0, ...Buffer.from(String(data.length).padStart(3, '0')), ...data]);
}
const decode = (c: Codec<Message>, ...parts: (string | number[])[]): TlvEntry[] => c.decode(frame(...parts)).fields[48] as TlvEntry[];
/** The DE48 data bytes (in hex) that encoding `value` gives. */
const encode = (value: unknown, c: Codec<Message> = codec): string => toHex(c.encode({ mti: '0100', fields: { 48: value as TlvEntry[] } }).subarray(DATA));
const hex = (...parts: (string | number[])[]): string => toHex(Uint8Array.from(parts.flatMap(bytesOf)));
const where = (fn: () => unknown): [string, string | undefined, number | undefined] => {
  const e = catchIso(fn);
  return [e.code, e.field, e.offset];
};

group('simple TLV on decode', () => {
  it('reads each known tag through its own converter and an unknown tag as text', () => {
    expect(decode(codec, 'AA03123', 'BB02', [0x01, 0xff], 'HX02ABCD', 'ZZ03a b')).toEqual([
      { tag: 'AA', value: '123' },
      { tag: 'BB', value: Uint8Array.of(0x01, 0xff) },
      { tag: 'HX', value: Uint8Array.of(0xab, 0xcd) },
      { tag: 'ZZ', value: 'a b' },
    ]);
  });

  it('reads a length of several digits as decimal', () => {
    expect(decode(codec, 'ZZ12abcdefghijkl', 'ZZ00')).toEqual([
      { tag: 'ZZ', value: 'abcdefghijkl' },
      { tag: 'ZZ', value: '' },
    ]);
  });

  it('reports a tag or a length cut short by the end of the data as TRUNCATED where the missing bytes start', () => {
    expect(where(() => codec.decode(frame('AA03123', 'B')))).toEqual(['TRUNCATED', '48', DATA + 7]);
    expect(where(() => codec.decode(frame('AA03123', 'BB0')))).toEqual(['TRUNCATED', '48', DATA + 9]);
  });

  it('refuses a length that is not digits and a tag outside the printable characters, at the entry', () => {
    expect(where(() => codec.decode(frame('AA03123', 'ZZ1x', 'abc')))).toEqual(['INVALID_TLV', '48', DATA + 7]);
    expect(where(() => codec.decode(frame('AA03123', [0x01, 0x41], '00')))).toEqual(['INVALID_TLV', '48', DATA + 7]);
  });

  it('refuses a known tag longer than its maximum, at the entry, and reads one of exactly its maximum', () => {
    expect(where(() => codec.decode(frame('ZZ00', 'AA041234')))).toEqual(['LENGTH_EXCEEDS_MAX', '48.AA', DATA + 4]);
    expect(decode(codec, 'BB04', [1, 2, 3, 4])).toEqual([{ tag: 'BB', value: Uint8Array.of(1, 2, 3, 4) }]);
  });

  it('refuses a value the data does not hold, where the value starts', () => {
    expect(where(() => codec.decode(frame('AA03123', 'ZZ05abc')))).toEqual(['TRUNCATED', '48.ZZ', DATA + 11]);
    // HX 03 announces 3 bytes, 6 hex characters: 4 are there.
    expect(where(() => codec.decode(frame('HX03ABCD')))).toEqual(['TRUNCATED', '48.HX', DATA + 4]);
  });

  it('refuses a value its converter refuses, under the tag’s path at the offending byte', () => {
    expect(where(() => codec.decode(frame('ZZ00', 'AA0312x')))).toEqual(['INVALID_CHARACTER', '48.AA', DATA + 10]);
  });

  it('reads an unknown tag’s value as printable text (ans) only, refusing a control character where it stands', () => {
    expect(where(() => codec.decode(frame('ZZ02a', [0x01])))).toEqual(['INVALID_CHARACTER', '48.ZZ', DATA + 5]);
  });

  it('reads known tags when unknown ones are refused, and refuses the unknown one at its entry', () => {
    expect(decode(strict, 'AA03123')).toEqual([{ tag: 'AA', value: '123' }]);
    expect(where(() => strict.decode(frame('AA03123', 'ZZ00')))).toEqual(['UNKNOWN_TAG', '48.ZZ', DATA + 7]);
  });
});

group('simple TLV on encode', () => {
  it('writes tag, zero-padded decimal length and value for known and unknown tags, in order', () => {
    const value = [
      { tag: 'AA', value: '123' },
      { tag: 'BB', value: Uint8Array.of(0x01, 0xff) },
      { tag: 'HX', value: Uint8Array.of(0xab, 0xcd) },
      { tag: 'ZZ', value: 'a b' },
      { tag: 'ZZ', value: 'abcdefghijkl' },
    ];
    expect(encode(value)).toBe(hex('AA03123', 'BB02', [0x01, 0xff], 'HX02ABCD', 'ZZ03a b', 'ZZ12abcdefghijkl'));
  });

  it('writes lengths with as many digits as the layout declares', () => {
    const wide = de48({ lengthDigits: 4 });
    expect(encode([{ tag: 'ZZ', value: 'xy' }], wide)).toBe(hex('ZZ0002xy'));
  });

  it('refuses a value that is not a list, at the field', () => {
    expect(where(() => encode('AA03123'))).toEqual(['INVALID_VALUE_TYPE', '48', DATA]);
    expect(where(() => encode({ AA: '123' }))).toEqual(['INVALID_VALUE_TYPE', '48', DATA]);
  });

  it('writes an unknown tag’s value as printable text (ans) only, refusing a control character where it would stand', () => {
    expect(where(() => encode([{ tag: 'ZZ', value: 'a\u0001' }]))).toEqual(['INVALID_CHARACTER', '48.ZZ', DATA + 5]);
  });

  it.each([
    ['shorter than the layout’s tags', 'A'],
    ['longer than the layout’s tags', 'AAA'],
    ['that is not a string', 0x4141],
  ])('refuses a tag %s, at the entry', (_what, tag) => {
    expect(where(() => encode([{ tag: 'AA', value: '123' }, { tag, value: '1' }]))).toEqual(['INVALID_VALUE_TYPE', '48', DATA + 7]);
  });

  it('refuses an entry that is not an object, at the entry', () => {
    expect(where(() => encode([{ tag: 'AA', value: '123' }, null]))).toEqual(['INVALID_VALUE_TYPE', '48', DATA + 7]);
  });

  it('refuses, when told to, a tag outside the layout (no offset: nothing of it is written), and writes known ones', () => {
    expect(where(() => encode([{ tag: 'ZZ', value: '1' }], strict))).toEqual(['UNKNOWN_TAG', '48.ZZ', undefined]);
    expect(encode([{ tag: 'AA', value: '123' }], strict)).toBe(hex('AA03123'));
  });

  it('refuses text for a binary tag and bytes for a text or unknown tag, under the tag’s path at the entry', () => {
    expect(where(() => encode([{ tag: 'AA', value: '123' }, { tag: 'BB', value: '0102' }]))).toEqual(['INVALID_VALUE_TYPE', '48.BB', DATA + 7]);
    expect(where(() => encode([{ tag: 'AA', value: '123' }, { tag: 'AA', value: Uint8Array.of(1) }]))).toEqual(['INVALID_VALUE_TYPE', '48.AA', DATA + 7]);
    expect(where(() => encode([{ tag: 'AA', value: '123' }, { tag: 'ZZ', value: Uint8Array.of(1) }]))).toEqual(['INVALID_VALUE_TYPE', '48.ZZ', DATA + 7]);
  });

  it('refuses a known value above its maximum and an unknown one above what the length digits carry, at the entry', () => {
    expect(where(() => encode([{ tag: 'AA', value: '123' }, { tag: 'AA', value: '1234' }]))).toEqual(['LENGTH_EXCEEDS_MAX', '48.AA', DATA + 7]);
    expect(where(() => encode([{ tag: 'AA', value: '123' }, { tag: 'BB', value: new Uint8Array(5) }]))).toEqual(['LENGTH_EXCEEDS_MAX', '48.BB', DATA + 7]);
    // Two length digits carry at most 99 (the layout's lengthDigits, not the code, sets the bound).
    expect(where(() => encode([{ tag: 'ZZ', value: 'x'.repeat(100) }]))).toEqual(['LENGTH_EXCEEDS_MAX', '48.ZZ', DATA]);
    expect(encode([{ tag: 'ZZ', value: 'x'.repeat(99) }])).toBe(hex('ZZ99', 'x'.repeat(99)));
  });

  it('refuses a character its converter cannot write, under the tag’s path at that character', () => {
    expect(where(() => encode([{ tag: 'AA', value: '123' }, { tag: 'AA', value: '12x' }]))).toEqual(['INVALID_CHARACTER', '48.AA', DATA + 7 + 4 + 2]);
    expect(where(() => encode([{ tag: 'AA', value: '123' }, { tag: 'Z\u00e9', value: '' }]))).toEqual(['INVALID_CHARACTER', '48.Z\u00e9', DATA + 7 + 1]);
  });
});
