import { describe, expect, it } from 'vitest';
import {
  type ConvertContext,
  type Converter,
  converterNames,
  getConverter,
  hasConverter,
  Iso8583Error,
  KIND_ALPHABETS,
  registerConverter,
} from '../../src/index.js';

const ctx = (alphabet?: Uint8Array, side: 'left' | 'right' = 'left', nibble: '0' | 'F' = '0'): ConvertContext => ({
  alphabet,
  nibblePad: { side, nibble },
});
const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);

function encodeWith(c: Converter, value: string | Uint8Array, context: ConvertContext): Uint8Array {
  const out = new Uint8Array(c.byteLength(value.length));
  c.encode(value, out, 0, context);
  return out;
}

function thrown(fn: () => unknown): Iso8583Error {
  try {
    fn();
  } catch (e) {
    if (e instanceof Iso8583Error) return e;
    throw e;
  }
  throw new Error('expected an Iso8583Error');
}

describe('converter registry', () => {
  it('holds every built-in converter by name', () => {
    for (const name of ['ascii', 'binary', 'nop', 'hex', 'bcd', 'ebcdic037', 'ebcdic500', 'ebcdic1047']) {
      expect(hasConverter(name)).toBe(true);
      expect(getConverter(name).name).toBe(name);
    }
  });

  it('throws UNKNOWN_CONVERTER for an unregistered name', () => {
    expect(thrown(() => getConverter('klingon')).code).toBe('UNKNOWN_CONVERTER');
  });

  it('refuses to replace a built-in converter', () => {
    expect(thrown(() => registerConverter({ ...getConverter('ascii') })).code).toBe('INVALID_SPEC');
  });

  it('registers a user converter that specs can then name', () => {
    registerConverter({ ...getConverter('ascii'), name: 'test-ascii-alias' });
    expect(hasConverter('test-ascii-alias')).toBe(true);
    expect(converterNames()).toContain('test-ascii-alias');
  });
});

describe('ascii converter', () => {
  const ascii = getConverter('ascii');

  it('decodes one byte per character', () => {
    expect(ascii.decode(bytes(0x30, 0x31, 0x41), 0, 3, ctx())).toBe('01A');
    expect(ascii.byteLength(7)).toBe(7);
  });

  it('rejects a character outside the kind alphabet with its offset', () => {
    const e = thrown(() => ascii.decode(bytes(0x31, 0x41, 0x32), 0, 3, ctx(KIND_ALPHABETS.n)));
    expect(e.code).toBe('INVALID_CHARACTER');
    expect(e.offset).toBe(1);
  });

  it('rejects bytes above 0x7F, which are not ASCII', () => {
    expect(thrown(() => ascii.decode(bytes(0xe9), 0, 1, ctx(KIND_ALPHABETS.ans))).code).toBe('INVALID_CHARACTER');
    expect(thrown(() => encodeWith(ascii, 'é', ctx(KIND_ALPHABETS.ans))).code).toBe('INVALID_CHARACTER');
  });

  it('encodes text and rejects a character the kind forbids', () => {
    expect([...encodeWith(ascii, '0100', ctx(KIND_ALPHABETS.n))]).toEqual([0x30, 0x31, 0x30, 0x30]);
    const e = thrown(() => encodeWith(ascii, '12a4', ctx(KIND_ALPHABETS.n)));
    expect(e.code).toBe('INVALID_CHARACTER');
    expect(e.offset).toBe(2);
  });

  it('rejects characters beyond Latin-1 on encode', () => {
    expect(thrown(() => encodeWith(ascii, '€', ctx(KIND_ALPHABETS.ans))).code).toBe('INVALID_CHARACTER');
  });
});

describe('EBCDIC converters', () => {
  it('map digits to F0–F9, capital letters to C1…, and space to 40 in every code page', () => {
    for (const name of ['ebcdic037', 'ebcdic500', 'ebcdic1047']) {
      const c = getConverter(name);
      expect([...encodeWith(c, '0189', ctx())]).toEqual([0xf0, 0xf1, 0xf8, 0xf9]);
      expect([...encodeWith(c, 'AJS Z', ctx())]).toEqual([0xc1, 0xd1, 0xe2, 0x40, 0xe9]);
      expect(c.decode(bytes(0x81, 0x91, 0xa2), 0, 3, ctx())).toBe('ajs');
    }
  });

  it('differ where the code pages differ: brackets in 037 and 1047', () => {
    expect(getConverter('ebcdic037').decode(bytes(0xba, 0xbb), 0, 2, ctx())).toBe('[]');
    expect(getConverter('ebcdic1047').decode(bytes(0xad, 0xbd), 0, 2, ctx())).toBe('[]');
    expect(getConverter('ebcdic500').decode(bytes(0x4a, 0x5a), 0, 2, ctx())).toBe('[]');
  });

  it('are bijections over all 256 byte values', () => {
    for (const name of ['ebcdic037', 'ebcdic500', 'ebcdic1047']) {
      const c = getConverter(name);
      const all = new Uint8Array(256).map((_, i) => i);
      const text = c.decode(all, 0, 256, ctx()) as string;
      expect(new Set(text).size).toBe(256);
      expect([...encodeWith(c, text, ctx())]).toEqual([...all]);
    }
  });
});

describe('bcd converter', () => {
  const bcd = getConverter('bcd');

  it('packs two digits per byte, high nibble first', () => {
    expect([...encodeWith(bcd, '1234', ctx(KIND_ALPHABETS.n))]).toEqual([0x12, 0x34]);
    expect(bcd.decode(bytes(0x12, 0x34), 0, 4, ctx(KIND_ALPHABETS.n))).toBe('1234');
  });

  it('pads an odd count on the declared side with the declared nibble', () => {
    expect([...encodeWith(bcd, '123', ctx(KIND_ALPHABETS.n, 'left', '0'))]).toEqual([0x01, 0x23]);
    expect([...encodeWith(bcd, '123', ctx(KIND_ALPHABETS.n, 'right', 'F'))]).toEqual([0x12, 0x3f]);
    expect([...encodeWith(bcd, '123', ctx(KIND_ALPHABETS.n, 'left', 'F'))]).toEqual([0xf1, 0x23]);
    expect([...encodeWith(bcd, '123', ctx(KIND_ALPHABETS.n, 'right', '0'))]).toEqual([0x12, 0x30]);
    expect(bcd.decode(bytes(0x12, 0x3f), 0, 3, ctx(KIND_ALPHABETS.n, 'right', 'F'))).toBe('123');
    expect(bcd.decode(bytes(0xf1, 0x23), 0, 3, ctx(KIND_ALPHABETS.n, 'left', 'F'))).toBe('123');
  });

  it('rejects a spare nibble that differs from the declared pad', () => {
    const e = thrown(() => bcd.decode(bytes(0x11, 0x23), 0, 3, ctx(KIND_ALPHABETS.n, 'left', '0')));
    expect(e.code).toBe('INVALID_PADDING');
    expect(e.offset).toBe(0);
  });

  it('rejects nibbles A–F for kind n and accepts them for kind z', () => {
    const e = thrown(() => bcd.decode(bytes(0x41, 0xd2), 0, 4, ctx(KIND_ALPHABETS.n)));
    expect(e.code).toBe('INVALID_NIBBLE');
    expect(e.offset).toBe(1);
    expect(bcd.decode(bytes(0x41, 0xd2), 0, 4, ctx(KIND_ALPHABETS.z))).toBe('41D2');
  });

  it('rejects characters with no nibble on encode', () => {
    expect(thrown(() => encodeWith(bcd, '12=4', ctx(KIND_ALPHABETS.z))).code).toBe('INVALID_CHARACTER');
    expect(thrown(() => encodeWith(bcd, '12a4', ctx(KIND_ALPHABETS.z))).code).toBe('INVALID_CHARACTER');
  });

  it('takes ceil(digits / 2) bytes', () => {
    expect([0, 1, 2, 3, 19].map((n) => bcd.byteLength(n))).toEqual([0, 1, 1, 2, 10]);
  });
});

describe('hex converter', () => {
  const hex = getConverter('hex');

  it('carries bytes as two uppercase ASCII hex digits each', () => {
    expect(new TextDecoder().decode(encodeWith(hex, bytes(0x00, 0xab, 0x5f), ctx()))).toBe('00AB5F');
  });

  it('decodes uppercase only, so a value has one byte form (a lowercase digit is refused with its offset)', () => {
    expect([...(hex.decode(new TextEncoder().encode('00ABCD'), 0, 3, ctx()) as Uint8Array)]).toEqual([0x00, 0xab, 0xcd]);
    const e = thrown(() => hex.decode(new TextEncoder().encode('00abCD'), 0, 3, ctx()));
    expect(e.code).toBe('INVALID_CHARACTER');
    expect(e.offset).toBe(2);
  });

  it('rejects a non-hex character with its offset', () => {
    const e = thrown(() => hex.decode(new TextEncoder().encode('00AG'), 0, 2, ctx()));
    expect(e.code).toBe('INVALID_CHARACTER');
    expect(e.offset).toBe(3);
  });
});

describe('binary converter', () => {
  it('returns a copy of the bytes, independent of the frame buffer', () => {
    const frame = bytes(1, 2, 3, 4);
    const v = getConverter('binary').decode(frame, 1, 2, ctx()) as Uint8Array;
    frame[1] = 99;
    expect([...v]).toEqual([2, 3]);
  });
});
