import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { presets, specToJSON, structuredPreset } from '../../src/index.js';
import { arbitrarySpec } from '../../src/testing/index.js';
import { loadFixtures } from '../helpers/fixtures.js';

const schema = JSON.parse(readFileSync(new URL('../../docs/spec.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv2020({ allErrors: true }).compile(schema);

describe('docs/spec.schema.json', () => {
  it('accepts every preset, structured preset and fixture spec, as specToJSON writes them', () => {
    const specs = [...Object.values(presets), ...Object.values(presets).map((p) => structuredPreset(p)), ...loadFixtures().map((f) => f.spec)];
    for (const spec of specs) {
      const ok = validate(JSON.parse(specToJSON(spec)));
      expect(validate.errors ?? [], spec.name).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it('accepts every random valid spec (bitmap options, hex and BCD headers, subfields included)', () => {
    fc.assert(
      fc.property(arbitrarySpec(), (spec) => {
        const ok = validate(JSON.parse(specToJSON(spec)));
        expect(validate.errors ?? []).toEqual([]);
        expect(ok).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('describes the bitmap options and refuses other types for them', () => {
    const base = { name: 'x', mti: { encoding: 'ascii' }, fields: {} };
    expect(validate({ ...base, bitmap: { format: 'hex', tertiary: true, alwaysSecondary: true, lenient: true } })).toBe(true);
    expect(validate({ ...base, bitmap: { format: 'binary', lenient: 'yes' } })).toBe(false);
    expect(validate({ ...base, bitmap: { format: 'binary', alwaysSecondary: 1 } })).toBe(false);
  });

  it('rejects a spec with an unknown kind or a stray property', () => {
    expect(validate({ name: 'x', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' }, fields: { 2: { kind: 'q', length: 1, encoding: 'ascii' } } })).toBe(false);
    expect(validate({ name: 'x', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' }, fields: {}, extra: 1 })).toBe(false);
  });
});
