/**
 * Per-request options of the client (signal, timeout, fixed header) and the fixed header of the server's answers.
 * Handlers are held on promises the test opens, so what is late or aborted is decided here, never by the clock.
 */
import { getEventListeners } from 'node:events';
import { connect as rawConnect } from 'node:net';
import { describe, expect, it } from 'vitest';
import { encodeFrame, type FramingSpec, isIso8583NetError, readFrames, withHeader } from '../../src/net/index.js';
import { approve, capture, codec, echo, type IsoMessage, startClient, startServer } from './helpers/loopback.js';

const TPDU: FramingSpec = { length: 'binary2', headerBytes: 5 };
const code = (e: unknown): string => (isIso8583NetError(e) ? e.code : `not a net error: ${String(e)}`);
const failure = (e: unknown) => (isIso8583NetError(e) ? { code: e.code, option: e.option } : { code: String(e), option: undefined });

/** A promise and the function that resolves it. */
function gate<T = void>(): { opened: Promise<T>; open: (value: T) => void } {
  let open: (value: T) => void = () => {};
  const opened = new Promise<T>((r) => (open = r));
  return { opened, open };
}

/** A handler that answers each request only when the test releases its STAN, and tells when each one arrived. */
function heldHandler() {
  const seen: { stan: string; header: number[] | undefined }[] = [];
  const releases = new Map<string, (() => void)[]>();
  const arrivals = new Map<string, (v: void) => void>();
  const arrived = (stan: string): Promise<void> =>
    new Promise<void>((r) => (seen.some((s) => s.stan === stan) ? r() : arrivals.set(stan, r)));
  return {
    seen,
    arrived,
    /** Lets every held request with this STAN be answered. */
    release: (stan: string) => {
      for (const r of releases.get(stan) ?? []) r();
      releases.delete(stan);
    },
    handler: async (m: IsoMessage, ctx: { header: Uint8Array | undefined }): Promise<IsoMessage> => {
      const stan = String(m.fields[11]);
      seen.push({ stan, header: ctx.header === undefined ? undefined : [...ctx.header] });
      arrivals.get(stan)?.();
      await new Promise<void>((r) => releases.set(stan, [...(releases.get(stan) ?? []), r]));
      return approve(m);
    },
  };
}

describe('a request aborted by its signal', () => {
  it('rejects with ABORTED and writes nothing when the signal has already aborted', async () => {
    const held = heldHandler();
    const { server, port } = await startServer(held.handler);
    const c = await startClient(port);
    const controller = new AbortController();
    controller.abort();
    expect(code(await c.request(echo(1), { signal: controller.signal }).catch((e: unknown) => e))).toBe('ABORTED');
    expect(c.pending).toBe(0);
    // The next request is the first frame the server ever sees.
    const next = c.request(echo(2));
    await held.arrived('000002');
    held.release('000002');
    expect((await next).fields[11]).toBe('000002');
    expect(held.seen.map((s) => s.stan)).toEqual(['000002']);
    expect(server.stats.framesReceived).toBe(1);
  });

  it('rejects with ABORTED while waiting, leaves the pending requests, and its answer is reported late', async () => {
    const held = heldHandler();
    const { port } = await startServer(held.handler);
    const late = gate<[IsoMessage, string]>();
    const c = await startClient(port, { onUnmatched: (m, reason) => late.open([m, reason]) });
    const controller = new AbortController();
    const pendingRequest = c.request(echo(1), { signal: controller.signal });
    await held.arrived('000001');
    expect(c.pending).toBe(1);
    controller.abort();
    expect(code(await pendingRequest.catch((e: unknown) => e))).toBe('ABORTED');
    expect(c.pending).toBe(0);
    // The key stays in doubt, like a timed-out one's: its answer may still come.
    expect(code(await c.request(echo(1)).catch((e: unknown) => e))).toBe('KEY_IN_DOUBT');
    held.release('000001');
    const [message, reason] = await late.opened;
    expect(reason).toBe('late');
    expect(message.fields[11]).toBe('000001');
  });

  it('frees its key at once with lateWindowMs 0: a new request under it is sent and answered', async () => {
    const held = heldHandler();
    const { port } = await startServer(held.handler);
    const unmatched = gate<string>();
    const c = await startClient(port, { lateWindowMs: 0, onUnmatched: (_m, reason) => unmatched.open(reason) });
    const controller = new AbortController();
    const first = c.request(echo(1), { signal: controller.signal }).catch((e: unknown) => e);
    await held.arrived('000001');
    controller.abort();
    expect(code(await first)).toBe('ABORTED');
    // Same key (response MTI, DE11, DE41): a second request under it is written.
    const second = c.request(echo(1));
    await new Promise<void>((r) => {
      const check = (): void => (held.seen.length === 2 ? r() : void setImmediate(check));
      check();
    });
    // The server holds both; once released, one answer is taken for the second request (the hazard the doubt
    // window exists for) and the other matches nothing.
    held.release('000001');
    expect((await second).fields[11]).toBe('000001');
    expect(await unmatched.opened).toBe('unmatched');
  });

  it('stops listening to the signal once the request ends (answered, timed out, aborted or closed)', async () => {
    const held = heldHandler();
    const { port } = await startServer(held.handler);
    const c = await startClient(port);
    const signal = new AbortController().signal;
    const answered = c.request(echo(1), { signal });
    await held.arrived('000001');
    expect(getEventListeners(signal, 'abort')).toHaveLength(1);
    held.release('000001');
    await answered;
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);

    // A timeout that cannot be reached before the handler is released: the handler never is, so it times out.
    expect(code(await c.request(echo(2), { signal, timeoutMs: 1 }).catch((e: unknown) => e))).toBe('TIMEOUT');
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);

    const closing = c.request(echo(3), { signal }).catch((e: unknown) => e);
    await held.arrived('000003');
    await c.close();
    expect(code(await closing)).toBe('CLOSED');
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('refuses a signal that is not an AbortSignal with INVALID_OPTION naming options.signal', async () => {
    const { port } = await startServer(approve);
    const c = await startClient(port);
    for (const signal of [true, {}, { aborted: false }, 'abort']) {
      const e = await c.request(echo(1), { signal } as unknown as { signal: AbortSignal }).catch((x: unknown) => x);
      expect(failure(e), JSON.stringify(signal)).toEqual({ code: 'INVALID_OPTION', option: 'options.signal' });
    }
    expect(c.pending).toBe(0);
  });
});

describe('a per-request timeout', () => {
  it('overrides the client default for that request only', async () => {
    const held = heldHandler();
    const { port } = await startServer(held.handler);
    const c = await startClient(port); // default: a hang guard of minutes
    // The handler is never released for STAN 1, so the 1 ms timeout is the only way the request ends.
    expect(code(await c.request(echo(1), { timeoutMs: 1 }).catch((e: unknown) => e))).toBe('TIMEOUT');
    const other = c.request(echo(2));
    await held.arrived('000002');
    held.release('000002');
    expect((await other).fields[11]).toBe('000002');
  });
});

describe('the fixed header of a request and of its answer', () => {
  it('sends the header given, zeros by default, and gives back the answer with the header it arrived with', async () => {
    const held = heldHandler();
    const { port } = await startServer(held.handler, {}, TPDU);
    const c = await startClient(port, {}, TPDU);
    const header = Uint8Array.of(0x60, 0x00, 0x03, 0x80, 0x01);
    const withOne = c.requestWithHeader(echo(1), { header });
    await held.arrived('000001');
    held.release('000001');
    const answer = await withOne;
    expect(answer.message.fields[11]).toBe('000001');
    expect([...answer.header!]).toEqual([0x60, 0x00, 0x03, 0x80, 0x01]); // the server echoes it as received
    const plain = c.requestWithHeader(echo(2));
    await held.arrived('000002');
    held.release('000002');
    expect([...(await plain).header!]).toEqual([0, 0, 0, 0, 0]);
    expect(held.seen).toEqual([
      { stan: '000001', header: [0x60, 0x00, 0x03, 0x80, 0x01] },
      { stan: '000002', header: [0, 0, 0, 0, 0] },
    ]);
  });

  it('gives back no header when the framing has none, and request() still resolves with the message alone', async () => {
    const { port } = await startServer(approve);
    const c = await startClient(port);
    const answer = await c.requestWithHeader(echo(1));
    expect(answer.header).toBeUndefined();
    expect(answer.message.mti).toBe('0810');
    const message = await c.request(echo(2));
    expect(message.fields[11]).toBe('000002');
    expect(Object.keys(message).sort()).toEqual(['fields', 'mti']);
  });

  it('sends a header with send() too', async () => {
    const seen = gate<number[] | undefined>();
    const { port } = await startServer((_m, ctx) => (seen.open(ctx.header && [...ctx.header]), undefined), {}, TPDU);
    const c = await startClient(port, {}, TPDU);
    c.send({ mti: '0820', fields: { 11: '000009', 41: 'TERM0001', 70: '301' } }, { header: Uint8Array.of(1, 2, 3, 4, 5) });
    expect(await seen.opened).toEqual([1, 2, 3, 4, 5]);
  });

  it('refuses a header of another length than the framing’s, or not bytes, with INVALID_OPTION naming options.header; nothing is written', async () => {
    const held = heldHandler();
    const { server, port } = await startServer(held.handler, {}, TPDU);
    const c = await startClient(port, {}, TPDU);
    for (const header of [new Uint8Array(4), new Uint8Array(6), [1, 2, 3, 4, 5], 'ABCDE', new Uint16Array(5)]) {
      const e = await c.request(echo(1), { header } as unknown as { header: Uint8Array }).catch((x: unknown) => x);
      expect(failure(e), String(header)).toEqual({ code: 'INVALID_OPTION', option: 'options.header' });
      let thrown: unknown;
      try {
        c.send(echo(1), { header } as unknown as { header: Uint8Array });
      } catch (x) {
        thrown = x;
      }
      expect(failure(thrown)).toEqual({ code: 'INVALID_OPTION', option: 'options.header' });
    }
    const unframed = await startServer(approve);
    const plain = await startClient(unframed.port);
    expect(failure(await plain.request(echo(1), { header: new Uint8Array(5) }).catch((x: unknown) => x))).toEqual({
      code: 'INVALID_OPTION',
      option: 'options.header',
    });
    const next = c.request(echo(2));
    await held.arrived('000002');
    held.release('000002');
    await next;
    expect(server.stats.framesReceived).toBe(1);
  });

  it('refuses an unknown request option, such as a misspelt one', async () => {
    const { port } = await startServer(approve);
    const c = await startClient(port);
    const e = await c.request(echo(1), { headers: new Uint8Array(0) } as object).catch((x: unknown) => x);
    expect(failure(e)).toEqual({ code: 'INVALID_OPTION', option: 'options.headers' });
  });

  it('hands onUnmatched the header an unmatched message arrived with', async () => {
    const held = heldHandler();
    const { port } = await startServer(held.handler, {}, TPDU);
    const late = gate<number[] | undefined>();
    const c = await startClient(port, { onUnmatched: (_m, _reason, header) => late.open(header && [...header]) }, TPDU);
    const controller = new AbortController();
    const r = c.request(echo(1), { signal: controller.signal, header: Uint8Array.of(9, 8, 7, 6, 5) }).catch((e: unknown) => e);
    await held.arrived('000001');
    controller.abort();
    await r;
    held.release('000001');
    expect(await late.opened).toEqual([9, 8, 7, 6, 5]);
  });
});

describe('a handler choosing its answer’s header', () => {
  it('sends the answer with the header given to withHeader (here the TPDU’s addresses swapped), the request’s by default', async () => {
    const swap = (h: Uint8Array): Uint8Array => Uint8Array.of(h[0]!, h[3]!, h[4]!, h[1]!, h[2]!);
    const { port } = await startServer((m, { header }) => (m.fields[11] === '000001' ? withHeader(approve(m), swap(header!)) : approve(m)), {}, TPDU);
    const c = await startClient(port, {}, TPDU);
    const header = Uint8Array.of(0x60, 0x00, 0x03, 0x80, 0x01);
    expect([...(await c.requestWithHeader(echo(1), { header })).header!]).toEqual([0x60, 0x80, 0x01, 0x00, 0x03]);
    expect([...(await c.requestWithHeader(echo(2), { header })).header!]).toEqual([0x60, 0x00, 0x03, 0x80, 0x01]);
  });

  it('copies the header, so the handler may reuse its buffer', async () => {
    const shared = new Uint8Array(5);
    const { port } = await startServer(async (m) => {
      shared.fill(Number(m.fields[11]));
      const answer = withHeader(approve(m), shared);
      shared.fill(0xff);
      return answer;
    }, {}, TPDU);
    const c = await startClient(port, {}, TPDU);
    expect([...(await c.requestWithHeader(echo(3))).header!]).toEqual([3, 3, 3, 3, 3]);
  });

  it('answers a system error with the request’s header when the chosen header does not fit the framing, and logs the handler’s failure', async () => {
    const log = capture();
    const { server, port } = await startServer((m) => withHeader(approve(m), new Uint8Array(4)), { logger: log.logger }, TPDU);
    const c = await startClient(port, {}, TPDU);
    const header = Uint8Array.of(1, 2, 3, 4, 5);
    const answer = await c.requestWithHeader(echo(1), { header });
    expect(answer.message.fields[39]).toBe('96');
    expect([...answer.header!]).toEqual([1, 2, 3, 4, 5]);
    expect(server.stats.handlerErrors).toBe(1);
    expect(log.entries.find((e) => e.event === 'handler failed')?.meta).toMatchObject({ mti: '0800', error: 'INVALID_OPTION' });
  });

  it('answers a throwing handler and an undecodable request with the request’s header, unchanged', async () => {
    const { port } = await startServer((m) => {
      if (m.fields[11] === '000001') throw new Error('handler failed');
      return withHeader(approve(m), new Uint8Array(5)); // a header of its own: never on the two answers below
    }, {}, TPDU);
    const raw = rawConnect({ host: '127.0.0.1', port });
    try {
      await new Promise<void>((resolve, reject) => raw.once('connect', resolve).once('error', reject));
      const frames = readFrames(raw, TPDU)[Symbol.asyncIterator]();
      const next = async () => {
        const f = (await frames.next()).value!;
        return { header: [...f.header!], message: codec.decode(f.message) };
      };
      raw.write(encodeFrame(TPDU, { header: Uint8Array.of(1, 2, 3, 4, 5), message: codec.encode(echo(1)) }));
      expect(await next()).toEqual({ header: [1, 2, 3, 4, 5], message: { mti: '0810', fields: { 11: '000001', 39: '96', 41: 'TERM0001' } } });
      // An 0800 whose DE11 is not digits: a format error, DE39 30, DE11 not readable.
      const bad = Buffer.from(codec.encode(echo(2))).toString('latin1').replace('000002', '00000X');
      raw.write(encodeFrame(TPDU, { header: Uint8Array.of(6, 7, 8, 9, 10), message: Buffer.from(bad, 'latin1') }));
      expect(await next()).toEqual({ header: [6, 7, 8, 9, 10], message: { mti: '0810', fields: { 39: '30' } } });
    } finally {
      raw.destroy();
    }
  });

  it('copies a Buffer header into bytes of its own, so the handler may reuse that Buffer', () => {
    const shared = Buffer.alloc(5, 3);
    const answer = withHeader(approve(echo(1)), shared);
    shared.fill(0xff);
    expect([...answer.header]).toEqual([3, 3, 3, 3, 3]);
  });

  it('is told from a message by its kind, so a message is never taken for a headered answer', () => {
    const answer = withHeader(approve(echo(1)), new Uint8Array(5));
    expect(answer.kind).toBe('headeredAnswer');
    expect(Object.isFrozen(answer)).toBe(true);
    expect(codec.encode(answer.message)).toBeInstanceOf(Uint8Array);
  });
});
