import { describe, expect, it } from 'vitest';
import { compileBitmap, hasBit, setBit } from '../../src/bitmap/bitmap.js';
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
