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
    codec.read(new ByteReader(new TextEncoder().encode('4210001102c04804')), back, 0);
    expect([...back.subarray(0, 8)]).toEqual([...bits.subarray(0, 8)]);
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
