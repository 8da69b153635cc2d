import { describe, expectTypeOf, it } from 'vitest';
import {
  type BerTlv,
  type ConverterName,
  createCodec,
  defineSpec,
  type Infer,
  type MessageSpec,
  presets,
  structuredPreset,
  type TlvEntry,
  type Track2,
  withSubfields,
} from '../../src/index.js';

const frame = new Uint8Array();
const tlv48 = { type: 'tlv', tagLength: 2, lengthDigits: 3, encoding: 'ascii' } as const;

describe('structuredPreset types the fields it structures by their layouts', () => {
  const codec = createCodec(structuredPreset(presets.iso87ascii));
  const fields = codec.decode(frame).fields;

  it('types DE35 as Track2, DE55 as BER-TLV and DE127 as its 64 text subfields', () => {
    expectTypeOf(fields[35]).toEqualTypeOf<Track2 | undefined>();
    expectTypeOf(fields[55]).toEqualTypeOf<BerTlv[] | undefined>();
    expectTypeOf(fields[127]![1]).toEqualTypeOf<string | undefined>();
    expectTypeOf(fields[127]![64]).toEqualTypeOf<string | undefined>();
    // @ts-expect-error DE127's default layout has one sub-bitmap: subfields 1–64 only
    void fields[127]![65];
  });

  it('leaves the other fields, DE48 included, as the preset types them', () => {
    expectTypeOf(fields[2]).toEqualTypeOf<string | undefined>();
    expectTypeOf(fields[48]).toEqualTypeOf<string | undefined>();
    expectTypeOf(fields[52]).toEqualTypeOf<Uint8Array | undefined>();
  });

  it('asks encode for the structured values, not the flat ones', () => {
    // @ts-expect-error DE55 takes BER-TLV objects, not bytes
    codec.encode({ mti: '0100', fields: { 55: new Uint8Array([0x9f, 0x02, 0x00]) } });
    // @ts-expect-error DE35 takes a Track2, not its text
    codec.encode({ mti: '0100', fields: { 35: '4111111111111111=28122010000' } });
    // @ts-expect-error DE127 takes an object of subfields
    codec.encode({ mti: '0100', fields: { 127: 'flat' } });
    codec.encode({ mti: '0100', fields: { 35: { pan: '4111111111111111', expiry: '2812', serviceCode: '201', discretionary: '' } } });
  });

  it('types DE48 as TLV entries when de48 is given, and DE127 by a de127 table', () => {
    const spec = structuredPreset(presets.iso87binary, { de48: tlv48, de127: { 2: { kind: 'b', length: 8, encoding: 'binary' }, 3: { kind: 'n', length: 6, encoding: 'bcd' } } });
    type F = Infer<typeof spec>['fields'];
    expectTypeOf<F[48]>().toEqualTypeOf<TlvEntry[] | undefined>();
    expectTypeOf<NonNullable<F[127]>>().toEqualTypeOf<{ 2?: Uint8Array | undefined; 3?: string | undefined }>();
    expectTypeOf<F[35]>().toEqualTypeOf<Track2 | undefined>();
    // @ts-expect-error a TLV DE48 takes entries, not its wire text (the run time refuses it with INVALID_VALUE_TYPE)
    createCodec(spec).encode({ mti: '0100', fields: { 48: 'AB003xyz' } });
  });

  it('types a TLV entry’s value as text or bytes, never a nested structure', () => {
    expectTypeOf<TlvEntry['value']>().toEqualTypeOf<string | Uint8Array>();
  });

  it('types options given as a wide type by every layout they may set', () => {
    const options: { de48?: typeof tlv48 } = {};
    const fieldsOf = createCodec(structuredPreset(presets.iso87ascii, options)).decode(frame).fields;
    expectTypeOf(fieldsOf[48]).toEqualTypeOf<string | TlvEntry[] | undefined>();
  });

  it('names the derived spec after the preset', () => {
    expectTypeOf(structuredPreset(presets.iso87ascii).name).toEqualTypeOf<`${string}+subfields`>();
  });

  it('refuses options for fields the preset lacks, unknown options and unknown keys inside layouts', () => {
    const without48 = defineSpec({ name: 'no48', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' }, fields: { 2: { kind: 'n', length: 19, prefix: 'LL/ascii', encoding: 'ascii' } } });
    // @ts-expect-error the spec has no DE48
    structuredPreset(without48, { de48: tlv48 });
    // @ts-expect-error the spec has no DE127
    structuredPreset(without48, { de127: { 2: { kind: 'b', length: 8, encoding: 'binary' } } });
    // @ts-expect-error there is no option de55
    structuredPreset(presets.iso87ascii, { de55: { type: 'ber-tlv' } });
    // @ts-expect-error lenghtDigits is a typo of lengthDigits
    structuredPreset(presets.iso87ascii, { de48: { type: 'tlv', tagLength: 2, lenghtDigits: 3, lengthDigits: 3, encoding: 'ascii' } });
    // @ts-expect-error lenghtUnit is a typo of lengthUnit
    structuredPreset(presets.iso87ascii, { de127: { 2: { kind: 'b', length: 8, encoding: 'binary', lenghtUnit: 'bytes' } } });
    // @ts-expect-error a TLV layout writes its tags through a text converter
    structuredPreset(presets.iso87ascii, { de48: { type: 'tlv', tagLength: 2, lengthDigits: 3, encoding: 'bcd' } });
  });
});

describe('withSubfields types the fields it gives layouts', () => {
  it('types a positional layout as an object with every subfield, a TLV as entries', () => {
    const n2 = { kind: 'n', length: 2, encoding: 'ascii' } as const;
    const spec = withSubfields(presets.iso87ascii, { 3: { type: 'positional', fields: { 1: n2, 2: n2, 3: n2 } }, 48: tlv48 });
    type F = Infer<typeof spec>['fields'];
    expectTypeOf<F[3]>().toEqualTypeOf<{ 1: string; 2: string; 3: string } | undefined>();
    expectTypeOf<F[48]>().toEqualTypeOf<TlvEntry[] | undefined>();
    expectTypeOf<F[4]>().toEqualTypeOf<string | undefined>();
    // The preset's pad on DE3 is dropped: fixed subfields fill the field, so the pad could never apply.
    expectTypeOf(spec.fields[3]).not.toHaveProperty('pad');
    expectTypeOf(spec.fields[4]).toHaveProperty('pad');
  });

  it('keeps a Track 2 field as it is, with its layout', () => {
    const spec = withSubfields(presets.iso87binary, { 35: { type: 'track2' } });
    expectTypeOf(spec.fields[35].subfields).toEqualTypeOf<{ readonly type: 'track2' }>();
    expectTypeOf(spec.fields[35].encoding).toEqualTypeOf<ConverterName<'text' | 'digits'>>();
    expectTypeOf(createCodec(spec).decode(frame).fields[35]).toEqualTypeOf<Track2 | undefined>();
  });

  it('derives the name, literally when the spec’s name is a literal', () => {
    const tiny = defineSpec({ name: 'tiny', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' }, fields: { 55: { kind: 'b', length: 255, prefix: 'LLL/ascii', encoding: 'binary' } } });
    const spec = withSubfields(tiny, { 55: { type: 'ber-tlv' } });
    expectTypeOf(spec.name).toEqualTypeOf<'tiny+subfields'>();
    expectTypeOf(createCodec(spec).decode(frame).fields[55]).toEqualTypeOf<BerTlv[] | undefined>();
  });

  it('types the named fields of a spec typed as plain MessageSpec (e.g. loaded from JSON)', () => {
    const loaded: MessageSpec = presets.iso87ascii;
    const fields = createCodec(withSubfields(loaded, { 55: { type: 'ber-tlv' } })).decode(frame).fields;
    expectTypeOf(fields[55]).toEqualTypeOf<BerTlv[] | undefined>();
  });

  it('refuses a field the spec does not define and unknown keys in a layout', () => {
    const tiny = defineSpec({ name: 'tiny', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' }, fields: { 2: { kind: 'n', length: 19, prefix: 'LL/ascii', encoding: 'ascii' } } });
    // @ts-expect-error the spec has no DE35
    withSubfields(tiny, { 35: { type: 'track2' } });
    // @ts-expect-error unknownTag is a typo of unknownTags
    withSubfields(presets.iso87ascii, { 55: { type: 'ber-tlv', unknownTag: 'reject' } });
    // @ts-expect-error a Track 2 layout has its type and separator only
    withSubfields(presets.iso87ascii, { 35: { type: 'track2', seperator: '=' } });
    // @ts-expect-error a sub-bitmap has a format and an encoding, no tertiary
    withSubfields(presets.iso87ascii, { 127: { type: 'bitmapped', bitmap: { format: 'binary', tertiary: true }, fields: { 2: { kind: 'b', length: 8, encoding: 'binary' } } } });
    // @ts-expect-error a positional subfield's spec has the keys of a field spec only
    withSubfields(presets.iso87ascii, { 48: { type: 'positional', fields: { 1: { kind: 'ans', length: 9, prefix: 'LL/ascii', encoding: 'ascii', padd: 1 } } } });
  });
});
