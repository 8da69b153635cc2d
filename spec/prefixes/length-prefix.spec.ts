import { describe, expect, it } from 'vitest';
import { ByteReader } from '../../src/cursor/byte-reader.js';
import { ByteWriter } from '../../src/cursor/byte-writer.js';
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
    for (const bad of ['LLLLL/ascii', 'LX/ascii', 'LL/', '/ascii', 'LL', 'B3', 'll/ascii', '']) {
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
