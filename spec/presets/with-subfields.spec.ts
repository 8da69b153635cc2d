import { describe, expect, it } from 'vitest';
import {
  type Codec,
  createCodec,
  type FieldSpec,
  type Message,
  type MessageSpec,
  presets,
  type SubfieldLayout,
  toHex,
  withSubfields,
} from '../../src/index.js';
import { catchIso } from '../message/errors-helper.js';

const loose = (spec: MessageSpec): Codec<Message> => createCodec(spec) as unknown as Codec<Message>;
const te = new TextEncoder();

/** A fixed subfield of `length` through `encoding` (BCD lengths count digits), without padding. */
const sub = (kind: FieldSpec['kind'], length: number, encoding: FieldSpec['encoding']): FieldSpec =>
  encoding === 'bcd' ? { kind, length, encoding, lengthUnit: 'digits' } : { kind, length, encoding };
const positional = (...subs: FieldSpec[]): SubfieldLayout => ({
  type: 'positional',
  fields: Object.fromEntries(subs.map((s, i) => [i + 1, s])),
});

/** The classic positional elements of the 1987 table, as the subfields an issuer reads in them. */
const layouts = (text: FieldSpec['encoding'], numeric: FieldSpec['encoding']): Record<3 | 43 | 90 | 95, SubfieldLayout> => ({
  // Transaction type, from account, to account.
  3: positional(sub('n', 2, numeric), sub('n', 2, numeric), sub('n', 2, numeric)),
  // Name and street, city, region, country.
  43: positional(
    { ...sub('ans', 23, text), pad: { side: 'right', char: ' ' } },
    { ...sub('ans', 13, text), pad: { side: 'right', char: ' ' } },
    sub('a', 2, text),
    sub('a', 2, text),
  ),
  // Original MTI, STAN, transmission date and time, acquiring and forwarding institution.
  90: positional(sub('n', 4, numeric), sub('n', 6, numeric), sub('n', 10, numeric), sub('n', 11, numeric), sub('n', 11, numeric)),
  // Actual amounts: transaction, settlement, transaction fee, settlement fee (C/D and eight digits).
  95: positional(sub('n', 12, text), sub('n', 12, text), sub('x+n', 9, text), sub('x+n', 9, text)),
});

const values = {
  3: { 1: '00', 2: '30', 3: '00' },
  43: { 1: 'NORTHWIND MARKET 12    ', 2: 'SPRINGFIELD  ', 3: 'IL', 4: 'US' },
  90: { 1: '0100', 2: '000123', 3: '0611142530', 4: '00000012345', 5: '00000067890' },
  95: { 1: '000000007500', 2: '000000007500', 3: 'D00000150', 4: 'C00000000' },
} as const;
/** Each value as its fixed field holds it, subfields side by side. */
const flat = (v: Record<number, string>): string => Object.values(v).join('');

describe('withSubfields on the padded fixed fields of a preset', () => {
  for (const [name, preset, text] of [['iso87ascii', presets.iso87ascii, 'ascii'], ['iso87ebcdic', presets.iso87ebcdic, 'ebcdic037']] as const) {
    it(`drops the pad of ${name} DE3, DE43, DE90 and DE95 under positional fixed subfields, which fill them exactly`, () => {
      const spec = withSubfields(preset, layouts(text, text));
      for (const n of [3, 43, 90, 95] as const) {
        expect(preset.fields[n].pad).toBeDefined();
        const { pad: _pad, ...unpadded } = preset.fields[n];
        expect(spec.fields[n]).toEqual({ ...unpadded, subfields: layouts(text, text)[n] });
      }
      const codec = loose(spec);
      const flatCodec = loose(preset);
      const message = { mti: '0400', fields: values };
      const out = codec.encode(message);
      // The same bytes the flat preset writes for the subfields' values side by side: nothing is padded.
      expect(toHex(out)).toBe(toHex(flatCodec.encode({ mti: '0400', fields: { 3: flat(values[3]), 43: flat(values[43]), 90: flat(values[90]), 95: flat(values[95]) } })));
      expect(codec.decode(out)).toEqual(message);
    });
  }

  it('drops the pad of packed DE3 (a byte per two-digit subfield)', () => {
    const codec = loose(withSubfields(presets.iso87binary, { 3: layouts('ascii', 'bcd')[3] }));
    const out = codec.encode({ mti: '0100', fields: { 3: values[3] } });
    // BCD MTI (2 bytes), binary bitmap (8), then 00 30 00.
    expect(toHex(out.subarray(10))).toBe('003000');
    expect(codec.decode(out).fields[3]).toEqual(values[3]);
  });

  it('keeps the fields it sets no layout on as they are, pad included', () => {
    const spec = withSubfields(presets.iso87ascii, { 3: layouts('ascii', 'ascii')[3] });
    expect(spec.fields[4]).toBe(presets.iso87ascii.fields[4]);
    expect(loose(spec).encode({ mti: '0100', fields: { 4: '125' } }).subarray(12)).toEqual(te.encode('000000000125'));
  });

  it('leaves fixed subfields that do not add up to the field for createCodec to refuse, with both sizes and the field', () => {
    const short = withSubfields(presets.iso87ascii, { 3: positional(sub('n', 2, 'ascii'), sub('n', 2, 'ascii')) });
    const e = catchIso(() => createCodec(short));
    expect([e.code, e.field]).toEqual(['INVALID_SPEC', '3']);
    expect(e.message).toContain('fixed subfields take 4 bytes but the field holds 6');
    // Packed, two 11-digit subfields take 6 bytes each: 22 bytes where DE90 holds 42 digits in 21.
    const packed = withSubfields(presets.iso87binary, { 90: layouts('ascii', 'bcd')[90] });
    const p = catchIso(() => createCodec(packed));
    expect([p.code, p.field]).toEqual(['INVALID_SPEC', '90']);
    expect(p.message).toContain('fixed subfields take 22 bytes but the field holds 21');
  });

  it('refuses any other layout on a padded field, naming the field and why', () => {
    const variable = positional({ ...sub('ans', 38, 'ascii'), prefix: 'LL/ascii' });
    const refusals: [number, SubfieldLayout][] = [
      [43, { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: 'ascii' }],
      [43, variable],
      [3, { type: 'bitmapped', bitmap: { format: 'hex' }, fields: { 2: sub('n', 2, 'ascii') } }],
      [95, { type: 'ber-tlv' }],
    ];
    for (const [n, layout] of refusals) {
      const e = catchIso(() => withSubfields(presets.iso87ascii, { [n]: layout }));
      expect([e.code, e.field]).toEqual(['INVALID_SPEC', String(n)]);
      expect(e.message).toContain('a padded fixed field and subfields are never padded');
    }
  });

  it('puts a layout on a field without a pad as it is (Track 2, variable and binary fields)', () => {
    const spec = withSubfields(presets.iso87ascii, { 35: { type: 'track2' }, 48: { type: 'tlv', tagLength: 2, lengthDigits: 3, encoding: 'ascii' } });
    expect(spec.fields[35]).toEqual({ ...presets.iso87ascii.fields[35], subfields: { type: 'track2' } });
    expect(spec.fields[48]).toEqual({ ...presets.iso87ascii.fields[48], subfields: { type: 'tlv', tagLength: 2, lengthDigits: 3, encoding: 'ascii' } });
  });

  it('refuses a layout for a field the spec does not define, naming the field', () => {
    const tiny = { name: 't', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' }, fields: { 2: presets.iso87ascii.fields[2] } } as const;
    // @ts-expect-error the spec has no DE35: a type error too
    const e = catchIso(() => withSubfields(tiny, { 35: { type: 'track2' } }));
    expect([e.code, e.field]).toEqual(['INVALID_SPEC', '35']);
    expect(e.message).toContain('layouts[35] is for a field the spec does not define');
  });
});
