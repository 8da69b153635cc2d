import { describe, expect, it } from 'vitest';
import { type Codec, createCodec, defineSpec, type Message, presets, toHex } from '../../src/index.js';
import { catchIso } from './errors-helper.js';

const ascii = createCodec(presets.iso87ascii);
/** The same codec without static field types, for feeding it what the types forbid. */
const loose = ascii as unknown as Codec<Message>;
const te = new TextEncoder();
/** Concatenates byte arrays and ASCII strings into one frame. */
function frame(...parts: (string | number[])[]): Uint8Array {
  const chunks = parts.map((p) => (typeof p === 'string' ? te.encode(p) : new Uint8Array(p)));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
const PAN = '4111111111111111';

describe('createCodec', () => {
  it('returns the same compiled codec for the same spec object', () => {
    expect(createCodec(presets.iso87ascii)).toBe(ascii);
  });

  it('rejects an inconsistent spec before any frame is read', () => {
    const bad = { ...presets.iso87ascii, fields: { 2: { kind: 'n', length: 120, prefix: 'LL/ascii', encoding: 'ascii' } } };
    expect(catchIso(() => createCodec(bad as never)).code).toBe('INVALID_SPEC');
  });
});

describe('decode', () => {
  it('reads MTI, primary bitmap and fields in bit order', () => {
    // Bitmap 7000... : fields 2, 3, 4.
    const f = frame('0100', [0x70, 0, 0, 0, 0, 0, 0, 0], '16', PAN, '000000', '000000001000');
    expect(ascii.decode(f)).toEqual({ mti: '0100', fields: { 2: PAN, 3: '000000', 4: '000000001000' } });
  });

  it('reads a secondary bitmap when bit 1 is set and never reports bitmap fields as values', () => {
    const f = frame('0100', [0xa0, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0x04, 0, 0, 0], '000000', '05', 'ACC01');
    const m = ascii.decode(f);
    expect(m.fields).toEqual({ 3: '000000', 102: 'ACC01' });
    expect(Object.keys(m.fields)).not.toContain('1');
  });

  it('rejects bytes after the last field', () => {
    const f = frame('0800', [0x20, 0, 0, 0, 0, 0, 0, 0], '000000', 'X');
    const e = catchIso(() => ascii.decode(f));
    expect(e.code).toBe('TRAILING_BYTES');
    expect(e.offset).toBe(18);
  });

  it('rejects a length prefix above the field maximum, naming field and offset but not the value', () => {
    const f = frame('0100', [0x40, 0, 0, 0, 0, 0, 0, 0], '21', '411111111111111111111');
    const e = catchIso(() => ascii.decode(f));
    expect(e.code).toBe('LENGTH_EXCEEDS_MAX');
    expect(e.field).toBe('2');
    expect(e.offset).toBe(12);
    expect(e.message).toBe('LENGTH_EXCEEDS_MAX: field 2 at offset 12: length 21 exceeds maximum 19');
  });

  it('fails at once when a prefix claims more bytes than the frame holds', () => {
    const f = frame('0100', [0, 0, 0, 0, 0, 0x01, 0, 0], '999', 'short');
    const e = catchIso(() => ascii.decode(f));
    expect(e.code).toBe('TRUNCATED');
    expect(e.field).toBe('48');
    expect(e.offset).toBe(15);
  });

  it('rejects a non-digit in a numeric field with its offset', () => {
    const f = frame('0100', [0x20, 0, 0, 0, 0, 0, 0, 0], '00A000');
    const e = catchIso(() => ascii.decode(f));
    expect(e.code).toBe('INVALID_CHARACTER');
    expect(e.field).toBe('3');
    expect(e.offset).toBe(14);
  });

  it('rejects a bit for a field the spec does not define', () => {
    const tiny = createCodec(
      defineSpec({ name: 'tiny', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' }, fields: { 3: presets.iso87ascii.fields[3] } }),
    );
    const e = catchIso(() => tiny.decode(frame('0100', [0x10, 0, 0, 0, 0, 0, 0, 0], '000000000100')));
    expect(e.code).toBe('UNKNOWN_FIELD');
    expect(e.field).toBe('4');
    expect(e.offset).toBe(12);
  });

  it('rejects an MTI that is not four digits', () => {
    const e = catchIso(() => ascii.decode(frame('01X0', [0, 0, 0, 0, 0, 0, 0, 0])));
    expect(e.code).toBe('INVALID_MTI');
    expect(e.offset).toBe(2);
  });

  it('reports a truncated bitmap', () => {
    const e = catchIso(() => ascii.decode(frame('0100', [0x70, 0, 0])));
    expect(e.code).toBe('TRUNCATED');
    expect(e.field).toBe('bitmap');
    expect(e.offset).toBe(4);
  });

  it('accepts an empty variable field', () => {
    const g = frame('0100', [0x80, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0x04, 0, 0, 0], '00');
    expect(ascii.decode(g).fields[102]).toBe('');
  });

  it('throws INVALID_INPUT for something that is not bytes', () => {
    expect(catchIso(() => ascii.decode('0100' as never)).code).toBe('INVALID_INPUT');
    expect(catchIso(() => ascii.decode(null as never)).code).toBe('INVALID_INPUT');
  });
});

describe('encode', () => {
  it('computes the bitmap from present fields and writes them in order', () => {
    const out = ascii.encode({ mti: '0110', fields: { 39: '00', 3: '000000' } });
    expect(toHex(out)).toBe(toHex(frame('0110', [0x20, 0, 0, 0, 0x02, 0, 0, 0], '000000', '00')));
  });

  it('adds a secondary bitmap only when a field above 64 is present', () => {
    expect(ascii.encode({ mti: '0800', fields: { 11: '000001' } }).length).toBe(4 + 8 + 6);
    expect(ascii.encode({ mti: '0800', fields: { 11: '000001', 70: '301' } }).length).toBe(4 + 16 + 6 + 3);
  });

  it('skips fields whose value is undefined', () => {
    const m: Message = { mti: '0800', fields: { 11: '000001', 70: undefined } };
    expect(loose.encode(m).length).toBe(4 + 8 + 6);
  });

  it('pads a short fixed numeric field with leading zeros and a short text field with trailing spaces', () => {
    const m = ascii.decode(ascii.encode({ mti: '0100', fields: { 4: '1000', 41: 'T1' } }));
    expect(m.fields[4]).toBe('000000001000');
    expect(m.fields[41]).toBe('T1      ');
  });

  it('rejects a value longer than a fixed field', () => {
    const e = catchIso(() => ascii.encode({ mti: '0100', fields: { 3: '0000000' } }));
    expect(e.code).toBe('LENGTH_EXCEEDS_MAX');
    expect(e.field).toBe('3');
  });

  it('rejects a short fixed binary value instead of padding it', () => {
    const e = catchIso(() => ascii.encode({ mti: '0100', fields: { 52: new Uint8Array(7) } }));
    expect(e.code).toBe('INVALID_LENGTH');
  });

  it('rejects a variable value above its maximum without echoing it', () => {
    const e = catchIso(() => ascii.encode({ mti: '0100', fields: { 2: '41111111111111111111' } }));
    expect(e.code).toBe('LENGTH_EXCEEDS_MAX');
    expect(e.message).not.toContain('4111');
  });

  it('rejects values of the wrong type', () => {
    expect(catchIso(() => ascii.encode({ mti: '0100', fields: { 4: 1000 as never } })).code).toBe('INVALID_VALUE_TYPE');
    expect(catchIso(() => loose.encode({ mti: '0100', fields: { 52: '0102030405060708' } })).code).toBe(
      'INVALID_VALUE_TYPE',
    );
    expect(catchIso(() => ascii.encode({ mti: '0100', fields: { 4: null as never } })).code).toBe('INVALID_VALUE_TYPE');
  });

  it('rejects bitmap fields, unknown fields and malformed keys', () => {
    expect(catchIso(() => loose.encode({ mti: '0100', fields: { 1: 'x' } })).code).toBe('INVALID_MESSAGE');
    expect(catchIso(() => loose.encode({ mti: '0100', fields: { 150: 'x' } })).code).toBe('UNKNOWN_FIELD');
    expect(catchIso(() => ascii.encode({ mti: '0100', fields: { abc: 'x' } as never })).code).toBe('INVALID_MESSAGE');
  });

  it('rejects a malformed message or MTI', () => {
    expect(catchIso(() => ascii.encode(null as never)).code).toBe('INVALID_MESSAGE');
    expect(catchIso(() => ascii.encode({ mti: '0100' } as never)).code).toBe('INVALID_MESSAGE');
    expect(catchIso(() => ascii.encode({ mti: '100', fields: {} })).code).toBe('INVALID_MTI');
    expect(catchIso(() => ascii.encode({ mti: '01A0', fields: {} })).code).toBe('INVALID_MTI');
  });

  it('turns a throwing getter into an Iso8583Error without its text', () => {
    const fields = Object.defineProperty({}, '4', {
      enumerable: true,
      get() {
        throw new Error(`secret ${PAN}`);
      },
    });
    const e = catchIso(() => loose.encode({ mti: '0100', fields }));
    expect(e.code).toBe('INVALID_MESSAGE');
    expect(e.message).not.toContain(PAN);
  });
});

describe('BCD preset', () => {
  const binary = createCodec(presets.iso87binary);

  it('packs the MTI in two bytes and numeric fields as digits', () => {
    const out = binary.encode({ mti: '0200', fields: { 3: '000000', 4: '000000001000', 49: '840' } });
    expect(toHex(out)).toBe('0200' + '3000000000008000' + '000000' + '000000001000' + '0840');
  });

  it('counts an odd-length PAN in digits and pads its spare nibble on the left', () => {
    const out = binary.encode({ mti: '0100', fields: { 2: '378282246310005' } });
    expect(toHex(out)).toBe('0100' + '4000000000000000' + '15' + '0378282246310005');
    expect(binary.decode(out).fields[2]).toBe('378282246310005');
  });

  it('packs track 2 with a D separator and a trailing F pad', () => {
    const out = binary.encode({ mti: '0100', fields: { 35: '4111111111111111D2512101' } });
    expect(toHex(out).endsWith('24' + '4111111111111111D2512101')).toBe(true);
    const odd = binary.encode({ mti: '0100', fields: { 35: '4111111111111111D251210' } });
    expect(toHex(odd).endsWith('23' + '4111111111111111D251210F')).toBe(true);
    expect(binary.decode(odd).fields[35]).toBe('4111111111111111D251210');
  });

  it('rejects a nibble above 9 in a numeric field', () => {
    const f = new Uint8Array([0x02, 0x00, 0x20, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x0a, 0x00]);
    const e = catchIso(() => binary.decode(f));
    expect(e.code).toBe('INVALID_NIBBLE');
    expect(e.field).toBe('3');
    expect(e.offset).toBe(11);
  });
});

describe('EBCDIC preset', () => {
  it('writes MTI, prefixes and text in code page 037', () => {
    const ebcdic = createCodec(presets.iso87ebcdic);
    const out = ebcdic.encode({ mti: '0800', fields: { 2: '12' } });
    expect(toHex(out)).toBe('F0F8F0F0' + '4000000000000000' + 'F0F2' + 'F1F2');
  });
});

describe('tertiary bitmap', () => {
  const spec = defineSpec({
    name: 'tertiary',
    mti: { encoding: 'ascii' },
    bitmap: { format: 'binary', tertiary: true },
    fields: {
      3: { kind: 'n', length: 6, encoding: 'ascii' },
      70: { kind: 'n', length: 3, encoding: 'ascii' },
      130: { kind: 'an', length: 4, encoding: 'ascii' },
      192: { kind: 'ans', length: 99, prefix: 'LL/ascii', encoding: 'ascii' },
    },
  });
  const codec = createCodec(spec);

  it('is announced by bit 65 of the secondary bitmap and carries fields 130–192', () => {
    const out = codec.encode({ mti: '0100', fields: { 3: '000000', 130: 'ABCD', 192: 'z' } });
    expect(toHex(out.subarray(4, 28))).toBe('A000000000000000' + '8000000000000000' + '4000000000000001');
    expect(codec.decode(out)).toEqual({ mti: '0100', fields: { 3: '000000', 130: 'ABCD', 192: 'z' } });
  });

  it('is left out when no field above 128 is present', () => {
    const out = codec.encode({ mti: '0100', fields: { 70: '001' } });
    expect(toHex(out.subarray(4, 20))).toBe('8000000000000000' + '0400000000000000');
  });

  it('refuses bit 129, which would announce a fourth bitmap', () => {
    const f = frame('0100', [0x80, 0, 0, 0, 0, 0, 0, 0], [0x80, 0, 0, 0, 0, 0, 0, 0], [0x80, 0, 0, 0, 0, 0, 0, 0]);
    const e = catchIso(() => codec.decode(f));
    expect([e.code, e.field, e.offset]).toEqual(['INVALID_BITMAP', 'bitmap', 20]);
  });
});

describe('header', () => {
  const spec = defineSpec({
    name: 'with-header',
    header: { length: 5, encoding: 'binary' },
    mti: { encoding: 'ascii' },
    bitmap: { format: 'hex' },
    fields: { 11: { kind: 'n', length: 6, encoding: 'ascii' } },
  });
  const codec = createCodec(spec);

  it('reads and writes a fixed header before the MTI', () => {
    const header = new Uint8Array([0x60, 0x00, 0x01, 0x00, 0x00]);
    const out = codec.encode({ header, mti: '0800', fields: { 11: '000042' } });
    expect(toHex(out)).toBe('6000010000' + toHex(te.encode('0800' + '0020000000000000' + '000042')));
    expect(codec.decode(out)).toEqual({ header, mti: '0800', fields: { 11: '000042' } });
  });

  it('requires the header on encode', () => {
    expect(catchIso(() => codec.encode({ mti: '0800', fields: {} } as never)).field).toBe('header');
  });

  it('refuses a frame cut in the MTI as TRUNCATED at the MTI, just after the header', () => {
    const e = catchIso(() => codec.decode(Uint8Array.of(0x60, 0x00, 0x01, 0x00, 0x00, 0x30, 0x38)));
    expect([e.code, e.field, e.offset]).toEqual(['TRUNCATED', 'mti', 5]);
  });

  it('refuses a frame shorter than its header as TRUNCATED at the header, offset 0', () => {
    const e = catchIso(() => codec.decode(Uint8Array.of(0x60, 0x00, 0x01)));
    expect([e.code, e.field, e.offset]).toEqual(['TRUNCATED', 'header', 0]);
  });

  it('reads and writes a packed-digit header, two digits a byte', () => {
    const bcd = createCodec(
      defineSpec({ name: 'bcd-header', header: { length: 2, encoding: 'bcd' }, mti: { encoding: 'bcd' }, bitmap: { format: 'binary' }, fields: { 11: { kind: 'n', length: 6, encoding: 'bcd' } } }),
    );
    const out = bcd.encode({ header: '6001', mti: '0800', fields: { 11: '000042' } });
    expect(toHex(out)).toBe('6001' + '0800' + '0020000000000000' + '000042');
    expect(bcd.decode(out)).toEqual({ header: '6001', mti: '0800', fields: { 11: '000042' } });
  });
});

describe('x+n fields', () => {
  it('accept C or D followed by digits and reject anything else', () => {
    const out = ascii.encode({ mti: '0100', fields: { 28: 'C00000150' } });
    expect(ascii.decode(out).fields[28]).toBe('C00000150');
    expect(catchIso(() => ascii.encode({ mti: '0100', fields: { 28: '000000150' } })).code).toBe('INVALID_CHARACTER');
    expect(catchIso(() => ascii.encode({ mti: '0100', fields: { 28: 'C0000C150' } })).code).toBe('INVALID_CHARACTER');
  });
});

describe('packed digits counted in bytes', () => {
  // Regression (found by the random-spec round-trip property): a one-digit value "0" packs as 0F and must decode
  // back to "0", not fail on the F nibble.
  const spec = defineSpec({
    name: 'bcd-bytes',
    mti: { encoding: 'ascii' },
    bitmap: { format: 'binary' },
    fields: {
      24: { kind: 'n', length: 1, encoding: 'bcd', lengthUnit: 'bytes', prefix: 'B1', nibblePad: { side: 'right', nibble: 'F' } },
      25: { kind: 'n', length: 10, encoding: 'bcd', lengthUnit: 'bytes', prefix: 'LL/ascii', nibblePad: { side: 'left', nibble: 'F' } },
    },
  });
  const codec = createCodec(spec);

  it('drops the F pad of an odd digit count on decode and restores it on encode', () => {
    const out = codec.encode({ mti: '0100', fields: { 24: '0', 25: '123' } });
    expect(toHex(out.subarray(12))).toBe('01' + '0F' + '3032' + 'F123');
    expect(codec.decode(out).fields).toEqual({ 24: '0', 25: '123' });
  });

  it('keeps an even digit count whole', () => {
    const out = codec.encode({ mti: '0100', fields: { 25: '1234' } });
    expect(codec.decode(out).fields[25]).toBe('1234');
  });

  it('refuses an even value that starts or ends on the pad nibble', () => {
    const z = createCodec(
      defineSpec({
        name: 'z-bytes',
        mti: { encoding: 'ascii' },
        bitmap: { format: 'binary' },
        fields: { 35: { kind: 'z', length: 20, encoding: 'bcd', lengthUnit: 'bytes', prefix: 'LL/bcd', nibblePad: { side: 'right', nibble: 'F' } } },
      }),
    );
    expect(catchIso(() => z.encode({ mti: '0100', fields: { 35: '12D4F' + 'F' } })).code).toBe('INVALID_PADDING');
  });
});
