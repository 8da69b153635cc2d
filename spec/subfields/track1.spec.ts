import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatTrack1, isIso8583Error, parseTrack1, type Track1 } from '../../src/index.js';
import { catchIso } from '../message/errors-helper.js';

const PAN = '4111111111111111';
const TRACK = `B${PAN}^DOE/JANE^28122010000000`;
const where = (fn: () => unknown): [string, string | undefined, number | undefined] => {
  const e = catchIso(fn);
  return [e.code, e.field, e.offset];
};

// ISO/IEC 7813 Track 1: data characters are 0x20-0x5F except % (start sentinel), ? (end sentinel) and ^ (separator).
const TRACK_CHARS = Array.from({ length: 0x40 }, (_, i) => String.fromCharCode(0x20 + i)).filter((c) => !'%?^'.includes(c));
const digits = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
const trackText = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...TRACK_CHARS), minLength: min, maxLength: max });
const track1 = fc.record({
  formatCode: fc.constant<'B'>('B'),
  pan: digits(1, 19),
  name: trackText(2, 26),
  expiry: digits(4, 4),
  serviceCode: digits(3, 3),
  discretionary: trackText(0, 40),
});

describe('parseTrack1', () => {
  it('splits format B Track 1 into format code, PAN, name, expiry, service code and discretionary data', () => {
    expect(parseTrack1(TRACK, '45', 0)).toEqual({
      formatCode: 'B', pan: PAN, name: 'DOE/JANE', expiry: '2812', serviceCode: '201', discretionary: '0000000',
    });
    expect(parseTrack1('B4^AB^2812201', '45', 0)).toEqual({ formatCode: 'B', pan: '4', name: 'AB', expiry: '2812', serviceCode: '201', discretionary: '' });
  });

  it.each([
    ['another format code', `A${PAN}^DOE/JANE^2812201`, 0],
    ['no format code', `${PAN}^DOE/JANE^2812201`, 0],
    ['no separator after the PAN', `B${PAN}DOE/JANE2812201`, 1],
    ['an empty PAN', 'B^DOE/JANE^2812201', 1],
    ['a PAN of 20 digits', `B${'4'.repeat(20)}^DOE/JANE^2812201`, 1],
    ['a letter in the PAN', 'B41111A1111111111^DOE/JANE^2812201', 1],
    ['no separator after the name', `B${PAN}^DOE/JANE2812201`, 18],
    ['a one-character name', `B${PAN}^D^2812201`, 18],
    ['a 27-character name', `B${PAN}^${'A'.repeat(27)}^2812201`, 18],
    ['a lowercase name', `B${PAN}^DOE/jane^2812201`, 22],
    ['a cut expiry', `B${PAN}^DOE/JANE^281`, 27],
    ['a letter in the service code', `B${PAN}^DOE/JANE^28122A1`, 27],
    ['an end sentinel in the discretionary data', `B${PAN}^DOE/JANE^2812201000?`, 37],
  ])('refuses %s with INVALID_TRACK at the first character that breaks the layout', (_what, text, at) => {
    expect(where(() => parseTrack1(text, '45', 10))).toEqual(['INVALID_TRACK', '45', 10 + at]);
  });

  it('never puts the PAN, name or track in an error text', () => {
    for (const text of [`B${PAN}^DOE/JANE^28X2201`, `B${PAN}^DOE/jane^2812201`, `A${PAN}^DOE/JANE^2812201`]) {
      const e = catchIso(() => parseTrack1(text, '45', 0));
      expect(e.message).not.toContain(PAN);
      expect(e.message).not.toContain('DOE');
    }
  });

  it('refuses text that is not a string with INVALID_VALUE_TYPE', () => {
    expect(where(() => parseTrack1(42 as unknown as string, '45', 3))).toEqual(['INVALID_VALUE_TYPE', '45', 3]);
  });

  it('throws only Iso8583Errors for any text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), trackText(0, 60).map((s) => `B${s}`), track1.map((t) => formatTrack1(t, '45', 0).slice(0, -1))), (text) => {
        try {
          parseTrack1(text, '45', 0);
        } catch (e) {
          expect(isIso8583Error(e)).toBe(true);
        }
      }),
    );
  });
});

describe('formatTrack1', () => {
  it('joins the parts with the ^ separators after format code B', () => {
    expect(formatTrack1({ formatCode: 'B', pan: PAN, name: 'DOE/JANE', expiry: '2812', serviceCode: '201', discretionary: '0000000' }, '45', 0)).toBe(TRACK);
  });

  it('and parseTrack1 give each other back every Track 1 of the standard layout', () => {
    fc.assert(
      fc.property(track1, (t: Track1) => {
        const text = formatTrack1(t, '45', 0);
        expect(parseTrack1(text, '45', 0)).toEqual(t);
        expect(formatTrack1(parseTrack1(text, '45', 0), '45', 0)).toBe(text);
      }),
    );
  });

  it.each([
    ['format code A', { formatCode: 'A' }],
    ['a 20-digit PAN', { pan: '4'.repeat(20) }],
    ['a name holding the separator', { name: 'DOE^JANE' }],
    ['a one-character name', { name: 'D' }],
    ['a 3-digit expiry', { expiry: '281' }],
    ['a service code that is a number', { serviceCode: 201 }],
    ['discretionary data with a start sentinel', { discretionary: '%00' }],
  ])('refuses %s with INVALID_TRACK at the given offset, without card data in its text', (_what, over) => {
    const e = catchIso(() => formatTrack1({ formatCode: 'B', pan: PAN, name: 'DOE/JANE', expiry: '2812', serviceCode: '201', discretionary: '', ...over }, '45', 7));
    expect([e.code, e.field, e.offset]).toEqual(['INVALID_TRACK', '45', 7]);
    expect(e.message).not.toContain(PAN);
  });

  it('refuses a value that is not an object with INVALID_VALUE_TYPE', () => {
    expect(where(() => formatTrack1('B4^AB^2812201', '45', 0))).toEqual(['INVALID_VALUE_TYPE', '45', 0]);
  });
});
