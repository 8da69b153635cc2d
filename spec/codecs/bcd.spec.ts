import { describe, expect, it } from 'vitest';
import { type ConvertContext, getConverter, KIND_ALPHABETS } from '../../src/index.js';
import { catchIso } from '../message/errors-helper.js';

const bcd = getConverter('bcd');
const ctx = (alphabet: Uint8Array | undefined, side: 'left' | 'right' = 'left', nibble: '0' | 'F' = '0'): ConvertContext => ({ alphabet, nibblePad: { side, nibble } });
const n = KIND_ALPHABETS.n;
const z = KIND_ALPHABETS.z;

/** Encodes `value` at offset 2 of a buffer pre-filled with 0x55, so every nibble the encoder leaves shows. */
function encodeAt(value: string, context: ConvertContext, size = 6): number[] {
  const out = new Uint8Array(size).fill(0x55);
  bcd.encode(value, out, 2, context);
  return [...out];
}
const decodeAt = (bytes: number[], units: number, context: ConvertContext): unknown => bcd.decode(Uint8Array.from([0xee, 0xee, ...bytes]), 2, units, context);
const where = (fn: () => unknown): [string, number | undefined] => {
  const e = catchIso(fn);
  return [e.code, e.offset];
};

describe('bcd converter: pad nibbles', () => {
  it('writes the pad nibble into the spare half of the first byte (left) or of the last byte (right), and nothing past the value', () => {
    expect(encodeAt('123', ctx(n, 'left', '0'))).toEqual([0x55, 0x55, 0x01, 0x23, 0x55, 0x55]);
    expect(encodeAt('123', ctx(n, 'left', 'F'))).toEqual([0x55, 0x55, 0xf1, 0x23, 0x55, 0x55]);
    expect(encodeAt('123', ctx(n, 'right', '0'))).toEqual([0x55, 0x55, 0x12, 0x30, 0x55, 0x55]);
    expect(encodeAt('123', ctx(n, 'right', 'F'))).toEqual([0x55, 0x55, 0x12, 0x3f, 0x55, 0x55]);
    expect(encodeAt('1', ctx(n, 'right', 'F'))).toEqual([0x55, 0x55, 0x1f, 0x55, 0x55, 0x55]);
  });

  it('writes an even count of digits with no pad nibble, whatever the pad rule', () => {
    expect(encodeAt('1234', ctx(n, 'left', 'F'))).toEqual([0x55, 0x55, 0x12, 0x34, 0x55, 0x55]);
    expect(encodeAt('1234', ctx(n, 'right', 'F'))).toEqual([0x55, 0x55, 0x12, 0x34, 0x55, 0x55]);
    expect(encodeAt('', ctx(n, 'right', 'F'))).toEqual([0x55, 0x55, 0x55, 0x55, 0x55, 0x55]);
  });

  it('reads an even count of digits without looking for a pad nibble', () => {
    expect(decodeAt([0x12, 0x34], 4, ctx(n, 'left', 'F'))).toBe('1234');
    expect(decodeAt([0x12, 0x34], 4, ctx(n, 'right', 'F'))).toBe('1234');
  });

  // The F-pad ambiguity: "123" is 01 23 or F1 23 on the left, 12 30 or 12 3F on the right; each field reads only
  // the form its nibblePad names, so one value has one byte form.
  it.each([
    ['left', '0', [0xf1, 0x23], 2],
    ['left', 'F', [0x01, 0x23], 2],
    ['right', '0', [0x12, 0x3f], 3],
    ['right', 'F', [0x12, 0x30], 3],
  ] as const)('with the pad on the %s as %s, refuses the other pad nibble with INVALID_PADDING at its byte', (side, nibble, bytes, offset) => {
    expect(where(() => decodeAt([...bytes], 3, ctx(n, side, nibble)))).toEqual(['INVALID_PADDING', offset]);
  });

  it.each([
    ['left', '0', [0x01, 0x23]],
    ['left', 'F', [0xf1, 0x23]],
    ['right', '0', [0x12, 0x30]],
    ['right', 'F', [0x12, 0x3f]],
  ] as const)('with the pad on the %s as %s, reads the value around its pad nibble', (side, nibble, bytes) => {
    expect(decodeAt([...bytes], 3, ctx(n, side, nibble))).toBe('123');
  });

  it('reads one digit padded on the right from the high nibble', () => {
    expect(decodeAt([0x7f], 1, ctx(n, 'right', 'F'))).toBe('7');
    expect(where(() => decodeAt([0x7e], 1, ctx(n, 'right', 'F')))).toEqual(['INVALID_PADDING', 2]);
  });
});

describe('bcd converter: nibbles', () => {
  it('refuses a nibble the kind forbids with INVALID_NIBBLE at its byte, in either half and after a left pad', () => {
    expect(where(() => decodeAt([0x12, 0xa4], 4, ctx(n)))).toEqual(['INVALID_NIBBLE', 3]);
    expect(where(() => decodeAt([0x12, 0x3b], 4, ctx(n)))).toEqual(['INVALID_NIBBLE', 3]);
    expect(where(() => decodeAt([0x01, 0x2c], 3, ctx(n)))).toEqual(['INVALID_NIBBLE', 3]);
  });

  it('allows every nibble 0–F when the field names no alphabet', () => {
    expect(decodeAt([0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef], 16, ctx(undefined))).toBe('0123456789ABCDEF');
    expect(encodeAt('09AF', ctx(undefined))).toEqual([0x55, 0x55, 0x09, 0xaf, 0x55, 0x55]);
  });

  it('reads and writes the letters A–F as nibbles for kind z', () => {
    expect(decodeAt([0x4d, 0xef], 4, ctx(z))).toBe('4DEF');
    expect(encodeAt('4DEF', ctx(z))).toEqual([0x55, 0x55, 0x4d, 0xef, 0x55, 0x55]);
  });

  it('refuses on encode a character with no nibble allowed here, at the byte it would go to', () => {
    expect(where(() => encodeAt('12A4', ctx(n)))).toEqual(['INVALID_CHARACTER', 3]);
    expect(where(() => encodeAt('123A', ctx(n, 'left')))).toEqual(['INVALID_CHARACTER', 3]);
    expect(where(() => encodeAt('1a', ctx(z)))).toEqual(['INVALID_CHARACTER', 2]);
  });

  it('refuses on encode characters beyond Latin-1, whose low byte would be a digit', () => {
    // U+0100 and U+0131: their low bytes 0x00 and 0x31 are nothing and "1"; neither is a digit.
    expect(where(() => encodeAt('1\u0100', ctx(n)))).toEqual(['INVALID_CHARACTER', 2]);
    expect(where(() => encodeAt('1\u0131', ctx(undefined)))).toEqual(['INVALID_CHARACTER', 2]);
  });
});

describe('bcd converter: character set', () => {
  it('declares the characters 0–9 and A–F, and nothing else', () => {
    const allowed: string[] = [];
    for (let c = 0; c < 256; c++) if (bcd.charset?.[c] === 1) allowed.push(String.fromCharCode(c));
    expect(allowed.join('')).toBe('0123456789ABCDEF');
  });

  it('counts its lengths in digits, or in bytes when the field says so', () => {
    expect([bcd.unit, bcd.valueType, [...bcd.lengthUnits]]).toEqual(['digits', 'string', ['digits', 'bytes']]);
  });
});
