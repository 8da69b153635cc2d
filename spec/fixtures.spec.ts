import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isIso8583Error, messageFromJSON, messageToJSON, presets, toHex } from '../src/index.js';
import { FIXTURES, loadFixtures } from './helpers/fixtures.js';

const golden = loadFixtures();
const invalid = loadFixtures('invalid');
const readme = readFileSync(join(FIXTURES, 'README.md'), 'utf8');
/** Test PANs appearing in fixtures; none may leak into an error text. */
const PANS = ['4111111111111111', '5555555555554444', '378282246310005', '4000000000000000002'];

describe('golden fixtures', () => {
  it('number at least 12 and cover every preset and JSON specs', () => {
    expect(golden.length).toBeGreaterThanOrEqual(12);
    const specs = new Set(golden.map((f) => f.specName));
    for (const s of [...Object.keys(presets), 'specs/tertiary-demo.json']) expect(specs).toContain(s);
  });

  it('of the 1993 and 2003 presets carry their version digit in the MTI, requests and responses both', () => {
    for (const [prefix, digit] of [['iso93', '1'], ['iso03', '2']] as const) {
      const frames = golden.filter((f) => f.specName.startsWith(prefix));
      expect(frames.length).toBeGreaterThanOrEqual(2);
      for (const f of frames) expect((f.expected as { mti: string }).mti.charAt(0)).toBe(digit);
    }
    const mtis = golden.filter((f) => /^iso(93|03)/.test(f.specName)).map((f) => (f.expected as { mti: string }).mti);
    expect(mtis).toEqual(expect.arrayContaining(['1100', '1110', '1200', '1210', '1420', '2100', '2200']));
  });

  it('are each described in fixtures/README.md', () => {
    for (const f of [...golden, ...invalid]) expect(readme).toContain(`\`${f.name}\``);
  });

  for (const f of golden) {
    describe(f.name, () => {
      it('decodes to the expected JSON', () => {
        expect(messageToJSON(f.codec.decode(f.bytes), f.spec)).toEqual(f.expected);
      });

      it('encodes the expected JSON back to the same bytes', () => {
        expect(toHex(f.codec.encode(messageFromJSON(f.expected, f.spec)))).toBe(toHex(f.bytes));
      });
    });
  }
});

describe('invalid fixtures', () => {
  it('number at least 8', () => {
    expect(invalid.length).toBeGreaterThanOrEqual(8);
  });

  for (const f of invalid) {
    it(`${f.name} fails with the expected code, field and offset and no card data`, () => {
      let error: unknown;
      try {
        f.codec.decode(f.bytes);
      } catch (e) {
        error = e;
      }
      expect(isIso8583Error(error)).toBe(true);
      if (!isIso8583Error(error)) return;
      expect({ code: error.code, field: error.field, offset: error.offset }).toEqual({ field: undefined, ...(f.expected as object) });
      for (const pan of PANS) expect(error.message).not.toContain(pan.slice(0, 10));
    });
  }
});
