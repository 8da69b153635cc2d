import { describe, expect, it } from 'vitest';
import { type BitmapSpec, type Codec, createCodec, defineSpec, type Message, presets, toHex, validateSpec } from '../../src/index.js';
import { catchIso } from './errors-helper.js';

const te = new TextEncoder();
/** Concatenates byte arrays and ASCII strings into one frame. */
function frame(...parts: (string | readonly number[])[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((p) => (typeof p === 'string' ? [...te.encode(p)] : p)));
}
const ZERO8 = [0, 0, 0, 0, 0, 0, 0, 0];

/** A small spec with fields on each bitmap it has (130 only with a tertiary), its bitmap section given. */
function specWith(bitmap: BitmapSpec): Codec<Message> {
  return createCodec({
    name: `canonical-${JSON.stringify(bitmap)}`,
    mti: { encoding: 'ascii' },
    bitmap,
    fields: {
      3: { kind: 'n', length: 6, encoding: 'ascii' },
      11: { kind: 'n', length: 6, encoding: 'ascii' },
      52: { kind: 'b', length: 2, encoding: 'hex' },
      70: { kind: 'n', length: 3, encoding: 'ascii' },
      ...(bitmap.tertiary === true ? { 130: { kind: 'an', length: 2, encoding: 'ascii' } } : {}),
    },
  }) as unknown as Codec<Message>;
}

describe('strict means canonical: one byte sequence per message', () => {
  it('refuses an announced but empty secondary bitmap at the secondary, which would re-encode shorter', () => {
    const ascii = createCodec(presets.iso87ascii);
    // 0100 8000000000000000 0000000000000000: bit 1 says a secondary follows, and it announces nothing.
    const e = catchIso(() => ascii.decode(frame('0100', [0x80, 0, 0, 0, 0, 0, 0, 0], ZERO8)));
    expect([e.code, e.field, e.offset]).toEqual(['NON_CANONICAL_BITMAP', 'bitmap', 12]);
    // With a field on the secondary it is the canonical form.
    const canonical = frame('0100', [0x80, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0x01], [1, 2, 3, 4, 5, 6, 7, 8]);
    expect(toHex(ascii.encode(ascii.decode(canonical)))).toBe(toHex(canonical));
  });

  it('refuses an announced but empty tertiary bitmap at the tertiary', () => {
    const codec = specWith({ format: 'binary', tertiary: true });
    const e = catchIso(() => codec.decode(frame('0100', [0x80, 0x20, 0, 0, 0, 0, 0, 0], [0x80, 0, 0, 0, 0, 0, 0, 0], ZERO8, '000001')));
    expect([e.code, e.field, e.offset]).toEqual(['NON_CANONICAL_BITMAP', 'bitmap', 20]);
    // A secondary that only announces the tertiary is needed, and canonical.
    const only130 = codec.encode({ mti: '0100', fields: { 130: 'AB' } });
    expect(toHex(only130.subarray(4, 28))).toBe('8000000000000000' + '8000000000000000' + '4000000000000000');
    expect(codec.decode(only130).fields).toEqual({ 130: 'AB' });
  });

  it('refuses lowercase hex digits in a bitmap at that bitmap', () => {
    const codec = specWith({ format: 'hex' });
    // A0: bits 1 (secondary) and 3; 20: bit 11; 04: bit 70.
    const fields = { 3: '000000', 11: '000001', 70: '301' };
    expect(codec.decode(frame('0100', 'A020000000000000', '0400000000000000', '000000', '000001', '301')).fields).toEqual(fields);
    const e1 = catchIso(() => codec.decode(frame('0100', 'a020000000000000', '0400000000000000', '000000', '000001', '301')));
    expect([e1.code, e1.field, e1.offset]).toEqual(['NON_CANONICAL_BITMAP', 'bitmap', 4]);
    const e2 = catchIso(() => codec.decode(frame('0100', 'A020000000000000', '000000000000000c', '000001')));
    expect([e2.code, e2.field, e2.offset]).toEqual(['NON_CANONICAL_BITMAP', 'bitmap', 20]);
  });

  it('refuses lowercase hex digits in a hex field, naming the field and the digit', () => {
    const codec = specWith({ format: 'binary' });
    const good = codec.encode({ mti: '0100', fields: { 52: new Uint8Array([0xab, 0x01]) } });
    expect(new TextDecoder().decode(good.subarray(12))).toBe('AB01');
    const e = catchIso(() => codec.decode(frame('0100', [0, 0, 0, 0, 0, 0, 0x10, 0], 'aB01')));
    expect([e.code, e.field, e.offset]).toEqual(['INVALID_CHARACTER', '52', 12]);
  });

  it('refuses lowercase hex digits in a sub-bitmap, at the sub-bitmap', () => {
    const spec = defineSpec({
      name: 'sub-hex',
      mti: { encoding: 'ascii' },
      bitmap: { format: 'binary' },
      fields: {
        127: {
          kind: 'ans', length: 999, prefix: 'LLL/ascii', encoding: 'ascii',
          subfields: { type: 'bitmapped', bitmap: { format: 'hex' }, fields: { 3: { kind: 'an', length: 2, encoding: 'ascii' } } },
        },
      },
    });
    const codec = createCodec(spec) as unknown as Codec<Message>;
    const bytes = codec.encode({ mti: '0100', fields: { 127: { 3: 'OK' } } });
    expect(new TextDecoder().decode(bytes.subarray(bytes.length - 18))).toBe('2000000000000000OK');
    const upper = frame('0100', [0x80, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0x02], '018', '2000000000000000', 'OK');
    expect(codec.decode(upper).fields[127]).toEqual({ 3: 'OK' });
    const e = catchIso(() => codec.decode(frame('0100', [0x80, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0x02], '018', '2000000000000a00', 'OK')));
    expect([e.code, e.field, e.offset]).toEqual(['NON_CANONICAL_BITMAP', '127.bitmap', 23]);
  });
});

describe('sub-bitmaps with a second sub-bitmap', () => {
  const codec = createCodec({
    name: 'sub-secondary',
    mti: { encoding: 'ascii' },
    bitmap: { format: 'binary' },
    fields: {
      127: {
        kind: 'b', length: 999, prefix: 'LLL/ascii', encoding: 'binary',
        subfields: {
          type: 'bitmapped', secondary: true, bitmap: { format: 'binary' },
          fields: { 2: { kind: 'an', length: 2, encoding: 'ascii' }, 70: { kind: 'an', length: 2, encoding: 'ascii' } },
        },
      },
    },
  }) as unknown as Codec<Message>;
  const head = ['0100', [0x80, 0, 0, 0, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 0x02]] as const;

  it('refuse a second sub-bitmap that is announced but empty, at that sub-bitmap', () => {
    const e = catchIso(() => codec.decode(frame(...head, '018', [0xc0, 0, 0, 0, 0, 0, 0, 0], ZERO8, 'OK')));
    expect([e.code, e.field, e.offset]).toEqual(['NON_CANONICAL_BITMAP', '127.bitmap', 31]);
  });

  it('read a second sub-bitmap that announces a subfield, and write it back the same', () => {
    const bytes = frame(...head, '020', [0xc0, 0, 0, 0, 0, 0, 0, 0], [0x04, 0, 0, 0, 0, 0, 0, 0], 'OK', 'HI');
    const m = codec.decode(bytes);
    expect(m.fields[127]).toEqual({ 2: 'OK', 70: 'HI' });
    expect(toHex(codec.encode(m))).toBe(toHex(bytes));
  });
});

describe('one byte form outside the bitmaps', () => {
  it('refuses a length prefix with a leading space, in ASCII and in EBCDIC', () => {
    const ascii = createCodec(presets.iso87ascii);
    const e = catchIso(() => ascii.decode(frame('0100', [0x40, 0, 0, 0, 0, 0, 0, 0], ' 4', '4111')));
    expect([e.code, e.field, e.offset]).toEqual(['INVALID_LENGTH_PREFIX', '2', 12]);
    const ebcdic = createCodec(presets.iso87ebcdic);
    // F0F1F0F0 is 0100 in EBCDIC; 40 is the EBCDIC space, F4 the digit 4.
    const spaced = Uint8Array.from([0xf0, 0xf1, 0xf0, 0xf0, 0x40, 0, 0, 0, 0, 0, 0, 0, 0x40, 0xf4, 0xf4, 0xf1, 0xf1, 0xf1]);
    const e2 = catchIso(() => ebcdic.decode(spaced));
    expect([e2.code, e2.field, e2.offset]).toEqual(['INVALID_LENGTH_PREFIX', '2', 12]);
  });

  it('refuses an LLL/bcd prefix whose spare nibble is not 0', () => {
    const binary = createCodec(presets.iso87binary);
    // 0100, DE48 only (bit 48), LLL/bcd = F0 03: the spare nibble F where 0 is written.
    const e = catchIso(() => binary.decode(Uint8Array.from([0x01, 0x00, 0, 0, 0, 0, 0, 0x01, 0, 0, 0xf0, 0x03, 0x41, 0x42, 0x43])));
    expect([e.code, e.field, e.offset]).toEqual(['INVALID_LENGTH_PREFIX', '48', 10]);
    expect(toHex(binary.encode({ mti: '0100', fields: { 48: 'ABC' } }).subarray(10))).toBe('0003414243');
  });

  it('maps each EBCDIC and ASCII byte to one character and back to the same byte', () => {
    const text = { kind: 'ans', length: 1, encoding: 'ascii' } as const;
    for (const encoding of ['ascii', 'ebcdic037', 'ebcdic500', 'ebcdic1047'] as const) {
      const codec = createCodec({ name: `one-${encoding}`, mti: { encoding: 'ascii' }, bitmap: { format: 'binary' }, fields: { 2: { ...text, kind: 'b', encoding: 'binary' }, 3: { ...text, encoding } } }) as unknown as Codec<Message>;
      let accepted = 0;
      for (let b = 0; b < 256; b++) {
        const bytes = frame('0100', [0x20, 0, 0, 0, 0, 0, 0, 0], [b]);
        let m: Message;
        try {
          m = codec.decode(bytes);
        } catch {
          continue;
        }
        accepted++;
        expect(toHex(codec.encode(m))).toBe(toHex(bytes));
      }
      // ans is printable: 95 ASCII characters; EBCDIC reaches the Latin-1 printables as well.
      expect(accepted).toBeGreaterThanOrEqual(95);
    }
  });
});

describe('bitmap.lenient', () => {
  it('accepts lowercase hex and empty extension bitmaps, and re-encodes them in the canonical form', () => {
    const codec = specWith({ format: 'hex', tertiary: true, lenient: true });
    // Lowercase digits, a secondary that only announces the tertiary, and an empty tertiary.
    const sloppy = frame('0100', 'a020000000000000', '8000000000000000', '0000000000000000', '000000', '000001');
    const m = codec.decode(sloppy);
    expect(m).toEqual({ mti: '0100', fields: { 3: '000000', 11: '000001' } });
    expect(new TextDecoder().decode(codec.encode(m))).toBe('0100' + '2020000000000000' + '000000' + '000001');
  });

  it('is off by default and does not touch encode', () => {
    const strict = specWith({ format: 'hex' });
    const lenient = specWith({ format: 'hex', lenient: true });
    const m = { mti: '0100', fields: { 11: '000001', 70: '301' } };
    expect(toHex(lenient.encode(m))).toBe(toHex(strict.encode(m)));
    expect(catchIso(() => strict.decode(frame('0100', '8020000000000000', '0000000000000000', '000001'))).code).toBe('NON_CANONICAL_BITMAP');
    expect(lenient.decode(frame('0100', '8020000000000000', '0000000000000000', '000001')).fields).toEqual({ 11: '000001' });
  });
});

describe('bitmap.alwaysSecondary', () => {
  const always = specWith({ format: 'binary', alwaysSecondary: true });

  it('writes the secondary bitmap on every message, and that form decodes', () => {
    const out = always.encode({ mti: '0800', fields: { 11: '000001' } });
    expect(toHex(out.subarray(4, 20))).toBe('8020000000000000' + '0000000000000000');
    expect(always.decode(out)).toEqual({ mti: '0800', fields: { 11: '000001' } });
    expect(toHex(always.encode({ mti: '0800', fields: {} }).subarray(4))).toBe('8000000000000000' + '0000000000000000');
  });

  it('refuses a frame without the secondary at the primary bitmap, unless lenient', () => {
    const short = frame('0800', [0x00, 0x20, 0, 0, 0, 0, 0, 0], '000001');
    const e = catchIso(() => always.decode(short));
    expect([e.code, e.field, e.offset]).toEqual(['NON_CANONICAL_BITMAP', 'bitmap', 4]);
    const lenient = specWith({ format: 'binary', alwaysSecondary: true, lenient: true });
    const m = lenient.decode(short);
    expect(m.fields).toEqual({ 11: '000001' });
    expect(lenient.encode(m).length).toBe(short.length + 8);
  });

  it('works with a tertiary bitmap: the tertiary is still written only when needed', () => {
    const codec = specWith({ format: 'hex', tertiary: true, alwaysSecondary: true });
    const out = codec.encode({ mti: '0100', fields: { 11: '000001' } });
    expect(new TextDecoder().decode(out)).toBe('0100' + '8020000000000000' + '0000000000000000' + '000001');
    expect(codec.decode(out).fields).toEqual({ 11: '000001' });
    const e = catchIso(() => codec.decode(frame('0100', '8020000000000000', '8000000000000000', '0000000000000000', '000001')));
    expect([e.code, e.offset]).toEqual(['NON_CANONICAL_BITMAP', 36]);
  });
});

describe('bitmap options are data', () => {
  it('are checked by validateSpec', () => {
    const base = { name: 'b', mti: { encoding: 'ascii' }, fields: {} };
    for (const bitmap of [{ format: 'binary', lenient: 'yes' }, { format: 'hex', alwaysSecondary: 1 }, { format: 'binary', tertiary: null }]) {
      const e = catchIso(() => validateSpec({ ...base, bitmap }));
      expect([e.code, e.field]).toEqual(['INVALID_SPEC', 'bitmap']);
    }
    expect(validateSpec({ ...base, bitmap: { format: 'hex', lenient: true, alwaysSecondary: false } }).bitmap.lenient).toBe(true);
  });
});

describe('headers in hex text', () => {
  const spec = defineSpec({
    name: 'hex-header',
    header: { length: 4, encoding: 'hex' },
    mti: { encoding: 'ascii' },
    bitmap: { format: 'binary' },
    fields: { 11: { kind: 'n', length: 6, encoding: 'ascii' } },
  });
  const codec = createCodec(spec) as unknown as Codec<Message>;

  it('take exactly header.length bytes on the wire (two characters per value byte)', () => {
    const out = codec.encode({ header: new Uint8Array([0x60, 0x01]), mti: '0800', fields: { 11: '000001' } });
    expect(new TextDecoder().decode(out.subarray(0, 8))).toBe('60010800');
    expect(codec.decode(out)).toEqual({ header: new Uint8Array([0x60, 0x01]), mti: '0800', fields: { 11: '000001' } });
    expect(catchIso(() => codec.encode({ header: new Uint8Array(4), mti: '0800', fields: {} })).code).toBe('INVALID_LENGTH');
  });

  it('must have an even length', () => {
    const e = catchIso(() => validateSpec({ ...spec, header: { length: 3, encoding: 'hex' } }));
    expect([e.code, e.field]).toEqual(['INVALID_SPEC', 'header']);
  });
});
