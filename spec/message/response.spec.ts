import { describe, expect, it } from 'vitest';
import { createCodec, type Infer, presets, RESPONSE_ECHO_FIELDS, responseTo, structuredPreset } from '../../src/index.js';
import { catchIso } from './errors-helper.js';

type Ascii = Infer<typeof presets.iso87ascii>;
const request: Ascii = {
  mti: '0100',
  fields: {
    2: '4111111111111111', 3: '000000', 4: '000000012550', 7: '1202041500', 11: '004711', 12: '041500', 13: '1202',
    14: '2812', 22: '051', 32: '123456', 37: 'RRN000000001', 41: 'TERM0001', 42: 'MERCHANT0000001', 49: '978', 52: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8),
  },
};

describe('responseTo', () => {
  it('answers with the response MTI of each class and version', () => {
    for (const [asked, answer] of [['0100', '0110'], ['0200', '0210'], ['0420', '0430'], ['0800', '0810'], ['0101', '0110'], ['1100', '1110'], ['2200', '2210']] as const) {
      expect(responseTo(presets.iso87ascii, { mti: asked, fields: {} }).mti).toBe(answer);
    }
  });

  it('echoes the default fields the request holds, and nothing else (no expiry, POS entry mode or PIN block)', () => {
    const answer = responseTo(presets.iso87ascii, request);
    expect(answer).toEqual({
      mti: '0110',
      fields: {
        2: '4111111111111111', 3: '000000', 4: '000000012550', 7: '1202041500', 11: '004711', 12: '041500', 13: '1202',
        32: '123456', 37: 'RRN000000001', 41: 'TERM0001', 42: 'MERCHANT0000001', 49: '978',
      },
    });
    expect(Object.keys(answer.fields).map(Number).every((n) => RESPONSE_ECHO_FIELDS.includes(n))).toBe(true);
  });

  it('lists the default echo fields of ISO 8583:1987 practice', () => {
    expect(RESPONSE_ECHO_FIELDS).toEqual([2, 3, 4, 7, 11, 12, 13, 32, 33, 37, 41, 42, 49, 90]);
    expect(Object.isFrozen(RESPONSE_ECHO_FIELDS)).toBe(true);
  });

  it('echoes the fields of options.echo instead, and sets its own fields over them', () => {
    const answer = responseTo(presets.iso87ascii, request, { echo: [11, 41, 52], fields: { 39: '00', 41: 'OTHER001', 38: undefined } });
    expect(answer.fields).toEqual({ 11: '004711', 41: 'OTHER001', 52: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8), 39: '00' });
    expect(responseTo(presets.iso87ascii, request, { fields: { 2: undefined } }).fields[2]).toBeUndefined();
    expect('2' in responseTo(presets.iso87ascii, request, { fields: { 2: undefined } }).fields).toBe(false);
  });

  it('sets the response’s own fields as given', () => {
    const pinBlock = Uint8Array.of(8, 7, 6, 5, 4, 3, 2, 1);
    expect(responseTo(presets.iso87ascii, request, { fields: { 52: pinBlock } }).fields[52]).toBe(pinBlock);
  });

  it('takes an MTI of its own from options.mti', () => {
    expect(responseTo(presets.iso87ascii, request, { mti: '0130' }).mti).toBe('0130');
  });

  it('copies echoed values deeply: changing the response never changes the request', () => {
    const spec = structuredPreset(presets.iso87ascii);
    const structured: Infer<typeof spec> = {
      mti: '0100',
      fields: { 11: '000001', 90: '010000471112020415000000012345600000000000' },
    };
    const withBytes = responseTo(spec, structured, { echo: [11, 55, 127], fields: {} });
    expect(withBytes.fields).toEqual({ 11: '000001' });
    const emv = { mti: '0100', fields: { 55: [{ tag: '70', value: [{ tag: '57', value: Uint8Array.of(1) }] }], 127: { 2: 'x' } } } satisfies Infer<typeof spec>;
    const answer = responseTo(spec, emv, { echo: [55, 127] });
    expect(answer.fields).toEqual(emv.fields);
    (answer.fields[55]![0]!.value as { value: Uint8Array }[])[0]!.value[0] = 9;
    answer.fields[127]![2] = 'changed';
    expect(emv.fields[55][0]!.value[0]!.value).toEqual(Uint8Array.of(1));
    expect(emv.fields[127][2]).toBe('x');
  });

  it('copies a Buffer value into bytes of its own: reusing the request’s Buffer never changes the response', () => {
    const pinBlock = Buffer.from('0102030405060708', 'hex');
    const header = Buffer.from('6000010002', 'hex');
    const spec = { ...presets.iso87binary, name: 'with-header', header: { length: 5, encoding: 'binary' } } as const;
    const answer = responseTo(spec, { mti: '0100', header, fields: { 11: '000001', 52: pinBlock } }, { echo: [11, 52] });
    pinBlock.fill(0);
    header.fill(0);
    expect(answer.fields[52]).toEqual(Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]));
    expect(answer.header).toEqual(Uint8Array.from([0x60, 0, 1, 0, 2]));
  });

  it('copies the request header', () => {
    const spec = { ...presets.iso87binary, name: 'with-header', header: { length: 5, encoding: 'binary' } } as const;
    const header = Uint8Array.of(0x60, 0, 1, 0, 2);
    const answer = responseTo(spec, { mti: '0800', header, fields: { 11: '000001', 70: '301' } });
    expect(answer.header).toEqual(header);
    expect(answer.header).not.toBe(header);
  });

  it('builds a response the codec encodes', () => {
    const codec = createCodec(presets.iso87ascii);
    const answer = responseTo(presets.iso87ascii, codec.decode(codec.encode(request)), { fields: { 39: '00' } });
    expect(codec.decode(codec.encode(answer))).toEqual(answer);
  });

  it('refuses a response MTI, a bad MTI, an echo field the spec lacks, a bad request and a bad spec', () => {
    expect(catchIso(() => responseTo(presets.iso87ascii, { mti: '0110', fields: {} })).code).toBe('INVALID_MTI');
    expect(catchIso(() => responseTo(presets.iso87ascii, request, { mti: '01X0' })).code).toBe('INVALID_MTI');
    expect(catchIso(() => responseTo(presets.iso87ascii, request, { echo: [1 as never] })).code).toBe('INVALID_OPTION');
    expect(catchIso(() => responseTo(presets.iso87ascii, request, { echo: '11' as never })).code).toBe('INVALID_OPTION');
    expect(catchIso(() => responseTo(presets.iso87ascii, request, { ecko: [11] } as never)).code).toBe('INVALID_OPTION');
    expect(catchIso(() => responseTo(presets.iso87ascii, null as never)).code).toBe('INVALID_MESSAGE');
    expect(catchIso(() => responseTo(presets.iso87ascii, { mti: '0100' } as never)).code).toBe('INVALID_MESSAGE');
    expect(catchIso(() => responseTo({ name: 'x' } as never, request as never)).code).toBe('INVALID_SPEC');
  });
});
