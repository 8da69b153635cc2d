import { describe, expect, it } from 'vitest';
import { type Codec, createCodec, defineSpec, type FieldSpec, type Message, presets, toHex } from '../../src/index.js';
import { catchIso } from './errors-helper.js';

const te = new TextEncoder();
/** Concatenates byte arrays and ASCII strings into one frame. */
function frame(...parts: (string | readonly number[])[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...te.encode(p)] : p)));
}
/** Hex of the ASCII bytes of `s`. */
const hexOf = (s: string): string => toHex(te.encode(s));
/** The code, field and offset of the error `fn` throws: what only the check that raised it produces. */
const where = (fn: () => unknown): [string, string | undefined, number | undefined] => {
  const e = catchIso(fn);
  return [e.code, e.field, e.offset];
};
/** A codec with an ASCII MTI, a binary bitmap and the given fields. */
function codecOf(name: string, fields: Record<number, FieldSpec>): Codec<Message> {
  return createCodec(defineSpec({ name, mti: { encoding: 'ascii' }, bitmap: { format: 'binary' }, fields })) as unknown as Codec<Message>;
}
const ascii = createCodec(presets.iso87ascii) as unknown as Codec<Message>;
/** Primary bitmap with only field `n` (2–64) set. */
function only(n: number): number[] {
  const bits = [0, 0, 0, 0, 0, 0, 0, 0];
  bits[(n - 1) >> 3] = 0x80 >> ((n - 1) & 7);
  return bits;
}

describe('a variable field at its maximum', () => {
  // ISO 8583:1987 DE2: n..19, LLVAR.
  const pan19 = '4'.repeat(19);

  it('carries exactly its maximum both ways (DE2: 19 digits)', () => {
    const bytes = frame('0100', only(2), '19', pan19);
    expect(ascii.decode(bytes).fields).toEqual({ 2: pan19 });
    expect(toHex(ascii.encode({ mti: '0100', fields: { 2: pan19 } }))).toBe(toHex(bytes));
  });

  it('refuses one more, at the length prefix, both ways', () => {
    expect(where(() => ascii.decode(frame('0100', only(2), '20', pan19 + '4')))).toEqual(['LENGTH_EXCEEDS_MAX', '2', 12]);
    expect(where(() => ascii.encode({ mti: '0100', fields: { 2: pan19 + '4' } }))).toEqual(['LENGTH_EXCEEDS_MAX', '2', 12]);
  });

  it('carries an empty value as a zero count', () => {
    const bytes = frame('0100', only(2), '00');
    expect(ascii.decode(bytes).fields).toEqual({ 2: '' });
    expect(toHex(ascii.encode({ mti: '0100', fields: { 2: '' } }))).toBe(toHex(bytes));
  });
});

describe('hex text counted in characters', () => {
  // Four bytes of value at most: eight hex characters, the count in characters.
  const codec = codecOf('fields-hex-chars', { 48: { kind: 'b', length: 8, prefix: 'LL/ascii', encoding: 'hex', lengthUnit: 'chars' } });

  it('writes two characters per byte and counts them', () => {
    const bytes = frame('0100', only(48), '04', 'ABCD');
    expect(toHex(codec.encode({ mti: '0100', fields: { 48: Uint8Array.from([0xab, 0xcd]) } }))).toBe(toHex(bytes));
    expect(codec.decode(bytes).fields).toEqual({ 48: Uint8Array.from([0xab, 0xcd]) });
    expect(codec.decode(frame('0100', only(48), '00')).fields).toEqual({ 48: new Uint8Array(0) });
  });

  it('refuses an odd count, which is no whole number of bytes, at the prefix', () => {
    expect(where(() => codec.decode(frame('0100', only(48), '03', 'ABC')))).toEqual(['INVALID_LENGTH_PREFIX', '48', 12]);
    expect(where(() => codec.decode(frame('0100', only(48), '01', 'A')))).toEqual(['INVALID_LENGTH_PREFIX', '48', 12]);
  });

  it('compares the count in characters with the maximum, both ways', () => {
    const four = Uint8Array.from([1, 2, 3, 4]);
    expect(toHex(codec.encode({ mti: '0100', fields: { 48: four } }))).toBe(toHex(frame('0100', only(48), '08', '01020304')));
    expect(where(() => codec.encode({ mti: '0100', fields: { 48: Uint8Array.from([1, 2, 3, 4, 5]) } }))).toEqual(['LENGTH_EXCEEDS_MAX', '48', 12]);
    expect(where(() => codec.decode(frame('0100', only(48), '10', '0102030405')))).toEqual(['LENGTH_EXCEEDS_MAX', '48', 12]);
  });
});

describe('errors of a scalar field on encode', () => {
  it('name the field and its offset for a value of the wrong type', () => {
    expect(where(() => ascii.encode({ mti: '0100', fields: { 4: 1000 as never } }))).toEqual(['INVALID_VALUE_TYPE', '4', 12]);
    expect(where(() => ascii.encode({ mti: '0100', fields: { 52: '0102030405060708' } }))).toEqual(['INVALID_VALUE_TYPE', '52', 12]);
    // DE3 (6) comes first: DE4 starts at 18.
    expect(where(() => ascii.encode({ mti: '0100', fields: { 3: '000000', 4: null as never } }))).toEqual(['INVALID_VALUE_TYPE', '4', 18]);
  });

  it('name the field and its offset for a value that does not fit a fixed field', () => {
    expect(where(() => ascii.encode({ mti: '0100', fields: { 3: '0000000' } }))).toEqual(['LENGTH_EXCEEDS_MAX', '3', 12]);
    expect(where(() => ascii.encode({ mti: '0100', fields: { 52: new Uint8Array(7) } }))).toEqual(['INVALID_LENGTH', '52', 12]);
    expect(where(() => ascii.encode({ mti: '0100', fields: { 52: new Uint8Array(9) } }))).toEqual(['LENGTH_EXCEEDS_MAX', '52', 12]);
  });

  it('refuse a short value for a fixed text field without a pad (x+n)', () => {
    // DE28 is x+n 9: a sign and eight digits, never padded.
    expect(where(() => ascii.encode({ mti: '0100', fields: { 28: 'C150' } }))).toEqual(['INVALID_LENGTH', '28', 12]);
  });

  it('pad a short fixed field on the side its spec says, with its character', () => {
    const codec = codecOf('fields-pads', {
      41: { kind: 'ans', length: 8, encoding: 'ascii', pad: { side: 'left', char: '*' } },
      42: { kind: 'ans', length: 6, encoding: 'ascii', pad: { side: 'right', char: '_' } },
    });
    const out = codec.encode({ mti: '0100', fields: { 41: 'T1', 42: 'M1' } });
    expect(toHex(out)).toBe(hexOf('0100') + '0000000000C00000' + hexOf('******T1' + 'M1____'));
    expect(codec.decode(out).fields).toEqual({ 41: '******T1', 42: 'M1____' });
  });

  it('refuse the F-pad ambiguity at the field, on each pad side', () => {
    const codec = codecOf('fields-f-pad', {
      34: { kind: 'z', length: 10, encoding: 'bcd', lengthUnit: 'bytes', prefix: 'LL/ascii', nibblePad: { side: 'right', nibble: 'F' } },
      35: { kind: 'z', length: 10, encoding: 'bcd', lengthUnit: 'bytes', prefix: 'LL/ascii', nibblePad: { side: 'left', nibble: 'F' } },
    });
    // An even value whose pad-side digit is F: on decode the F would be taken for the pad.
    expect(where(() => codec.encode({ mti: '0100', fields: { 34: '12DF' } }))).toEqual(['INVALID_PADDING', '34', 12]);
    expect(where(() => codec.encode({ mti: '0100', fields: { 35: 'F2D4' } }))).toEqual(['INVALID_PADDING', '35', 12]);
    // The same digits away from the pad side are data.
    const out = codec.encode({ mti: '0100', fields: { 34: 'F2D4', 35: '12DF' } });
    expect(toHex(out)).toBe(hexOf('0100') + '0000000060000000' + hexOf('02') + 'F2D4' + hexOf('02') + '12DF');
    expect(codec.decode(out).fields).toEqual({ 34: 'F2D4', 35: '12DF' });
  });
});

describe('fields whose length counts packed digits in bytes', () => {
  const codec = codecOf('fields-bcd-bytes', {
    32: { kind: 'n', length: 6, encoding: 'bcd', lengthUnit: 'bytes', prefix: 'LL/ascii', nibblePad: { side: 'left', nibble: 'F' } },
    33: { kind: 'n', length: 6, encoding: 'bcd', lengthUnit: 'bytes', prefix: 'LL/ascii', nibblePad: { side: 'right', nibble: 'F' } },
  });

  it('write an odd digit count with its F pad on the declared side and count the bytes', () => {
    const out = codec.encode({ mti: '0100', fields: { 32: '12345', 33: '12345' } });
    expect(toHex(out)).toBe(hexOf('0100') + '0000000180000000' + hexOf('03') + 'F12345' + hexOf('03') + '12345F');
    expect(codec.decode(out).fields).toEqual({ 32: '12345', 33: '12345' });
  });

  it('keep an even count whole, a leading or trailing 0 included', () => {
    const out = codec.encode({ mti: '0100', fields: { 32: '012340', 33: '012340' } });
    expect(toHex(out)).toBe(hexOf('0100') + '0000000180000000' + hexOf('03') + '012340' + hexOf('03') + '012340');
    expect(codec.decode(out).fields).toEqual({ 32: '012340', 33: '012340' });
  });

  it('carry an empty value as a zero count', () => {
    const out = codec.encode({ mti: '0100', fields: { 32: '', 33: '' } });
    expect(toHex(out)).toBe(hexOf('0100') + '0000000180000000' + hexOf('00') + hexOf('00'));
    expect(codec.decode(out).fields).toEqual({ 32: '', 33: '' });
  });

  it('compare the byte count with the maximum', () => {
    // Six bytes hold twelve digits; thirteen need seven bytes.
    expect(toHex(codec.encode({ mti: '0100', fields: { 32: '1'.repeat(12) } }).subarray(12))).toBe(hexOf('06') + '11'.repeat(6));
    expect(where(() => codec.encode({ mti: '0100', fields: { 32: '1'.repeat(13) } }))).toEqual(['LENGTH_EXCEEDS_MAX', '32', 12]);
    expect(where(() => codec.decode(Uint8Array.from([...frame('0100', [0, 0, 0, 0x01, 0, 0, 0, 0], '07'), ...new Array(7).fill(0x11)])))).toEqual([
      'LENGTH_EXCEEDS_MAX',
      '32',
      12,
    ]);
  });
});

describe('a container of packed digits', () => {
  const codec = codecOf('fields-bcd-container', {
    60: {
      kind: 'n', length: 12, prefix: 'LL/ascii', encoding: 'bcd',
      subfields: {
        type: 'positional',
        fields: { 1: { kind: 'n', length: 2, encoding: 'bcd' }, 2: { kind: 'n', length: 4, encoding: 'bcd' } },
      },
    },
  });

  it('counts its content in digits, two per byte', () => {
    const out = codec.encode({ mti: '0100', fields: { 60: { 1: '12', 2: '3456' } } });
    expect(toHex(out)).toBe(hexOf('0100') + '0000000000000010' + hexOf('06') + '123456');
    expect(codec.decode(out).fields).toEqual({ 60: { 1: '12', 2: '3456' } });
  });
});
