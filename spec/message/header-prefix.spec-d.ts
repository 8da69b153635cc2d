import { describe, expectTypeOf, it } from 'vitest';
import { createCodec, defineSpec, type Infer } from '../../src/index.js';

const base = { name: 't', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' }, fields: { 11: { kind: 'n', length: 6, encoding: 'ascii' } } } as const;

describe('a header with a length prefix in the types', () => {
  it('types the header by its encoding, as a fixed header is typed, and requires it', () => {
    const text = defineSpec({ ...base, header: { length: 20, encoding: 'ascii', prefix: 'LL/ascii' } });
    expectTypeOf<Infer<typeof text>['header']>().toEqualTypeOf<string>();
    const bytes = defineSpec({ ...base, header: { length: 8, encoding: 'binary', prefix: 'B1' } });
    expectTypeOf<Infer<typeof bytes>['header']>().toEqualTypeOf<Uint8Array>();
    // @ts-expect-error a spec with a header needs it on every message, an empty one included
    createCodec(text).encode({ mti: '0800', fields: {} });
  });

  it('refuses keys a header does not have in a spec literal', () => {
    // @ts-expect-error prefx is a typo of prefix
    defineSpec({ ...base, header: { length: 20, encoding: 'ascii', prefx: 'LL/ascii' } });
    // @ts-expect-error a header prefix is one of the prefix names
    defineSpec({ ...base, header: { length: 20, encoding: 'ascii', prefix: 'LX/ascii' } });
  });
});
