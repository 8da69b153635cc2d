import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Codec, isIso8583Error, type Message, type MessageSpec, presets } from '../../src/index.js';
import { compileCodec } from '../../src/message/codec.js';
import { validateSpec } from '../../src/spec/validate-spec.js';
import { arbitraryMessage, arbitrarySpec } from '../../src/testing/index.js';
import { countFrames, FUZZ_RUNS, FUZZ_SEED } from './budget.js';
import { applyEdits, type FrameEdit, frameEdit } from './frame-edits.js';

// The message loop reads Latin-1 text fields and fixed packed-digit (BCD) fields inline, repeating their decode's
// checks, and hands every refusal to the field's own decode at the same byte. The two acceptance paths are twins:
// these properties decode each frame both ways (inline reads on, and every field through its own decode) and hold
// them to the same message, or the same error (code, field, offset and text).

/** What one decode gave: its message, or its error's code, field, offset and text. */
type Outcome = { message: Message } | { error: { code: string; field: string | undefined; offset: number | undefined; text: string } };

function outcome(codec: Codec<Message>, frame: Uint8Array): Outcome {
  try {
    return { message: codec.decode(frame) };
  } catch (e) {
    if (!isIso8583Error(e)) throw e;
    return { error: { code: e.code, field: e.field, offset: e.offset, text: e.message } };
  }
}

/**
 * Bytes that sit on the edges of the inline checks: ASCII digits and their neighbours, letters, space, and the
 * packed-digit pairs and pad nibbles (0x09/0x0A, 0x90/0xA0, 0x99/0x9A, 0x0F/0xF0, 0xFF), beside any byte at all.
 */
const edgeByte = fc.oneof(
  fc.constantFrom(0x2f, 0x30, 0x35, 0x39, 0x3a, 0x41, 0x46, 0x47, 0x5a, 0x61, 0x20, 0x7e, 0x7f, 0x80),
  fc.constantFrom(0x00, 0x09, 0x0a, 0x0f, 0x90, 0x99, 0x9a, 0xa0, 0xa9, 0xf0, 0xff, 0xd0, 0x0d),
  fc.integer({ min: 0, max: 255 }),
);

/** An edit of a frame, its written bytes on the inline checks' edges. */
const edit = frameEdit(edgeByte);

/** How many frames each property decoded both ways, and how many of them both refused. */
interface Tally {
  frames: number;
  refused: number;
}

/**
 * Decodes the message's frame and an edited copy both ways; the outcomes must be the same. The unedited frame
 * must decode both ways (so the property never passes on refusals alone).
 */
function sameBothWays(spec: MessageSpec, message: Message, edits: readonly FrameEdit[], tally: Tally): void {
  const inline = compileCodec(validateSpec(spec));
  const own = compileCodec(validateSpec(spec), false);
  const frame = inline.encode(message);
  const plain = outcome(inline, frame);
  expect(plain).toEqual(outcome(own, frame));
  expect('message' in plain, 'the unedited frame decodes').toBe(true);
  const changed = applyEdits(frame, edits);
  const got = outcome(inline, changed);
  expect(got).toEqual(outcome(own, changed));
  tally.frames += 2;
  if ('error' in got) tally.refused++;
}

describe('inline field reads', () => {
  const specs = Object.values(presets) as MessageSpec[];

  it('decode every preset frame, edited or not, exactly as the fields’ own decode does', () => {
    const tally: Tally = { frames: 0, refused: 0 };
    fc.assert(
      fc.property(
        fc.constantFrom(...specs).chain((spec) =>
          fc.tuple(fc.constant(spec), arbitraryMessage(spec, { maxFields: 12 }), fc.array(edit, { minLength: 1, maxLength: 3 })),
        ),
        ([spec, message, edits]) => sameBothWays(spec, message as Message, edits, tally),
      ),
      { numRuns: FUZZ_RUNS * 2, seed: FUZZ_SEED },
    );
    console.log(`[fuzz] inline reads, presets: ${tally.frames} frames, ${tally.refused} edited frames refused; FUZZ_SEED=${FUZZ_SEED}`);
    countFrames(tally.frames);
  });

  it('decode frames of random specs, edited or not, exactly as the fields’ own decode does', () => {
    const tally: Tally = { frames: 0, refused: 0 };
    fc.assert(
      fc.property(
        arbitrarySpec().chain((spec) => fc.tuple(fc.constant(spec), arbitraryMessage(spec), fc.array(edit, { minLength: 1, maxLength: 3 }))),
        ([spec, message, edits]) => sameBothWays(spec, message as Message, edits, tally),
      ),
      { numRuns: FUZZ_RUNS, seed: FUZZ_SEED },
    );
    console.log(`[fuzz] inline reads, random specs: ${tally.frames} frames, ${tally.refused} edited frames refused; FUZZ_SEED=${FUZZ_SEED}`);
    countFrames(tally.frames);
  });

  it('refuse the same bytes with the same error as the fields’ own decode, for each inline check', () => {
    // One frame of the ASCII preset with a fixed text field (DE3), an LLVAR (DE2) and an LLLVAR (DE35, Track 2), and
    // of the packed preset with a fixed BCD field (DE3) and an odd-length one (DE22, three digits, one pad nibble).
    const ascii = presets.iso87ascii as MessageSpec;
    const packed = presets.iso87binary as MessageSpec;
    const fields = { 2: '4111111111111111', 3: '000000', 22: '051', 35: '4111111111111111=2812101' };
    for (const spec of [ascii, packed]) {
      const inline = compileCodec(validateSpec(spec));
      const own = compileCodec(validateSpec(spec), false);
      const frame = inline.encode({ mti: '0100', fields: spec === packed ? { ...fields, 35: '4111111111111111D2812101' } : fields });
      let refused = 0;
      // Every byte after the MTI and bitmap set to each edge byte: prefix digits, field bytes, pad nibbles.
      for (let at = 0; at < frame.length; at++) {
        for (const byte of [0x00, 0x2f, 0x3a, 0x39, 0x41, 0x0a, 0xa0, 0x0f, 0xf0, 0xff]) {
          const b = Uint8Array.from(frame);
          b[at] = byte;
          const got = outcome(inline, b);
          expect(got).toEqual(outcome(own, b));
          if ('error' in got) refused++;
        }
        const cut = frame.slice(0, at);
        expect(outcome(inline, cut)).toEqual(outcome(own, cut));
      }
      // Not vacuous: most of these single-byte edits are refused, each the same way by both paths.
      expect(refused).toBeGreaterThan(frame.length * 3);
    }
  });

  it('refuse a prefix above the maximum, a wrong right pad nibble and a bad digit beside it with the same error as the fields’ own decode', () => {
    // DE2: LLVAR text of at most 10, followed by a long printable LLLVAR (DE3), so a prefix raised above 10 still
    // finds enough allowed bytes; DE4: three BCD digits padded right with F (one byte and a half: 0x12 0x3F).
    const spec = validateSpec({
      name: 'inline-edges',
      mti: { encoding: 'ascii' },
      bitmap: { format: 'binary' },
      fields: {
        2: { kind: 'ans', length: 10, prefix: 'LL/ascii', encoding: 'ascii' },
        3: { kind: 'ans', length: 200, prefix: 'LLL/ascii', encoding: 'ascii' },
        4: { kind: 'n', length: 3, encoding: 'bcd', nibblePad: { side: 'right', nibble: 'F' } },
      },
    });
    const inline = compileCodec(spec);
    const own = compileCodec(spec, false);
    const frame = inline.encode({ mti: '0100', fields: { 2: 'ABC', 3: 'x'.repeat(150), 4: '123' } });
    const de2 = 4 + 8;
    const over = Uint8Array.from(frame);
    over.set([0x32, 0x30], de2); // '20' > 10
    expect(outcome(inline, over)).toEqual(outcome(own, over));
    expect(outcome(inline, over)).toMatchObject({ error: { code: 'LENGTH_EXCEEDS_MAX', field: '2', offset: de2 } });
    const pad = Uint8Array.from(frame);
    pad[pad.length - 1] = 0x30; // 0x3F -> 0x30: the spare nibble is not F
    expect(outcome(inline, pad)).toEqual(outcome(own, pad));
    expect(outcome(inline, pad)).toMatchObject({ error: { field: '4', offset: frame.length - 1 } });
    const digit = Uint8Array.from(frame);
    digit[digit.length - 1] = 0xaf; // 0x3F -> 0xAF: the digit nibble beside the pad is not a digit
    expect(outcome(inline, digit)).toEqual(outcome(own, digit));
    expect(outcome(inline, digit)).toMatchObject({ error: { field: '4', offset: frame.length - 1 } });
  });
});
