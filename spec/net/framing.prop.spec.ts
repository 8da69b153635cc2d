import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeFrame, type Frame, type FramingSpec, isIso8583NetError, readFrames } from '../../src/net/index.js';

const VARIANTS: FramingSpec[] = [
  { length: 'binary2' },
  { length: 'binary2', includesLength: true },
  { length: 'bcd2' },
  { length: 'ascii' },
  { length: 'ascii', digits: 4, includesLength: true },
  { length: 'ascii', digits: 6 },
  { length: 'binary2', headerBytes: 5 },
  { length: 'bcd2', headerBytes: 5, includesLength: true },
];

async function* chunksOf(bytes: Uint8Array, cuts: number[]): AsyncGenerator<Uint8Array> {
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    yield bytes.subarray(at, cut);
    at = cut;
  }
}

async function collect(source: AsyncIterable<Uint8Array>, framing: FramingSpec, keepAlive: 'skip' | 'yield' = 'skip'): Promise<Frame[]> {
  const out: Frame[] = [];
  for await (const f of readFrames(source, framing, { keepAlive })) out.push(f);
  return out;
}

const frameArb = (headerBytes: number) =>
  fc.record({
    header: fc.uint8Array({ minLength: headerBytes, maxLength: headerBytes }),
    message: fc.uint8Array({ minLength: 1, maxLength: 300 }),
  });

describe('frame reader', () => {
  for (const framing of VARIANTS) {
    const name = JSON.stringify(framing);

    it(`yields the same frames however the stream is split (${name})`, async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.array(frameArb(framing.headerBytes ?? 0), { minLength: 1, maxLength: 6 }),
          fc.array(fc.nat(), { maxLength: 12 }),
          async (frames, rawCuts) => {
            const wire = Buffer.concat(frames.map((f) => encodeFrame(framing, f)));
            const cuts = [...new Set(rawCuts.map((c) => c % (wire.length + 1)))].sort((a, b) => a - b);
            const got = await collect(chunksOf(wire, cuts), framing);
            expect(got.map((f) => [...f.message])).toEqual(frames.map((f) => [...f.message]));
            if ((framing.headerBytes ?? 0) > 0) expect(got.map((f) => [...f.header!])).toEqual(frames.map((f) => [...f.header]));
          },
        ),
        { numRuns: 100 },
      );
    });

    it(`yields the same frames for a split at every byte boundary (${name})`, async () => {
      const frames = [
        { header: new Uint8Array(framing.headerBytes ?? 0).fill(7), message: Uint8Array.from({ length: 40 }, (_, i) => i) },
        { header: new Uint8Array(framing.headerBytes ?? 0).fill(9), message: Uint8Array.from({ length: 3 }, (_, i) => 200 + i) },
      ];
      const wire = Buffer.concat(frames.map((f) => encodeFrame(framing, f)));
      /** Each frame's header (when the framing has one) and message, as plain arrays. */
      const contents = (list: readonly { header?: Uint8Array; message: Uint8Array }[]) =>
        list.map((f) => ({ header: (framing.headerBytes ?? 0) > 0 ? [...f.header!] : undefined, message: [...f.message] }));
      for (let cut = 0; cut <= wire.length; cut++) {
        const got = await collect(chunksOf(wire, [cut]), framing);
        expect(contents(got), `cut at ${cut}`).toEqual(contents(frames));
      }
      const oneByOne = await collect(chunksOf(wire, Array.from({ length: wire.length }, (_, i) => i)), framing);
      expect(contents(oneByOne)).toEqual(contents(frames));
    });
  }

  it('writes each length header as its framing says', () => {
    const message = new Uint8Array(300);
    expect([...encodeFrame({ length: 'binary2' }, { message }).subarray(0, 2)]).toEqual([0x01, 0x2c]);
    expect([...encodeFrame({ length: 'binary2', includesLength: true }, { message }).subarray(0, 2)]).toEqual([0x01, 0x2e]);
    expect([...encodeFrame({ length: 'bcd2' }, { message }).subarray(0, 2)]).toEqual([0x03, 0x00]);
    expect(Buffer.from(encodeFrame({ length: 'ascii' }, { message }).subarray(0, 4)).toString()).toBe('0300');
    const tpdu = Uint8Array.from([0x60, 0, 3, 0, 0]);
    const framed = encodeFrame({ length: 'binary2', headerBytes: 5 }, { header: tpdu, message });
    expect([...framed.subarray(0, 7)]).toEqual([0x01, 0x31, 0x60, 0, 3, 0, 0]);
  });

  it('refuses a frame above maxFrameBytes as soon as its length header is read', async () => {
    let pulledAfterHeader = 0;
    async function* source(): AsyncGenerator<Uint8Array> {
      yield Uint8Array.from([0xea, 0x60]); // 60000
      pulledAfterHeader++;
      yield new Uint8Array(60000);
    }
    const error = await collect(source(), { length: 'binary2' }).catch((e: unknown) => e);
    expect(isIso8583NetError(error) && error.code).toBe('FRAME_TOO_LARGE');
    expect(pulledAfterHeader).toBe(0);
  });

  it('skips zero-length keep-alives by default and yields them on request', async () => {
    const wire = Buffer.concat([
      encodeFrame({ length: 'binary2' }, { message: new Uint8Array(0) }),
      encodeFrame({ length: 'binary2' }, { message: Uint8Array.of(1, 2) }),
    ]);
    expect(await collect(chunksOf(wire, []), { length: 'binary2' })).toHaveLength(1);
    const all = await collect(chunksOf(wire, []), { length: 'binary2' }, 'yield');
    expect(all.map((f) => f.message.length)).toEqual([0, 2]);
  });

  it('reports a stream that ends inside a frame and a malformed length header', async () => {
    const wire = encodeFrame({ length: 'binary2' }, { message: new Uint8Array(10) }).subarray(0, 8);
    const e1 = await collect(chunksOf(wire, []), { length: 'binary2' }).catch((e: unknown) => e);
    expect(isIso8583NetError(e1) && e1.code).toBe('TRUNCATED_FRAME');
    const e2 = await collect(chunksOf(Buffer.from('00A5hello'), []), { length: 'ascii' }).catch((e: unknown) => e);
    expect(isIso8583NetError(e2) && e2.code).toBe('INVALID_FRAME');
  });

  it('assembles a large frame from one-byte chunks', async () => {
    const message = Uint8Array.from({ length: 8000 }, (_, i) => i & 0xff);
    const wire = encodeFrame({ length: 'binary2' }, { message });
    async function* bytes(): AsyncGenerator<Uint8Array> {
      for (let i = 0; i < wire.length; i++) yield wire.subarray(i, i + 1);
    }
    const [frame] = await collect(bytes(), { length: 'binary2' });
    expect(Buffer.compare(frame!.message, message)).toBe(0);
  });

  it('treats each chunk as one frame with the none framing', async () => {
    const got = await collect(chunksOf(Uint8Array.of(1, 2, 3, 4), [1, 3]), { length: 'none' });
    expect(got.map((f) => [...f.message])).toEqual([[1], [2, 3], [4]]);
  });
});
