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
    expect(out.buffer.byteLength).toBe(100);
    expect([...out]).toEqual(Array.from({ length: 100 }, (_, i) => i));
    // A copy: reusing the writer (the codec reuses one scratch writer per spec) leaves the result untouched.
    expect(out.buffer).not.toBe(w.buf.buffer);
    w.pos = 0;
    for (let i = 0; i < 100; i++) w.byte(255);
    expect(out[0]).toBe(0);
    expect(out[99]).toBe(99);
  });

  it('keeps what was written when it grows', () => {
    const w = new ByteWriter(1);
    const at = w.reserve(3);
    w.buf.set([7, 8, 9], at);
    w.reserve(1000);
    expect(w.buf.length).toBeGreaterThanOrEqual(1003);
    expect([...w.buf.subarray(0, 3)]).toEqual([7, 8, 9]);
  });
});
