/**
 * What a link tells about itself: the client's counters, the handler's exception in the log (its class and code,
 * never its text) and in `systemError`, and the adapter for loggers called as `info(fields, message)`.
 */
import { Duplex } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { isIso8583Error, responseMti } from '../../src/index.js';
import { type Client, type ClientStats, connect, defaultMatchKey, isIso8583NetError, objectFirstLogger } from '../../src/net/index.js';
import { approve, capture, codec, echo, framing, HANG_GUARD_MS, type IsoMessage, startClient, startServer } from './helpers/loopback.js';

const PAN = '4111111111111111';
const code = (e: unknown): string => (isIso8583NetError(e) ? e.code : `not a net error: ${String(e)}`);

/** A promise and the function that resolves it. */
function gate<T = void>(): { opened: Promise<T>; open: (value: T) => void } {
  let open: (value: T) => void = () => {};
  const opened = new Promise<T>((r) => (open = r));
  return { opened, open };
}

/** A handler holding each request until the test releases its STAN. */
function heldHandler() {
  const releases = new Map<string, (() => void)[]>();
  const seen: string[] = [];
  const waiters: { stan: string; wake: () => void }[] = [];
  return {
    arrived: (stan: string) =>
      new Promise<void>((r) => (seen.includes(stan) ? r() : waiters.push({ stan, wake: r }))),
    release: (stan: string) => {
      for (const r of releases.get(stan) ?? []) r();
      releases.delete(stan);
    },
    handler: async (m: IsoMessage): Promise<IsoMessage | undefined> => {
      const stan = String(m.fields[11]);
      seen.push(stan);
      for (const w of waiters.filter((x) => x.stan === stan)) w.wake();
      await new Promise<void>((r) => releases.set(stan, [...(releases.get(stan) ?? []), r]));
      return m.mti === '0820' ? undefined : approve(m);
    },
  };
}

/** Every written request is answered, timed out, aborted, closed or in flight, at every moment. */
function expectBalanced(stats: ClientStats): void {
  expect(stats.sent).toBe(stats.answered + stats.timedOut + stats.aborted + stats.closed + stats.inFlight);
}

describe('client.stats', () => {
  it('counts what each request became, and stays balanced at every step', async () => {
    const held = heldHandler();
    const { port } = await startServer(held.handler);
    const late = gate();
    const c: Client<IsoMessage> = await startClient(port, { onUnmatched: (_m, reason) => reason === 'late' && late.open() });
    expect(c.stats).toEqual({ sent: 0, answered: 0, timedOut: 0, aborted: 0, closed: 0, inFlight: 0, refused: 0, late: 0, unmatched: 0, messagesSent: 0, undecodable: 0 });

    const answered = c.request(echo(1));
    await held.arrived('000001');
    expect(c.stats).toMatchObject({ sent: 1, inFlight: 1 });
    expectBalanced(c.stats);
    held.release('000001');
    await answered;
    expect(c.stats).toMatchObject({ sent: 1, answered: 1, inFlight: 0 });

    // Held, never released before its 1 ms timeout: it times out, then its answer comes late.
    expect(code(await c.request(echo(2), { timeoutMs: 1 }).catch((e: unknown) => e))).toBe('TIMEOUT');
    expect(c.stats).toMatchObject({ sent: 2, timedOut: 1 });
    expectBalanced(c.stats);
    // The 1 ms timeout may fire before the request reaches the handler (on a busy machine it does): release it only
    // once it is held there, or the release finds nothing to release and the late answer never comes.
    await held.arrived('000002');
    held.release('000002');
    await late.opened;
    expect(c.stats.late).toBe(1);

    const controller = new AbortController();
    const aborted = c.request(echo(3), { signal: controller.signal }).catch((e: unknown) => e);
    await held.arrived('000003');
    controller.abort();
    expect(code(await aborted)).toBe('ABORTED');
    expect(c.stats).toMatchObject({ sent: 3, aborted: 1, inFlight: 0 });

    // Refused before a byte is written: an aborted signal, a duplicate key, a key in doubt.
    expect(code(await c.request(echo(4), { signal: controller.signal }).catch((e: unknown) => e))).toBe('ABORTED');
    const first = c.request(echo(5)).catch((e: unknown) => e);
    await held.arrived('000005');
    expect(code(await c.request(echo(5)).catch((e: unknown) => e))).toBe('DUPLICATE_KEY');
    expect(code(await c.request(echo(3)).catch((e: unknown) => e))).toBe('KEY_IN_DOUBT');
    expect(c.stats).toMatchObject({ sent: 4, refused: 3, inFlight: 1 });
    expectBalanced(c.stats);

    c.send({ mti: '0820', fields: { 11: '000006', 41: 'TERM0001', 70: '301' } });
    expect(c.stats.messagesSent).toBe(1);
    expect(c.stats.sent).toBe(4);

    await c.close();
    expect(code(await first)).toBe('CLOSED');
    expect(c.stats).toMatchObject({ sent: 4, answered: 1, timedOut: 1, aborted: 1, closed: 1, inFlight: 0, refused: 3, late: 1, unmatched: 0 });
    expectBalanced(c.stats);
    // Refused after close, too.
    expect(code(await c.request(echo(7)).catch((e: unknown) => e))).toBe('CLOSED');
    expect(c.stats.refused).toBe(4);
  });

  it('counts as refused, with nothing written, a bad message, a bad option, a key that fails and a full write buffer', async () => {
    // A stream that never consumes a write: what the client writes stays in its buffer, where the test can weigh it.
    const stuck = new Duplex({ writableHighWaterMark: 1024, write: () => undefined, read: () => undefined });
    const c = await connect({
      codec,
      framing,
      socket: () => stuck,
      timeoutMs: HANG_GUARD_MS,
      writeStallMs: 0,
      key: (m, isRequest) => {
        if (m.fields[11] === '000009') throw new Error('no key');
        return defaultMatchKey(m, isRequest);
      },
    });
    try {
      const notMessage = await c.request(null as never).catch((e: unknown) => e);
      expect(isIso8583Error(notMessage) && notMessage.code).toBe('INVALID_MESSAGE');
      expect(code(await c.request(echo(1), { timeOutMs: 5 } as never).catch((e: unknown) => e))).toBe('INVALID_OPTION');
      expect(code(await c.request(echo(9)).catch((e: unknown) => e))).toBe('KEY_FAILED');
      expect(stuck.writableLength).toBe(0);
      expect(c.stats).toMatchObject({ sent: 0, refused: 3 });
      const written: Promise<unknown>[] = [];
      let n = 10;
      while (stuck.writableLength < 1024) written.push(c.request(echo(n++)).catch((e: unknown) => e));
      const buffered = stuck.writableLength;
      expect(code(await c.request(echo(n)).catch((e: unknown) => e))).toBe('WRITE_BUFFER_FULL');
      expect(stuck.writableLength).toBe(buffered);
      expect(c.stats).toMatchObject({ sent: written.length, inFlight: written.length, refused: 4 });
      expectBalanced(c.stats);
    } finally {
      stuck.destroy(); // a stream that never drains would hold close() until its own deadline
      await c.close();
    }
  });

  it('counts a message that matches no request as unmatched', async () => {
    const held = heldHandler();
    const { port } = await startServer(held.handler);
    const unmatched = gate();
    const c = await startClient(port, { lateWindowMs: 0, onUnmatched: (_m, reason) => reason === 'unmatched' && unmatched.open() });
    const controller = new AbortController();
    const r = c.request(echo(1), { signal: controller.signal }).catch((e: unknown) => e);
    await held.arrived('000001');
    controller.abort();
    await r;
    held.release('000001'); // no doubt window: the answer matches nothing
    await unmatched.opened;
    expect(c.stats).toMatchObject({ aborted: 1, late: 0, unmatched: 1 });
  });

  it('is a snapshot: reading it again gives the counts of that moment', async () => {
    const { port } = await startServer(approve);
    const c = await startClient(port);
    const before = c.stats;
    await c.request(echo(1));
    expect(before.answered).toBe(0);
    expect(c.stats.answered).toBe(1);
    expect(Object.isFrozen(before)).toBe(true);
  });
});

describe('a handler’s exception', () => {
  class DbTimeoutError extends Error {}
  const thrown: Record<string, () => unknown> = {
    '000001': () => new DbTimeoutError(`timed out for ${PAN}`),
    '000002': () => Object.assign(new Error(`connect ECONNREFUSED for ${PAN}`), { code: 'ECONNREFUSED' }),
    '000003': () => Object.assign(new Error('canceling statement'), { code: '57014' }),
    '000004': () => Object.assign(new Error('x'), { code: PAN }),
    '000005': () => Object.assign(new Error('x'), { code: `E${PAN}` }),
  };

  it('is logged with its class and its code, never its text or a code of another shape', async () => {
    const log = capture();
    const { port } = await startServer((m) => {
      throw thrown[String(m.fields[11])]!();
    }, { logger: log.logger, logIntervalMs: 0 });
    const c = await startClient(port);
    for (const stan of Object.keys(thrown)) expect((await c.request(echo(Number(stan)))).fields[39]).toBe('96');
    const failed = log.entries.filter((e) => e.event === 'handler failed').map((e) => e.meta);
    expect(failed).toEqual([
      { mti: '0800', error: 'DbTimeoutError' },
      { mti: '0800', error: 'Error', code: 'ECONNREFUSED' },
      { mti: '0800', error: 'Error', code: '57014' },
      { mti: '0800', error: 'Error' },
      { mti: '0800', error: 'Error' },
    ]);
    for (const line of log.lines()) expect(line).not.toMatch(/411111|ECONNREFUSED for|canceling/);
  });

  it('reaches systemError as it was thrown, so the answer can depend on it', async () => {
    const { port } = await startServer(
      (m) => {
        throw thrown[String(m.fields[11])]!();
      },
      {
        systemError: (request, error) => ({
          mti: responseMti(request.mti),
          fields: { 11: request.fields[11], 39: error instanceof DbTimeoutError ? '91' : '96', 41: request.fields[41] },
        }),
      },
    );
    const c = await startClient(port);
    expect((await c.request(echo(1))).fields[39]).toBe('91');
    expect((await c.request(echo(2))).fields[39]).toBe('96');
  });
});

describe('objectFirstLogger', () => {
  it('hands pino- and bunyan-shaped loggers each entry as (fields, message), the fields unchanged', async () => {
    const calls: { level: string; fields: Record<string, unknown>; message: string }[] = [];
    const shaped = (level: string) => (fields: Record<string, unknown>, message: string) => void calls.push({ level, fields, message });
    const logger = objectFirstLogger({ info: shaped('info'), warn: shaped('warn'), error: shaped('error') });
    const { port } = await startServer(
      () => {
        throw Object.assign(new Error(PAN), { code: 'ETIMEDOUT' });
      },
      { logger, logIntervalMs: 0 },
    );
    const c = await startClient(port);
    await c.request({ mti: '0100', fields: { 2: PAN, 11: '000001', 41: 'TERM0001' } });
    expect(calls).toContainEqual({ level: 'info', fields: { open: 1 }, message: 'connection accepted' });
    expect(calls).toContainEqual({ level: 'error', fields: { mti: '0100', error: 'Error', code: 'ETIMEDOUT' }, message: 'handler failed' });
    expect(JSON.stringify(calls)).not.toContain('411111');
  });

  it('gives an entry without fields an empty object, and never shares the object it was given', () => {
    const calls: [Record<string, unknown>, string][] = [];
    const record = (fields: Record<string, unknown>, message: string) => void calls.push([fields, message]);
    const logger = objectFirstLogger({ info: record, warn: record, error: record });
    const meta = { count: 3 };
    logger.warn('log entries suppressed', meta);
    logger.info('reading resumed');
    expect(calls).toEqual([
      [{ count: 3 }, 'log entries suppressed'],
      [{}, 'reading resumed'],
    ]);
    expect(calls[0]![0]).not.toBe(meta);
  });

  it('refuses a logger without info, warn or error with INVALID_OPTION naming the method', () => {
    for (const [target, option] of [
      [undefined, 'logger'],
      [null, 'logger'],
      [{ warn() {}, error() {} }, 'logger.info'],
      [{ info() {}, error() {} }, 'logger.warn'],
      [{ info() {}, warn() {}, error: 'no' }, 'logger.error'],
    ] as const) {
      let e: unknown;
      try {
        objectFirstLogger(target as never);
      } catch (x) {
        e = x;
      }
      expect(isIso8583NetError(e) && [e.code, e.option]).toEqual(['INVALID_OPTION', option]);
    }
  });
});
