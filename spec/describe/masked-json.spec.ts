import { describe as group, expect, it } from 'vitest';
import { createCodec, isIso8583Error, type Message, messageFromJSON, messageToJSON, messageToMaskedJSON, presets, structuredPreset } from '../../src/index.js';
import { loadFixtures } from '../helpers/fixtures.js';

const PAN = '4111111111111111';
const spec = structuredPreset(presets.iso87ascii);
const bytes = (hex: string) => Uint8Array.from(Buffer.from(hex, 'hex'));
const purchase: Message = {
  mti: '0100',
  fields: {
    2: PAN,
    4: '000000012550',
    35: { pan: PAN, expiry: '2812', serviceCode: '101', discretionary: '99' },
    52: bytes('0123456789ABCDEF'),
    55: [
      { tag: '9F02', value: bytes('000000012550') },
      { tag: '5A', value: bytes(PAN) },
      { tag: '9F26', value: bytes('A1B2C3D4E5F60718') },
      { tag: 'DF01', value: bytes('1234') },
    ],
  },
};

group('messageToMaskedJSON', () => {
  it('masks card data as describe does and says so first', () => {
    const json = messageToMaskedJSON(purchase, spec);
    expect(Object.keys(json)[0]).toBe('masked');
    expect(json).toEqual({
      masked: true,
      mti: '0100',
      fields: {
        2: '411111******1111',
        4: '000000012550',
        35: { pan: '411111******1111', expiry: '[hidden, 4 chars]', serviceCode: '[hidden, 3 chars]', discretionary: '[hidden, 2 chars]' },
        52: '[hidden, 8 bytes]',
        55: [
          { tag: '9F02', value: '000000012550' },
          { tag: '5A', value: '411111******1111' },
          { tag: '9F26', value: '[hidden, 8 bytes]' },
          { tag: 'DF01', value: '[hidden, 2 bytes]' },
        ],
      },
    });
    expect(JSON.stringify(json)).not.toContain(PAN);
  });

  it('shows 8-digit BINs on request, for PANs of 16 digits or more', () => {
    expect(messageToMaskedJSON(purchase, spec, { binLength: 8 }).fields[2]).toBe('41111111****1111');
    expect(messageToMaskedJSON({ mti: '0100', fields: { 2: '378282246310005' } }, spec, { binLength: 8 }).fields[2]).toBe('378282*****0005');
  });

  it('gives exactly the JSON form when there is nothing to mask', () => {
    const plain: Message = { mti: '0800', fields: { 11: '000001', 70: '301' } };
    expect(messageToMaskedJSON(plain, spec)).toEqual(messageToJSON(plain, spec));
    expect('masked' in messageToMaskedJSON(plain, spec)).toBe(false);
  });

  it('refuses options it does not take with INVALID_OPTION', () => {
    for (const options of [{ unmask: true }, { binLength: 7 }, null]) {
      try {
        messageToMaskedJSON(purchase, spec, options as never);
        expect.unreachable();
      } catch (e) {
        expect(isIso8583Error(e) && e.code).toBe('INVALID_OPTION');
      }
    }
  });

  it('cannot be encoded again: messageFromJSON refuses masked JSON with INVALID_MESSAGE', () => {
    const masked = JSON.parse(JSON.stringify(messageToMaskedJSON(purchase, spec)));
    expect(() => messageFromJSON(masked, spec)).toThrow(expect.objectContaining({ code: 'INVALID_MESSAGE', detail: expect.stringContaining('masked') }));
  });

  it('refuses any other "masked" value with a text that says the key must be absent, so a flipped marker never encodes masks', () => {
    const masked = JSON.parse(JSON.stringify(messageToMaskedJSON(purchase, spec)));
    const clear = JSON.parse(JSON.stringify(messageToJSON(purchase, spec)));
    for (const value of [false, 'true', 'false', 0, 1, null, {}, [], PAN]) {
      for (const json of [{ ...masked, masked: value }, { masked: value, ...clear }]) {
        try {
          messageFromJSON(json, spec);
          expect.unreachable(`"masked": ${JSON.stringify(value)} was encoded`);
        } catch (e) {
          if (!isIso8583Error(e)) throw e;
          expect(e.code).toBe('INVALID_MESSAGE');
          expect(e.detail).toMatch(/^"masked" must be absent: JSON in clear has no "masked" key, and masked JSON \("masked": true\) cannot be encoded; got (a|an|null)/);
          expect(e.detail).not.toContain('card data was replaced');
          expect(e.detail).not.toContain(PAN);
        }
      }
    }
    expect(() => messageFromJSON({ ...masked, masked: true }, spec)).toThrow(/masked JSON cannot be encoded: its card data was replaced by masks/);
    // A JavaScript object whose masked key is undefined has no marker, as a field set to undefined is absent.
    expect(messageFromJSON({ ...clear, masked: undefined }, spec)).toEqual(messageFromJSON(clear, spec));
  });

  it('never holds a fixture PAN', () => {
    for (const f of loadFixtures()) {
      const text = JSON.stringify(messageToMaskedJSON(f.codec.decode(f.bytes), f.spec));
      for (const pan of ['4111111111111111', '5555555555554444', '378282246310005', '4000000000000000002']) expect(text, f.name).not.toContain(pan);
    }
  });

  it('decodes and masks a frame of the structured preset', () => {
    const frame = createCodec(spec).encode(purchase as never);
    const json = messageToMaskedJSON(createCodec(spec).decode(frame), spec);
    expect(json.masked).toBe(true);
    expect(JSON.stringify(json)).not.toContain(PAN);
  });
});
