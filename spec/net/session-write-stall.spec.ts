/**
 * A session whose peer stops reading, made deterministic by a socket factory: its stream never consumes a write
 * (the write callback never runs), so every byte stays buffered as with a network that no longer reads.
 */
import { Duplex } from 'node:stream';
import { describe, expect, it, vi } from 'vitest';
import { approve, capture, wire } from './helpers/loopback.js';
import { purchase, rejection, startSession } from './helpers/session-fixtures.js';

/** A connected stream that never drains; what the "network" sends is pushed into it by the test. */
function stuckStream(): Duplex {
  return new Duplex({ writableHighWaterMark: 1024, write: () => undefined, read: () => undefined });
}

/**
 * Writes requests until `maxWriteBufferBytes` (1,024) are unsent, then checks the next one is refused with
 * WRITE_BUFFER_FULL; returns what each written request ends with.
 */
async function fill(stream: Duplex, request: (n: number) => Promise<unknown>): Promise<Promise<unknown>[]> {
  const written: Promise<unknown>[] = [];
  for (let n = 1; stream.writableLength < 1024; n++) {
    if (n > 1000) throw new Error('the write buffer never filled');
    written.push(rejection(request(n)));
  }
  expect(await rejection(request(1001))).toMatchObject({ code: 'WRITE_BUFFER_FULL' });
  return written;
}

describe('a session whose peer stops reading', () => {
  it('refuses requests past maxWriteBufferBytes, then takes the link down after writeStallMs (writeStall, logged), rejecting what was written with LINK_DOWN', async () => {
    const streams: Duplex[] = [];
    const log = capture();
    const { session, next } = startSession(0, { socket: () => (streams.push(stuckStream()), streams.at(-1)!), signOn: async () => undefined, maxWriteBufferBytes: 1024, writeStallMs: 50, logger: log.logger });
    await session.whenUp();
    const down = next((c) => c.status === 'down');
    const written = await fill(streams[0]!, (n) => session.request(purchase(n)));
    expect(written.length).toBeGreaterThan(0);
    // Bounded: at most the bound plus the one frame that crossed it is buffered.
    expect(streams[0]!.writableLength).toBeLessThan(1024 + 100);
    expect(await down).toMatchObject({ status: 'down', reason: 'writeStall' });
    for (const e of await Promise.all(written)) expect(e).toMatchObject({ code: 'LINK_DOWN' });
    expect(streams[0]!.destroyed).toBe(true);
    expect(log.entries).toContainEqual(expect.objectContaining({ level: 'warn', event: 'peer not reading: link closed', meta: expect.objectContaining({ writeStallMs: 50 }) }));
    // The session dials again: a new link comes up.
    await session.whenUp();
    expect(streams).toHaveLength(2);
  });

  it('takes the link down after 30,000 ms by default, not a millisecond before (on a clock the test moves)', async () => {
    const stream = stuckStream();
    const log = capture();
    const { session, next } = startSession(0, { socket: () => stream, signOn: async () => undefined, maxWriteBufferBytes: 1024, reconnect: false, logger: log.logger });
    await session.whenUp();
    const down = next((c) => c.status === 'closed' || c.status === 'down');
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const written = await fill(stream, (n) => session.request(purchase(n)));
      vi.advanceTimersByTime(29_999);
      await new Promise((r) => setImmediate(r)); // the stall is confirmed one loop turn after its timer
      expect(session.status).toBe('up');
      vi.advanceTimersByTime(1);
      expect(await down).toMatchObject({ reason: 'writeStall' });
      for (const e of await Promise.all(written)) expect(e).toMatchObject({ code: 'LINK_DOWN' });
      expect(log.entries).toContainEqual(expect.objectContaining({ event: 'peer not reading: link closed', meta: expect.objectContaining({ writeStallMs: 30_000 }) }));
    } finally {
      vi.useRealTimers();
    }
  });

  it('drops its answers to the peer once maxWriteBufferBytes are unsent, logged, so memory stays bounded', async () => {
    const stream = stuckStream();
    const log = capture();
    const { session } = startSession(0, { socket: () => stream, signOn: async () => undefined, handler: approve, maxWriteBufferBytes: 1024, writeStallMs: 0, logger: log.logger });
    await session.whenUp();
    await fill(stream, (n) => session.request(purchase(n)));
    const buffered = stream.writableLength;
    const answerDropped = log.when((e) => e.event === 'answer not written: the peer is not reading');
    stream.push(wire({ mti: '0100', fields: { 11: '123456', 41: 'NETWORK1' } }));
    await answerDropped;
    expect(stream.writableLength).toBe(buffered);
    expect(session.stats).toMatchObject({ requestsReceived: 1, requestsAnswered: 0 });
  });

  it('refuses a writeStallMs that is not a timeout with INVALID_OPTION, naming it', () => {
    expect(() => startSession(8583, { writeStallMs: '1s' } as never)).toThrow(expect.objectContaining({ code: 'INVALID_OPTION', option: 'options.writeStallMs' }));
  });
});
