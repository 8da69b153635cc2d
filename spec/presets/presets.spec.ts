import { describe, expect, it } from 'vitest';
import { ISO87_ELEMENTS, presets } from '../../src/index.js';

const iso87 = { iso87ascii: presets.iso87ascii, iso87binary: presets.iso87binary, iso87ebcdic: presets.iso87ebcdic };

describe('ISO 8583:1987 presets', () => {
  it('define data elements 2–128 and nothing else', () => {
    for (const p of Object.values(iso87)) {
      const keys = Object.keys(p.fields).map(Number);
      expect(keys).toEqual(Array.from({ length: 127 }, (_, i) => i + 2));
    }
  });

  it('share the kinds and lengths of the element table', () => {
    for (const p of Object.values(iso87)) {
      for (const [n, el] of Object.entries(ISO87_ELEMENTS)) {
        const field = p.fields[Number(n) as keyof typeof p.fields];
        expect(field.kind).toBe(el.kind);
        expect(field.length).toBe(el.length);
        expect(field.prefix === undefined).toBe(el.lengthDigits === 0);
      }
    }
  });

  it('mark card data as sensitive', () => {
    for (const n of [14, 35, 36, 45, 52, 55] as const) expect(presets.iso87ascii.fields[n].sensitive).toBe(true);
    for (const n of [2, 34] as const) expect(presets.iso87ascii.fields[n].sensitive).toBe('pan');
    expect(presets.iso87ascii.fields[4].sensitive).toBeUndefined();
  });

  it('use the encodings their names promise', () => {
    expect(presets.iso87ascii.fields[2]).toMatchObject({ encoding: 'ascii', prefix: 'LL/ascii', lengthUnit: 'chars' });
    expect(presets.iso87binary.fields[2]).toMatchObject({ encoding: 'bcd', prefix: 'LL/bcd', lengthUnit: 'digits' });
    expect(presets.iso87binary.fields[35]).toMatchObject({ encoding: 'bcd', nibblePad: { side: 'right', nibble: 'F' } });
    expect(presets.iso87binary.fields[43]).toMatchObject({ encoding: 'ascii' });
    expect(presets.iso87ebcdic.fields[48]).toMatchObject({ encoding: 'ebcdic037', prefix: 'LLL/ebcdic037' });
    expect(presets.iso87ebcdic.mti.encoding).toBe('ebcdic037');
    expect(presets.iso87binary.mti.encoding).toBe('bcd');
    for (const p of Object.values(iso87)) expect(p.fields[52]).toMatchObject({ kind: 'b', encoding: 'binary', length: 8 });
  });

  it('are plain data that survives JSON', () => {
    for (const p of Object.values(presets)) expect(JSON.parse(JSON.stringify(p))).toEqual(p);
  });
});
