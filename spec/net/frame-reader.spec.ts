import { describe, afterEach, expect, it, vi } from 'vitest';
import { createCodec, type Infer, presets } from '../../src/index.js';
import {
  encodeFrame,
  type FramingSpec,
  isIso8583NetError,
  lengthBytes,
  maxAnnounced,
  readFrames,
  readLength,
  validateFraming,
} from '../../src/net/index.js';
import { caught } from './helpers/caught.js';
import { expectUnread, unreadable } from './helpers/hostile.js';

const codec = createCodec(presets.iso87ascii);
const framing: FramingSpec = { length: 'binary2' };
const echo = (stan: number): Infer<typeof presets.iso87ascii> => ({ mti: '0800', fields: { 11: String(stan).padStart(6, '0'), 70: '301' } });
const wire = (m: Infer<typeof presets.iso87ascii>): Uint8Array => encodeFrame(framing, { message: codec.encode(m) });

/** The framing functions as a plain JavaScript caller reaches them: no compiler, so the calls go through `any`. */
const js = { readFrames, encodeFrame, validateFraming, lengthBytes, maxAnnounced, readLength } as Record<string, (...args: any[]) => any>;

function expectNamed(e: unknown, code: string, option: string): void {
  expect(isIso8583NetError(e), String(e)).toBe(true);
  if (!isIso8583NetError(e)) return;
  expect(e.code).toBe(code);
  expect(e.option).toBe(option);
  expect(e.message).toContain(option);
}

/** An async source the test feeds by hand. */
function feed(): { source: AsyncGenerator<Uint8Array>; push: (bytes: number[] | Uint8Array) => void } {
  const queue: Uint8Array[] = [];
  let wake: (() => void) | undefined;
  async function* source(): AsyncGenerator<Uint8Array> {
    for (;;) {
      while (queue.length > 0) yield queue.shift()!;
      await new Promise<void>((r) => (wake = r));
    }
  }
  return {
    source: source(),
    push: (bytes) => {
      queue.push(Uint8Array.from(bytes));
      wake?.();
    },
  };
}

describe('frame reader timeouts, on a clock the test moves', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('count a keep-alive as a frame for the idle limit', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'Date'] });
    const { source, push } = feed();
    const reader = readFrames(source, framing, { idleTimeoutMs: 100 });
    const first = reader.next();
    for (let i = 0; i < 3; i++) {
      await vi.advanceTimersByTimeAsync(80);
      push([0, 0]);
    }
    await vi.advanceTimersByTimeAsync(80);
    push(wire(echo(1)));
    expect(codec.decode((await first).value!.message).fields[11]).toBe('000001'); // 320 ms, never 100 without a frame
    const second = reader.next().catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(101);
    const e = await second;
    expect(isIso8583NetError(e) && e.code).toBe('IDLE_TIMEOUT');
  });

  it('keep a frame’s deadline from its first byte, however often more bytes come', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'Date'] });
    const { source, push } = feed();
    const reader = readFrames(source, framing, { frameTimeoutMs: 100, idleTimeoutMs: 10_000 });
    const bytes = wire(echo(2));
    const next = reader.next().catch((e: unknown) => e);
    for (let i = 0; i < 10; i++) {
      push(bytes.subarray(i, i + 1));
      await vi.advanceTimersByTimeAsync(15);
    }
    const e = await next;
    expect(isIso8583NetError(e) && e.code).toBe('FRAME_TIMEOUT');
  });

  it('set no clock at all for a limit of 0', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'Date'] });
    const { source, push } = feed();
    const reader = readFrames(source, framing, { idleTimeoutMs: 0, frameTimeoutMs: 0 });
    const next = reader.next();
    push(wire(echo(4)).subarray(0, 3));
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(10 * 24 * 3600_000); // ten days
    push(wire(echo(4)).subarray(3));
    expect(codec.decode((await next).value!.message).fields[11]).toBe('000004');
  });

  it('give a frame completed in time to the consumer, and restart the idle clock after it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'Date'] });
    const { source, push } = feed();
    const reader = readFrames(source, framing, { frameTimeoutMs: 100, idleTimeoutMs: 50 });
    const bytes = wire(echo(3));
    const next = reader.next();
    push(bytes.subarray(0, 5));
    await vi.advanceTimersByTimeAsync(90); // past the idle limit, within the frame limit
    push(bytes.subarray(5));
    expect(codec.decode((await next).value!.message).fields[11]).toBe('000003');
  });

  it('do not count the time the consumer holds a frame', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'Date'] });
    const { source, push } = feed();
    const reader = readFrames(source, framing, { idleTimeoutMs: 30 });
    push(wire(echo(1)));
    expect(codec.decode((await reader.next()).value!.message).fields[11]).toBe('000001');
    // Hold the first frame four times the idle limit: the reader was not waiting for its source meanwhile. Its
    // idle clock starts when the consumer asks for the next frame, which then comes within the limit.
    await vi.advanceTimersByTimeAsync(120);
    const second = reader.next();
    await vi.advanceTimersByTimeAsync(20);
    push(wire(echo(2)));
    expect(codec.decode((await second).value!.message).fields[11]).toBe('000002');
  });
});

describe('frame reader timeouts', () => {
  it('throw IDLE_TIMEOUT and FRAME_TIMEOUT from any async source', async () => {
    const never = new Promise<never>(() => {});
    async function* silent(): AsyncGenerator<Uint8Array> {
      await never;
    }
    async function* half(): AsyncGenerator<Uint8Array> {
      yield new Uint8Array([0, 10, 0x30]);
      await never;
    }
    const idle = await readFrames(silent(), framing, { idleTimeoutMs: 20 }).next().catch((e: unknown) => e);
    expect(isIso8583NetError(idle) && idle.code).toBe('IDLE_TIMEOUT');
    const frame = await readFrames(half(), framing, { frameTimeoutMs: 20 }).next().catch((e: unknown) => e);
    expect(isIso8583NetError(frame) && frame.code).toBe('FRAME_TIMEOUT');
  });

});

describe('framing functions validate their arguments', () => {
  async function* none(): AsyncGenerator<Uint8Array> {}
  const cases: [string, () => unknown, string, string][] = [
    ['readFrames without a source', () => js['readFrames']!(undefined, framing), 'INVALID_OPTION', 'source'],
    ['readFrames without framing', () => js['readFrames']!(none(), undefined), 'INVALID_FRAMING', 'framing'],
    ['readFrames with a bad keepAlive', () => js['readFrames']!(none(), framing, { keepAlive: 'drop' }), 'INVALID_OPTION', 'options.keepAlive'],
    ['readFrames with maxFrameBytes 0', () => js['readFrames']!(none(), framing, { maxFrameBytes: 0 }), 'INVALID_OPTION', 'options.maxFrameBytes'],
    ['readFrames with a negative idleTimeoutMs', () => js['readFrames']!(none(), framing, { idleTimeoutMs: -1 }), 'INVALID_OPTION', 'options.idleTimeoutMs'],
    ['readFrames with options not an object', () => js['readFrames']!(none(), framing, 5), 'INVALID_OPTION', 'options'],
    ['encodeFrame without framing', () => js['encodeFrame']!(undefined, { message: new Uint8Array(1) }), 'INVALID_FRAMING', 'framing'],
    ['encodeFrame without a frame', () => js['encodeFrame']!(framing, undefined), 'INVALID_OPTION', 'frame'],
    ['encodeFrame with a string message', () => js['encodeFrame']!(framing, { message: '0800' }), 'INVALID_OPTION', 'frame.message'],
    ['encodeFrame with an array header', () => js['encodeFrame']!(framing, { message: new Uint8Array(1), header: [1] }), 'INVALID_OPTION', 'frame.header'],
    ['validateFraming without framing', () => js['validateFraming']!(undefined), 'INVALID_FRAMING', 'framing'],
    ['validateFraming with a string', () => js['validateFraming']!('binary2'), 'INVALID_FRAMING', 'framing'],
    ['lengthBytes with a bad length', () => js['lengthBytes']!({ length: 'hex' }), 'INVALID_FRAMING', 'framing.length'],
    ['maxAnnounced without framing', () => js['maxAnnounced']!(null), 'INVALID_FRAMING', 'framing'],
    ['readLength on a short buffer', () => js['readLength']!(framing, new Uint8Array(1), 0), 'INVALID_OPTION', 'at'],
    ['readLength on a string', () => js['readLength']!(framing, '00', 0), 'INVALID_OPTION', 'bytes'],
    ['readFrames with an unknown option', () => js['readFrames']!(none(), framing, { maxFrameByte: 100 }), 'INVALID_OPTION', 'options.maxFrameByte'],
    ['readFrames with an unknown framing key', () => js['readFrames']!(none(), { length: 'binary2', header: 5 }), 'INVALID_FRAMING', 'framing.header'],
    ['validateFraming with an unknown key', () => js['validateFraming']!({ length: 'ascii', digit: 4 }), 'INVALID_FRAMING', 'framing.digit'],
    ['encodeFrame with an unknown framing key', () => js['encodeFrame']!({ length: 'bcd2', includeLength: true }, { message: new Uint8Array(1) }), 'INVALID_FRAMING', 'framing.includeLength'],
  ];
  for (const [name, run, code, option] of cases) {
    it(`names ${option}: ${name}`, () => expectNamed(caught(run), code, option));
  }

  for (const [form, value] of unreadable({ length: 'binary2' }, 'length')) {
    it(`throw INVALID_FRAMING naming framing, without the thrown text, for readFrames given ${form} as framing`, () => {
      expectUnread(caught(() => js['readFrames']!(none(), value)), 'INVALID_FRAMING', 'framing');
    });
  }
  for (const [form, value] of unreadable({ maxFrameBytes: 100 }, 'maxFrameBytes')) {
    it(`throw INVALID_OPTION naming options, without the thrown text, for readFrames given ${form} as options`, () => {
      expectUnread(caught(() => js['readFrames']!(none(), framing, value)), 'INVALID_OPTION', 'options');
    });
  }

  it('reads the framing and the options of readFrames once, before the first frame', async () => {
    const reads: string[] = [];
    const counted = <T extends object>(target: T): T => new Proxy(target, { get: (t, key, r) => (reads.push(String(key)), Reflect.get(t, key, r)) });
    async function* one(): AsyncGenerator<Uint8Array> {
      yield Uint8Array.of(0, 1, 7);
    }
    const frames = readFrames(one(), counted({ length: 'binary2' as const }), counted({ keepAlive: 'skip' as const }));
    const before = [...reads].sort();
    for await (const f of frames) expect([...f.message]).toEqual([7]);
    expect(reads.sort()).toEqual(before);
    expect(before).toEqual(['digits', 'frameTimeoutMs', 'headerBytes', 'idleTimeoutMs', 'includesLength', 'keepAlive', 'length', 'maxFrameBytes']);
  });

  it('name an unknown key that is not a plain word without quoting it', () => {
    const e = caught(() => js['readFrames']!(none(), framing, { '4111111111111111': 1 }));
    expectNamed(e, 'INVALID_OPTION', 'options');
    expect((e as Error).message).not.toContain('411111');
  });

  it('ignore an option given as undefined, like one left out', () => {
    expect(() => js['readFrames']!(none(), { length: 'binary2', headerBytes: undefined }, { keepAlive: undefined })).not.toThrow();
  });

  it('accept what they accepted before', () => {
    expect(lengthBytes({ length: 'ascii', digits: 6 })).toBe(6);
    expect(maxAnnounced({ length: 'bcd2' })).toBe(9999);
    expect(readLength({ length: 'binary2' }, new Uint8Array([1, 0x2c]), 0)).toBe(300);
    expect(encodeFrame(framing, { message: new Uint8Array([7]) })).toEqual(new Uint8Array([0, 1, 7]));
  });
});

describe('frame reader chunks', () => {
  async function* chunks(...items: unknown[]): AsyncGenerator<unknown> {
    for (const item of items) yield item;
  }
  const read = async (...items: unknown[]): Promise<unknown> => {
    const out: number[] = [];
    try {
      for await (const f of readFrames(chunks(...items) as AsyncIterable<Uint8Array>, framing)) out.push(f.message.length);
    } catch (e) {
      return e;
    }
    return out;
  };

  for (const [name, chunk] of [
    ['a number', 5],
    ['null', null],
    ['an object', {}],
    ['an array of byte values', [0, 1, 7]],
    ['a Uint16Array', new Uint16Array([1, 0x0700])],
    ['a DataView', new DataView(new Uint8Array([0, 1, 7]).buffer)],
    ['an ArrayBuffer', new Uint8Array([0, 1, 7]).buffer],
  ] as [string, unknown][]) {
    it(`refuse ${name} with INVALID_OPTION naming the source, never misread it (issue #11)`, async () => {
      const e = await read(chunk);
      expectNamed(e, 'INVALID_OPTION', 'source');
      expect(e).not.toBeInstanceOf(TypeError);
    });
  }

  it('take Uint8Arrays, Buffers and strings (as UTF-8)', async () => {
    expect(await read(new Uint8Array([0, 1, 7]), Buffer.from([0, 2, 1, 2]), '\u0000\u0001A', '\u0000\u0002é')).toEqual([1, 2, 1, 2]);
  });
});

describe('frame reader size limit', () => {
  /** A source that yields `chunks`, then waits forever: a reader that waited for more bytes would never settle. */
  async function* thenSilence(...chunks: Uint8Array[]): AsyncGenerator<Uint8Array> {
    yield* chunks;
    await new Promise<never>(() => {});
  }
  const codeOf = async (frames: AsyncIterable<unknown>): Promise<string> => {
    try {
      for await (const _ of frames) return 'a frame';
    } catch (e) {
      return isIso8583NetError(e) ? e.code : String(e);
    }
    return 'the end';
  };

  it('is 8,192 bytes by default: a frame of exactly 8,192 is read, and a header announcing 8,193 is refused before its body', async () => {
    const body = new Uint8Array(8192).fill(0x30);
    const frames: Uint8Array[] = [];
    for await (const f of readFrames((async function* () { yield encodeFrame(framing, { message: body }); })(), framing)) frames.push(f.message);
    expect(frames.map((f) => f.length)).toEqual([8192]);
    expect(await codeOf(readFrames(thenSilence(Uint8Array.of(0x20, 0x01)), framing))).toBe('FRAME_TOO_LARGE');
  });

  it('refuses the binary4 header FF FF FF FF with FRAME_TOO_LARGE as soon as its fourth byte is read', async () => {
    const binary4: FramingSpec = { length: 'binary4' };
    expect(await codeOf(readFrames(thenSilence(Uint8Array.of(0xff), Uint8Array.of(0xff, 0xff), Uint8Array.of(0xff)), binary4))).toBe('FRAME_TOO_LARGE');
  });
});
