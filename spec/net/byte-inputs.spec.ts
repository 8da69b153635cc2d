/**
 * The byte inputs of the net layer (frames, a source's chunks, fixed headers, key fields) are read through the
 * typed-array internals: a `Uint8Array` whose `length` lies (a subclass's getter, an own property) is read by its
 * real length, and a proxy or an object that only looks like bytes is refused with the place's own code, never read.
 * A `Buffer` (a view into a pool, with an offset) and a `Uint8Array` of another realm are bytes like any other.
 */
import { runInNewContext } from 'node:vm';
import { afterEach, describe, expect, it } from 'vitest';
import { isIso8583Error } from '../../src/index.js';
import {
  defaultMatchKey,
  encodeFrame,
  type Frame,
  type FramingSpec,
  type HeaderedAnswer,
  isIso8583NetError,
  readFrames,
  readLength,
  withHeader,
} from '../../src/net/index.js';
import { caught } from './helpers/caught.js';
import { SECRET } from './helpers/hostile.js';
import { approve, capture, echo, type IsoMessage, startClient, startServer } from './helpers/loopback.js';
import { type Network, startNetwork } from './helpers/network-peer.js';
import { startSession } from './helpers/session-fixtures.js';

const binary2: FramingSpec = { length: 'binary2' };
const TPDU: FramingSpec = { length: 'binary2', headerBytes: 5 };

/** The framing functions as a plain JavaScript caller reaches them: no compiler, so the calls go through `any`. */
const js = { encodeFrame, readLength, readFrames, defaultMatchKey } as Record<string, (...args: any[]) => any>;

/** A subclass whose `length` getter claims `claimed` bytes and whose `subarray` and `slice` throw. */
function lyingSubclass(bytes: readonly number[], claimed: number): Uint8Array {
  class Lying extends Uint8Array {}
  const thrower = (): never => {
    throw new Error(SECRET);
  };
  Object.defineProperty(Lying.prototype, 'length', { get: () => claimed });
  Object.defineProperty(Lying.prototype, 'subarray', { value: thrower });
  Object.defineProperty(Lying.prototype, 'slice', { value: thrower });
  return new Lying(bytes);
}

/** A plain `Uint8Array` with an own `length` property that claims `claimed` bytes. */
function lyingOwn(bytes: readonly number[], claimed: number): Uint8Array {
  return Object.defineProperty(Uint8Array.from(bytes), 'length', { value: claimed });
}

/** An object that only looks like bytes: `Uint8Array.prototype` (so `instanceof` holds), own indexes and `length`. */
function lookalike(bytes: readonly number[]): Uint8Array {
  const o: Uint8Array = Object.create(Uint8Array.prototype);
  Object.defineProperty(o, 'length', { value: bytes.length });
  bytes.forEach((b, i) => Object.defineProperty(o, i, { value: b, enumerable: true }));
  return o;
}

/** A `Uint8Array` of another realm (a `vm` context). */
function otherRealm(bytes: readonly number[]): Uint8Array {
  return runInNewContext(`new Uint8Array(${JSON.stringify(bytes)})`);
}

/** A `Buffer` over the middle of a larger one, so its memory starts at an offset. */
function offsetBuffer(bytes: readonly number[]): Buffer {
  return Buffer.from([0xee, ...bytes, 0xee]).subarray(1, bytes.length + 1);
}

/** A proxy whose every trap throws (card-like text). */
function hostileProxy(): Uint8Array {
  const thrower = (): never => {
    throw new Error(SECRET);
  };
  return new Proxy(new Uint8Array(5), { get: thrower, getPrototypeOf: thrower, has: thrower, ownKeys: thrower, getOwnPropertyDescriptor: thrower });
}

/** Values that only look like bytes (or are other typed arrays), each by the name a test reports. */
function lookalikes(bytes: readonly number[]): [string, unknown][] {
  const plain: Record<string, number> = { length: bytes.length };
  bytes.forEach((b, i) => (plain[i] = b));
  return [
    ['a proxy around a Uint8Array', new Proxy(Uint8Array.from(bytes), {})],
    ['a plain { length, 0… } object', plain],
    ['an object on Uint8Array.prototype with own length and indexes', lookalike(bytes)],
    ['a Uint16Array', Uint16Array.from(bytes)],
  ];
}

/** Proxies that cannot even be looked at: every trap throws, or revoked. */
function hostiles(bytes: readonly number[]): [string, unknown][] {
  const revocable = Proxy.revocable(Uint8Array.from(bytes), {});
  revocable.revoke();
  return [
    ['a proxy whose every trap throws', hostileProxy()],
    ['a revoked proxy', revocable.proxy],
  ];
}

/** Every value that is not bytes. */
const notBytes = (bytes: readonly number[]): [string, unknown][] => [...lookalikes(bytes), ...hostiles(bytes)];

/** Asserts that `e` is an `Iso8583NetError` with `code` naming `option`, whose text holds nothing of the secret. */
function expectRefused(e: unknown, code: string, option?: string): void {
  expect(isIso8583NetError(e), String(e)).toBe(true);
  if (!isIso8583NetError(e)) return;
  expect({ code: e.code, option: e.option }).toEqual({ code, option });
  expect(e.message).not.toContain('4111');
}

describe('encodeFrame', () => {
  it('reads a message by its real length when its length lies, more or less than it holds', () => {
    for (const message of [lyingSubclass([1, 2, 3], 10), lyingSubclass([1, 2, 3], 1), lyingOwn([1, 2, 3], 0), lyingOwn([1, 2, 3], 7)]) {
      expect([...encodeFrame(binary2, { message })]).toEqual([0, 3, 1, 2, 3]);
    }
  });

  it('reads a fixed header by its real length when its length lies', () => {
    const framing: FramingSpec = { length: 'binary2', headerBytes: 2 };
    expect([...encodeFrame(framing, { header: lyingSubclass([7, 8], 5), message: lyingSubclass([1], 0) })]).toEqual([0, 3, 7, 8, 1]);
    // A header of 3 real bytes that claims the framing's 2 is a header of another length, as a plain one would be.
    expectRefused(caught(() => encodeFrame(framing, { header: lyingOwn([7, 8, 9], 2), message: new Uint8Array(1) })), 'INVALID_FRAMING');
    expectRefused(caught(() => encodeFrame(framing, { header: Uint8Array.of(7, 8, 9), message: new Uint8Array(1) })), 'INVALID_FRAMING');
  });

  for (const [name, value] of notBytes([1, 2, 3])) {
    it(`refuses ${name} as the message or the header with INVALID_OPTION, and nothing else escapes`, () => {
      expectRefused(caught(() => js['encodeFrame']!(binary2, { message: value })), 'INVALID_OPTION', 'frame.message');
      expectRefused(caught(() => js['encodeFrame']!({ length: 'binary2', headerBytes: 3 }, { header: value, message: new Uint8Array(1) })), 'INVALID_OPTION', 'frame.header');
    });
  }

  it('describes what it refuses by its internals, never by what it claims to be', () => {
    const text = (message: unknown): string => String((caught(() => js['encodeFrame']!(binary2, { message })) as Error).message);
    expect(text(new Proxy(new Uint8Array(1), {}))).toBe('INVALID_OPTION: encodeFrame: frame.message must be a Uint8Array, got an object');
    expect(text(hostileProxy())).toBe('INVALID_OPTION: encodeFrame: frame.message must be a Uint8Array, got an object');
    expect(text(lookalike([1]))).toBe('INVALID_OPTION: encodeFrame: frame.message must be a Uint8Array, got an object');
    expect(text(runInNewContext('new Uint16Array(1)'))).toBe('INVALID_OPTION: encodeFrame: frame.message must be a Uint8Array, got a typed array other than Uint8Array');
    const header = caught(() => js['encodeFrame']!({ length: 'binary2', headerBytes: 2 }, { header: [1, 2], message: new Uint8Array(1) }));
    expect((header as Error).message).toBe('INVALID_OPTION: encodeFrame: frame.header must be a Uint8Array or undefined, got an array');
  });

  it('encodes a Buffer (at an offset in its memory) and a Uint8Array of another realm to the same bytes as a Uint8Array', () => {
    const framing: FramingSpec = { length: 'binary2', headerBytes: 2 };
    const expected = [...encodeFrame(framing, { header: Uint8Array.of(7, 8), message: Uint8Array.of(1, 2, 3) })];
    expect([...encodeFrame(framing, { header: offsetBuffer([7, 8]), message: offsetBuffer([1, 2, 3]) })]).toEqual(expected);
    expect([...encodeFrame(framing, { header: otherRealm([7, 8]), message: otherRealm([1, 2, 3]) })]).toEqual(expected);
  });
});

describe('readLength', () => {
  it('reads a length header by the real length of its bytes', () => {
    expect(readLength(binary2, lyingSubclass([0x01, 0x2c], 0), 0)).toBe(300);
    expectRefused(caught(() => readLength(binary2, lyingOwn([0x01], 2), 0)), 'INVALID_OPTION', 'at');
  });

  for (const [name, value] of notBytes([0x01, 0x2c])) {
    it(`refuses ${name} with INVALID_OPTION naming bytes`, () => {
      expectRefused(caught(() => js['readLength']!(binary2, value, 0)), 'INVALID_OPTION', 'bytes');
    });
  }

  it('reads a Buffer at an offset and a Uint8Array of another realm', () => {
    expect(readLength(binary2, offsetBuffer([0x01, 0x2c]), 0)).toBe(300);
    expect(readLength(binary2, otherRealm([0x01, 0x2c]), 0)).toBe(300);
  });
});

describe('readFrames (the frame parser)', () => {
  /** A source of `chunks` as they are: an async generator would await each one (and so read a proxy's `then`). */
  const source = (...chunks: unknown[]): AsyncIterable<unknown> => ({
    [Symbol.asyncIterator]: () => {
      let i = 0;
      return { next: async () => (i < chunks.length ? { done: false, value: chunks[i++] } : { done: true, value: undefined }) };
    },
  });
  const frames = async (framing: FramingSpec, ...chunks: unknown[]): Promise<number[][]> => {
    const out: number[][] = [];
    const reading: AsyncIterable<Frame> = js['readFrames']!(source(...chunks), framing);
    for await (const frame of reading) out.push([...(frame.header ?? []), ...frame.message]);
    return out;
  };

  it('cuts chunks whose length lies by their real bytes, without calling their subarray or slice', async () => {
    expect(await frames(binary2, lyingSubclass([0, 3, 1], 1), lyingSubclass([2, 3, 0, 1, 9], 50))).toEqual([[1, 2, 3], [9]]);
    expect(await frames(binary2, lyingOwn([0, 2, 5], 0), lyingOwn([6], 9))).toEqual([[5, 6]]);
    expect(await frames(TPDU, lyingSubclass([0, 6, 1, 2, 3, 4, 5, 9], 3))).toEqual([[1, 2, 3, 4, 5, 9]]);
  });

  it('takes a chunk whose length lies as one whole frame by its real bytes when the framing is none', async () => {
    expect(await frames({ length: 'none' }, lyingSubclass([1, 2, 3], 1), lyingOwn([4, 5], 9))).toEqual([[1, 2, 3], [4, 5]]);
  });

  for (const [name, value] of notBytes([0, 1, 7])) {
    it(`refuses ${name} as a chunk with INVALID_OPTION naming the source, and nothing else escapes`, async () => {
      expectRefused(await frames(binary2, value).catch((e: unknown) => e), 'INVALID_OPTION', 'source');
    });
  }

  it('cuts Buffers (at offsets in their memory) and Uint8Arrays of another realm into the same frames', async () => {
    const expected = await frames(binary2, Uint8Array.of(0, 3, 1), Uint8Array.of(2, 3, 0, 1, 9));
    expect(expected).toEqual([[1, 2, 3], [9]]);
    expect(await frames(binary2, offsetBuffer([0, 3, 1]), offsetBuffer([2, 3, 0, 1, 9]))).toEqual(expected);
    expect(await frames(binary2, otherRealm([0, 3, 1]), otherRealm([2, 3, 0, 1, 9]))).toEqual(expected);
  });
});

describe('defaultMatchKey', () => {
  const key = (terminal: unknown): unknown => {
    try {
      return js['defaultMatchKey']!({ mti: '0800', fields: { 11: '000001', 41: terminal } }, true);
    } catch (e) {
      return e;
    }
  };

  it('keys bytes by their real length, a Buffer at an offset and a Uint8Array of another realm alike', () => {
    for (const terminal of [Uint8Array.of(0xab, 0xcd), lyingSubclass([0xab, 0xcd], 1), lyingOwn([0xab, 0xcd], 5), offsetBuffer([0xab, 0xcd]), otherRealm([0xab, 0xcd])]) {
      expect(key(terminal)).toBe('0810|000001|0xabcd');
    }
  });

  for (const [name, value] of notBytes([0xab, 0xcd])) {
    it(`refuses ${name} as a key field with INVALID_MESSAGE`, () => {
      const e = key(value);
      expect(isIso8583Error(e) && !isIso8583NetError(e) && e.code, String(e)).toBe('INVALID_MESSAGE');
    });
  }
});

/** A handler's answer with a fixed header of its own, built by hand (withHeader would copy the header first). */
const headered = (message: IsoMessage, header: Uint8Array): HeaderedAnswer<IsoMessage> => ({ kind: 'headeredAnswer', message, header });

describe('a server answer’s fixed header', () => {
  const request = Uint8Array.of(1, 2, 3, 4, 5);

  it('is written by its real bytes when its length lies; one of another length than the framing’s fails the handler', async () => {
    const log = capture();
    const answers: Record<string, Uint8Array> = {
      '000001': lyingSubclass([9, 8, 7, 6, 5], 4),
      '000002': lyingOwn([9, 8, 7, 6], 5),
      '000003': lyingSubclass([9, 8, 7, 6, 5, 4], 5),
    };
    const { server, port } = await startServer((m) => headered(approve(m), answers[String(m.fields[11])]!), { logger: log.logger, logIntervalMs: 0 }, TPDU);
    const c = await startClient(port, {}, TPDU);
    const first = await c.requestWithHeader(echo(1), { header: request });
    expect([first.message.fields[39], [...first.header!]]).toEqual(['00', [9, 8, 7, 6, 5]]);
    for (const stan of [2, 3]) {
      const answer = await c.requestWithHeader(echo(stan), { header: request });
      expect([answer.message.fields[39], [...answer.header!]], String(stan)).toEqual(['96', [1, 2, 3, 4, 5]]);
    }
    expect(server.stats.handlerErrors).toBe(2);
    expect(log.entries.filter((e) => e.event === 'handler failed').map((e) => e.meta['error'])).toEqual(['INVALID_OPTION', 'INVALID_OPTION']);
  });

  it('refuses a proxy, a revoked proxy and a look-alike (system error with the request’s header), and the link stays up', async () => {
    const log = capture();
    const revocable = Proxy.revocable(new Uint8Array(5), {});
    revocable.revoke();
    const answers: Record<string, Uint8Array> = { '000001': new Proxy(new Uint8Array(5), {}), '000002': revocable.proxy, '000003': lookalike([9, 8, 7, 6, 5]) };
    const { server, port } = await startServer((m) => headered(approve(m), answers[String(m.fields[11])]!), { logger: log.logger, logIntervalMs: 0 }, TPDU);
    const c = await startClient(port, {}, TPDU);
    for (const stan of [1, 2, 3]) {
      const answer = await c.requestWithHeader(echo(stan), { header: request });
      expect([answer.message.fields[39], [...answer.header!]], String(stan)).toEqual(['96', [1, 2, 3, 4, 5]]);
    }
    expect(server.stats.handlerErrors).toBe(3);
    expect(log.entries.filter((e) => e.event === 'handler failed').map((e) => e.meta['error'])).toEqual(['INVALID_OPTION', 'INVALID_OPTION', 'INVALID_OPTION']);
  });

  it('takes a Buffer at an offset and a Uint8Array of another realm, by hand or through withHeader', async () => {
    const { port } = await startServer(
      (m) => {
        const stan = Number(m.fields[11]);
        const bytes = [stan, 8, 7, 6, 5];
        const header = stan % 2 === 0 ? offsetBuffer(bytes) : otherRealm(bytes);
        return stan <= 2 ? headered(approve(m), header) : withHeader(approve(m), header);
      },
      {},
      TPDU,
    );
    const c = await startClient(port, {}, TPDU);
    for (const stan of [1, 2, 3, 4]) {
      const answer = await c.requestWithHeader(echo(stan), { header: request });
      expect([answer.message.fields[39], [...answer.header!]], String(stan)).toEqual(['00', [stan, 8, 7, 6, 5]]);
    }
  });
});

describe('withHeader', () => {
  it('copies a header whose length lies by its real bytes, into a plain Uint8Array', () => {
    const answer = withHeader(approve(echo(1)), lyingSubclass([1, 2, 3, 4, 5], 2));
    expect(Object.getPrototypeOf(answer.header)).toBe(Uint8Array.prototype);
    expect([...answer.header]).toEqual([1, 2, 3, 4, 5]);
  });
});

describe('a client request’s fixed header', () => {
  it('is sent by its real bytes when its length lies, and refused with INVALID_OPTION when its real length is not the framing’s', async () => {
    const seen: number[][] = [];
    const { port } = await startServer((m, { header }) => (seen.push([...header!]), approve(m)), {}, TPDU);
    const c = await startClient(port, {}, TPDU);
    await c.request(echo(1), { header: lyingSubclass([1, 2, 3, 4, 5], 4) });
    await c.request(echo(2), { header: lyingOwn([6, 7, 8, 9, 10], 0) });
    expectRefused(await c.request(echo(3), { header: lyingSubclass([1, 2, 3, 4], 5) }).catch((e: unknown) => e), 'INVALID_OPTION', 'options.header');
    expectRefused(caught(() => c.send(echo(4), { header: lyingOwn([1, 2, 3, 4, 5, 6], 5) })), 'INVALID_OPTION', 'options.header');
    expect(seen).toEqual([
      [1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10],
    ]);
  });

  it('refuses a proxy, a revoked proxy, a look-alike and a Uint16Array with INVALID_OPTION, and nothing else escapes', async () => {
    const { port } = await startServer(approve, {}, TPDU);
    const c = await startClient(port, {}, TPDU);
    for (const [, header] of notBytes([1, 2, 3, 4, 5])) {
      const options = { header } as { header: Uint8Array };
      expectRefused(await c.request(echo(1), options).catch((e: unknown) => e), 'INVALID_OPTION', 'options.header');
      expectRefused(caught(() => c.send(echo(1), options)), 'INVALID_OPTION', 'options.header');
    }
    expect((await c.request(echo(2), { header: new Uint8Array(5) })).fields[39]).toBe('00');
  });

  it('takes a Buffer at an offset and a Uint8Array of another realm', async () => {
    const seen: number[][] = [];
    const { port } = await startServer((m, { header }) => (seen.push([...header!]), approve(m)), {}, TPDU);
    const c = await startClient(port, {}, TPDU);
    await c.request(echo(1), { header: offsetBuffer([1, 2, 3, 4, 5]) });
    await c.request(echo(2), { header: otherRealm([6, 7, 8, 9, 10]) });
    expect(seen).toEqual([
      [1, 2, 3, 4, 5],
      [6, 7, 8, 9, 10],
    ]);
  });
});

describe('a session’s answer to the peer’s request', () => {
  const networks: Network[] = [];
  afterEach(async () => {
    await Promise.all(networks.splice(0).map((n) => n.close()));
  });
  const request = (stan: string): IsoMessage => ({ mti: '0100', fields: { 3: '000000', 4: '000000000100', 11: stan, 41: 'NETTERM1' } });
  const answerIn = (m: IsoMessage): IsoMessage => ({ mti: '0110', fields: { 11: m.fields[11], 39: '00', 41: m.fields[41] } });

  it('takes a fixed header by its real length (the framing has none): one that lies to be empty fails the handler, one that is empty goes', async () => {
    const net = await startNetwork();
    networks.push(net);
    const log = capture();
    const revocable = Proxy.revocable(new Uint8Array(0), {});
    revocable.revoke();
    const headers: Record<string, Uint8Array> = {
      '900001': lyingSubclass([], 5),
      '900002': otherRealm([]),
      '900003': lyingSubclass([1, 2], 0),
      '900004': new Proxy(new Uint8Array(0), {}),
      '900005': revocable.proxy,
      '900006': lookalike([]),
    };
    const { session } = startSession(net.port, { handler: (m) => headered(answerIn(m), headers[String(m.fields[11])]!), logger: log.logger });
    await session.whenUp();
    const codes: string[] = [];
    for (const stan of Object.keys(headers)) {
      net.links[0]!.send(request(stan));
      codes.push(String((await net.answerTo(stan)).fields[39]));
    }
    expect(codes).toEqual(['00', '00', '96', '96', '96', '96']);
    expect(log.entries.filter((e) => e.event === 'handler failed').map((e) => e.meta['error'])).toEqual(['INVALID_OPTION', 'INVALID_OPTION', 'INVALID_OPTION', 'INVALID_OPTION']);
    expect(session.stats).toMatchObject({ handlerErrors: 4, requestsReceived: 6, requestsAnswered: 6 });
  });
});
