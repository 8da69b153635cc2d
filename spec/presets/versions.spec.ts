import { describe, expect, it } from 'vitest';
import {
  createCodec,
  type DataElement,
  ISO03_ELEMENTS,
  iso03ascii,
  iso03binary,
  ISO93_ELEMENTS,
  iso93ascii,
  iso93binary,
  type MessageSpec,
  presets,
  structuredPreset,
} from '../../src/index.js';
import { catchIso } from '../message/errors-helper.js';

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const PREFIX = { 2: 'LL', 3: 'LLL', 4: 'LLLL' } as const;

/**
 * Each preset field has the kind and length of its table row, a prefix of the row's digit count, and the encoding
 * of its kind: raw bytes for `b`, `numbers` for `n` and `z`, ASCII text for the rest.
 */
function expectTable(p: MessageSpec, table: Readonly<Record<number, DataElement>>, prefixEncoding: string, numbers: string): void {
  expect(Object.keys(p.fields).map(Number)).toEqual(Object.keys(table).map(Number));
  for (const [n, el] of Object.entries(table)) {
    const field = p.fields[Number(n)]!;
    expect({ n, kind: field.kind, length: field.length }).toEqual({ n, kind: el.kind, length: el.length });
    expect({ n, encoding: field.encoding }).toEqual({ n, encoding: el.kind === 'b' ? 'binary' : el.kind === 'n' || el.kind === 'z' ? numbers : 'ascii' });
    expect(field.prefix).toBe(el.lengthDigits === 0 ? undefined : `${PREFIX[el.lengthDigits]}/${prefixEncoding}`);
  }
}

describe('ISO 8583:1993 presets', () => {
  it('define data elements 2–128 with the kinds, lengths and prefixes of the 1993 table', () => {
    expect(Object.keys(ISO93_ELEMENTS).map(Number)).toEqual(range(2, 128));
    expectTable(iso93ascii, ISO93_ELEMENTS, 'ascii', 'ascii');
    expectTable(iso93binary, ISO93_ELEMENTS, 'bcd', 'bcd');
  });

  it('carry the elements whose format changed in 1993', () => {
    const f = iso93ascii.fields;
    expect(f[12]).toMatchObject({ kind: 'n', length: 12 }); // date and time, local transaction YYMMDDhhmmss
    expect(f[22]).toMatchObject({ kind: 'an', length: 12 }); // point of service data code
    expect(f[24]).toMatchObject({ kind: 'n', length: 3, description: 'Function code' });
    expect(f[25]).toMatchObject({ kind: 'n', length: 4, description: 'Message reason code' });
    expect(f[26]).toMatchObject({ kind: 'n', length: 4 });
    expect(f[39]).toMatchObject({ kind: 'n', length: 3, description: 'Action code' });
    expect(f[43]).toMatchObject({ kind: 'ans', length: 99, prefix: 'LL/ascii' });
    expect(f[53]).toMatchObject({ kind: 'b', length: 48, prefix: 'LL/ascii' });
    expect(f[55]).toMatchObject({ kind: 'b', length: 255, prefix: 'LLL/ascii' });
    expect(f[56]).toMatchObject({ kind: 'n', length: 35, prefix: 'LL/ascii', description: 'Original data elements' });
    expect(f[59]).toMatchObject({ kind: 'ans', length: 999, prefix: 'LLL/ascii', description: 'Transport data' });
    for (const n of [60, 61, 62, 63] as const) expect(f[n]).toMatchObject({ kind: 'ans', length: 999, prefix: 'LLL/ascii' });
    expect(f[71]).toMatchObject({ kind: 'n', length: 8 });
    expect(f[97]).toMatchObject({ kind: 'x+n', length: 17 });
    for (const n of [49, 50, 51] as const) expect(f[n]).toMatchObject({ kind: 'n', length: 3 });
  });

  it('split the reserved elements 111–127 into ISO, national and private, all ans LLLVAR ..999', () => {
    const f = iso93ascii.fields;
    for (const n of range(111, 127)) {
      const owner = n <= 115 ? 'ISO' : n <= 122 ? 'national' : 'private';
      expect(f[n as 111]).toMatchObject({ kind: 'ans', length: 999, prefix: 'LLL/ascii', description: `Reserved for ${owner} use` });
    }
  });

  it('use the encodings their names promise, with 8-byte binary bitmaps and no tertiary bitmap', () => {
    expect(iso93ascii.mti.encoding).toBe('ascii');
    expect(iso93binary.mti.encoding).toBe('bcd');
    expect(iso93binary.fields[2]).toMatchObject({ encoding: 'bcd', prefix: 'LL/bcd', lengthUnit: 'digits' });
    expect(iso93binary.fields[35]).toMatchObject({ encoding: 'bcd', nibblePad: { side: 'right', nibble: 'F' } });
    expect(iso93binary.fields[22]).toMatchObject({ encoding: 'ascii', lengthUnit: 'chars' });
    for (const p of [iso93ascii, iso93binary]) {
      expect(p.bitmap).toEqual({ format: 'binary' });
      expect(p.fields[65]).toMatchObject({ kind: 'b', length: 8, encoding: 'binary' });
    }
  });

  it('mark card data and keys as sensitive', () => {
    for (const n of [14, 35, 36, 45, 52, 55, 96] as const) expect(iso93ascii.fields[n].sensitive).toBe(true);
    for (const n of [2, 34] as const) expect(iso93ascii.fields[n].sensitive).toBe('pan');
    expect(iso93ascii.fields[4].sensitive).toBeUndefined();
  });
});

describe('ISO 8583:2003 presets', () => {
  it('define data elements 2–64 and the MAC at 128, with the kinds, lengths and prefixes of the 2003 table', () => {
    expect(Object.keys(ISO03_ELEMENTS).map(Number)).toEqual([...range(2, 64), 128]);
    expectTable(iso03ascii, ISO03_ELEMENTS, 'ascii', 'ascii');
    expectTable(iso03binary, ISO03_ELEMENTS, 'bcd', 'bcd');
  });

  it('carry the elements whose format changed in 2003', () => {
    const f = iso03ascii.fields;
    expect(f[3]).toMatchObject({ kind: 'an', length: 6 });
    for (const n of [4, 5, 6] as const) expect(f[n]).toMatchObject({ kind: 'n', length: 16 });
    expect(f[11]).toMatchObject({ kind: 'n', length: 12 });
    expect(f[12]).toMatchObject({ kind: 'n', length: 14 }); // CCYYMMDDhhmmss
    expect(f[39]).toMatchObject({ kind: 'n', length: 4 });
    expect(f[41]).toMatchObject({ kind: 'ans', length: 16 });
    expect(f[42]).toMatchObject({ kind: 'ans', length: 35, prefix: 'LL/ascii' });
    expect(f[43]).toMatchObject({ kind: 'b', length: 9999, prefix: 'LLLL/ascii' });
    expect(f[55]).toMatchObject({ kind: 'b', length: 9999, prefix: 'LLLL/ascii' });
    expect(f[56]).toMatchObject({ kind: 'n', length: 41, prefix: 'LL/ascii' });
    expect(iso03binary.fields[55]).toMatchObject({ prefix: 'LLLL/bcd', lengthUnit: 'bytes' });
    expect(f[22]).toMatchObject({ kind: 'b', length: 16 });
    expect(f[24]).toMatchObject({ kind: 'n', length: 3, description: 'Function code' });
    expect(f[25]).toMatchObject({ kind: 'n', length: 4, description: 'Message reason code' });
    expect(f[59]).toMatchObject({ kind: 'ans', length: 999, prefix: 'LLL/ascii', description: 'Transport data' });
  });

  it('read the mixed and the uncertain elements as docs/spec-tables.md says', () => {
    const f = iso03ascii.fields;
    for (const n of [18, 27, 43, 44, 50, 51] as const) expect(f[n].kind).toBe('b');
    expect(f[27].length).toBe(27);
    expect(f[49]).toMatchObject({ kind: 'ans', length: 9999, prefix: 'LLLL/ascii' });
    for (const n of [50, 51] as const) expect(f[n]).toMatchObject({ length: 9999, prefix: 'LLLL/ascii' });
    for (const n of [64, 128] as const) expect(f[n]).toMatchObject({ kind: 'b', length: 4, encoding: 'binary' });
  });

  it('use the encodings their names promise', () => {
    expect(iso03ascii.mti.encoding).toBe('ascii');
    expect(iso03binary.mti.encoding).toBe('bcd');
    expect(iso03ascii.fields[4]).toMatchObject({ encoding: 'ascii', lengthUnit: 'chars' });
    expect(iso03binary.fields[4]).toMatchObject({ encoding: 'bcd', lengthUnit: 'digits' });
    expect(iso03binary.fields[3]).toMatchObject({ encoding: 'ascii' });
    expect(iso03binary.fields[35]).toMatchObject({ encoding: 'bcd', nibblePad: { side: 'right', nibble: 'F' } });
  });

  it('read bit 65 as the tertiary bitmap flag, never as data', () => {
    for (const p of [iso03ascii, iso03binary]) expect(p.bitmap).toEqual({ format: 'binary', tertiary: true });
    expect(iso03ascii.fields).not.toHaveProperty('65');
  });

  it('refuse a frame announcing an element the 2003 table leaves out, naming it', () => {
    // A 1993 frame with DE100 present: the 2003 preset has no DE100, so decoding it is UNKNOWN_FIELD 100.
    const frame = createCodec(iso93ascii).encode({ mti: '2100', fields: { 100: '123' } });
    const error = catchIso(() => createCodec(iso03ascii).decode(frame));
    expect({ code: error.code, field: error.field }).toEqual({ code: 'UNKNOWN_FIELD', field: '100' });
  });

  it('mark card data as sensitive', () => {
    for (const n of [14, 34, 35, 36, 45, 49, 52, 55] as const) expect(iso03ascii.fields[n].sensitive).toBe(true);
    expect(iso03ascii.fields[2].sensitive).toBe('pan');
    expect(iso03ascii.fields[4].sensitive).toBeUndefined();
  });

  it('structure DE35 as Track 2 and DE55 as BER-TLV behind an LLLL prefix, and back', () => {
    for (const preset of [iso03ascii, iso03binary]) {
      const codec = createCodec(structuredPreset(preset));
      const message = {
        mti: '2100',
        fields: {
          4: '9780000000001250',
          35: { pan: '4111111111111111', expiry: '2812', serviceCode: '201', discretionary: '0000' },
          55: [{ tag: '9F02', value: Uint8Array.of(0, 0, 0, 0, 0x12, 0x50) }],
        },
      };
      expect(codec.decode(codec.encode(message))).toEqual(message);
    }
  });
});

describe('the version presets', () => {
  it('differ from 1987 where the comparison table of docs/spec-tables.md says', () => {
    const [f87, f93, f03] = [presets.iso87ascii.fields, iso93ascii.fields, iso03ascii.fields];
    const row = (f: MessageSpec['fields'], n: number) => {
      const { kind, length, prefix } = f[n]!;
      return `${kind} ${length}${prefix === undefined ? '' : ` ${prefix.split('/')[0]}`}`;
    };
    const table: Record<number, [string, string, string]> = {
      4: ['n 12', 'n 12', 'n 16'],
      11: ['n 6', 'n 6', 'n 12'],
      12: ['n 6', 'n 12', 'n 14'],
      22: ['n 3', 'an 12', 'b 16'],
      24: ['n 3', 'n 3', 'n 3'],
      25: ['n 2', 'n 4', 'n 4'],
      39: ['an 2', 'n 3', 'n 4'],
      43: ['ans 40', 'ans 99 LL', 'b 9999 LLLL'],
      55: ['b 999 LLL', 'b 255 LLL', 'b 9999 LLLL'],
      56: ['ans 999 LLL', 'n 35 LL', 'n 41 LL'],
      59: ['ans 999 LLL', 'ans 999 LLL', 'ans 999 LLL'],
    };
    for (const [n, want] of Object.entries(table)) expect([row(f87, Number(n)), row(f93, Number(n)), row(f03, Number(n))]).toEqual(want);
  });

  it('do not check the MTI version digit: an MTI of any version encodes and decodes', () => {
    for (const preset of [iso93ascii, iso93binary, iso03ascii, iso03binary]) {
      const codec = createCodec(preset);
      for (const mti of ['0100', '1100', '2100', '9100']) expect(codec.decode(codec.encode({ mti, fields: { 24: '100' } })).mti).toBe(mti);
    }
  });

  it('are listed in presets by name', () => {
    expect(presets).toMatchObject({ iso93ascii, iso93binary, iso03ascii, iso03binary });
    for (const [name, p] of Object.entries(presets)) expect(p.name).toBe(name);
  });
});
