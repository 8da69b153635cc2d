import { describe, expect, it } from 'vitest';
import { compileBitmap, hasBit, isEmptyBitmap, setBit } from '../../src/bitmap/bitmap.js';
import { ByteReader } from '../../src/cursor/byte-reader.js';
import { ByteWriter } from '../../src/cursor/byte-writer.js';
import { catchIso } from '../message/errors-helper.js';

describe('bit numbering', () => {
  it('counts bit 1 as the most significant bit of the first byte', () => {
    const bits = new Uint8Array(24);
    setBit(bits, 1);
    setBit(bits, 7);
    setBit(bits, 64);
    setBit(bits, 65);
    setBit(bits, 192);
    expect(bits[0]).toBe(0x82);
    expect(bits[7]).toBe(0x01);
    expect(bits[8]).toBe(0x80);
    expect(bits[23]).toBe(0x01);
    expect(hasBit(bits, 7)).toBe(true);
    expect(hasBit(bits, 8)).toBe(false);
  });
});

describe('hex bitmaps', () => {
  it('write 16 uppercase hex characters and read them back', () => {
    const codec = compileBitmap({ format: 'hex' });
    const bits = new Uint8Array(24);
    for (const n of [2, 7, 12, 28, 32, 39, 41, 42, 50, 53, 62]) setBit(bits, n);
    const w = new ByteWriter();
    codec.write(w, bits, 0);
    expect(new TextDecoder().decode(w.finish())).toBe('4210001102C04804');
    const back = new Uint8Array(24);
    codec.read(new ByteReader(new TextEncoder().encode('4210001102C04804')), back, 0);
    expect([...back.subarray(0, 8)]).toEqual([...bits.subarray(0, 8)]);
  });

  it('refuse a lowercase digit with NON_CANONICAL_BITMAP at the bitmap, and read it when lenient', () => {
    const text = new TextEncoder().encode('00004210001102c04804');
    const e = catchIso(() => compileBitmap({ format: 'hex' }).read(new ByteReader(text, 4), new Uint8Array(24), 0));
    expect(e.code).toBe('NON_CANONICAL_BITMAP');
    expect(e.field).toBe('bitmap');
    expect(e.offset).toBe(4);
    const back = new Uint8Array(24);
    compileBitmap({ format: 'hex', lenient: true }).read(new ByteReader(text, 4), back, 0);
    expect([...back.subarray(0, 8)]).toEqual([0x42, 0x10, 0x00, 0x11, 0x02, 0xc0, 0x48, 0x04]);
  });

  it('refuse a lowercase digit in EBCDIC too', () => {
    // EBCDIC 037: F0 is '0', 81 is 'a', C1 is 'A'.
    const lower = Uint8Array.from([0x81, ...new Array(15).fill(0xf0)]);
    expect(catchIso(() => compileBitmap({ format: 'hex', encoding: 'ebcdic037' }).read(new ByteReader(lower), new Uint8Array(24), 0)).code).toBe(
      'NON_CANONICAL_BITMAP',
    );
    const upper = Uint8Array.from([0xc1, ...new Array(15).fill(0xf0)]);
    const bits = new Uint8Array(24);
    compileBitmap({ format: 'hex', encoding: 'ebcdic037' }).read(new ByteReader(upper), bits, 0);
    expect(bits[0]).toBe(0xa0);
  });

  it('travel in EBCDIC when told so', () => {
    const codec = compileBitmap({ format: 'hex', encoding: 'ebcdic037' });
    const bits = new Uint8Array(24);
    setBit(bits, 1);
    const w = new ByteWriter();
    codec.write(w, bits, 0);
    expect([...w.finish()]).toEqual([0xf8, ...new Array(15).fill(0xf0)]);
  });

  it('reject non-hex text with INVALID_BITMAP', () => {
    const codec = compileBitmap({ format: 'hex' });
    const e = catchIso(() => codec.read(new ByteReader(new TextEncoder().encode('42100011G2C04804')), new Uint8Array(24), 0));
    expect(e.code).toBe('INVALID_BITMAP');
    expect(e.offset).toBe(8);
  });
});

describe('binary bitmaps', () => {
  const codec = compileBitmap({ format: 'binary' }, '127.bitmap');

  it('take 8 bytes on the wire', () => {
    expect(codec.wireBytes).toBe(8);
  });

  it('read bitmap number i into bytes 8i to 8i+7 of the bit array, from the cursor', () => {
    const wire = Uint8Array.from([0xee, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16]);
    const r = new ByteReader(wire, 1);
    const bits = new Uint8Array(24);
    codec.read(r, bits, 0);
    codec.read(r, bits, 2);
    expect([...bits]).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 0, 0, 0, 0, 0, 9, 10, 11, 12, 13, 14, 15, 16]);
    expect(r.pos).toBe(17);
  });

  it('write bitmap number i from bytes 8i to 8i+7 of the bit array, after what is already written', () => {
    const bits = Uint8Array.from({ length: 24 }, (_, i) => i + 1);
    const w = new ByteWriter(1);
    w.byte(0xee);
    codec.write(w, bits, 1);
    codec.write(w, bits, 2);
    expect([...w.finish()]).toEqual([0xee, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24]);
  });

  it('report a bitmap cut short as TRUNCATED under its field, at the cursor', () => {
    const e = catchIso(() => codec.read(new ByteReader(new Uint8Array(9), 2), new Uint8Array(24), 0));
    expect([e.code, e.field, e.offset]).toEqual(['TRUNCATED', '127.bitmap', 2]);
  });
});

describe('hex bitmaps: every digit and position', () => {
  const hex = compileBitmap({ format: 'hex' }, '127.bitmap');
  const readText = (text: string, index = 0, pos = 0): Uint8Array => {
    const bits = new Uint8Array(24);
    hex.read(new ByteReader(new TextEncoder().encode(text), pos), bits, index);
    return bits;
  };

  it('take 16 bytes in ASCII or EBCDIC', () => {
    expect(hex.wireBytes).toBe(16);
    expect(compileBitmap({ format: 'hex', encoding: 'ebcdic1047' }).wireBytes).toBe(16);
  });

  it('read every uppercase hex digit in both halves of a byte', () => {
    expect([...readText('0123456789ABCDEF').subarray(0, 8)]).toEqual([0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef]);
    expect([...readText('FEDCBA9876543210').subarray(0, 8)]).toEqual([0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10]);
  });

  it('read bitmap number i into bytes 8i to 8i+7, from the cursor', () => {
    const bits = readText('xx00000000000000FF', 2, 2);
    expect([...bits]).toEqual([...new Array(23).fill(0), 0xff]);
  });

  it('write every nibble as its uppercase digit, from bitmap number i', () => {
    const bits = new Uint8Array(24);
    bits.set([0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef], 8);
    const w = new ByteWriter(1);
    w.byte(0x2a);
    hex.write(w, bits, 1);
    expect(new TextDecoder().decode(w.finish())).toBe('*0123456789ABCDEF');
  });

  it.each([
    ['a', 'a000000000000000'],
    ['f', 'f000000000000000'],
    ['a low-nibble', '0a00000000000000'],
    ['a last', '000000000000000e'],
  ])('refuse %s lowercase digit with NON_CANONICAL_BITMAP at the start of the bitmap', (_what, text) => {
    const e = catchIso(() => readText(`--${text}`, 0, 2));
    expect([e.code, e.field, e.offset]).toEqual(['NON_CANONICAL_BITMAP', '127.bitmap', 2]);
  });

  it('read lowercase digits as their values when lenient', () => {
    const lenient = compileBitmap({ format: 'hex', lenient: true });
    const bits = new Uint8Array(24);
    lenient.read(new ByteReader(new TextEncoder().encode('abcdef0000000000')), bits, 0);
    expect([...bits.subarray(0, 3)]).toEqual([0xab, 0xcd, 0xef]);
  });

  it('refuse text that is not hex with INVALID_BITMAP under its field at the offending byte, wherever the bitmap starts', () => {
    for (const [text, offset] of [
      ['--G000000000000000', 2],
      ['--000000000000000g', 17],
      ['-- 000000000000000', 2],
    ] as const) {
      const e = catchIso(() => readText(text, 0, 2));
      expect([e.code, e.field, e.offset]).toEqual(['INVALID_BITMAP', '127.bitmap', offset]);
    }
  });

  it('report a hex bitmap cut short as TRUNCATED under its field, at the cursor', () => {
    const e = catchIso(() => readText('--000000000000000', 0, 2));
    expect([e.code, e.field, e.offset]).toEqual(['TRUNCATED', '127.bitmap', 2]);
  });

  it('name the field "bitmap" when told no other', () => {
    expect(catchIso(() => compileBitmap({ format: 'hex' }).read(new ByteReader(new Uint8Array(3)), new Uint8Array(24), 0)).field).toBe('bitmap');
    expect(catchIso(() => compileBitmap({ format: 'binary' }).read(new ByteReader(new Uint8Array(3)), new Uint8Array(24), 0)).field).toBe('bitmap');
  });
});

describe('empty bitmaps', () => {
  it('tell whether bitmap number i has no bit set, looking at its 8 bytes only', () => {
    const bits = new Uint8Array(24);
    expect([isEmptyBitmap(bits, 0), isEmptyBitmap(bits, 1), isEmptyBitmap(bits, 2)]).toEqual([true, true, true]);
    bits[7] = 0x01;
    bits[16] = 0x80;
    expect([isEmptyBitmap(bits, 0), isEmptyBitmap(bits, 1), isEmptyBitmap(bits, 2)]).toEqual([false, true, false]);
    bits[8] = 0x80;
    expect(isEmptyBitmap(bits, 1)).toBe(false);
    bits.fill(0);
    bits[15] = 0x01;
    expect([isEmptyBitmap(bits, 0), isEmptyBitmap(bits, 1), isEmptyBitmap(bits, 2)]).toEqual([true, false, true]);
  });
});

describe('bit numbering across bytes', () => {
  it('sets and reads every bit of a bitmap on its own', () => {
    for (let n = 1; n <= 192; n++) {
      const bits = new Uint8Array(24);
      setBit(bits, n);
      const set = [];
      for (let m = 1; m <= 192; m++) if (hasBit(bits, m)) set.push(m);
      expect(set).toEqual([n]);
      expect(bits[(n - 1) >> 3]).toBe(0x80 >> ((n - 1) % 8));
    }
  });

  it('keeps the bits already set in a byte', () => {
    const bits = new Uint8Array(24);
    setBit(bits, 9);
    setBit(bits, 16);
    expect(bits[1]).toBe(0x81);
  });
});
