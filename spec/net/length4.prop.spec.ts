/**
 * Splitting binary4 frames anywhere yields the same frames. The wire bytes are built here from the header's
 * definition (4 bytes, unsigned, most significant first, counting the fixed header and message, plus its own 4
 * bytes when self-counting), and the encoder must produce exactly them.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame, type FramingSpec, readFrames } from '../../src/net/index.js';

const VARIANTS: FramingSpec[] = [
  { length: 'binary4' },
  { length: 'binary4', includesLength: true },
  { length: 'binary4', headerBytes: 5 },
  { length: 'binary4', headerBytes: 5, includesLength: true },
];

interface Plain {
  readonly header: Uint8Array;
  readonly message: Uint8Array;
}

/** The frame's bytes as the definition gives them. */
function byHand(f: FramingSpec, frame: Plain): Uint8Array {
  const value = frame.header.length + frame.message.length + (f.includesLength === true ? 4 : 0);
  return Uint8Array.from([value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff, ...frame.header, ...frame.message]);
}

async function* chunksOf(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    yield bytes.subarray(at, cut);
    at = cut;
  }
}

async function contents(src: AsyncIterable<Uint8Array>, f: FramingSpec): Promise<{ header: number[] | undefined; message: number[] }[]> {
  const out: { header: number[] | undefined; message: number[] }[] = [];
  for await (const fr of readFrames(src, f)) out.push({ header: fr.header === undefined ? undefined : [...fr.header], message: [...fr.message] });
  return out;
}

const expected = (f: FramingSpec, frames: Plain[]) =>
  frames.map((fr) => ({ header: (f.headerBytes ?? 0) > 0 ? [...fr.header] : undefined, message: [...fr.message] }));

describe('binary4 frames', () => {
  for (const f of VARIANTS) {
    const name = JSON.stringify(f);
    const frameArb = fc.record({
      header: fc.uint8Array({ minLength: f.headerBytes ?? 0, maxLength: f.headerBytes ?? 0 }),
      message: fc.uint8Array({ minLength: 1, maxLength: 300 }),
    });

    it(`are encoded as their definition says and read back however the stream is split (${name})`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(frameArb, { minLength: 1, maxLength: 5 }), fc.array(fc.nat(), { maxLength: 12 }), async (frames, rawCuts) => {
          const parts = frames.map((fr) => byHand(f, fr));
          for (const [i, fr] of frames.entries()) expect([...encodeFrame(f, fr)]).toEqual([...parts[i]!]);
          const wire = Buffer.concat(parts);
          const cuts = [...new Set(rawCuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
          expect(await contents(chunksOf(wire, cuts), f)).toEqual(expected(f, frames));
        }),
        { numRuns: 100 },
      );
    });

    it(`are read back for a split at every byte and one byte at a time (${name})`, async () => {
      const h = f.headerBytes ?? 0;
      // The second frame is longer than 255 bytes, so its header's third byte is not zero.
      const frames: Plain[] = [
        { header: new Uint8Array(h).fill(7), message: Uint8Array.from({ length: 40 }, (_, i) => i) },
        { header: new Uint8Array(h).fill(9), message: Uint8Array.from({ length: 260 }, (_, i) => (i * 7) & 0xff) },
        { header: new Uint8Array(h).fill(1), message: Uint8Array.of(0xee) },
      ];
      const wire = Buffer.concat(frames.map((fr) => byHand(f, fr)));
      const want = expected(f, frames);
      for (let cut = 0; cut <= wire.length; cut++) {
        expect(await contents(chunksOf(wire, [cut]), f), `cut at ${cut}`).toEqual(want);
      }
      expect(await contents(chunksOf(wire, Array.from({ length: wire.length }, (_, i) => i)), f)).toEqual(want);
    });
  }
});
