import { createServer as rawServer, type Server as RawServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isIso8583NetError } from '../../src/net/index.js';
import { type IsoMessage, startClient, wire } from './helpers/loopback.js';

/** A peer that answers only when the test tells it to: the test decides what is late. */
async function scriptedPeer(): Promise<{ port: number; answer: (m: IsoMessage) => void; received: () => Promise<void> }> {
  let socket: Socket | undefined;
  let frames = 0;
  const waiters: (() => void)[] = [];
  const server = rawServer((s) => {
    socket = s;
    peerSockets.push(s);
    s.on('error', () => {});
    // Counts framed requests by their 2-byte length headers.
    let pending = Buffer.alloc(0);
    s.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        pending = pending.subarray(2 + pending.readUInt16BE(0));
        frames++;
        waiters.shift()?.();
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  peers.push(server);
  let seen = 0;
  return {
    port: (server.address() as { port: number }).port,
    answer: (m) => socket!.write(wire(m)),
    received: () => new Promise<void>((r) => (++seen <= frames ? r() : waiters.push(r))),
  };
}
const peers: RawServer[] = [];
const peerSockets: Socket[] = [];
afterEach(async () => {
  for (const s of peerSockets.splice(0)) s.destroy();
  for (const p of peers.splice(0)) await new Promise<void>((r) => p.close(() => r()));
});

const purchase = (amount: string): IsoMessage => ({ mti: '0200', fields: { 4: amount, 11: '000001', 41: 'TERM0001' } });
const approval = (amount: string): IsoMessage => ({ mti: '0210', fields: { 4: amount, 11: '000001', 39: '00', 41: 'TERM0001' } });
const code = (e: unknown): string => (isIso8583NetError(e) ? e.code : String(e));

describe('a late answer and a new request under the same key (issue #11 sequence)', () => {
  it('refuses the new request with KEY_IN_DOUBT, hands the late answer to onUnmatched, then accepts the key again', async () => {
    const peer = await scriptedPeer();
    const unmatched: [IsoMessage, string][] = [];
    let arrived: () => void = () => {};
    const late = new Promise<void>((r) => (arrived = r));
    const client = await startClient(peer.port, {
      onUnmatched: (m, reason) => {
        unmatched.push([m, reason]);
        arrived();
      },
    });
    // A (amount 100) gets no answer: it times out. The peer has not answered, so the timeout is sure to come.
    expect(code(await client.request(purchase('000000000100'), { timeoutMs: 50 }).catch((e: unknown) => e))).toBe('TIMEOUT');
    await peer.received();
    // B reuses the key (same STAN and terminal): refused, nothing written.
    expect(code(await client.request(purchase('000000999999'), { timeoutMs: 600_000 }).catch((e: unknown) => e))).toBe('KEY_IN_DOUBT');
    expect(client.pending).toBe(0);
    // A's answer arrives late: it is A's, never taken for anyone else's.
    peer.answer(approval('000000000100'));
    await late;
    expect(unmatched).toHaveLength(1);
    expect(unmatched[0]![1]).toBe('late');
    expect(unmatched[0]![0].fields[4]).toBe('000000000100');
    // The doubt ends with the late answer: C under the same key is written and gets its own answer.
    const c = client.request(purchase('000000000500'), { timeoutMs: 600_000 });
    await peer.received();
    peer.answer(approval('000000000500'));
    expect((await c).fields[4]).toBe('000000000500');
  });

  it('keeps the key in doubt for lateWindowMs when no answer comes, then accepts it again', async () => {
    const peer = await scriptedPeer();
    const client = await startClient(peer.port, { lateWindowMs: 100 });
    // The window is read off Date.now(): a clock only the test moves, so neither a slow run nor a pause of the
    // machine ends it early (timers and sockets keep their real clock).
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      const timedOutAt = Date.now();
      expect(code(await client.request(purchase('000000000100'), { timeoutMs: 20 }).catch((e: unknown) => e))).toBe('TIMEOUT');
      // A repeat (0201) has the same key as the original: refused too while in doubt, up to the window's last ms.
      expect(code(await client.request({ ...purchase('000000000100'), mti: '0201' }).catch((e: unknown) => e))).toBe('KEY_IN_DOUBT');
      vi.setSystemTime(timedOutAt + 99);
      expect(code(await client.request(purchase('000000000300')).catch((e: unknown) => e))).toBe('KEY_IN_DOUBT');
      // The window has passed: the key is free.
      vi.setSystemTime(timedOutAt + 100);
      const again = client.request(purchase('000000000200'), { timeoutMs: 600_000 });
      await peer.received();
      await peer.received();
      peer.answer(approval('000000000200'));
      expect((await again).fields[4]).toBe('000000000200');
    } finally {
      vi.useRealTimers();
    }
  });

  it('with lateWindowMs 0 keeps no key in doubt', async () => {
    const peer = await scriptedPeer();
    const client = await startClient(peer.port, { lateWindowMs: 0 });
    expect(code(await client.request(purchase('000000000100'), { timeoutMs: 20 }).catch((e: unknown) => e))).toBe('TIMEOUT');
    const again = client.request(purchase('000000000200'), { timeoutMs: 600_000 });
    await peer.received();
    await peer.received();
    peer.answer(approval('000000000200'));
    expect((await again).fields[4]).toBe('000000000200');
  });
});
