import { describe, expectTypeOf, it } from 'vitest';
import {
  type ConverterName,
  createCodec,
  defineSpec,
  type FieldSpec,
  hasConverter,
  type Infer,
  type MessageSpec,
  type PrefixName,
} from '../../src/index.js';

// A converter of the user's (registered with registerConverter where it runs), declared as the guide says: its
// name becomes one a spec may use.
declare module '../../src/index.js' {
  interface ConverterRegistry {
    'strict-latin1': 'text';
  }
}

const base = { name: 'strict', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' } } as const;
const n6 = { kind: 'n', length: 6, encoding: 'ascii' } as const;

describe('defineSpec refuses keys the spec format does not have', () => {
  it('accepts every key the format has, at every level', () => {
    const spec = defineSpec({
      name: 'full',
      header: { length: 2, encoding: 'binary' },
      mti: { encoding: 'bcd' },
      bitmap: { format: 'hex', encoding: 'ascii', tertiary: false, alwaysSecondary: false, lenient: false },
      fields: {
        2: { kind: 'n', length: 19, prefix: 'LL/bcd', encoding: 'bcd', lengthUnit: 'digits', nibblePad: { side: 'right', nibble: 'F' }, description: 'PAN', sensitive: 'pan' },
        4: { kind: 'n', length: 12, encoding: 'ascii', pad: { side: 'left', char: '0' } },
        48: { kind: 'ans', length: 999, prefix: 'LLL/ascii', encoding: 'ascii', subfields: { type: 'tlv', tagLength: 2, lengthDigits: 3, encoding: 'ascii', tags: { '01': { kind: 'ans', length: 10, encoding: 'ascii' } }, unknownTags: 'reject' } },
        55: { kind: 'b', length: 255, prefix: 'B1', encoding: 'binary', subfields: { type: 'ber-tlv', tags: { '9F02': { description: 'Amount', sensitive: false } }, unknownTags: 'keep' } },
        127: { kind: 'ans', length: 999, prefix: 'LLL/ascii', encoding: 'ascii', subfields: { type: 'bitmapped', bitmap: { format: 'hex', encoding: 'ascii' }, secondary: true, fields: { 2: n6 } } },
      },
    });
    expectTypeOf<Infer<typeof spec>['header']>().toEqualTypeOf<Uint8Array>();
  });

  it('accepts a top-level $schema naming the JSON schema, as the run time does', () => {
    defineSpec({ $schema: './node_modules/iso8583-codec/spec.schema.json', ...base, fields: { 11: n6 } });
    // @ts-expect-error $schema names a schema: a string
    defineSpec({ $schema: 1, ...base, fields: { 11: n6 } });
    // @ts-expect-error $schema belongs at the top level only
    defineSpec({ ...base, fields: { 11: { ...n6, $schema: 'x' } } });
  });

  it('at the spec, its MTI, bitmap and header', () => {
    // @ts-expect-error a spec has no key "version"
    defineSpec({ ...base, version: 2, fields: { 11: n6 } });
    // @ts-expect-error an MTI spec has an encoding only
    defineSpec({ ...base, mti: { encoding: 'ascii', length: 4 }, fields: { 11: n6 } });
    // @ts-expect-error tertiery is a typo of tertiary
    defineSpec({ ...base, bitmap: { format: 'binary', tertiery: true }, fields: { 11: n6 } });
    // @ts-expect-error a header has a length and an encoding only
    defineSpec({ ...base, header: { length: 5, encoding: 'binary', lenght: 5 }, fields: { 11: n6 } });
  });

  it('at a field, its pads and the keys of the field table', () => {
    // @ts-expect-error lenghtUnit is a typo of lengthUnit: ignored, the field would count digits
    defineSpec({ ...base, fields: { 2: { kind: 'n', length: 19, prefix: 'LL/ascii', encoding: 'ascii', lenghtUnit: 'bytes' } } });
    // @ts-expect-error a pad has a side and a char
    defineSpec({ ...base, fields: { 4: { ...n6, pad: { side: 'left', char: '0', width: 6 } } } });
    // @ts-expect-error a nibble pad has a side and a nibble
    defineSpec({ ...base, fields: { 4: { ...n6, encoding: 'bcd', nibblePad: { side: 'left', nibble: '0', char: '0' } } } });
    // @ts-expect-error the keys of the field table are field numbers
    defineSpec({ ...base, fields: { DE11: n6 } });
  });

  it('at a layout, its subfields and its tags', () => {
    // @ts-expect-error tagLenght is a typo of tagLength
    defineSpec({ ...base, fields: { 48: { kind: 'ans', length: 999, prefix: 'LLL/ascii', encoding: 'ascii', subfields: { type: 'tlv', tagLength: 2, tagLenght: 2, lengthDigits: 3, encoding: 'ascii' } } } });
    // @ts-expect-error a TLV tag's spec has the keys of a field spec only
    defineSpec({ ...base, fields: { 48: { kind: 'ans', length: 999, prefix: 'LLL/ascii', encoding: 'ascii', subfields: { type: 'tlv', tagLength: 2, lengthDigits: 3, encoding: 'ascii', tags: { '01': { ...n6, lenghtUnit: 'chars' } } } } } });
    // @ts-expect-error a BER-TLV tag has a description and a sensitivity only
    defineSpec({ ...base, fields: { 55: { kind: 'b', length: 255, prefix: 'LLL/ascii', encoding: 'binary', subfields: { type: 'ber-tlv', tags: { '9F02': { description: 'Amount', kind: 'n' } } } } } });
    // @ts-expect-error a positional subfield has the keys of a field spec only
    defineSpec({ ...base, fields: { 3: { ...n6, subfields: { type: 'positional', fields: { 1: { kind: 'n', length: 6, encoding: 'ascii', padding: 'left' } } } } } });
    // @ts-expect-error a bitmapped layout has no key "tertiary"
    defineSpec({ ...base, fields: { 127: { kind: 'ans', length: 999, prefix: 'LLL/ascii', encoding: 'ascii', subfields: { type: 'bitmapped', tertiary: true, bitmap: { format: 'binary' }, fields: { 2: n6 } } } } });
    // @ts-expect-error a Track 2 layout has its type and separator only
    defineSpec({ ...base, fields: { 35: { kind: 'z', length: 37, prefix: 'LL/ascii', encoding: 'ascii', subfields: { type: 'track2', seperator: '=' } } } });
  });
});

describe('createCodec refuses them in a spec literal too', () => {
  it('at a field and at the bitmap', () => {
    // @ts-expect-error lenghtUnit is a typo of lengthUnit
    createCodec({ ...base, fields: { 2: { kind: 'n', length: 19, prefix: 'LL/ascii', encoding: 'ascii', lenghtUnit: 'bytes' } } });
    // @ts-expect-error alwaysSecondery is a typo of alwaysSecondary
    createCodec({ ...base, bitmap: { format: 'binary', alwaysSecondery: true }, fields: { 11: n6 } });
    expectTypeOf(createCodec({ ...base, fields: { 11: n6 } }).decode(new Uint8Array()).fields[11]).toEqualTypeOf<string | undefined>();
  });
});

describe('converter names and length prefixes are typed', () => {
  it('lists the built-in converters and the prefix grammar', () => {
    expectTypeOf<'ascii'>().toMatchTypeOf<ConverterName>();
    expectTypeOf<'ebcdic1047'>().toMatchTypeOf<ConverterName<'text'>>();
    expectTypeOf<'bcd'>().toMatchTypeOf<ConverterName<'digits'>>();
    expectTypeOf<'hex' | 'binary' | 'nop'>().toMatchTypeOf<ConverterName<'bytes'>>();
    expectTypeOf<'fixed' | 'B1' | 'B2' | 'B3' | 'B4' | 'L/ascii' | 'LL/bcd' | 'LLL/ebcdic037' | 'LLLL/ascii' | 'LLLLL/bcd' | 'LLLLLL/ascii'>().toMatchTypeOf<PrefixName>();
    expectTypeOf<'acsii'>().not.toMatchTypeOf<ConverterName>();
    expectTypeOf<'LLLLLLL/ascii'>().not.toMatchTypeOf<PrefixName>();
    expectTypeOf<'LL/binary'>().not.toMatchTypeOf<PrefixName>();
    expectTypeOf<'B5'>().not.toMatchTypeOf<PrefixName>();
  });

  it('refuses a misspelt converter or prefix where the spec names it', () => {
    // @ts-expect-error acsii is a typo of ascii
    defineSpec({ ...base, fields: { 11: { kind: 'n', length: 6, encoding: 'acsii' } } });
    // @ts-expect-error a digit prefix is L to LLLLLL, a slash and the converter of the digits
    defineSpec({ ...base, fields: { 2: { kind: 'n', length: 19, prefix: 'LL-ascii', encoding: 'ascii' } } });
    // @ts-expect-error the digits of a prefix need a converter that writes digits
    defineSpec({ ...base, fields: { 2: { kind: 'n', length: 19, prefix: 'LL/binary', encoding: 'ascii' } } });
    // @ts-expect-error the MTI's four digits need a text or BCD converter
    defineSpec({ ...base, mti: { encoding: 'binary' }, fields: { 11: n6 } });
    // @ts-expect-error a hex bitmap is written through a text converter
    defineSpec({ ...base, bitmap: { format: 'hex', encoding: 'bcd' }, fields: { 11: n6 } });
  });

  it('admits a registered converter once its name is declared', () => {
    const spec = defineSpec({ ...base, fields: { 43: { kind: 'ans', length: 40, prefix: 'LL/strict-latin1', encoding: 'strict-latin1' } } });
    expectTypeOf(createCodec(spec).decode(new Uint8Array()).fields[43]).toEqualTypeOf<string | undefined>();
    expectTypeOf<'strict-latin1'>().toMatchTypeOf<ConverterName<'text'>>();
    // @ts-expect-error a declared name is still a name: strict-latin2 is not declared
    defineSpec({ ...base, fields: { 43: { kind: 'ans', length: 40, encoding: 'strict-latin2' } } });
  });

  it('narrows a name read at run time with hasConverter', () => {
    const read: string = JSON.parse('"ascii"') as string;
    // @ts-expect-error a string read at run time is not known to name a converter
    const unchecked: FieldSpec = { kind: 'n', length: 6, encoding: read };
    if (hasConverter(read)) {
      expectTypeOf(read).toEqualTypeOf<ConverterName>();
      const checked: FieldSpec = { kind: 'n', length: 6, encoding: read };
      void checked;
    }
    void unchecked;
  });

  it('types a header by its converter’s class', () => {
    const hexHeader = defineSpec({ ...base, header: { length: 4, encoding: 'hex' }, fields: { 11: n6 } });
    const bcdHeader = defineSpec({ ...base, header: { length: 2, encoding: 'bcd' }, fields: { 11: n6 } });
    const textHeader = defineSpec({ ...base, header: { length: 3, encoding: 'strict-latin1' }, fields: { 11: n6 } });
    expectTypeOf<Infer<typeof hexHeader>['header']>().toEqualTypeOf<Uint8Array>();
    expectTypeOf<Infer<typeof bcdHeader>['header']>().toEqualTypeOf<string>();
    expectTypeOf<Infer<typeof textHeader>['header']>().toEqualTypeOf<string>();
    const loaded: MessageSpec = hexHeader;
    expectTypeOf<Infer<typeof loaded>['header']>().toEqualTypeOf<string | Uint8Array | undefined>();
  });
});
