import { describe, expectTypeOf, it } from 'vitest';
import { type BerTlv, type Infer, presets, responseTo, structuredPreset } from '../../src/index.js';

const spec = structuredPreset(presets.iso87ascii);
declare const request: Infer<typeof spec>;

describe('responseTo types the response by the spec', () => {
  it('returns the message type of the spec', () => {
    const answer = responseTo(spec, request, { fields: { 39: '00' } });
    expectTypeOf(answer).toEqualTypeOf<Infer<typeof spec>>();
    expectTypeOf(answer.fields[55]).toEqualTypeOf<BerTlv[] | undefined>();
  });

  it('takes only field numbers of the spec in echo and field values of their types in fields', () => {
    responseTo(spec, request, { echo: [11, 41, 55] });
    // @ts-expect-error field 1 is the bitmap, no data element
    responseTo(spec, request, { echo: [1] });
    // @ts-expect-error DE39 is text
    responseTo(spec, request, { fields: { 39: 0 } });
    // @ts-expect-error DE55 takes BER-TLV entries, not bytes
    responseTo(spec, request, { fields: { 55: new Uint8Array(2) } });
    // @ts-expect-error the request is a message of the spec
    responseTo(spec, { mti: '0100', fields: { 55: 'flat' } });
  });
});
