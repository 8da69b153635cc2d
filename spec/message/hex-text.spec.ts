import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fromHex, isIso8583Error, parseHexText } from '../../src/index.js';

/** What a call gave: its bytes, or the Iso8583Error it threw (code, offset, detail); anything else fails the test. */
function outcome(f: () => Uint8Array): { bytes: number[] } | { code: string; offset: number | undefined; detail: string } {
  try {
    return { bytes: [...f()] };
  } catch (e) {
    if (!isIso8583Error(e)) throw e;
    return { code: e.code, offset: e.offset, detail: e.detail };
  }
}

describe('fromHex', () => {
  it('parses hex digits of either case into bytes', () => {
    expect(fromHex('9f02')).toEqual(new Uint8Array([0x9f, 0x02]));
    expect(fromHex('00FFa0')).toEqual(new Uint8Array([0x00, 0xff, 0xa0]));
    expect(fromHex('')).toEqual(new Uint8Array(0));
  });

  it('throws INVALID_INPUT at the offset of the first character that is not a hex digit, without echoing it', () => {
    expect(outcome(() => fromHex('9fx2'))).toEqual({ code: 'INVALID_INPUT', offset: 2, detail: 'hex text holds a character that is not a hex digit' });
    expect(outcome(() => fromHex('9f 02'))).toMatchObject({ code: 'INVALID_INPUT', offset: 2 });
    expect(outcome(() => fromHex('4111111111111111='))).toMatchObject({ code: 'INVALID_INPUT', offset: 16 });
    expect(JSON.stringify(outcome(() => fromHex('41111111111111114111=')))).not.toContain('4111');
  });

  it('throws INVALID_INPUT for an odd number of digits', () => {
    expect(outcome(() => fromHex('9f0'))).toEqual({ code: 'INVALID_INPUT', offset: undefined, detail: 'hex text has an odd number of digits' });
  });

  it('throws INVALID_INPUT naming the argument for a value that is not a string', () => {
    for (const wrong of [undefined, null, 5, new Uint8Array(2), ['9f']]) {
      expect(outcome(() => fromHex(wrong as never))).toMatchObject({ code: 'INVALID_INPUT', offset: undefined });
    }
    expect(outcome(() => fromHex(5 as never))).toMatchObject({ detail: 'fromHex: hex must be a string, got a number' });
  });

  it('behaves as parseHexText on text without white space or comments: the same bytes or the same error', () => {
    const hexish = fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEFxZ=-_.G'.split('')), maxLength: 12 });
    fc.assert(
      fc.property(fc.oneof(hexish, fc.string({ maxLength: 8 }).filter((s) => !/[\s#]/.test(s))), (text) => {
        expect(outcome(() => fromHex(text))).toEqual(outcome(() => parseHexText(text)));
      }),
    );
  });
});

describe('parseHexText', () => {
  it('reads annotated hex: white space anywhere, # comments to the end of the line', () => {
    expect(parseHexText('30 31  # MTI, partly\n3030\t# more\r\nF0')).toEqual(new Uint8Array([0x30, 0x31, 0x30, 0x30, 0xf0]));
  });

  it('locates a character that is not a hex digit by its offset in the text, comments included', () => {
    expect(outcome(() => parseHexText('30 # x\n3G'))).toMatchObject({ code: 'INVALID_INPUT', offset: 8 });
  });

  it('throws INVALID_INPUT for an odd number of digits, with the same detail as fromHex', () => {
    expect(outcome(() => parseHexText('30 3 # odd'))).toEqual(outcome(() => fromHex('303')));
  });
});
