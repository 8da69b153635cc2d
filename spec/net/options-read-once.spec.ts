import { createServer as tcpServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { connect, isIso8583NetError, type MessageCodec, openSession, openSessionPool } from '../../src/net/index.js';
import { approve, codec, echo, framing, type IsoMessage, startClient, startServer } from './helpers/loopback.js';
import { caught } from './helpers/caught.js';
import { SECRET } from './helpers/hostile.js';
import { startSession } from './helpers/session-fixtures.js';

/**
 * docs/net.md: "Options are read once": each entry point copies its options (the tls object and the codec's
 * methods among them) at the call, so a getter is never read again on a later message or reconnect.
 */

/** A codec whose `decode`, `encode` and `peek` are getters that count their reads. */
function countingCodec(): { codec: MessageCodec<IsoMessage>; reads: Record<'decode' | 'encode' | 'peek', number> } {
  const reads = { decode: 0, encode: 0, peek: 0 };
  const counted = {} as MessageCodec<IsoMessage>;
  for (const key of ['decode', 'encode', 'peek'] as const) {
    Object.defineProperty(counted, key, {
      enumerable: true,
      get: () => {
        reads[key]++;
        // A second read would hand a function that fails every message.
        return reads[key] === 1 ? codec[key].bind(codec) : () => { throw new Error(SECRET); };
      },
    });
  }
  return { codec: counted, reads };
}

/** A codec written as a class: its methods live on the prototype and reach their state through `this`. */
class WrappedCodec implements MessageCodec<IsoMessage> {
  calls = 0;
  constructor(private readonly inner: MessageCodec<IsoMessage>) {}
  decode(frame: Uint8Array): IsoMessage {
    this.calls++;
    return this.inner.decode(frame);
  }
  encode(message: IsoMessage): Uint8Array {
    this.calls++;
    return this.inner.encode(message);
  }
}

/** A port that nothing listens on (taken and released at once). */
async function closedPort(): Promise<number> {
  const s = tcpServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const { port } = s.address() as { port: number };
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** TLS options whose `rejectUnauthorized` (a key read by name) and `minVersion` (an own key) count their reads. */
function countingTls(): { tls: Record<string, unknown>; reads: { rejectUnauthorized: number; minVersion: number } } {
  const reads = { rejectUnauthorized: 0, minVersion: 0 };
  const tls = {};
  Object.defineProperty(tls, 'rejectUnauthorized', { enumerable: true, get: () => (reads.rejectUnauthorized++, true) });
  Object.defineProperty(tls, 'minVersion', { enumerable: true, get: () => (reads.minVersion++, 'TLSv1.2') });
  return { tls, reads };
}

describe('the codec of a server and a client', () => {
  it('has its decode, encode and peek read once, however many messages pass', async () => {
    const served = countingCodec();
    const { port } = await startServer(approve, { codec: served.codec });
    const used = countingCodec();
    const client = await startClient(port, { codec: used.codec });
    for (let stan = 1; stan <= 5; stan++) expect((await client.request(echo(stan))).fields[39]).toBe('00');
    expect(served.reads).toEqual({ decode: 1, encode: 1, peek: 1 });
    expect(used.reads).toEqual({ decode: 1, encode: 1, peek: 1 });
  });

  it('calls a class codec on itself, so its methods reach their state through this', async () => {
    const served = new WrappedCodec(codec);
    const { port } = await startServer(approve, { codec: served });
    const used = new WrappedCodec(codec);
    const client = await startClient(port, { codec: used });
    expect((await client.request(echo(9))).fields[39]).toBe('00');
    expect({ served: served.calls, used: used.calls }).toEqual({ served: 2, used: 2 });
  });

  it('is not read again when its getters change after the call', async () => {
    let decode: MessageCodec<IsoMessage>['decode'] = codec.decode.bind(codec);
    const changing = { encode: codec.encode.bind(codec), get decode() { return decode; } };
    const { port } = await startServer(approve, { codec: changing });
    decode = () => { throw new Error(SECRET); };
    const client = await startClient(port);
    expect((await client.request(echo(3))).fields[39]).toBe('00');
  });

  it('is refused naming options.codec when a getter throws, without the thrown text', async () => {
    const throwing = Object.defineProperty<Partial<MessageCodec<IsoMessage>>>({ encode: codec.encode }, 'decode', { enumerable: true, get: () => { throw new Error(SECRET); } });
    const fromConnect = await connect({ host: '127.0.0.1', port: await closedPort(), codec: throwing as MessageCodec<IsoMessage>, framing }).catch((e: unknown) => e);
    const fromSession = caught(() => openSession({ host: '127.0.0.1', port: 1, codec: throwing as MessageCodec<IsoMessage>, framing }));
    const facts = [fromConnect, fromSession].map((e) => (isIso8583NetError(e) ? { code: e.code, option: e.option, secret: e.message.includes('4111') } : e));
    expect(facts).toEqual([
      { code: 'INVALID_OPTION', option: 'options.codec', secret: false },
      { code: 'INVALID_OPTION', option: 'options.codec', secret: false },
    ]);
  });
});

describe('the tls options of connect, openSession and openSessionPool', () => {
  it('are read once by a session, however often it dials again', async () => {
    const port = await closedPort();
    const { tls, reads } = countingTls();
    const { session } = startSession(port, { tls });
    while (session.stats.failedAttempts < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(reads).toEqual({ rejectUnauthorized: 1, minVersion: 1 });
    await session.close({ deadlineMs: 0 });
  });

  it('are read once for each link of a pool, however often it dials again', async () => {
    const port = await closedPort();
    const { tls, reads } = countingTls();
    const pool = openSessionPool<IsoMessage>({ codec, framing, backoff: { minMs: 1, maxMs: 20 }, links: [{ host: '127.0.0.1', port, tls }] });
    try {
      while (pool.links[0]!.stats.failedAttempts < 3) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(reads).toEqual({ rejectUnauthorized: 1, minVersion: 1 });
    } finally {
      await pool.close({ deadlineMs: 0 });
    }
  });

  it('are refused naming options.tls when a getter throws, before any connection is made', async () => {
    let accepted = 0;
    const s = tcpServer(() => accepted++);
    await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
    const { port } = s.address() as { port: number };
    const throwing = Object.defineProperty({}, 'ca', { enumerable: true, get: () => { throw new Error(SECRET); } });
    try {
      const fromConnect = await connect({ host: '127.0.0.1', port, codec, framing, tls: throwing }).catch((e: unknown) => e);
      const fromSession = caught(() => openSession({ host: '127.0.0.1', port, codec, framing, tls: throwing }));
      const fromPool = caught(() => openSessionPool({ codec, framing, links: [{ host: '127.0.0.1', port, tls: throwing }] }));
      const facts = [fromConnect, fromSession, fromPool].map((e) => (isIso8583NetError(e) ? { code: e.code, option: e.option, secret: e.message.includes('4111') } : e));
      expect(facts).toEqual([
        { code: 'INVALID_OPTION', option: 'options.tls', secret: false },
        { code: 'INVALID_OPTION', option: 'options.tls', secret: false },
        { code: 'INVALID_OPTION', option: 'options.links[0].tls', secret: false },
      ]);
      expect(accepted).toBe(0);
    } finally {
      await new Promise<void>((resolve) => s.close(() => resolve()));
    }
  });
});
