/**
 * The 4-byte binary length header (`binary4`) and self-counting headers (`includesLength`) on it: the expected
 * bytes are written out from the header's definition (4 bytes, unsigned, most significant first; a self-counting
 * value adds the header's own 4 bytes), never taken from the library's encoder.
 */
import { describe, expect, it } from 'vitest';
import { encodeFrame, type FramingSpec, isIso8583NetError, lengthBytes, maxAnnounced, readFrames, readLength, validateFraming } from '../../src/net/index.js';
import { approve, capture, closedBy, echo, rawSocket, startClient, startServer } from './helpers/loopback.js';

/** The framing functions as a plain JavaScript caller reaches them: no compiler, so the calls go through `any`. */
const js = { validateFraming } as Record<string, (...args: any[]) => any>;

/** The code and the option of the error `run` throws (synchronously or as a rejection). */
async function failure(run: () => unknown): Promise<{ code: string; option: string | undefined } | undefined> {
  try {
    await run();
  } catch (e) {
    return isIso8583NetError(e) ? { code: e.code, option: e.option } : { code: `not a net error: ${String(e)}`, option: undefined };
  }
  return undefined;
}

/** `n` as 4 bytes, most significant first. */
const be4 = (n: number): number[] => [Math.floor(n / 0x1000000) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];

/** An async source yielding the given chunks, counting how many it was asked for. */
function source(chunks: Uint8Array[]): { it: AsyncGenerator<Uint8Array>; pulled: () => number } {
  let pulled = 0;
  async function* gen(): AsyncGenerator<Uint8Array> {
    for (const c of chunks) {
      pulled++;
      yield c;
    }
  }
  return { it: gen(), pulled: () => pulled };
}

async function collect(src: AsyncIterable<Uint8Array>, framing: FramingSpec, maxFrameBytes?: number): Promise<number[][]> {
  const out: number[][] = [];
  for await (const f of readFrames(src, framing, maxFrameBytes === undefined ? {} : { maxFrameBytes })) out.push([...f.message]);
  return out;
}

describe('the binary4 length header', () => {
  it('is 4 bytes wide and announces up to 4,294,967,295 bytes', () => {
    expect(lengthBytes({ length: 'binary4' })).toBe(4);
    expect(lengthBytes({ length: 'binary4', includesLength: true, headerBytes: 5 })).toBe(4);
    expect(maxAnnounced({ length: 'binary4' })).toBe(2 ** 32 - 1);
  });

  it('is accepted with a fixed header and includesLength, and a misspelt kind or a non-boolean includesLength is refused naming it', async () => {
    for (const f of [{ length: 'binary4' }, { length: 'binary4', includesLength: true, headerBytes: 5 }, { length: 'binary4', includesLength: false }]) {
      expect(() => validateFraming(f as FramingSpec), JSON.stringify(f)).not.toThrow();
    }
    expect(await failure(() => js['validateFraming']!({ length: 'binary3' }))).toEqual({ code: 'INVALID_FRAMING', option: 'framing.length' });
    expect(await failure(() => js['validateFraming']!({ length: 'BINARY4' }))).toEqual({ code: 'INVALID_FRAMING', option: 'framing.length' });
    expect(await failure(() => js['validateFraming']!({ length: 'binary4', includesLength: 1 }))).toEqual({
      code: 'INVALID_FRAMING',
      option: 'framing.includesLength',
    });
  });

  it('writes the body length in 4 bytes, most significant first', () => {
    expect([...encodeFrame({ length: 'binary4' }, { message: new Uint8Array(300) }).subarray(0, 4)]).toEqual([0x00, 0x00, 0x01, 0x2c]);
    // Above 65,535 the third byte from the end carries: what a 2-byte header cannot say.
    expect([...encodeFrame({ length: 'binary4' }, { message: new Uint8Array(70_000) }).subarray(0, 4)]).toEqual([0x00, 0x01, 0x11, 0x70]);
    const tpdu = Uint8Array.of(0x60, 0, 3, 0, 0);
    const framed = encodeFrame({ length: 'binary4', headerBytes: 5 }, { header: tpdu, message: Uint8Array.of(9) });
    expect([...framed]).toEqual([0, 0, 0, 6, 0x60, 0, 3, 0, 0, 9]);
  });

  it('counts its own 4 bytes when includesLength is set', () => {
    expect([...encodeFrame({ length: 'binary4', includesLength: true }, { message: new Uint8Array(300) }).subarray(0, 4)]).toEqual([0, 0, 0x01, 0x30]);
    const framed = encodeFrame({ length: 'binary4', includesLength: true, headerBytes: 2 }, { header: Uint8Array.of(1, 2), message: Uint8Array.of(9) });
    expect([...framed]).toEqual([0, 0, 0, 7, 1, 2, 9]);
    expect([...encodeFrame({ length: 'binary4', includesLength: true }, { message: new Uint8Array(0) })]).toEqual([0, 0, 0, 4]);
  });

  it('reads every byte of the header, the most significant above 0x7f included', () => {
    expect(readLength({ length: 'binary4' }, Uint8Array.of(0x01, 0x02, 0x03, 0x04), 0)).toBe(0x01020304);
    expect(readLength({ length: 'binary4' }, Uint8Array.of(0x80, 0, 0, 0), 0)).toBe(2 ** 31);
    expect(readLength({ length: 'binary4' }, Uint8Array.of(0xff, 0xff, 0xff, 0xff), 0)).toBe(2 ** 32 - 1);
    expect(readLength({ length: 'binary4' }, Uint8Array.of(7, 0, 0, 0x01, 0x2c), 1)).toBe(300);
    expect(readLength({ length: 'binary4', includesLength: true }, Uint8Array.of(0xff, 0xff, 0xff, 0xff), 0)).toBe(2 ** 32 - 5);
  });

  it('takes a self-counting value of exactly 4 as an empty frame and refuses 0 to 3 with INVALID_FRAME', async () => {
    const f: FramingSpec = { length: 'binary4', includesLength: true };
    expect(readLength(f, Uint8Array.of(0, 0, 0, 4), 0)).toBe(0);
    for (const v of [0, 1, 2, 3]) {
      expect((await failure(() => readLength(f, Uint8Array.of(0, 0, 0, v), 0)))?.code, String(v)).toBe('INVALID_FRAME');
      const src = source([Uint8Array.of(0, 0, 0, v, 1, 2, 3, 4)]);
      expect((await failure(() => collect(src.it, f)))?.code, `stream ${v}`).toBe('INVALID_FRAME');
    }
    // A keep-alive (value 4) is skipped, and the frame after it read.
    expect(await collect(source([Uint8Array.of(0, 0, 0, 4, 0, 0, 0, 6, 0xaa, 0xbb)]).it, f)).toEqual([[0xaa, 0xbb]]);
  });

  it('refuses a body above maxFrameBytes as soon as the 4 header bytes are in, and takes one of exactly maxFrameBytes', async () => {
    for (const inc of [false, true]) {
      const f: FramingSpec = { length: 'binary4', includesLength: inc };
      const own = inc ? 4 : 0;
      const over = source([Uint8Array.from(be4(101 + own)), new Uint8Array(101)]);
      expect((await failure(() => collect(over.it, f, 100)))?.code, `includesLength ${inc}`).toBe('FRAME_TOO_LARGE');
      expect(over.pulled(), 'the body is never asked for').toBe(1);
      const exact = source([Uint8Array.from(be4(100 + own)), new Uint8Array(100).fill(3)]);
      expect(await collect(exact.it, f, 100)).toEqual([new Array(100).fill(3)]);
    }
    // The largest value the header can hold, against the default maximum: refused before any body byte.
    const huge = source([Uint8Array.of(0xff, 0xff, 0xff, 0xff), new Uint8Array(10)]);
    expect((await failure(() => collect(huge.it, { length: 'binary4' })))?.code).toBe('FRAME_TOO_LARGE');
    expect(huge.pulled()).toBe(1);
  });

  it('reports a stream that ends inside the 4 header bytes as TRUNCATED_FRAME', async () => {
    for (const cut of [1, 2, 3]) {
      const src = source([Uint8Array.of(0, 0, 0, 2).subarray(0, cut)]);
      expect((await failure(() => collect(src.it, { length: 'binary4' })))?.code, `cut ${cut}`).toBe('TRUNCATED_FRAME');
    }
  });
});

describe('client and server over binary4', () => {
  for (const f of [
    { length: 'binary4' },
    { length: 'binary4', includesLength: true },
    { length: 'binary4', includesLength: true, headerBytes: 5 },
  ] as FramingSpec[]) {
    it(`exchange requests and answers with framing ${JSON.stringify(f)}`, async () => {
      const { port } = await startServer(approve, {}, f);
      const c = await startClient(port, {}, f);
      const answers = await Promise.all([1, 2, 3].map((i) => c.request(echo(i))));
      expect(answers.map((a) => [a.mti, a.fields[11]])).toEqual([
        ['0810', '000001'],
        ['0810', '000002'],
        ['0810', '000003'],
      ]);
    });
  }

  it('closes a connection whose self-counting header is smaller than itself (invalidFrame) and one announcing too much (frameTooLarge)', async () => {
    const f: FramingSpec = { length: 'binary4', includesLength: true };
    const { logger, when } = capture();
    const { server, port } = await startServer(approve, { logger, maxFrameBytes: 1000 }, f);
    const small = await rawSocket(port);
    small.socket.write(Uint8Array.of(0, 0, 0, 3, 0x30));
    await small.closed;
    await when(closedBy('invalidFrame'));
    const large = await rawSocket(port);
    large.socket.write(Uint8Array.from(be4(1005)));
    await large.closed;
    await when(closedBy('frameTooLarge'));
    expect(server.stats.connectionsClosed.invalidFrame).toBe(1);
    expect(server.stats.connectionsClosed.frameTooLarge).toBe(1);
  });
});
