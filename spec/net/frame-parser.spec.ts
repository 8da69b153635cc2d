import { describe, expect, it } from 'vitest';
import { FrameParser } from '../../src/net/frame-parser.js';
import { type Frame, type FramingSpec, isIso8583NetError, readFrames } from '../../src/net/index.js';

/** Pushes each chunk into `parser` and takes every frame that completes. */
function feed(parser: FrameParser, ...chunks: number[][]): Frame[] {
  const out: Frame[] = [];
  for (const chunk of chunks) {
    parser.push(Uint8Array.from(chunk));
    for (let f = parser.next(); f !== undefined; f = parser.next()) out.push(f);
  }
  return out;
}

const messages = (frames: Frame[]): number[][] => frames.map((f) => [...f.message]);

function codeOf(run: () => unknown): string | undefined {
  try {
    run();
  } catch (e) {
    return isIso8583NetError(e) ? e.code : `not a net error: ${String(e)}`;
  }
  return undefined;
}

const binary2: FramingSpec = { length: 'binary2' };

describe('the frame parser', () => {
  it('reads a length header split over chunks, empty chunks between its bytes included', () => {
    expect(messages(feed(new FrameParser(binary2, 100), [0], [], [3], [], [1, 2], [3]))).toEqual([[1, 2, 3]]);
    expect(messages(feed(new FrameParser({ length: 'ascii' }, 100), [0x30], [0x30, 0x30], [], [0x32, 7], [8]))).toEqual([[7, 8]]);
  });

  it('reads frames that end inside a chunk and frames that span several', () => {
    const parser = new FrameParser(binary2, 100);
    expect(messages(feed(parser, [0, 1, 5, 0, 2], [6], [7, 0], [1, 8, 0, 1], [9]))).toEqual([[5], [6, 7], [8], [9]]);
  });

  it('gives each frame bytes of its own: refilling the chunk afterwards changes no frame', () => {
    const parser = new FrameParser({ length: 'binary2', headerBytes: 1 }, 100);
    const chunk = Uint8Array.of(0, 2, 4, 5, 0, 3, 6, 7, 8);
    parser.push(chunk);
    const first = parser.next()!;
    const second = parser.next()!;
    chunk.fill(0xff);
    expect([[...first.header!], [...first.message], [...second.header!], [...second.message]]).toEqual([[4], [5], [6], [7, 8]]);
  });

  it('is partial while it holds a byte of an unfinished frame, its length header included, and not once the frame is taken', () => {
    const parser = new FrameParser(binary2, 100);
    expect(parser.partial).toBe(false);
    parser.push(Uint8Array.of(0));
    expect([parser.next(), parser.partial]).toEqual([undefined, true]);
    parser.push(Uint8Array.of(1));
    expect([parser.next(), parser.partial]).toEqual([undefined, true]);
    parser.push(Uint8Array.of(9));
    expect([...parser.next()!.message]).toEqual([9]);
    expect(parser.partial).toBe(false);
  });

  it('drops every byte it holds on clear: the next bytes start a new frame', () => {
    const parser = new FrameParser(binary2, 100);
    expect(feed(parser, [0, 5, 1, 2])).toEqual([]);
    parser.clear();
    expect(parser.partial).toBe(false);
    expect(messages(feed(parser, [0, 1, 7]))).toEqual([[7]]);

    const header = new FrameParser(binary2, 100);
    feed(header, [0]);
    header.clear();
    expect(messages(feed(header, [0, 1, 7]))).toEqual([[7]]);

    const whole = new FrameParser({ length: 'none' }, 100);
    whole.push(Uint8Array.of(1, 2));
    whole.clear();
    expect(whole.next()).toBeUndefined();
  });

  it('copies each chunk of the none framing into a frame of its own, so the source may reuse its buffer', () => {
    const parser = new FrameParser({ length: 'none', headerBytes: 1 }, 100);
    const chunk = Buffer.from([5, 1, 2, 3]);
    parser.push(chunk);
    chunk.fill(9);
    const frame = parser.next()!;
    expect([[...frame.header!], [...frame.message]]).toEqual([[5], [1, 2, 3]]);
    expect(Buffer.isBuffer(frame.message)).toBe(false);
  });

  it('takes a frame of exactly its maximum and refuses one byte more as soon as the length header is complete', () => {
    expect(feed(new FrameParser(binary2, 3), [0, 3])).toEqual([]);
    expect(codeOf(() => feed(new FrameParser(binary2, 3), [0, 4]))).toBe('FRAME_TOO_LARGE');
    expect(messages(feed(new FrameParser({ length: 'none' }, 3), [1, 2, 3]))).toEqual([[1, 2, 3]]);
    expect(codeOf(() => feed(new FrameParser({ length: 'none' }, 3), [1, 2, 3, 4]))).toBe('FRAME_TOO_LARGE');
  });

  it('refuses a frame shorter than its fixed header with INVALID_FRAME, and takes one of exactly the header and a keep-alive', () => {
    const framing: FramingSpec = { length: 'binary2', headerBytes: 2 };
    expect(codeOf(() => feed(new FrameParser(framing, 100), [0, 1, 9]))).toBe('INVALID_FRAME');
    const [exact, keepAlive] = feed(new FrameParser(framing, 100), [0, 2, 5, 6, 0, 0]);
    expect([[...exact!.header!], [...exact!.message]]).toEqual([[5, 6], []]);
    expect(keepAlive).toEqual({ message: new Uint8Array(0) });

    const whole: FramingSpec = { length: 'none', headerBytes: 2 };
    expect(codeOf(() => feed(new FrameParser(whole, 100), [9]))).toBe('INVALID_FRAME');
    const [w1, w2] = feed(new FrameParser(whole, 100), [5, 6], []);
    expect([[...w1!.header!], [...w1!.message]]).toEqual([[5, 6], []]);
    expect(w2).toEqual({ message: new Uint8Array(0) });
  });

  it('gives no header property when the framing has no fixed header', () => {
    expect(feed(new FrameParser(binary2, 100), [0, 1, 7])).toEqual([{ message: Uint8Array.of(7) }]);
  });
});

describe('readFrames and its source', () => {
  /** A source of `chunks` whose `return` (the request to stop) resolves `stopped`. */
  function source(chunks: number[][]): { iterable: AsyncIterable<Uint8Array>; stopped: Promise<void>; stops: () => number } {
    let stops = 0;
    let resolve!: () => void;
    const stopped = new Promise<void>((r) => (resolve = r));
    let i = 0;
    const iterator: AsyncIterator<Uint8Array> = {
      next: async () => (i < chunks.length ? { done: false, value: Uint8Array.from(chunks[i++]!) } : { done: true, value: undefined }),
      return: async () => {
        stops++;
        resolve();
        return { done: true, value: undefined };
      },
    };
    return { iterable: { [Symbol.asyncIterator]: () => iterator }, stopped, stops: () => stops };
  }

  it('asks the source to stop when the consumer stops early', async () => {
    const s = source([[0, 1, 7], [0, 1, 8]]);
    for await (const frame of readFrames(s.iterable, binary2)) {
      expect([...frame.message]).toEqual([7]);
      break;
    }
    await s.stopped;
    expect(s.stops()).toBe(1);
  });

  it('asks the source to stop after a bad frame', async () => {
    const s = source([[0xff, 0xff], [1]]);
    const e = await readFrames(s.iterable, binary2, { maxFrameBytes: 10 })
      .next()
      .catch((err: unknown) => err);
    expect(isIso8583NetError(e) && e.code).toBe('FRAME_TOO_LARGE');
    await s.stopped;
    expect(s.stops()).toBe(1);
  });

  it('asks the source to stop after a timeout, without waiting for it to stop', async () => {
    // A source that gives its chunks, then neither yields nor finishes stopping: a reader that awaited its
    // return() would hang.
    const stuck = (...chunks: number[][]): { iterable: AsyncIterable<Uint8Array>; stops: () => number } => {
      let stops = 0;
      const iterator: AsyncIterator<Uint8Array> = {
        next: () => (chunks.length > 0 ? Promise.resolve({ done: false, value: Uint8Array.from(chunks.shift()!) }) : new Promise(() => {})),
        return: () => {
          stops++;
          return new Promise(() => {});
        },
      };
      return { iterable: { [Symbol.asyncIterator]: () => iterator }, stops: () => stops };
    };
    const idle = stuck();
    const partial = stuck([0, 3, 1]); // one byte of a three-byte frame, then nothing
    for (const [s, options, code] of [[idle, { idleTimeoutMs: 20 }, 'IDLE_TIMEOUT'], [partial, { frameTimeoutMs: 20 }, 'FRAME_TIMEOUT']] as const) {
      const e = await readFrames(s.iterable, binary2, options).next().catch((err: unknown) => err);
      expect(isIso8583NetError(e) && e.code).toBe(code);
      expect(s.stops()).toBe(1);
    }
  });

  it('passes on the failure of a source read while a time limit runs, instead of waiting for the limit', async () => {
    const failure = new Error('read failed');
    const failing: AsyncIterable<Uint8Array> = { [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(failure) }) };
    for (const options of [{ idleTimeoutMs: 50 }, { idleTimeoutMs: 60_000 }]) {
      expect(await readFrames(failing, binary2, options).next().catch((e: unknown) => e)).toBe(failure);
    }
  });

  it('stops early and fails on a bad frame without asking a source that has no return method to stop', async () => {
    const chunks = [Uint8Array.of(0, 1, 7), Uint8Array.of(0xff, 0xff)];
    const bare = (): AsyncIterable<Uint8Array> => {
      let i = 0;
      return { [Symbol.asyncIterator]: () => ({ next: async () => (i < chunks.length ? { done: false, value: chunks[i++]! } : { done: true, value: undefined }) }) };
    };
    for await (const frame of readFrames(bare(), binary2)) {
      expect([...frame.message]).toEqual([7]);
      break;
    }
    const frames: number[][] = [];
    const e = await (async () => {
      for await (const frame of readFrames(bare(), binary2, { maxFrameBytes: 10 })) frames.push([...frame.message]);
    })().catch((err: unknown) => err);
    expect(frames).toEqual([[7]]);
    expect(isIso8583NetError(e) && e.code).toBe('FRAME_TOO_LARGE');
  });

  it('names options.frameTimeoutMs when it is out of range', () => {
    let e: unknown;
    try {
      readFrames(source([]).iterable, binary2, { frameTimeoutMs: -1 });
    } catch (err) {
      e = err;
    }
    expect(isIso8583NetError(e) && [e.code, e.option]).toEqual(['INVALID_OPTION', 'options.frameTimeoutMs']);
  });

  it('does not ask a source that ended to stop', async () => {
    const s = source([[0, 1, 7]]);
    const got: number[][] = [];
    for await (const frame of readFrames(s.iterable, binary2)) got.push([...frame.message]);
    expect(got).toEqual([[7]]);
    expect(s.stops()).toBe(0);
  });
});
