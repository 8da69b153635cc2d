import { describe, expect, it } from 'vitest';
import { createCodec, defineSpec, type Infer, presets, structuredPreset, withSubfields } from '../../src/index.js';

// The messages below are typed by the structured specs, without a cast: each test proves that what the types ask
// for encodes, and decodes back to the same value (so the types describe what decode returns, too).

const track2 = { pan: '4111111111111111', expiry: '2812', serviceCode: '201', discretionary: '0000' };
const emv = [
  { tag: '9F02', value: Uint8Array.of(0, 0, 0, 0, 0x12, 0x50) },
  { tag: '70', value: [{ tag: '5F20', value: Uint8Array.of(0x41, 0x42) }] },
];
const tlv48 = { type: 'tlv', tagLength: 2, lengthDigits: 3, encoding: 'ascii' } as const;

/** The presets with a DE127 and a 12-digit DE4 (1987 and 1993); the 2003 ones are covered in versions.spec.ts. */
const withDe127 = {
  iso87ascii: presets.iso87ascii,
  iso87binary: presets.iso87binary,
  iso87ebcdic: presets.iso87ebcdic,
  iso93ascii: presets.iso93ascii,
  iso93binary: presets.iso93binary,
};

describe('a structured preset encodes the values its types ask for', () => {
  for (const [name, preset] of Object.entries(withDe127)) {
    it(`${name}: DE35 as Track2, DE55 as BER-TLV, DE127 as subfields, and back`, () => {
      const spec = structuredPreset(preset);
      const codec = createCodec(spec);
      const message: Infer<typeof spec> = {
        mti: '0100',
        fields: { 2: track2.pan, 4: '000000001250', 35: track2, 55: emv, 127: { 2: 'ABC', 64: 'last one' } },
      };
      expect(codec.decode(codec.encode(message))).toEqual(message);
    });
  }

  it('encodes DE48 as TLV entries with de48, and DE127 by a de127 table of any kinds', () => {
    const spec = structuredPreset(presets.iso87binary, {
      de48: tlv48,
      de127: { 2: { kind: 'b', length: 8, encoding: 'binary' }, 3: { kind: 'n', length: 6, encoding: 'bcd', lengthUnit: 'digits' } },
    });
    const codec = createCodec(spec);
    const message: Infer<typeof spec> = {
      mti: '0200',
      fields: { 11: '000001', 48: [{ tag: 'AB', value: 'xyz' }, { tag: '01', value: '' }], 127: { 2: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), 3: '123456' } },
    };
    expect(codec.decode(codec.encode(message))).toEqual(message);
    // DE48 on the wire is the TLV text the flat preset reads: tag, 3 length digits, value.
    const only48 = codec.encode({ mti: '0200', fields: { 48: message.fields[48] } });
    expect(createCodec(presets.iso87binary).decode(only48).fields[48]).toBe('AB003xyz01000');
  });

  it('refuses the flat values at run time that its types refuse (TLV DE48 as text)', () => {
    const codec = createCodec(structuredPreset(presets.iso87ascii, { de48: tlv48 }));
    // What a caller without types (or with a cast) could still pass: the codec refuses it.
    const flat = { mti: '0100', fields: { 48: 'AB003xyz' } } as unknown as Parameters<typeof codec.encode>[0];
    expect(() => codec.encode(flat)).toThrow(expect.objectContaining({ code: 'INVALID_VALUE_TYPE', field: '48' }));
  });
});

describe('withSubfields encodes the values its types ask for', () => {
  it('takes a positional DE3 on the padded preset field as an object of every subfield', () => {
    const n2 = { kind: 'n', length: 2, encoding: 'ascii' } as const;
    const spec = withSubfields(presets.iso87ascii, { 3: { type: 'positional', fields: { 1: n2, 2: n2, 3: n2 } }, 48: tlv48 });
    const codec = createCodec(spec);
    const message: Infer<typeof spec> = { mti: '0100', fields: { 3: { 1: '00', 2: '30', 3: '00' }, 4: '000000001250', 48: [{ tag: 'AB', value: 'xyz' }] } };
    const bytes = codec.encode(message);
    expect(codec.decode(bytes)).toEqual(message);
    expect(createCodec(presets.iso87ascii).decode(bytes).fields[3]).toBe('003000');
  });

  it('takes BER-TLV on a spec of the user’s own, named after it', () => {
    const tiny = defineSpec({
      name: 'tiny',
      mti: { encoding: 'ascii' },
      bitmap: { format: 'binary' },
      fields: { 55: { kind: 'b', length: 255, prefix: 'LLL/ascii', encoding: 'binary' } },
    });
    const spec = withSubfields(tiny, { 55: { type: 'ber-tlv' } });
    const name: 'tiny+subfields' = spec.name;
    expect(name).toBe('tiny+subfields');
    const codec = createCodec(spec);
    const message: Infer<typeof spec> = { mti: '0100', fields: { 55: emv } };
    expect(codec.decode(codec.encode(message))).toEqual(message);
  });
});
