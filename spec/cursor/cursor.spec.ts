import { describe, expect, it } from 'vitest';
import { ByteReader } from '../../src/cursor/byte-reader.js';
import { ByteWriter } from '../../src/cursor/byte-writer.js';
import { catchIso } from '../message/errors-helper.js';

describe('ByteReader', () => {
  it('hands out consecutive ranges', () => {
    const r = new ByteReader(new Uint8Array(10));
    expect(r.take(3, 'x')).toBe(0);
    expect(r.take(2, 'x')).toBe(3);
    expect(r.remaining()).toBe(5);
  });

  it('fails with TRUNCATED before passing the end, without moving', () => {
    const r = new ByteReader(new Uint8Array(4));
    r.take(3, 'mti');
    const e = catchIso(() => r.take(9999, '48'));
    expect(e.code).toBe('TRUNCATED');
    expect(e.field).toBe('48');
    expect(e.offset).toBe(3);
    expect(r.pos).toBe(3);
  });
});

describe('ByteWriter', () => {
  it('grows as needed and returns an exact-size copy', () => {
    const w = new ByteWriter(2);
    for (let i = 0; i < 100; i++) w.byte(i);
    const out = w.finish();
    expect(out.length).toBe(100);
    expect(out[99]).toBe(99);
  });
});
