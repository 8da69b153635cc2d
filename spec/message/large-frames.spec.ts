import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Codec, createCodec, ErrorCode, type Message, presets } from '../../src/index.js';
import { WHOLE_READ_MAX_BYTES, wholeHex, wholeLatin1 } from '../../src/codecs/strings.js';
import { ByteReader } from '../../src/cursor/byte-reader.js';
import { arbitraryMessage } from '../../src/testing/index.js';
import { catchIso } from './errors-helper.js';

// A frame above WHOLE_READ_MAX_BYTES (1 MiB) is decoded a field at a time instead of through one read of its whole
// text or hex: no string is made of the whole frame, so no frame is too large to be refused with its offset.

const codecs = Object.entries(presets).map(([name, spec]) => [name, createCodec(spec) as unknown as Codec<Message>] as const);

/** `frame` at the start of a zero-filled buffer of `size` bytes. */
function padded(frame: Uint8Array, size: number): Uint8Array {
  const big = new Uint8Array(size);
  big.set(frame);
  return big;
}

/** What decode throws for `frame`: its code, field and offset. */
function failure(codec: Codec<Message>, frame: Uint8Array): { code: string; field: string | undefined; offset: number | undefined } {
  const e = catchIso(() => codec.decode(frame));
  return { code: e.code, field: e.field, offset: e.offset };
}

describe('a frame above 1 MiB', () => {
  it('is refused as TRAILING_BYTES at the end of the message it starts with, in every preset', () => {
    for (const [name, codec] of codecs) {
      const frame = codec.encode({ mti: '0100', fields: { 2: '4111111111111111', 3: '000000', 4: '000000012550', 11: '004711', 41: 'TERM0001', 49: '840' } });
      const e = catchIso(() => codec.decode(padded(frame, WHOLE_READ_MAX_BYTES + 1)));
      expect([name, e.code, e.offset]).toEqual([name, ErrorCode.TRAILING_BYTES, frame.length]);
    }
  });

  it('is refused with the same code, field and offset as the same bytes in a frame of 256 KiB, for messages and their edits', () => {
    const [, codec] = codecs.find(([name]) => name === 'iso87binary')!;
    // Both frames hold the same bytes for 256 KiB, more than the fields of one message can take (at most 128 of
    // 999 bytes each and their prefixes), then zeros: the smaller one is read whole, the larger a field at a time.
    const medium = new Uint8Array(256 * 1024);
    const big = new Uint8Array(WHOLE_READ_MAX_BYTES + 64);
    fc.assert(
      fc.property(arbitraryMessage(presets.iso87binary, { maxFields: 16 }), fc.nat(), fc.integer({ min: 0, max: 255 }), (message, where, byte) => {
        const frame = codec.encode(message);
        // One byte of the frame changed, or none (where odd): an error inside the message, or trailing bytes.
        const edited = frame.slice();
        if (where % 2 === 0) edited[(where >> 1) % edited.length] = byte;
        medium.fill(0);
        medium.set(edited);
        big.fill(0);
        big.set(edited);
        expect(failure(codec, big)).toEqual(failure(codec, medium));
      }),
      { numRuns: 40, seed: 20261204 },
    );
  });

  it('of 300 MiB, whose hex no string can hold, is refused as TRAILING_BYTES at its message end', () => {
    const [, codec] = codecs.find(([name]) => name === 'iso87binary')!;
    const frame = codec.encode({ mti: '0110', fields: { 3: '000000', 4: '000000012550', 11: '004711', 39: '00', 41: 'TERM0001' } });
    const e = catchIso(() => codec.decode(padded(frame, 300 * 2 ** 20)));
    expect([e.code, e.offset]).toEqual([ErrorCode.TRAILING_BYTES, frame.length]);
  });
});

describe('ByteReader over a buffer above 1 MiB', () => {
  const big = new Uint8Array(WHOLE_READ_MAX_BYTES + 7);
  for (let i = 0; i < big.length; i++) big[i] = (i * 37 + 11) & 0xff;
  const text = wholeLatin1(big);
  const hex = wholeHex(big);

  it('reads each Latin-1 range as the whole text would, without keeping a whole-buffer text', () => {
    const r = new ByteReader(big);
    for (const [at, n] of [[0, 0], [0, 5], [3, 1], [WHOLE_READ_MAX_BYTES - 2, 9], [big.length - 4, 4]] as const) {
      expect(r.latin1(at, n)).toBe(text.slice(at, at + n));
    }
    expect(r.text).toBeUndefined();
  });

  it('reads each nibble range, odd or even at either end, as the whole hex would, without keeping a whole-buffer hex', () => {
    const r = new ByteReader(big);
    for (const [from, to] of [[0, 0], [0, 4], [1, 4], [0, 3], [1, 2], [5, 6], [2 * big.length - 3, 2 * big.length], [2 * WHOLE_READ_MAX_BYTES - 1, 2 * WHOLE_READ_MAX_BYTES + 5]] as const) {
      expect(r.hexDigits(from, to)).toBe(hex.slice(from, to));
    }
    expect(r.hex).toBeUndefined();
  });
});
