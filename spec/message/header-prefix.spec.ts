import { describe, expect, it } from 'vitest';
import {
  createCodec,
  createCodecSet,
  defineSpec,
  ErrorCode,
  type MessageSpec,
  messageFromJSON,
  messageToJSON,
  presets,
  specFromJSON,
  specToJSON,
  toHex,
  validateSpec,
} from '../../src/index.js';
import { macCoverage } from '../../src/security/index.js';
import { catchIso } from './errors-helper.js';

/** A text header of at most 20 characters behind its own ASCII LL prefix. */
const spec = defineSpec({
  name: 'header-prefix',
  header: { length: 20, encoding: 'ascii', prefix: 'LL/ascii' },
  mti: { encoding: 'ascii' },
  bitmap: { format: 'binary' },
  fields: {
    11: { kind: 'n', length: 6, encoding: 'ascii' },
    39: { kind: 'an', length: 2, encoding: 'ascii' },
    64: { kind: 'b', length: 8, encoding: 'binary' },
  },
  rules: { '0800': { mandatory: [11] } },
});
const codec = createCodec(spec);
const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));
/** A frame: the header prefix and header `head` (raw text), MTI 0800, a primary bitmap with DE11, DE11 000321. */
const frameWith = (head: string): Uint8Array => Uint8Array.from([...ascii(head), ...ascii('0800'), 0, 0x20, 0, 0, 0, 0, 0, 0, ...ascii('000321')]);

describe('a header with a length prefix of its own', () => {
  it('reads and writes headers of every length from empty to the maximum, the prefix counting the header after it', () => {
    for (const header of ['', 'A', 'NWS01', 'X'.repeat(20)]) {
      const bytes = frameWith(String(header.length).padStart(2, '0') + header);
      const message = { mti: '0800', header, fields: { 11: '000321' } };
      expect(codec.decode(bytes)).toEqual(message);
      expect(toHex(codec.encode(message))).toBe(toHex(bytes));
    }
  });

  it('refuses a prefix above the maximum on decode: LENGTH_EXCEEDS_MAX at header, offset of the prefix', () => {
    const e = catchIso(() => codec.decode(frameWith('21' + 'X'.repeat(21))));
    expect([e.code, e.field, e.offset]).toEqual([ErrorCode.LENGTH_EXCEEDS_MAX, 'header', 0]);
  });

  it('refuses a header above the maximum on encode: LENGTH_EXCEEDS_MAX at header, offset of the prefix', () => {
    const e = catchIso(() => codec.encode({ mti: '0800', header: 'X'.repeat(21), fields: { 11: '000321' } }));
    expect([e.code, e.field, e.offset]).toEqual([ErrorCode.LENGTH_EXCEEDS_MAX, 'header', 0]);
  });

  it('refuses a prefix that is not digits (INVALID_LENGTH_PREFIX) and a header cut short (TRUNCATED), at header', () => {
    const letter = catchIso(() => codec.decode(frameWith('0A' + 'X'.repeat(10))));
    expect([letter.code, letter.field, letter.offset]).toEqual([ErrorCode.INVALID_LENGTH_PREFIX, 'header', 1]);
    const cut = catchIso(() => codec.decode(Uint8Array.from(ascii('09NWS'))));
    expect([cut.code, cut.field]).toEqual([ErrorCode.TRUNCATED, 'header']);
  });

  it('locates MTI errors after the header: at the prefix plus the header on encode, where the MTI starts on decode', () => {
    const encoded = catchIso(() => codec.encode({ mti: '08', header: 'NWS01', fields: {} }));
    expect([encoded.code, encoded.field, encoded.offset]).toEqual([ErrorCode.INVALID_MTI, 'mti', 7]);
    const rule = catchIso(() => codec.decode(Uint8Array.from([...ascii('05NWS010800'), 0, 0, 0, 0, 0, 0, 0, 0]), { rules: true }));
    expect([rule.code, rule.field, rule.offset]).toEqual([ErrorCode.MANDATORY_FIELD_MISSING, '11', 7]);
  });

  it('is read by peek, which finds the MTI and the fields after a header of any length', () => {
    expect(codec.peek(frameWith('05NWS01'), [11])).toEqual({ mti: '0800', fields: { 11: '000321' } });
    expect(codec.peek(frameWith('00'), [11])).toEqual({ mti: '0800', fields: { 11: '000321' } });
    // A prefix that does not read leaves nothing to find, and peek still does not throw.
    expect(codec.peek(frameWith('9'), [11])).toEqual({ mti: undefined, fields: {} });
  });

  it('is read by a codec set, which chooses the spec by the MTI after the header', () => {
    const other = defineSpec({ ...spec, name: 'header-prefix-other', fields: { 11: { kind: 'an', length: 6, encoding: 'ascii' } } });
    const set = createCodecSet({ byMti: { '08xx': spec, '02xx': other } });
    expect(set.decode(frameWith('05NWS01'))).toEqual({ mti: '0800', header: 'NWS01', fields: { 11: '000321' } });
    expect(set.peek(frameWith('05NWS01'), [11]).mti).toBe('0800');
    const unknownFrame = Uint8Array.from([...ascii('05NWS010100'), 0, 0, 0, 0, 0, 0, 0, 0]);
    const decoded = catchIso(() => set.decode(unknownFrame));
    expect([decoded.code, decoded.offset]).toEqual([ErrorCode.UNKNOWN_MTI, 7]);
    // An MTI no key admits does not compile for the set's type; from JSON or a computed message it is refused.
    const encoded = catchIso(() => set.encode({ mti: '0100', header: 'NWS', fields: {} } as never));
    expect([encoded.code, encoded.offset]).toEqual([ErrorCode.UNKNOWN_MTI, 5]);
  });

  it('is part of the frame head a codec set compares: a fixed header and a prefixed one are refused at header', () => {
    const fixed = { ...presets.iso87ascii, name: 'fixed-head', header: { length: 20, encoding: 'ascii' } } as const satisfies MessageSpec;
    const prefixed = { ...presets.iso87ascii, name: 'prefixed-head', header: { length: 20, encoding: 'ascii', prefix: 'LL/ascii' } } as const satisfies MessageSpec;
    const e = catchIso(() => createCodecSet({ byMti: { '01xx': fixed, '08xx': prefixed } }));
    expect([e.code, e.field]).toEqual([ErrorCode.INVALID_SPEC, 'header']);
  });

  it('leaves the header, its prefix included, out of the bytes a MAC covers', () => {
    const message = { mti: '0800', header: 'NWS01', fields: { 11: '000321' } };
    const { frame, covered } = macCoverage(codec, message);
    expect(toHex(covered)).toBe(toHex(frame.subarray(7, frame.length - 8)));
  });

  it('reads binary headers behind a binary prefix, and BCD headers behind a BCD prefix counting digits', () => {
    const binary = createCodec({ ...presets.iso87binary, name: 'b1-head', header: { length: 8, encoding: 'binary', prefix: 'B1' } });
    const out = binary.encode({ mti: '0800', header: Uint8Array.of(0xaa, 0xbb, 0xcc), fields: { 11: '000321' } });
    expect(toHex(out.subarray(0, 6))).toBe('03AABBCC0800');
    expect(binary.decode(out).header).toEqual(Uint8Array.of(0xaa, 0xbb, 0xcc));
    const bcd = createCodec({ ...presets.iso87binary, name: 'bcd-head', header: { length: 9, encoding: 'bcd', prefix: 'LL/bcd' } });
    const odd = bcd.encode({ mti: '0800', header: '123', fields: { 11: '000321' } });
    // LL 03 in one BCD byte, then three digits in two bytes with the leading 0 nibble.
    expect(toHex(odd.subarray(0, 5))).toBe('0301230800');
    expect(bcd.decode(odd).header).toBe('123');
    const badPad = odd.slice();
    badPad[1] = 0x11;
    const e = catchIso(() => bcd.decode(badPad));
    expect([e.code, e.field]).toEqual([ErrorCode.INVALID_PADDING, 'header']);
  });

  it('counts in the lengthUnit it declares: hex text counted in characters', () => {
    const hex = createCodec({ ...presets.iso87ascii, name: 'hex-head', header: { length: 8, encoding: 'hex', prefix: 'L/ascii', lengthUnit: 'chars' } });
    const out = hex.encode({ mti: '0800', header: Uint8Array.of(0x60, 0x01), fields: { 11: '000321' } });
    expect(String.fromCharCode(...out.subarray(0, 9))).toBe('460010800');
    const odd = Uint8Array.from([...ascii('3600'), ...out.subarray(5)]);
    const e = catchIso(() => hex.decode(odd));
    expect([e.code, e.field, e.offset]).toEqual([ErrorCode.INVALID_LENGTH_PREFIX, 'header', 0]);
  });

  it('goes through JSON: the spec with its prefix, and messages with headers of any length', () => {
    expect(specFromJSON(specToJSON(spec)).header).toEqual({ length: 20, encoding: 'ascii', prefix: 'LL/ascii' });
    const message = { mti: '0800', header: 'NWS01', fields: { 11: '000321' } };
    expect(messageToJSON(message, spec)).toEqual({ mti: '0800', header: 'NWS01', fields: { 11: '000321' } });
    expect(messageFromJSON({ mti: '0800', header: '', fields: {} }, spec)).toEqual({ mti: '0800', header: '', fields: {} });
  });
});

describe('validateSpec on a header with a prefix', () => {
  const withHeader = (header: unknown): unknown => ({ ...presets.iso87ascii, header });

  it.each([
    ['a lengthUnit on a fixed header', { length: 4, encoding: 'ascii', lengthUnit: 'chars' }],
    ['a lengthUnit its converter does not count', { length: 4, encoding: 'binary', prefix: 'B1', lengthUnit: 'digits' }],
    ['a maximum its digit prefix cannot carry', { length: 10, encoding: 'ascii', prefix: 'L/ascii' }],
    ['a maximum its binary prefix cannot carry', { length: 256, encoding: 'binary', prefix: 'B1' }],
    ['a maximum above 999,999', { length: 1_000_000, encoding: 'binary', prefix: 'B3' }],
    ['a prefix that is no prefix', { length: 4, encoding: 'ascii', prefix: 'LX/ascii' }],
    ['a prefix through a converter that writes no digits', { length: 4, encoding: 'ascii', prefix: 'LL/binary' }],
    ['a prefix that is not a string', { length: 4, encoding: 'ascii', prefix: 2 }],
  ])('refuses %s with INVALID_SPEC at header', (_what, header) => {
    const e = catchIso(() => validateSpec(withHeader(header)));
    expect([e.code, e.field]).toEqual([ErrorCode.INVALID_SPEC, 'header']);
  });

  it('accepts an odd maximum for hex counted in bytes, which a fixed hex header refuses', () => {
    expect(() => validateSpec(withHeader({ length: 5, encoding: 'hex', prefix: 'B1' }))).not.toThrow();
    expect(catchIso(() => validateSpec(withHeader({ length: 5, encoding: 'hex' }))).code).toBe(ErrorCode.INVALID_SPEC);
  });

  it('refuses a misspelt header key, naming it', () => {
    const e = catchIso(() => validateSpec(withHeader({ length: 4, encoding: 'ascii', prefx: 'LL/ascii' })));
    expect([e.code, e.field]).toEqual([ErrorCode.INVALID_SPEC, 'header']);
    expect(e.message).toContain('did you mean "prefix"');
  });
});

describe('where the MTI is after a header with a prefix', () => {
  const withHeader = (header: NonNullable<MessageSpec['header']>): MessageSpec => ({ name: 'header-offsets', header, mti: spec.mti, bitmap: spec.bitmap, fields: spec.fields });

  it('points an MTI refused on encode past the digit prefix and the header written before it', () => {
    const e = catchIso(() => createCodec(withHeader({ length: 20, encoding: 'ascii', prefix: 'LL/ascii' })).encode({ mti: '08', header: 'NWS', fields: { 11: '000321' } }));
    expect([e.code, e.field, e.offset]).toEqual([ErrorCode.INVALID_MTI, 'mti', 2 + 3]);
  });

  it('counts a binary prefix by its bytes and a BCD one by its digits packed', () => {
    const binary = catchIso(() => createCodec(withHeader({ length: 20, encoding: 'ascii', prefix: 'B2' })).encode({ mti: '08', header: 'NWS01', fields: { 11: '000321' } }));
    expect([binary.code, binary.offset]).toEqual([ErrorCode.INVALID_MTI, 2 + 5]);
    const packed = catchIso(() => createCodec(withHeader({ length: 200, encoding: 'ascii', prefix: 'LLL/bcd' })).encode({ mti: '08', header: 'NW', fields: { 11: '000321' } }));
    expect([packed.code, packed.offset]).toEqual([ErrorCode.INVALID_MTI, 2 + 2]);
  });

  it('counts only the prefix for a header value that is neither text nor bytes', () => {
    const e = catchIso(() => createCodec(withHeader({ length: 20, encoding: 'ascii', prefix: 'LL/ascii' })).encode({ mti: '08', header: 7 as never, fields: { 11: '000321' } }));
    expect([e.code, e.field, e.offset]).toEqual([ErrorCode.INVALID_MTI, 'mti', 2]);
  });

  it('takes prefix "fixed" as a header of exactly its length, with no prefix on the wire', () => {
    const fixed = createCodec(withHeader({ length: 5, encoding: 'ascii', prefix: 'fixed' }));
    const bytes = fixed.encode({ mti: '0800', header: 'NWS01', fields: { 11: '000321' } });
    expect(String.fromCharCode(...bytes.subarray(0, 9))).toBe('NWS010800');
    const e = catchIso(() => fixed.encode({ mti: '08', header: 'NWS01', fields: { 11: '000321' } }));
    expect([e.code, e.offset]).toEqual([ErrorCode.INVALID_MTI, 5]);
  });
});
