import { describe as group, expect, it } from 'vitest';
import {
  type BerTlv,
  type Codec,
  createCodec,
  defineSpec,
  type FieldSpec,
  type Message,
  presets,
  specFromJSON,
  specToJSON,
  structuredPreset,
  toHex,
  withSubfields,
} from '../../src/index.js';
import { catchIso } from '../message/errors-helper.js';

const te = new TextEncoder();
const ascii = (s: string): number[] => [...te.encode(s)];
const f = (kind: FieldSpec['kind'], length: number, extra: Partial<FieldSpec> = {}): FieldSpec => ({ kind, length, encoding: 'ascii', ...extra });

function codecFor(n: number, field: FieldSpec): Codec<Message> {
  return createCodec({ name: `t${n}`, mti: { encoding: 'ascii' }, bitmap: { format: 'binary' }, fields: { [n]: field } }) as unknown as Codec<Message>;
}
/** The bytes of field `n` alone in a frame (after MTI and primary bitmap). */
const fieldBytes = (bytes: Uint8Array, at = 12): string => toHex(bytes.subarray(at));

group('positional subfields', () => {
  const codec = codecFor(3, f('n', 6, { subfields: { type: 'positional', fields: { 1: f('n', 2), 2: f('n', 2), 3: f('n', 2) } } }));

  it('decode into an object keyed by subfield number and encode back', () => {
    const out = codec.encode({ mti: '0100', fields: { 3: { 1: '00', 2: '30', 3: '10' } } });
    expect(fieldBytes(out)).toBe(toHex(te.encode('003010')));
    expect(codec.decode(out).fields[3]).toEqual({ 1: '00', 2: '30', 3: '10' });
  });

  it('name the subfield path in errors', () => {
    const frame = Uint8Array.from([...ascii('0100'), 0x20, 0, 0, 0, 0, 0, 0, 0, ...ascii('00A010')]);
    const e = catchIso(() => codec.decode(frame));
    expect([e.code, e.field, e.offset]).toEqual(['INVALID_CHARACTER', '3.2', 14]);
  });

  it('refuse a missing subfield, an unknown one and a wrong total length', () => {
    expect(catchIso(() => codec.encode({ mti: '0100', fields: { 3: { 1: '00', 2: '30' } } })).field).toBe('3.3');
    expect(catchIso(() => codec.encode({ mti: '0100', fields: { 3: { 1: '00', 2: '30', 3: '10', 4: '1' } } })).code).toBe('UNKNOWN_FIELD');
    expect(catchIso(() => codec.encode({ mti: '0100', fields: { 3: '003010' } })).code).toBe('INVALID_VALUE_TYPE');
  });
});

group('bitmapped subfields', () => {
  const layout = { type: 'bitmapped', bitmap: { format: 'binary' }, fields: { 1: f('an', 2), 3: f('ans', 20, { prefix: 'LL/ascii' }), 64: f('n', 1) } } as const;
  const codec = codecFor(127, f('ans', 999, { prefix: 'LLL/ascii', subfields: layout }));

  it('read their own bitmap, where bit 1 is a subfield unless the layout says secondary', () => {
    const out = codec.encode({ mti: '0100', fields: { 127: { 1: 'AB', 3: 'xyz', 64: '7' } } });
    expect(fieldBytes(out, 20)).toBe(toHex(Uint8Array.from([...ascii('016'), 0xa0, 0, 0, 0, 0, 0, 0, 0x01, ...ascii('AB03xyz7')])));
    expect(codec.decode(out).fields[127]).toEqual({ 1: 'AB', 3: 'xyz', 64: '7' });
  });

  it('with secondary, treat bit 1 as the flag of a second sub-bitmap', () => {
    const c = codecFor(127, f('ans', 999, { prefix: 'LLL/ascii', subfields: { type: 'bitmapped', bitmap: { format: 'hex' }, secondary: true, fields: { 2: f('n', 1), 100: f('n', 2) } } }));
    const out = c.encode({ mti: '0100', fields: { 127: { 2: '5', 100: '42' } } });
    expect(new TextDecoder().decode(out.subarray(23, 55))).toBe('C000000000000000' + '0000000010000000');
    expect(c.decode(out).fields[127]).toEqual({ 2: '5', 100: '42' });
  });
});

group('simple TLV', () => {
  const layout = { type: 'tlv', tagLength: 2, lengthDigits: 3, encoding: 'ebcdic037', tags: { AA: f('n', 5, { encoding: 'ebcdic037' }), BB: { kind: 'b', length: 4, encoding: 'binary' } } } as const;
  const codec = codecFor(48, f('ans', 999, { prefix: 'LLL/ebcdic037', encoding: 'ebcdic037', subfields: layout }));

  it('keeps tag order and unknown tags through a round trip, in EBCDIC', () => {
    const value = [
      { tag: 'ZZ', value: 'keep me' },
      { tag: 'AA', value: '12345' },
      { tag: 'BB', value: Uint8Array.of(1, 2, 3) },
      { tag: 'ZZ', value: '' },
    ];
    const out = codec.encode({ mti: '0100', fields: { 48: value } });
    expect(toHex(out.subarray(15, 20))).toBe('E9E9F0F0F7'); // "ZZ007" in code page 037
    expect(codec.decode(out).fields[48]).toEqual(value);
  });

  it('rejects unknown tags when told to, and a value above its tag maximum', () => {
    const strict = codecFor(48, f('ans', 999, { prefix: 'LLL/ascii', subfields: { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: 'ascii', tags: { AA: f('n', 3) }, unknownTags: 'reject' } }));
    const frame = Uint8Array.from([...ascii('0100'), 0, 0, 0, 0, 0, 0x01, 0, 0, ...ascii('005ZZ01x')]);
    const e = catchIso(() => strict.decode(frame));
    expect([e.code, e.field, e.offset]).toEqual(['UNKNOWN_TAG', '48.ZZ', 15]);
    expect(catchIso(() => strict.encode({ mti: '0100', fields: { 48: [{ tag: 'AA', value: '1234' }] } })).code).toBe('LENGTH_EXCEEDS_MAX');
  });
});

group('BER-TLV (EMV)', () => {
  const codec = codecFor(55, { kind: 'b', length: 999, prefix: 'LLL/ascii', encoding: 'binary', subfields: { type: 'ber-tlv' } });
  const frame = (hex: string): Uint8Array =>
    Uint8Array.from([...ascii('0100'), 0, 0, 0, 0, 0, 0, 0x02, 0, ...ascii(String(hex.length / 2).padStart(3, '0')), ...Buffer.from(hex, 'hex')]);

  it('reads multi-byte tags, long-form lengths and constructed tags, in order', () => {
    const long = '00'.repeat(200);
    const hex = `9F0206000000001000` + `DF810102ABCD` + `7008` + `5A0241115F3401` + `01` + `9F1F81C8${long}`;
    const value = codec.decode(frame(hex)).fields[55] as BerTlv[];
    expect(value.map((e) => e.tag)).toEqual(['9F02', 'DF8101', '70', '9F1F']);
    expect(value[2]!.value).toEqual([{ tag: '5A', value: Uint8Array.of(0x41, 0x11) }, { tag: '5F34', value: Uint8Array.of(1) }]);
    expect((value[3]!.value as Uint8Array).length).toBe(200);
    expect(toHex(codec.encode({ mti: '0100', fields: { 55: value } }))).toBe(toHex(frame(hex)));
  });

  it('keeps unknown tags unchanged by default and rejects them when told to', () => {
    const hex = 'DF7F03010203';
    expect(toHex(codec.encode(codec.decode(frame(hex))))).toBe(toHex(frame(hex)));
    const strict = codecFor(55, { kind: 'b', length: 999, prefix: 'LLL/ascii', encoding: 'binary', subfields: { type: 'ber-tlv', unknownTags: 'reject' } });
    const e = catchIso(() => strict.decode(frame(hex)));
    expect([e.code, e.field, e.offset]).toEqual(['UNKNOWN_TAG', '55.DF7F', 15]);
  });

  it.each([
    ['a length past the end', '9F0205000000', 'INVALID_TLV'],
    ['the indefinite length form', '700080', 'INVALID_TLV'],
    ['a non-minimal long-form length', '9F02810100', 'INVALID_TLV'],
    ['a tag that never ends', '9F', 'INVALID_TLV'],
    ['a tag longer than eight bytes', '9F818181818181810100', 'INVALID_TLV'],
  ])('refuses %s', (_what, hex, code) => {
    const e = catchIso(() => codec.decode(frame(hex)));
    expect(e.code).toBe(code);
    expect(e.field?.startsWith('55')).toBe(true);
  });

  it('refuses malformed values on encode', () => {
    expect(catchIso(() => codec.encode({ mti: '0100', fields: { 55: [{ tag: '9F', value: new Uint8Array(1) }] } })).code).toBe('INVALID_TLV');
    expect(catchIso(() => codec.encode({ mti: '0100', fields: { 55: [{ tag: '70', value: new Uint8Array(1) }] } })).code).toBe('INVALID_VALUE_TYPE');
    expect(catchIso(() => codec.encode({ mti: '0100', fields: { 55: [{ tag: '5A', value: [] }] } })).code).toBe('INVALID_VALUE_TYPE');
  });
});

group('Track 2', () => {
  const track = { pan: '4111111111111111', expiry: '2812', serviceCode: '101', discretionary: '0000012300000' };

  it('splits ASCII track 2 at = and writes it back', () => {
    const codec = createCodec(withSubfields(presets.iso87ascii, { 35: { type: 'track2' } })) as unknown as Codec<Message>;
    const out = codec.encode({ mti: '0100', fields: { 35: track } });
    expect(new TextDecoder().decode(out.subarray(12))).toBe('374111111111111111=28121010000012300000');
    expect(codec.decode(out).fields[35]).toEqual(track);
  });

  it('splits packed track 2 at the D nibble and pads an odd count with F', () => {
    const codec = createCodec(withSubfields(presets.iso87binary, { 35: { type: 'track2' } })) as unknown as Codec<Message>;
    const odd = { ...track, discretionary: '123' };
    const out = codec.encode({ mti: '0100', fields: { 35: odd } });
    expect(toHex(out.subarray(10))).toBe('27' + '4111111111111111D2812101123F');
    expect(codec.decode(out).fields[35]).toEqual(odd);
  });

  it('refuses track data without separator or with a short expiry', () => {
    const codec = createCodec(withSubfields(presets.iso87ascii, { 35: { type: 'track2' } })) as unknown as Codec<Message>;
    expect(catchIso(() => codec.encode({ mti: '0100', fields: { 35: { ...track, expiry: '28' } } })).code).toBe('INVALID_TRACK');
    const raw = createCodec(presets.iso87ascii).encode({ mti: '0100', fields: { 35: '41111111111111112812101' } });
    expect(catchIso(() => codec.decode(raw)).code).toBe('INVALID_TRACK');
  });
});

group('specs as JSON', () => {
  it('round-trip every preset and nested specs unchanged', () => {
    for (const p of [...Object.values(presets), structuredPreset(presets.iso87ascii), structuredPreset(presets.iso87ebcdic)]) {
      expect(specFromJSON(specToJSON(p))).toEqual(JSON.parse(JSON.stringify(p)));
    }
  });

  it('refuse text that is not JSON or not a consistent spec', () => {
    expect(catchIso(() => specFromJSON('{nope')).code).toBe('INVALID_SPEC');
    const bad = { ...presets.iso87ascii, fields: { 3: f('n', 6, { subfields: { type: 'ber-tlv' } }) } };
    const e = catchIso(() => specFromJSON(JSON.stringify(bad)));
    expect([e.code, e.field]).toEqual(['INVALID_SPEC', '3']);
  });
});

group('structuredPreset', () => {
  it('turns on Track 2, EMV and DE127 structures and leaves the preset itself flat', () => {
    const spec = structuredPreset(presets.iso87ascii);
    expect(spec.fields[55].subfields).toEqual({ type: 'ber-tlv' });
    expect(spec.fields[35].subfields).toEqual({ type: 'track2' });
    expect(spec.fields[127].subfields?.type).toBe('bitmapped');
    expect(presets.iso87ascii.fields[55].subfields).toBeUndefined();
    const codec = createCodec(spec) as unknown as Codec<Message>;
    const m: Message = { mti: '0100', fields: { 55: [{ tag: '9F02', value: new Uint8Array(6) }], 127: { 2: 'abc' } } };
    expect(codec.decode(codec.encode(m))).toEqual(m);
  });
});

group('validation of layouts', () => {
  it.each([
    ['BER-TLV in a text field', f('ans', 99, { prefix: 'LL/ascii', subfields: { type: 'ber-tlv' } })],
    ['Track 2 on a numeric field', f('n', 37, { prefix: 'LL/ascii', subfields: { type: 'track2' } })],
    ['a TLV tag of the wrong length', f('ans', 99, { prefix: 'LL/ascii', subfields: { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: 'ascii', tags: { ABC: f('an', 3) } } })],
    ['a prefix inside TLV', f('ans', 99, { prefix: 'LL/ascii', subfields: { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: 'ascii', tags: { AB: f('an', 3, { prefix: 'LL/ascii' }) } } })],
    ['subfield 0', f('n', 6, { subfields: { type: 'positional', fields: { 0: f('n', 6) } } })],
    ['an unknown layout', f('n', 6, { subfields: { type: 'nested' } as never })],
    ['padding on a container', f('n', 6, { pad: { side: 'left', char: '0' }, subfields: { type: 'positional', fields: { 1: f('n', 6) } } })],
    ['fixed subfields that do not add up to their field', f('n', 6, { subfields: { type: 'positional', fields: { 1: f('n', 2), 2: f('n', 2) } } })],
    ['odd packed subfields in a packed field', f('n', 6, { encoding: 'bcd', subfields: { type: 'positional', fields: { 1: f('n', 3, { encoding: 'bcd' }), 2: f('n', 3, { encoding: 'bcd' }) } } })],
  ])('rejects %s', (_what, field) => {
    expect(catchIso(() => codecFor(48, field)).code).toBe('INVALID_SPEC');
  });

  it('accepts a spec declared with defineSpec with nested layouts', () => {
    const spec = defineSpec({
      name: 'nested',
      mti: { encoding: 'ascii' },
      bitmap: { format: 'binary' },
      fields: { 127: { kind: 'ans', length: 999, prefix: 'LLL/ascii', encoding: 'ascii', subfields: { type: 'bitmapped', bitmap: { format: 'binary' }, fields: { 3: { kind: 'ans', length: 4, encoding: 'ascii', subfields: { type: 'positional', fields: { 1: { kind: 'an', length: 2, encoding: 'ascii' }, 2: { kind: 'an', length: 2, encoding: 'ascii' } } } } } } } },
    });
    const codec = createCodec(spec);
    const out = codec.encode({ mti: '0100', fields: { 127: { 3: { 1: 'AB', 2: 'CD' } } } });
    expect(codec.decode(out).fields[127]?.[3]?.[2]).toBe('CD');
  });
});

group('BER-TLV tags', () => {
  // Regression: decode and encode agree on the longest tag: a 4-byte one reads and writes back, a 9-byte one neither.
  it('reads a four-byte tag whose last byte ends it and writes it back, and refuses a nine-byte one both ways', () => {
    const codec = codecFor(55, { kind: 'b', length: 999, prefix: 'LLL/ascii', encoding: 'binary', subfields: { type: 'ber-tlv' } });
    const frame = Uint8Array.from([...ascii('0100'), 0, 0, 0, 0, 0, 0, 0x02, 0, ...ascii('005'), 0x9f, 0x81, 0x81, 0x01, 0x00]);
    const decoded = codec.decode(frame);
    expect(decoded.fields[55]).toEqual([{ tag: '9F818101', value: new Uint8Array(0) }]);
    expect(codec.encode(decoded)).toEqual(frame);
    const nine = Uint8Array.from([...ascii('0100'), 0, 0, 0, 0, 0, 0, 0x02, 0, ...ascii('010'), 0x9f, ...new Array(7).fill(0x81), 0x01, 0x00]);
    expect(catchIso(() => codec.decode(nine)).code).toBe('INVALID_TLV');
    expect(catchIso(() => codec.encode({ mti: '0100', fields: { 55: [{ tag: '9F81818181818181' + '01', value: new Uint8Array(0) }] } })).code).toBe('INVALID_TLV');
  });
});
