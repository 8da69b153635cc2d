import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Codec, createCodec, isIso8583Error, type Message, type MessageSpec, presets, toHex, withSubfields } from '../../src/index.js';
import { arbitraryMessage } from '../../src/testing/index.js';
import { countFrames, FUZZ_RUNS } from '../properties/budget.js';

/**
 * The formats of issue 15's "formats still missing" (Track 2 separated by D in text, Track 1 as a layout, TLV
 * after a leading part, a header with a length prefix of its own), as
 * properties: every valid message round-trips to the same bytes, and bytes of any kind either decode to the one
 * message that re-encodes to them or fail with an Iso8583Error.
 */
const specs: readonly (readonly [MessageSpec, number])[] = [
  [withSubfields(presets.iso87ascii, { 35: { type: 'track2', separator: 'D' } }), 35],
  [withSubfields(presets.iso87ebcdic, { 35: { type: 'track2', separator: 'D' } }), 35],
  [withSubfields(presets.iso87binary, { 35: { type: 'track2', separator: 'D' } }), 35],
  [withSubfields(presets.iso87ascii, { 35: { type: 'track2', separator: '=' } }), 35],
  [withSubfields(presets.iso87ascii, { 45: { type: 'track1' } }), 45],
  [withSubfields(presets.iso87ebcdic, { 45: { type: 'track1' } }), 45],
  [withSubfields(presets.iso87binary, { 45: { type: 'track1' } }), 45],
  // TLV after a leading part (a tag-class letter; two digits through EBCDIC), known tags and unknown ones.
  [withSubfields(presets.iso87ascii, { 48: { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: 'ascii', leading: { length: 1, kind: 'a' }, tags: { '01': { kind: 'n', length: 4, encoding: 'ascii' } } } }), 48],
  [withSubfields(presets.iso87ebcdic, { 48: { type: 'tlv', tagLength: 3, lengthDigits: 3, encoding: 'ebcdic037', leading: { length: 2, kind: 'n' } } }), 48],
  // A header with a length prefix of its own: text behind LL, bytes behind B1, BCD digits behind a BCD LL.
  [{ ...presets.iso87ascii, name: 'header-ll', header: { length: 20, encoding: 'ascii', prefix: 'LL/ascii' } }, 11],
  [{ ...presets.iso87binary, name: 'header-b1', header: { length: 12, encoding: 'binary', prefix: 'B1' } }, 11],
  [{ ...presets.iso87binary, name: 'header-bcd', header: { length: 9, encoding: 'bcd', prefix: 'LL/bcd' } }, 11],
];

/** Decodes `bytes`: an Iso8583Error, or a message that re-encodes to exactly `bytes`. Anything else fails. */
function decodesCanonicallyOrRefuses(codec: Codec<Message>, bytes: Uint8Array): boolean {
  let message: Message;
  try {
    message = codec.decode(bytes);
  } catch (e) {
    if (!isIso8583Error(e)) throw e;
    return false;
  }
  expect(toHex(codec.encode(message))).toBe(toHex(bytes));
  return true;
}

describe.each(specs.map(([spec, n], i) => [`${spec.name} #${i}, DE${n}`, spec, n] as const))('%s', (_name, spec, n) => {
  const codec = createCodec(spec) as Codec<Message>;

  it('round-trips every message: decode gives it back, and its bytes re-encode unchanged', () => {
    fc.assert(
      fc.property(arbitraryMessage(spec, { fields: [n], maxFields: 3 }), (m) => {
        const bytes = codec.encode(m);
        const back = codec.decode(bytes);
        expect(back).toEqual(m);
        expect(toHex(codec.encode(back))).toBe(toHex(bytes));
        countFrames(1);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('meets a byte changed anywhere in a valid frame with the one message of the new bytes or an Iso8583Error', () => {
    const frames = arbitraryMessage(spec, { fields: [n], maxFields: 2 }).map((m) => codec.encode(m));
    fc.assert(
      fc.property(frames, fc.nat(), fc.integer({ min: 0, max: 255 }), (bytes, at, byte) => {
        const changed = bytes.slice();
        changed[at % changed.length] = byte;
        decodesCanonicallyOrRefuses(codec, changed);
        countFrames(1);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });

  it('meets random bytes with an Iso8583Error or the one message of those bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        decodesCanonicallyOrRefuses(codec, bytes);
        countFrames(1);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});

describe('Track 2 separated by D in ASCII text', () => {
  const codec = createCodec(withSubfields(presets.iso87ascii, { 35: { type: 'track2', separator: 'D' } }));
  const flat = createCodec(presets.iso87ascii);
  const digits = (min: number, max: number): fc.Arbitrary<string> => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
  // DE35 of ISO 8583:1987 holds at most 37 characters: PAN (1-19), D, YYMM, service code, discretionary data.
  const track = fc.integer({ min: 1, max: 19 }).chain((panLength) =>
    fc.tuple(digits(panLength, panLength), digits(7, 7), digits(1, 37 - 8 - panLength)),
  );

  it('refuses = or a second D in the discretionary data with INVALID_TRACK at that byte', () => {
    fc.assert(
      fc.property(track, fc.nat(), fc.constantFrom('=', 'D'), ([pan, expiryAndService, discretionary], where, char) => {
        const i = where % discretionary.length;
        const text = `${pan}D${expiryAndService}${discretionary.slice(0, i)}${char}${discretionary.slice(i + 1)}`;
        let error: unknown;
        try {
          codec.decode(flat.encode({ mti: '0100', fields: { 35: text } }));
        } catch (e) {
          error = e;
        }
        // MTI (4) + primary bitmap (8) + LL (2): the track's first character is byte 14.
        expect(isIso8583Error(error) && [error.code, error.field, error.offset]).toEqual(['INVALID_TRACK', '35', 14 + pan.length + 8 + i]);
        countFrames(1);
      }),
      { numRuns: FUZZ_RUNS },
    );
  });
});
