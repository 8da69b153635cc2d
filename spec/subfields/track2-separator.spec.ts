import { describe as group, expect, it } from 'vitest';
import { createCodec, defineSpec, formatTrack2, parseTrack2, presets, toHex, validateSpec, withSubfields } from '../../src/index.js';
import { catchIso } from '../message/errors-helper.js';

const track = { pan: '4111111111111111', expiry: '2812', serviceCode: '101', discretionary: '0000012300000' };
/** The codec of the ASCII preset with DE35 as Track 2 separated by the letter D. */
const asciiD = createCodec(withSubfields(presets.iso87ascii, { 35: { type: 'track2', separator: 'D' } }));
const asciiEq = createCodec(withSubfields(presets.iso87ascii, { 35: { type: 'track2' } }));
const packed = createCodec(withSubfields(presets.iso87binary, { 35: { type: 'track2', separator: 'D' } }));
/** An ASCII frame (MTI 0100, primary bitmap) holding DE35 as `text`: the track data starts at byte 14. */
const asciiFrame = (text: string): Uint8Array => createCodec(presets.iso87ascii).encode({ mti: '0100', fields: { 35: text } });
const DATA = 14;

group('Track 2 separated by D in text', () => {
  it('writes the letter D between PAN and expiry and reads it back', () => {
    const out = asciiD.encode({ mti: '0100', fields: { 35: track } });
    expect(new TextDecoder().decode(out.subarray(12))).toBe('374111111111111111D28121010000012300000');
    expect(asciiD.decode(out).fields[35]).toEqual(track);
  });

  it('writes D in EBCDIC text too (0xC4)', () => {
    const codec = createCodec(withSubfields(presets.iso87ebcdic, { 35: { type: 'track2', separator: 'D' } }));
    const out = codec.encode({ mti: '0100', fields: { 35: { ...track, discretionary: '' } } });
    expect(toHex(out.subarray(14))).toBe('F4F1F1F1F1F1F1F1F1F1F1F1F1F1F1F1C4F2F8F1F2F1F0F1');
    expect(codec.decode(out).fields[35]).toEqual({ ...track, discretionary: '' });
  });

  it('refuses on decode the = form with INVALID_TRACK at the = byte', () => {
    const e = catchIso(() => asciiD.decode(asciiFrame('4111111111111111=28121010000')));
    expect([e.code, e.field, e.offset]).toEqual(['INVALID_TRACK', '35', DATA + 16]);
    expect(e.message).not.toContain('411111');
  });

  it('refuses on decode a second D (in the discretionary data) at that D', () => {
    const e = catchIso(() => asciiD.decode(asciiFrame('4111111111111111D281210100D0')));
    expect([e.code, e.field, e.offset]).toEqual(['INVALID_TRACK', '35', DATA + 26]);
  });

  it('refuses on encode discretionary data holding = or D, at the byte it would take', () => {
    for (const [discretionary, at] of [['12=4', 2], ['1D', 1]] as const) {
      const e = catchIso(() => asciiD.encode({ mti: '0100', fields: { 35: { ...track, discretionary } } }));
      expect([e.code, e.field, e.offset]).toEqual(['INVALID_TRACK', '35', DATA + 24 + at]);
    }
  });
});

group('Track 2 separated by = in text (the default)', () => {
  it('refuses on decode the D form with INVALID_TRACK at the D byte', () => {
    const e = catchIso(() => asciiEq.decode(asciiFrame('4111111111111111D28121010000')));
    expect([e.code, e.field, e.offset]).toEqual(['INVALID_TRACK', '35', DATA + 16]);
  });

  it('refuses on decode a D in the discretionary data at that D', () => {
    const e = catchIso(() => asciiEq.decode(asciiFrame('4111111111111111=2812101000D')));
    expect([e.code, e.field, e.offset]).toEqual(['INVALID_TRACK', '35', DATA + 27]);
  });

  it('refuses on encode discretionary data holding a D, at the byte it would take', () => {
    const e = catchIso(() => asciiEq.encode({ mti: '0100', fields: { 35: { ...track, discretionary: '00D' } } }));
    expect([e.code, e.field, e.offset]).toEqual(['INVALID_TRACK', '35', DATA + 26]);
  });

  it('still reads a second = in the discretionary data, as before the option', () => {
    const value = { ...track, discretionary: '12=4' };
    expect(asciiEq.decode(asciiEq.encode({ mti: '0100', fields: { 35: value } })).fields[35]).toEqual(value);
  });
});

group('packed Track 2 (nibble D)', () => {
  it('takes separator D as its default does, byte for byte', () => {
    const byDefault = createCodec(withSubfields(presets.iso87binary, { 35: { type: 'track2' } }));
    const m = { mti: '0100', fields: { 35: { ...track, discretionary: '123' } } };
    expect(toHex(packed.encode(m))).toBe(toHex(byDefault.encode(m)));
  });

  it('refuses a second D nibble at the byte holding it, on decode and on encode', () => {
    // 0100 (2 bytes BCD), bitmap (8 bytes), LL 27 (1 byte BCD): track data at byte 11; digit 24 (D) in byte 11 + 12.
    const raw = createCodec(presets.iso87binary).encode({ mti: '0100', fields: { 35: '4111111111111111D2812101D23' } });
    const e = catchIso(() => packed.decode(raw));
    expect([e.code, e.field, e.offset]).toEqual(['INVALID_TRACK', '35', 11 + 12]);
    const w = catchIso(() => packed.encode({ mti: '0100', fields: { 35: { ...track, discretionary: 'D23' } } }));
    expect([w.code, w.field, w.offset]).toEqual(['INVALID_TRACK', '35', 11 + 12]);
  });

  it('counts a left pad nibble when it locates the second D', () => {
    const field = { kind: 'z', length: 37, prefix: 'LL/bcd', encoding: 'bcd' } as const;
    const flat = defineSpec({ name: 'left-pad-flat', mti: { encoding: 'bcd' }, bitmap: { format: 'binary' }, fields: { 35: field } });
    const spec = defineSpec({ ...flat, name: 'left-pad', fields: { 35: { ...field, subfields: { type: 'track2' } } } });
    // 27 digits padded on the left with 0: digit i sits in nibble i + 1, so digit 25 (the second D) in byte 11 + 13
    // (it would be in byte 11 + 12 with the pad on the right).
    const raw = createCodec(flat).encode({ mti: '0100', fields: { 35: '4111111111111111D28121012D3' } });
    const e = catchIso(() => createCodec(spec).decode(raw));
    expect([e.code, e.field, e.offset]).toEqual(['INVALID_TRACK', '35', 11 + 13]);
  });
});

group('the separator option in a spec', () => {
  const withTrack = (encoding: string, separator: unknown): unknown => ({
    name: 't',
    mti: { encoding: 'ascii' },
    bitmap: { format: 'binary' },
    fields: { 35: { kind: 'z', length: 37, prefix: 'LL/ascii', encoding, subfields: { type: 'track2', separator } } },
  });

  it('takes = or D on text and D on packed digits', () => {
    for (const [encoding, separator] of [['ascii', '='], ['ascii', 'D'], ['ebcdic037', 'D'], ['bcd', 'D']]) {
      expect(() => validateSpec(withTrack(encoding!, separator))).not.toThrow();
    }
  });

  it.each([
    ['= on packed digits', 'bcd', '=', 'a packed track 2 separates with D, not ='],
    ['a lowercase d', 'ascii', 'd', 'subfields.separator must be = or D'],
    ['a number', 'ascii', 61, 'subfields.separator must be = or D'],
  ])('refuses %s with INVALID_SPEC at the field', (_what, encoding, separator, detail) => {
    const e = catchIso(() => validateSpec(withTrack(encoding, separator)));
    expect([e.code, e.field]).toEqual(['INVALID_SPEC', '35']);
    expect(e.message).toContain(detail);
  });
});

group('parseTrack2 and formatTrack2 with D on text', () => {
  it('split and join D-separated text', () => {
    expect(parseTrack2('4111111111111111D28122010000', 'D', '35', 0)).toEqual({ pan: '4111111111111111', expiry: '2812', serviceCode: '201', discretionary: '0000' });
    expect(formatTrack2({ pan: '4111', expiry: '2812', serviceCode: '201', discretionary: '' }, 'D', '35', 0)).toBe('4111D2812201');
  });

  it('locate the other separator from the offset given, one byte a character', () => {
    expect(catchIso(() => parseTrack2('4111=2812201', 'D', '35', 100)).offset).toBe(104);
    expect(catchIso(() => parseTrack2('4111D2812201', '=', '35', 100)).offset).toBe(104);
    expect(catchIso(() => formatTrack2({ pan: '4111', expiry: '2812', serviceCode: '201', discretionary: '9D' }, '=', '35', 100)).offset).toBe(113);
  });
});
