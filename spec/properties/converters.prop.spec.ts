import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteReader } from '../../src/cursor/byte-reader.js';
import { ByteWriter } from '../../src/cursor/byte-writer.js';
import { type ConvertContext, getConverter, KIND_ALPHABETS } from '../../src/index.js';
import { compilePrefix, parsePrefix } from '../../src/prefixes/length-prefix.js';
import { FUZZ_RUNS } from './budget.js';

const TEXT = ['ascii', 'ebcdic037', 'ebcdic500', 'ebcdic1047'] as const;
const open: ConvertContext = { alphabet: undefined, nibblePad: { side: 'left', nibble: '0' } };

describe('converter round trips', () => {
  for (const name of TEXT) {
    it(`${name} round-trips every character it can carry, in both directions`, () => {
      const c = getConverter(name);
      const chars: string[] = [];
      for (let code = 0; code < 256; code++) if (c.charset?.[code] === 1) chars.push(String.fromCharCode(code));
      // docs/spec-tables.md: ASCII is 7-bit (0x00-0x7F, nothing above); every EBCDIC code page carries all of Latin-1.
      expect(chars).toEqual(Array.from({ length: name === 'ascii' ? 0x80 : 0x100 }, (_, code) => String.fromCharCode(code)));
      const text = chars.join('');
      const bytes = new Uint8Array(c.byteLength(text.length));
      c.encode(text, bytes, 0, open);
      expect(c.decode(bytes, 0, text.length, open)).toBe(text);
      if (name !== 'ascii') expect(new Set(bytes).size).toBe(256);
    });

    it(`${name} round-trips random strings of every kind at every length`, () => {
      const c = getConverter(name);
      fc.assert(
        fc.property(
          fc.constantFrom(...(Object.keys(KIND_ALPHABETS) as (keyof typeof KIND_ALPHABETS)[])).chain((kind) => {
            const alphabet = KIND_ALPHABETS[kind];
            const chars: string[] = [];
            for (let code = 0; code < 256; code++) if (alphabet[code] === 1 && c.charset?.[code] === 1) chars.push(String.fromCharCode(code));
            return fc.tuple(fc.constant(kind), fc.array(fc.constantFrom(...chars), { maxLength: 999 }).map((a) => a.join('')));
          }),
          ([kind, s]) => {
            const ctx: ConvertContext = { alphabet: KIND_ALPHABETS[kind], nibblePad: open.nibblePad };
            const bytes = new Uint8Array(s.length + 2);
            c.encode(s, bytes, 1, ctx);
            expect(c.decode(bytes, 1, s.length, ctx)).toBe(s);
          },
        ),
        { numRuns: FUZZ_RUNS },
      );
    });
  }

  it('bcd round-trips digits and nibble strings of every length with every pad rule', () => {
    const bcd = getConverter('bcd');
    fc.assert(
      fc.property(
        fc.constantFrom('n', 'z') ,
        fc.integer({ min: 0, max: 999 }),
        fc.constantFrom('left', 'right'),
        fc.constantFrom('0', 'F'),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (kind, length, side, nibble, seed) => {
          const chars = kind === 'n' ? '0123456789' : '0123456789ABCDEF';
          let x = seed;
          let s = '';
          for (let i = 0; i < length; i++) {
            x = (x * 1103515245 + 12345) & 0x7fffffff;
            s += chars[x % chars.length];
          }
          const ctx: ConvertContext = { alphabet: KIND_ALPHABETS[kind as 'n' | 'z'], nibblePad: { side: side as 'left', nibble: nibble as '0' } };
          const bytes = new Uint8Array(bcd.byteLength(length));
          bcd.encode(s, bytes, 0, ctx);
          expect(bcd.decode(bytes, 0, length, ctx)).toBe(s);
        },
      ),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('bcd decodes every byte value as two nibbles for kind z', () => {
    const bcd = getConverter('bcd');
    const all = new Uint8Array(256).map((_, i) => i);
    const text = bcd.decode(all, 0, 512, { alphabet: KIND_ALPHABETS.z, nibblePad: open.nibblePad }) as string;
    const back = new Uint8Array(256);
    bcd.encode(text, back, 0, { alphabet: KIND_ALPHABETS.z, nibblePad: open.nibblePad });
    expect([...back]).toEqual([...all]);
  });

  it('hex and binary round-trip random bytes', () => {
    for (const name of ['hex', 'binary']) {
      const c = getConverter(name);
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 999 }), (b) => {
          const wire = new Uint8Array(c.byteLength(b.length));
          c.encode(b, wire, 0, open);
          expect([...(c.decode(wire, 0, b.length, open) as Uint8Array)]).toEqual([...b]);
        }),
        { numRuns: FUZZ_RUNS },
      );
    }
  });
});

describe('prefix round trips', () => {
  const names = [
    ...[1, 2, 3, 4].flatMap((d) => ['ascii', 'ebcdic037', 'ebcdic500', 'ebcdic1047', 'bcd'].map((e) => `${'L'.repeat(d)}/${e}`)),
    'B1',
    'B2',
  ];
  // The largest count is a fact of the wire form, never read from the prefix under test: d decimal digits carry
  // 10^d - 1, one unsigned byte 255, two unsigned big-endian bytes 65,535.
  const largest = (name: string): number => (name === 'B1' ? 0xff : name === 'B2' ? 0xffff : 10 ** name.indexOf('/') - 1);
  for (const name of names) {
    it(`${name} round-trips every count from 0 to ${largest(name)}`, () => {
      const shape = parsePrefix(name);
      if (shape === undefined || shape.type === 'fixed') throw new Error(name);
      const prefix = compilePrefix(shape, name);
      const max = largest(name);
      expect(prefix.maxCount).toBe(max);
      const w = new ByteWriter(1 << 16);
      for (let n = 0; n <= max; n++) prefix.write(w, n);
      const bytes = w.finish();
      const r = new ByteReader(bytes);
      for (let n = 0; n <= max; n++) expect(prefix.read(r, 'x')).toBe(n);
      expect(r.remaining()).toBe(0);
    });
  }
});
