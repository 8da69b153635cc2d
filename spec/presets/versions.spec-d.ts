import { describe, expectTypeOf, it } from 'vitest';
import { type BerTlv, createCodec, type Infer, iso03ascii, iso03binary, iso93ascii, iso93binary, type MtiVersionYear, mtiParts, structuredPreset, type Track2 } from '../../src/index.js';

describe('Infer types the 1993 and 2003 presets by their tables', () => {
  it('gives strings for text and numbers, Uint8Array for binary elements (1993)', () => {
    type F = Infer<typeof iso93ascii>['fields'];
    expectTypeOf<F[12]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<F[22]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<F[24]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<F[53]>().toEqualTypeOf<Uint8Array | undefined>();
    expectTypeOf<F[55]>().toEqualTypeOf<Uint8Array | undefined>();
    expectTypeOf<F[56]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<F[65]>().toEqualTypeOf<Uint8Array | undefined>();
    expectTypeOf<F[96]>().toEqualTypeOf<Uint8Array | undefined>();
    expectTypeOf<F[128]>().toEqualTypeOf<Uint8Array | undefined>();
    expectTypeOf<Infer<typeof iso93binary>>().toEqualTypeOf<Infer<typeof iso93ascii>>();
  });

  it('gives Uint8Array for the binary and mixed 2003 elements, and has no element 65–127', () => {
    type F = Infer<typeof iso03ascii>['fields'];
    expectTypeOf<F[4]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<F[12]>().toEqualTypeOf<string | undefined>();
    for (const n of [18, 22, 27, 34, 43, 44, 52, 55, 64, 128] as const) expectTypeOf<F[typeof n]>().toEqualTypeOf<Uint8Array | undefined>();
    expectTypeOf<F[49]>().toEqualTypeOf<string | undefined>();
    expectTypeOf<Infer<typeof iso03binary>>().toEqualTypeOf<Infer<typeof iso03ascii>>();
    // @ts-expect-error the 2003 presets define no DE100
    const wrong: Infer<typeof iso03ascii> = { mti: '2100', fields: { 100: '1' } };
    void wrong;
  });

  it('types a decoded 1993 message and refuses a value of the wrong kind', () => {
    const m = createCodec(iso93ascii).decode(new Uint8Array());
    expectTypeOf(m.fields[39]).toEqualTypeOf<string | undefined>();
    // @ts-expect-error DE52 (PIN data) is binary, not a string
    createCodec(iso93ascii).encode({ mti: '1100', fields: { 52: '0123456789ABCDEF' } });
  });

  it('keeps the layouts of structuredPreset in the types', () => {
    const fields = createCodec(structuredPreset(iso03binary)).decode(new Uint8Array()).fields;
    expectTypeOf(fields[35]).toEqualTypeOf<Track2 | undefined>();
    expectTypeOf(fields[55]).toEqualTypeOf<BerTlv[] | undefined>();
  });
});

describe('mtiParts types the year of the version', () => {
  it('is one of the three years, or undefined', () => {
    expectTypeOf(mtiParts('1100').year).toEqualTypeOf<MtiVersionYear | undefined>();
    expectTypeOf<MtiVersionYear>().toEqualTypeOf<1987 | 1993 | 2003>();
  });
});
