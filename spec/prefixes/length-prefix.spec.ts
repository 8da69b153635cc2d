import { describe, expect, it } from 'vitest';
import { ByteReader } from '../../src/cursor/byte-reader.js';
import { ByteWriter } from '../../src/cursor/byte-writer.js';
import { type Converter, Iso8583Error, registerConverter } from '../../src/index.js';
import { compilePrefix, parsePrefix } from '../../src/prefixes/length-prefix.js';
import { catchIso } from '../message/errors-helper.js';

function prefix(name: string) {
  const shape = parsePrefix(name);
  if (shape === undefined || shape.type === 'fixed') throw new Error(`not a variable prefix: ${name}`);
  return compilePrefix(shape, name);
}
const write = (name: string, count: number): number[] => {
  const w = new ByteWriter(1);
  prefix(name).write(w, count);
  return [...w.finish()];
};
const read = (name: string, ...b: number[]): number => prefix(name).read(new ByteReader(new Uint8Array(b)), '2');

describe('parsePrefix', () => {
  it('reads fixed, digit and binary prefixes', () => {
    expect(parsePrefix(undefined)).toEqual({ type: 'fixed' });
    expect(parsePrefix('fixed')).toEqual({ type: 'fixed' });
    expect(parsePrefix('LL/ascii')).toEqual({ type: 'digits', digits: 2, encoding: 'ascii' });
    expect(parsePrefix('LLLL/bcd')).toEqual({ type: 'digits', digits: 4, encoding: 'bcd' });
    expect(parsePrefix('B2')).toEqual({ type: 'binary', bytes: 2 });
  });

  it('rejects malformed prefix names', () => {
    for (const bad of ['LLLLLLL/ascii', 'LX/ascii', 'LL/', '/ascii', 'LL', 'B0', 'B5', 'll/ascii', '']) {
      expect(parsePrefix(bad)).toBeUndefined();
    }
  });
});

describe('digit prefixes', () => {
  it('write right-justified decimal with leading zeros through ASCII and EBCDIC', () => {
    expect(write('LL/ascii', 7)).toEqual([0x30, 0x37]);
    expect(write('LLL/ascii', 123)).toEqual([0x31, 0x32, 0x33]);
    expect(write('L/ascii', 9)).toEqual([0x39]);
    expect(write('LL/ebcdic037', 16)).toEqual([0xf1, 0xf6]);
  });

  it('pack BCD digits with a leading zero nibble for odd digit counts', () => {
    expect(write('LL/bcd', 16)).toEqual([0x16]);
    expect(write('LLL/bcd', 123)).toEqual([0x01, 0x23]);
    expect(write('LLLL/bcd', 9999)).toEqual([0x99, 0x99]);
    expect(read('LLL/bcd', 0x01, 0x23)).toBe(123);
  });

  it('read back what they write', () => {
    expect(read('LL/ascii', 0x31, 0x39)).toBe(19);
    expect(read('LL/ebcdic037', 0xf0, 0xf5)).toBe(5);
  });

  it('reject a non-digit with INVALID_LENGTH_PREFIX at the offending byte', () => {
    const e = catchIso(() => read('LL/ascii', 0x31, 0x41));
    expect(e.code).toBe('INVALID_LENGTH_PREFIX');
    expect(e.field).toBe('2');
    expect(e.offset).toBe(1);
  });

  it('reject a BCD prefix with a nibble above 9', () => {
    expect(catchIso(() => read('LL/bcd', 0x1a)).code).toBe('INVALID_LENGTH_PREFIX');
  });

  it('reject a BCD prefix whose spare nibble is not zero', () => {
    expect(catchIso(() => read('LLL/bcd', 0x11, 0x23)).code).toBe('INVALID_LENGTH_PREFIX');
  });

  it('report a truncated prefix', () => {
    const e = catchIso(() => read('LLL/ascii', 0x30, 0x31));
    expect(e.code).toBe('TRUNCATED');
    expect(e.offset).toBe(0);
  });

  it('declare the largest count their digits can carry', () => {
    expect(prefix('L/ascii').maxCount).toBe(9);
    expect(prefix('LLLL/bcd').maxCount).toBe(9999);
  });
});

describe('binary prefixes', () => {
  it('write unsigned big-endian counts', () => {
    expect(write('B1', 200)).toEqual([200]);
    expect(write('B2', 0x1234)).toEqual([0x12, 0x34]);
    expect(read('B2', 0xff, 0xff)).toBe(65535);
    expect(prefix('B1').maxCount).toBe(255);
  });
});

describe('prefix grammar', () => {
  it('reads one to four Ls and the two binary widths', () => {
    expect(parsePrefix('L/ebcdic037')).toEqual({ type: 'digits', digits: 1, encoding: 'ebcdic037' });
    expect(parsePrefix('LLL/x')).toEqual({ type: 'digits', digits: 3, encoding: 'x' });
    expect(parsePrefix('B1')).toEqual({ type: 'binary', bytes: 1 });
  });

  it('gives undefined for a prefix that is not a string', () => {
    expect(parsePrefix(2 as unknown as string)).toBeUndefined();
    expect(parsePrefix(['LL/ascii'] as unknown as string)).toBeUndefined();
  });
});

describe('largest counts', () => {
  // The maximum a prefix carries is a fact of its wire form: d decimal digits carry 10^d - 1, one unsigned byte
  // 255, two unsigned big-endian bytes 65,535.
  it.each([
    ['L/ascii', 9],
    ['LL/ebcdic037', 99],
    ['LLL/bcd', 999],
    ['LLLL/ascii', 9999],
    ['B1', 255],
    ['B2', 65535],
  ])('%s carries at most %i', (name, max) => {
    expect(prefix(name).maxCount).toBe(max);
  });
});

describe('digit prefixes: offsets', () => {
  const at = (name: string, pos: number, ...b: number[]): number => prefix(name).read(new ByteReader(Uint8Array.from(b), pos), '48');

  it('read from the cursor, not from the start of the frame, and move the cursor past the prefix', () => {
    const r = new ByteReader(Uint8Array.from([0x39, 0x39, 0x31, 0x32, 0x33, 0x34]), 2);
    expect(prefix('LLL/ascii').read(r, '48')).toBe(123);
    expect(r.pos).toBe(5);
    const packed = new ByteReader(Uint8Array.from([0x99, 0x12, 0x34, 0x56]), 1);
    expect(prefix('LLLL/bcd').read(packed, '48')).toBe(1234);
    expect(packed.pos).toBe(3);
  });

  it('refuse a non-digit text byte at that byte, wherever the prefix starts', () => {
    for (const [bytes, offset] of [
      [[0x20, 0x41, 0x31, 0x32], 1],
      [[0x20, 0x31, 0x32, 0x2f], 3],
    ] as const) {
      const e = catchIso(() => at('LLL/ascii', 1, ...bytes));
      expect([e.code, e.field, e.offset]).toEqual(['INVALID_LENGTH_PREFIX', '48', offset]);
    }
  });

  it('refuse a BCD digit above 9 or a spare nibble other than 0 at its byte, wherever the prefix starts', () => {
    const nibble = catchIso(() => at('LLLL/bcd', 1, 0x00, 0x12, 0x3a));
    expect([nibble.code, nibble.field, nibble.offset]).toEqual(['INVALID_LENGTH_PREFIX', '48', 2]);
    const pad = catchIso(() => at('LLL/bcd', 1, 0x00, 0xf1, 0x23));
    expect([pad.code, pad.field, pad.offset]).toEqual(['INVALID_LENGTH_PREFIX', '48', 1]);
  });

  it('write through BCD and EBCDIC the digits of the count, zero-padded to the prefix width', () => {
    expect(write('LLLL/bcd', 7)).toEqual([0x00, 0x07]);
    expect(write('L/bcd', 7)).toEqual([0x07]);
    expect(write('LLLL/ebcdic037', 42)).toEqual([0xf0, 0xf0, 0xf4, 0xf2]);
    expect(write('LLL/ascii', 0)).toEqual([0x30, 0x30, 0x30]);
  });
});

describe('binary prefixes: both widths', () => {
  it('read one byte for B1 and two big-endian bytes for B2, from the cursor', () => {
    expect(read('B1', 0xc8)).toBe(200);
    const r = new ByteReader(Uint8Array.from([0xff, 0x01, 0x02, 0xff]), 1);
    expect(prefix('B2').read(r, '48')).toBe(0x0102);
    expect(r.pos).toBe(3);
    expect(read('B2', 0x00, 0xff)).toBe(255);
    expect(read('B2', 0x80, 0x00)).toBe(0x8000);
  });

  it('write B2 as two bytes even below 256', () => {
    expect(write('B2', 0)).toEqual([0x00, 0x00]);
    expect(write('B2', 65535)).toEqual([0xff, 0xff]);
    expect(write('B1', 0)).toEqual([0x00]);
  });

  it('report a truncated binary prefix at the cursor', () => {
    const e = catchIso(() => prefix('B2').read(new ByteReader(Uint8Array.from([0, 0, 1]), 2), '48'));
    expect([e.code, e.field, e.offset]).toEqual(['TRUNCATED', '48', 2]);
  });
});

describe('digit prefixes through a converter of two bytes a character', () => {
  // UTF-16BE: a converter a network could register; each digit takes two bytes, so the prefix reads through the
  // converter rather than through a one-byte digit table.
  const utf16: Converter = {
    name: 'test-utf16be',
    valueType: 'string',
    unit: 'chars',
    lengthUnits: ['chars'],
    byteLength: (units) => units * 2,
    decode(src, offset, units, ctx) {
      let s = '';
      for (let i = 0; i < units; i++) {
        const c = (src[offset + 2 * i]! << 8) | src[offset + 2 * i + 1]!;
        if (c > 0xff || ctx.alphabet?.[c] !== 1) throw new Iso8583Error('INVALID_CHARACTER', 'not allowed', { offset: offset + 2 * i });
        s += String.fromCharCode(c);
      }
      return s;
    },
    encode(value, dst, offset) {
      const s = value as string;
      for (let i = 0; i < s.length; i++) {
        dst[offset + 2 * i] = s.charCodeAt(i) >> 8;
        dst[offset + 2 * i + 1] = s.charCodeAt(i) & 0xff;
      }
    },
  };
  registerConverter(utf16);
  const broken: Converter = {
    ...utf16,
    name: 'test-utf16be-broken',
    decode() {
      throw new TypeError('bug in a user converter');
    },
  };
  registerConverter(broken);

  it('write and read each digit as two bytes', () => {
    expect(write('LL/test-utf16be', 42)).toEqual([0x00, 0x34, 0x00, 0x32]);
    const r = new ByteReader(Uint8Array.from([0xff, 0x00, 0x31, 0x00, 0x39]), 1);
    expect(prefix('LL/test-utf16be').read(r, '48')).toBe(19);
    expect(r.pos).toBe(5);
  });

  it('refuse a non-digit at the offset its converter names', () => {
    const e = catchIso(() => prefix('LL/test-utf16be').read(new ByteReader(Uint8Array.from([0xff, 0x00, 0x31, 0x00, 0x41]), 1), '48'));
    expect([e.code, e.field, e.offset]).toEqual(['INVALID_LENGTH_PREFIX', '48', 3]);
  });

  it('refuse a prefix whose converter fails with something else, at the prefix', () => {
    const e = catchIso(() => prefix('LL/test-utf16be-broken').read(new ByteReader(Uint8Array.from([0xff, 0x00, 0x31, 0x00, 0x39]), 1), '48'));
    expect([e.code, e.field, e.offset]).toEqual(['INVALID_LENGTH_PREFIX', '48', 1]);
  });
});
