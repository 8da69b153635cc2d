import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Codec, createCodec, defineSpec, type Message, presets, structuredPreset } from '../../src/index.js';
import { arbitraryMessage } from '../../src/testing/index.js';
import { catchIso } from './errors-helper.js';

const ascii = createCodec(presets.iso87ascii);
const loose = ascii as unknown as Codec<Message>;
const te = new TextEncoder();
const PAN = '4111111111111111';
/** The matching fields a server echoes in a format-error answer. */
const MATCH = [11, 41, 42] as const;

/** An authorization request with fields on both sides of DE11 and DE41. */
const request = {
  mti: '0100',
  fields: { 2: PAN, 4: '000000001000', 11: '000042', 39: '00', 41: 'TERM0001', 42: 'MERCHANT0000001', 49: '840' },
};
const good = ascii.encode(request);
/**
 * Offset of the first byte of field `n` in `good`: fields are written in number order and every field of the
 * request is below 65, so the MTI, the one bitmap and the fields below `n` come first whatever the bits say.
 */
function offsetOf(n: number): number {
  const before = Object.fromEntries(Object.entries(request.fields).filter(([k]) => Number(k) < n));
  return ascii.encode({ mti: '0100', fields: before }).length;
}
function withByte(frame: Uint8Array, at: number, byte: number): Uint8Array {
  const copy = Uint8Array.from(frame);
  copy[at] = byte;
  return copy;
}

describe('peek', () => {
  it('reads the MTI and the wanted fields of a frame that decodes', () => {
    expect(ascii.peek(good, MATCH)).toEqual({ mti: '0100', fields: { 11: '000042', 41: 'TERM0001', 42: 'MERCHANT0000001' } });
    expect(ascii.peek(good, [])).toEqual({ mti: '0100', fields: {} });
  });

  it('returns the fields read before a frame broken after DE41', () => {
    // DE42 holds a byte that is not a character, so decode refuses the frame.
    const broken = withByte(good, offsetOf(42) + 3, 0x00);
    expect(catchIso(() => ascii.decode(broken)).field).toBe('42');
    expect(ascii.peek(broken, MATCH)).toEqual({ mti: '0100', fields: { 11: '000042', 41: 'TERM0001' } });
    // Cut inside DE42: the same fields.
    expect(ascii.peek(good.subarray(0, offsetOf(42) + 4), MATCH)).toEqual({ mti: '0100', fields: { 11: '000042', 41: 'TERM0001' } });
  });

  it('returns the MTI alone for a frame broken before DE11', () => {
    const broken = withByte(good, offsetOf(4) + 2, 0x41); // a letter in the amount
    expect(catchIso(() => ascii.decode(broken)).field).toBe('4');
    expect(ascii.peek(broken, MATCH)).toEqual({ mti: '0100', fields: {} });
  });

  it('never returns a wanted field that itself fails its decoder', () => {
    const broken = withByte(good, offsetOf(11) + 5, 0x20); // STAN '00004 '
    expect(ascii.peek(broken, MATCH)).toEqual({ mti: '0100', fields: {} });
  });

  it('returns the MTI alone for a frame broken in the bitmap', () => {
    expect(ascii.peek(good.subarray(0, 9), MATCH)).toEqual({ mti: '0100', fields: {} });
    const tiny = createCodec(
      defineSpec({ name: 'tiny', mti: { encoding: 'ascii' }, bitmap: { format: 'hex' }, fields: { 11: presets.iso87ascii.fields[11] } }),
    );
    const frame = te.encode('0800' + '0020000000000000' + '000042');
    expect(tiny.peek(frame, [11])).toEqual({ mti: '0800', fields: { 11: '000042' } });
    const notHex = te.encode('0800' + '00200000000G0000' + '000042');
    expect(tiny.peek(notHex, [11])).toEqual({ mti: '0800', fields: {} });
    // A bit the spec does not define, before DE11, ends the walk there.
    const unknown = te.encode('0800' + '1020000000000000' + '0000' + '000042');
    expect(tiny.peek(unknown, [11])).toEqual({ mti: '0800', fields: {} });
  });

  it('reads the fields behind a bitmap in a form decode refuses (empty secondary, lowercase hex)', () => {
    const emptySecondary = Uint8Array.from([...te.encode('0800'), 0x80, 0x20, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, ...te.encode('000042')]);
    expect(catchIso(() => ascii.decode(emptySecondary)).code).toBe('NON_CANONICAL_BITMAP');
    expect(ascii.peek(emptySecondary, [11])).toEqual({ mti: '0800', fields: { 11: '000042' } });
    const hex = createCodec(
      defineSpec({ name: 'hex-peek', mti: { encoding: 'ascii' }, bitmap: { format: 'hex' }, fields: { 9: presets.iso87ascii.fields[9], 11: presets.iso87ascii.fields[11] } }),
    );
    // 00a0…: bits 9 and 11, in lowercase.
    const lower = te.encode('0800' + '00a0000000000000' + '00000001' + '000042');
    expect(catchIso(() => hex.decode(lower)).code).toBe('NON_CANONICAL_BITMAP');
    expect(hex.peek(lower, [11])).toEqual({ mti: '0800', fields: { 11: '000042' } });
  });

  it('returns no MTI for a frame broken in the MTI, and still the fields behind it', () => {
    const broken = withByte(good, 2, 0x58); // '01X0'
    expect(catchIso(() => ascii.decode(broken)).code).toBe('INVALID_MTI');
    expect(ascii.peek(broken, [11])).toEqual({ mti: undefined, fields: { 11: '000042' } });
    expect(ascii.peek(good.subarray(0, 3), MATCH)).toEqual({ mti: undefined, fields: {} });
    expect(ascii.peek(new Uint8Array(0), MATCH)).toEqual({ mti: undefined, fields: {} });
  });

  it('reads fields from a frame with bytes after the last field, which decode refuses', () => {
    const trailing = Uint8Array.from([...good, 0x30]);
    expect(catchIso(() => ascii.decode(trailing)).code).toBe('TRAILING_BYTES');
    expect(ascii.peek(trailing, [11, 49])).toEqual({ mti: '0100', fields: { 11: '000042', 49: '840' } });
  });

  it('reads fields behind a header, a BCD MTI and a secondary bitmap', () => {
    const binary = createCodec(presets.iso87binary);
    const frame = binary.encode({ mti: '0420', fields: { 11: '000042', 41: 'TERM0001', 90: '0'.repeat(42) } });
    expect(binary.peek(frame, [11, 41, 90])).toEqual({ mti: '0420', fields: { 11: '000042', 41: 'TERM0001', 90: '0'.repeat(42) } });
    const spec = defineSpec({
      name: 'peek-header',
      header: { length: 3, encoding: 'ascii' },
      mti: { encoding: 'ascii' },
      bitmap: { format: 'binary' },
      fields: { 11: presets.iso87ascii.fields[11] },
    });
    const headed = createCodec(spec);
    const bytes = headed.encode({ header: 'ISO', mti: '0800', fields: { 11: '000001' } });
    expect(headed.peek(bytes, [11])).toEqual({ mti: '0800', fields: { 11: '000001' } });
    // A header byte that is not ASCII: the MTI and fields still sit where they always do.
    expect(headed.peek(withByte(bytes, 0, 0xff), [11])).toEqual({ mti: '0800', fields: { 11: '000001' } });
  });

  it('returns structured values decoded by their layouts', () => {
    const structured = createCodec(structuredPreset(presets.iso87ascii)) as unknown as Codec<Message>;
    const track = { pan: PAN, expiry: '2812', serviceCode: '201', discretionary: '0000' };
    const frame = structured.encode({ mti: '0100', fields: { 11: '000001', 35: track } });
    expect(structured.peek(frame, [35])).toEqual({ mti: '0100', fields: { 35: track } });
  });

  it('ignores wanted numbers the spec does not define or that are not field numbers', () => {
    expect(loose.peek(good, [1, 0, -3, 11.5, 200, 41, '11' as never])).toEqual({ mti: '0100', fields: { 41: 'TERM0001' } });
  });

  it('ignores wanted numbers past the last field, however large', () => {
    // A walk bounded by the wanted numbers themselves would never end at Infinity.
    expect(loose.peek(good, [11, Infinity, 1e300, 2 ** 53])).toEqual({ mti: '0100', fields: { 11: '000042' } });
  });

  it('reads the wanted fields in any order they are asked for', () => {
    expect(ascii.peek(good, [42, 11, 41])).toEqual({ mti: '0100', fields: { 11: '000042', 41: 'TERM0001', 42: 'MERCHANT0000001' } });
  });

  it('reads the fields behind a tertiary bitmap, whose bit 65 announces it', () => {
    const n6 = presets.iso87ascii.fields[11];
    const tertiary = createCodec(
      defineSpec({ name: 'peek-tertiary', mti: { encoding: 'ascii' }, bitmap: { format: 'binary', tertiary: true }, fields: { 11: n6, 70: n6, 130: n6, 192: n6 } }),
    );
    const frame = tertiary.encode({ mti: '0800', fields: { 11: '000042', 70: '000070', 130: '000130', 192: '000192' } });
    expect(tertiary.peek(frame, [11, 130, 192])).toEqual({ mti: '0800', fields: { 11: '000042', 130: '000130', 192: '000192' } });
    // Without a tertiary bitmap, bit 65 is a data element like any other.
    const secondary = createCodec(
      defineSpec({ name: 'peek-65', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' }, fields: { 11: n6, 65: n6, 70: n6 } }),
    );
    const with65 = secondary.encode({ mti: '0800', fields: { 11: '000042', 65: '000065', 70: '000070' } });
    expect(secondary.peek(with65, [65, 70])).toEqual({ mti: '0800', fields: { 65: '000065', 70: '000070' } });
  });

  it('reads nothing from a frame that is not a Uint8Array or a wanted list that is not an array', () => {
    // Array-likes and other iterables would be readable, but only the documented types are read.
    expect(loose.peek([...good] as never, MATCH)).toEqual({ mti: undefined, fields: {} });
    expect(loose.peek(good, new Set([11]) as never)).toEqual({ mti: undefined, fields: {} });
    // A frame shorter than its header: no MTI, no fields.
    const headed = createCodec(
      defineSpec({ name: 'peek-short', header: { length: 6, encoding: 'ascii' }, mti: { encoding: 'ascii' }, bitmap: { format: 'binary' }, fields: { 11: presets.iso87ascii.fields[11] } }),
    );
    expect(headed.peek(te.encode('ISO0'), [11])).toEqual({ mti: undefined, fields: {} });
  });

  it('never throws, whatever it is given', () => {
    expect(loose.peek('0100' as never, MATCH)).toEqual({ mti: undefined, fields: {} });
    expect(loose.peek(null as never, MATCH)).toEqual({ mti: undefined, fields: {} });
    expect(loose.peek(good, null as never)).toEqual({ mti: undefined, fields: {} });
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.array(fc.integer({ min: -2, max: 200 }), { maxLength: 6 }), (bytes, wanted) => {
        for (const codec of [ascii, createCodec(presets.iso87binary), createCodec(presets.iso87ebcdic)]) {
          const head = ascii.encode({ mti: '0100', fields: {} }).subarray(0, 4);
          codec.peek(bytes, wanted);
          codec.peek(Uint8Array.from([...head, ...bytes]), wanted);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with decode on every frame that decodes', () => {
    fc.assert(
      fc.property(arbitraryMessage(presets.iso87ascii, { maxFields: 12 }), fc.uniqueArray(fc.integer({ min: 2, max: 128 }), { maxLength: 8 }), (m, wanted) => {
        const decoded = ascii.decode(ascii.encode(m));
        const expected = Object.fromEntries(wanted.filter((n) => decoded.fields[n as 2] !== undefined).map((n) => [n, decoded.fields[n as 2]]));
        expect(ascii.peek(ascii.encode(m), wanted)).toEqual({ mti: decoded.mti, fields: expected });
      }),
      { numRuns: 200 },
    );
  });
});
