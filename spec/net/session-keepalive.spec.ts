import { Duplex } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, encodeFrame, openSession, readFrames, seededRandom, type Session, type SessionOptions, type StatusChange } from '../../src/net/index.js';
import { codec, framing, HANG_GUARD_MS, type IsoMessage } from './helpers/loopback.js';

/**
 * The session's clocks (keep-alive echo, missed echoes, read timeout, backoff) under fake timers, over an in-memory
 * transport given through the `socket` factory: the test moves time, the streams run on real event-loop turns.
 */

/** Two connected in-memory streams: what one writes, the other reads; destroying one closes both. */
function duplexPair(): [Duplex, Duplex] {
  const sides: Duplex[] = [];
  const make = (other: () => Duplex): Duplex =>
    new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        other().push(chunk);
        callback();
      },
      final(callback) {
        other().push(null);
        callback();
      },
    });
  sides.push(make(() => sides[1]!), make(() => sides[0]!));
  sides[0]!.on('close', () => sides[1]!.destroy());
  sides[1]!.on('close', () => sides[0]!.destroy());
  return [sides[0]!, sides[1]!];
}

/** The network's end of one in-memory link: the messages it received, and a way to answer. */
interface Far {
  /** The far end's stream itself, for bytes no codec would write. */
  readonly raw: Duplex;
  readonly received: IsoMessage[];
  send(m: IsoMessage): void;
  /** Resolves with the next message received (real event-loop turns, no timers). */
  next(): Promise<IsoMessage>;
}

function farEnd(stream: Duplex): Far {
  const received: IsoMessage[] = [];
  const waiting: ((m: IsoMessage) => void)[] = [];
  let taken = 0;
  void (async () => {
    try {
      for await (const { message } of readFrames(stream, framing)) {
        received.push(codec.decode(message));
        waiting.shift()?.(received[taken++]!);
      }
    } catch {
      // the link was destroyed
    }
  })();
  return {
    raw: stream,
    received,
    send: (m) => void stream.write(encodeFrame(framing, { message: codec.encode(m) })),
    next: () => (taken < received.length ? Promise.resolve(received[taken++]!) : new Promise((r) => waiting.push(r))),
  };
}

/** A few real event-loop turns, for bytes written to reach the other end (setImmediate is not faked). */
async function turns(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise<void>((r) => setImmediate(r));
}

const sessions: Session<IsoMessage>[] = [];
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
});
afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(sessions.splice(0).map((s) => s.close({ deadlineMs: 0 })));
});

const echo = (n: number): IsoMessage => ({ mti: '0800', fields: { 11: String(n).padStart(6, '0'), 70: '301' } });

/** A session over in-memory links; `fars` holds the far end of each link dialled, `dials` counts the factory's calls. */
function memorySession(extra: Partial<SessionOptions<IsoMessage>>, asPromise = false) {
  const fars: Far[] = [];
  const changes: StatusChange[] = [];
  const session = openSession<IsoMessage>({
    codec,
    framing,
    timeoutMs: HANG_GUARD_MS,
    socket: () => {
      const [near, far] = duplexPair();
      fars.push(farEnd(far));
      return asPromise ? Promise.resolve(near) : near;
    },
    backoff: { minMs: 100, maxMs: 100, jitter: 0 },
    ...extra,
  });
  sessions.push(session);
  session.on('status', (c) => changes.push(c));
  return { session, fars, changes };
}

describe('session keep-alive and clocks', () => {
  it('sends the echo keepAlive.echo builds after idleMs with nothing sent or received, and not a millisecond before', async () => {
    const { session, fars } = memorySession({ keepAlive: { idleMs: 30_000, echo } });
    await session.whenUp();
    await vi.advanceTimersByTimeAsync(29_999);
    await turns();
    expect(fars[0]!.received).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(await fars[0]!.next()).toEqual({ mti: '0800', fields: { 11: '000001', 70: '301' } });
  });

  it('moves the echo back while traffic flows: idleMs counts from the last frame sent or received', async () => {
    const { session, fars } = memorySession({ keepAlive: { idleMs: 10_000, echo }, handler: () => undefined });
    await session.whenUp();
    await vi.advanceTimersByTimeAsync(6000);
    fars[0]!.send({ mti: '0800', fields: { 11: '700001', 70: '301' } }); // a request of the network's, received
    await turns();
    await vi.advanceTimersByTimeAsync(9999);
    await turns();
    expect(fars[0]!.received).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect((await fars[0]!.next()).fields[70]).toBe('301');
  });

  it('moves the echo back when the issuer sends: a request written counts as traffic too (socket factory resolving a promise)', async () => {
    const { session, fars } = memorySession({ keepAlive: { idleMs: 10_000, echo } }, true);
    await session.whenUp();
    await vi.advanceTimersByTimeAsync(6000);
    void session.request({ mti: '0800', fields: { 11: '000900', 70: '301' } }).catch(() => undefined);
    expect((await fars[0]!.next()).fields[11]).toBe('000900');
    await vi.advanceTimersByTimeAsync(9999);
    await turns();
    expect(fars[0]!.received).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect((await fars[0]!.next()).fields[11]).toBe('000001');
  });

  it('takes a link down as badStream when the peer sends a length header beyond maxFrameBytes', async () => {
    const { session, fars, changes } = memorySession({ maxFrameBytes: 1000 });
    await session.whenUp();
    fars[0]!.raw.write(Uint8Array.of(0x03, 0xe9)); // announces 1001 bytes
    await turns();
    expect(changes.at(-1)).toMatchObject({ status: 'down', reason: 'badStream' });
  });

  it('declares the link dead after maxMissed unanswered echoes in a row, and dials again after the backoff', async () => {
    const { session, fars, changes } = memorySession({ keepAlive: { idleMs: 1000, timeoutMs: 500, maxMissed: 2, echo } });
    await session.whenUp();
    await vi.advanceTimersByTimeAsync(1000); // first echo
    expect((await fars[0]!.next()).fields[11]).toBe('000001');
    await vi.advanceTimersByTimeAsync(1000); // it timed out at 1500; the second goes at 2000
    expect((await fars[0]!.next()).fields[11]).toBe('000002');
    expect(session.status).toBe('up');
    await vi.advanceTimersByTimeAsync(500); // the second times out: two missed in a row
    await turns();
    expect(changes.at(-1)).toMatchObject({ status: 'down', reason: 'echoMissed', retryInMs: 100 });
    expect(fars).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(100);
    await session.whenUp();
    expect(fars).toHaveLength(2);
    expect(session.stats).toMatchObject({ timedOut: 2, reconnects: 1 });
  });

  it('keeps the link while each echo is answered', async () => {
    const { session, fars } = memorySession({ keepAlive: { idleMs: 1000, timeoutMs: 500, maxMissed: 1, echo } });
    await session.whenUp();
    for (let i = 1; i <= 5; i++) {
      await vi.advanceTimersByTimeAsync(1000);
      const e = await fars[0]!.next();
      fars[0]!.send({ mti: '0810', fields: { 11: e.fields[11], 39: '00', 70: '301' } });
      await turns();
    }
    await vi.advanceTimersByTimeAsync(400);
    expect(session.status).toBe('up');
    expect(session.stats).toMatchObject({ sent: 5, answered: 5, timedOut: 0, reconnects: 0 });
  });

  it('declares the link dead when nothing arrives for readTimeoutMs, counted from the last frame received', async () => {
    const { session, fars, changes } = memorySession({ readTimeoutMs: 5000, handler: () => undefined });
    await session.whenUp();
    await vi.advanceTimersByTimeAsync(3000);
    fars[0]!.send({ mti: '0800', fields: { 11: '700002', 70: '301' } });
    await turns();
    await vi.advanceTimersByTimeAsync(4999);
    await turns();
    expect(session.status).toBe('up');
    await vi.advanceTimersByTimeAsync(1);
    await turns();
    expect(changes.at(-1)).toMatchObject({ status: 'down', reason: 'readTimeout' });
  });

  it('waits the seeded backoff between failed dials, exactly: min(maxMs, minMs × 2^n) less its jitter share', async () => {
    let dials = 0;
    const changes: StatusChange[] = [];
    const backoff = { minMs: 1000, maxMs: 8000, jitter: 0.5 };
    const session = openSession<IsoMessage>({
      codec,
      framing,
      socket: () => {
        dials++;
        return Promise.reject(Object.assign(new Error('no route'), { code: 'EHOSTUNREACH' }));
      },
      backoff,
      random: seededRandom(7),
    });
    sessions.push(session);
    session.on('status', (c) => changes.push(c));
    const draws = seededRandom(7);
    for (let n = 0; n < 6; n++) {
      await turns();
      expect(dials).toBe(n + 1);
      const down = changes.at(-1)!;
      const expected = Math.round(Math.min(8000, 1000 * 2 ** n) * (1 - 0.5 * draws()));
      expect(down).toMatchObject({ status: 'down', reason: 'connectFailed', code: 'EHOSTUNREACH', retryInMs: expected, failures: n });
      expect(backoffDelay(n, backoff, () => 0)).toBe(Math.min(8000, 1000 * 2 ** n));
      await vi.advanceTimersByTimeAsync(expected - 1);
      await turns();
      expect(dials).toBe(n + 1);
      await vi.advanceTimersByTimeAsync(1);
    }
  });

  it('dials no more once close() cancels the wait for the next attempt', async () => {
    let dials = 0;
    const session = openSession<IsoMessage>({ codec, framing, socket: () => (dials++, Promise.reject(new Error('down'))), backoff: { minMs: 1000, maxMs: 1000, jitter: 0 } });
    await turns();
    expect(session.status).toBe('down');
    await session.close();
    await vi.advanceTimersByTimeAsync(10_000);
    await turns();
    expect(dials).toBe(1);
    expect(session.status).toBe('closed');
  });
});
