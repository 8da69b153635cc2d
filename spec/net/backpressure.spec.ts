import { createServer as rawServer, type Server as RawServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { responseMti } from '../../src/index.js';
import { isIso8583NetError } from '../../src/net/index.js';
import { capture, closedBy, echo, type IsoMessage, rawSocket, startClient, startServer, wire } from './helpers/loopback.js';

/**
 * Answers echoes with 900 bytes of DE48, so a peer that stops reading fills the kernel's socket buffers (a few MB
 * on loopback) in thousands of answers rather than hundreds of thousands: the tests stay quick, and the memory
 * the old code would have grown stays small.
 */
const bigAnswer = (m: IsoMessage): IsoMessage => ({
  mti: responseMti(m.mti),
  fields: { 11: m.fields[11], 39: '00', 41: m.fields[41], 48: 'x'.repeat(900), 70: m.fields[70] },
});
const ANSWER_BYTES = wire(bigAnswer(echo(1))).length;

/** Writes `count` echoes as fast as the socket takes them, waiting for `drain` when it says so; stops on close. */
async function pipeline(socket: Socket, count: number, closed: Promise<void>): Promise<number> {
  let gone = false;
  void closed.then(() => (gone = true));
  let sent = 0;
  while (sent < count && !gone) {
    if (!socket.write(wire(echo(sent)))) {
      await Promise.race([new Promise<void>((r) => socket.once('drain', () => r())), closed]);
    }
    sent++;
  }
  return sent;
}

describe('server write backpressure', () => {
  it('stops reading a peer that never reads its answers, then cuts it off after writeStallMs and logs it', async () => {
    const log = capture();
    const maxInFlight = 16;
    const { server, port } = await startServer(bigAnswer, {
      logger: log.logger,
      maxWriteBufferBytes: 16_384,
      writeStallMs: 300,
      maxInFlightPerConnection: maxInFlight,
    });
    const peer = await rawSocket(port);
    // 50,000 answers are 47 MB: far beyond the kernel's buffers, so only the server's own bound can stop them.
    const pumping = pipeline(peer.socket, 50_000, peer.closed);
    await log.when(closedBy('writeStall'));
    // The peer learns of the close when it next reads (or writes into the reset): let it read now.
    peer.socket.resume();
    await peer.closed;
    const sent = await pumping;
    const stats = server.stats;
    expect(stats.connectionsClosed.writeStall).toBe(1);
    expect(stats.readPauses).toBeGreaterThanOrEqual(1);
    expect(stats.framesReceived).toBeLessThan(sent);
    const close = log.entries.find(closedBy('writeStall'))!;
    expect(close.level).toBe('warn');
    expect(close.meta['writeStallMs']).toBe(300);
    // What was left unsent: the bound plus at most the answers already in flight when reading paused.
    expect(close.meta['bufferedBytes']).toBeLessThanOrEqual(16_384 + (maxInFlight + 1) * ANSWER_BYTES);
    const pause = log.entries.find((e) => e.event === 'reading paused: answers not read')!;
    expect(pause.meta['bufferedBytes']).toBeGreaterThanOrEqual(16_384);
  });

  it('pauses a peer that reads late and resumes it with every answer, without cutting it off', async () => {
    const log = capture();
    const { server, port } = await startServer(bigAnswer, { logger: log.logger, maxWriteBufferBytes: 16_384, writeStallMs: 60_000 });
    const peer = await rawSocket(port);
    const count = 20_000; // 19 MB of answers, several times what the kernel buffers
    const sending = pipeline(peer.socket, count, peer.closed);
    await log.when((e) => e.event === 'reading paused: answers not read');
    const stans = new Set<string>();
    for (let i = 0; i < count; i++) stans.add(String((await peer.next()).fields[11]));
    expect(await sending).toBe(count);
    expect(stans.size).toBe(count);
    expect(server.stats.readPauses).toBeGreaterThanOrEqual(1);
    expect(server.stats.connectionsOpen).toBe(1);
    expect(server.stats.connectionsClosed.writeStall).toBe(0);
  }, 120_000);

  it('stops the idle clock while reading is paused for unread answers, and restarts it once they are read', async () => {
    // The server's timers and Date.now run on a clock the test moves; sockets, and the loop turn that confirms a
    // timer, are real.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    try {
      const log = capture();
      const { server, port } = await startServer(bigAnswer, { logger: log.logger, maxWriteBufferBytes: 16_384, writeStallMs: 0, idleTimeoutMs: 1_000, frameTimeoutMs: 0 });
      const peer = await rawSocket(port);
      const count = 20_000; // 19 MB of answers, several times what the kernel buffers
      const sending = pipeline(peer.socket, count, peer.closed);
      await log.when((e) => e.event === 'reading paused: answers not read');
      // Paused by the server itself: a minute of its clock is not the peer's idleness.
      vi.advanceTimersByTime(60_000);
      await new Promise((r) => setImmediate(r));
      await new Promise((r) => setImmediate(r));
      expect(log.entries.filter((e) => e.event === 'connection closed')).toEqual([]);
      for (let i = 0; i < count; i++) await peer.next();
      expect(await sending).toBe(count);
      expect(server.stats.connectionsOpen).toBe(1);
      // Every answer read and nothing more sent: the idle clock runs again, and its limit closes the connection.
      const idle = log.when(closedBy('idleTimeout'));
      vi.advanceTimersByTime(1_000);
      await idle;
      expect(server.stats.connectionsClosed.idleTimeout).toBe(1);
    } finally {
      vi.useRealTimers();
    }
  }, 120_000);
});

/** A TCP peer that accepts and never reads a byte (its sockets stay paused). */
async function deafPeer(): Promise<{ port: number; server: RawServer; sockets: Socket[] }> {
  const sockets: Socket[] = [];
  const server = rawServer({ pauseOnConnect: true }, (s) => {
    s.on('error', () => {});
    sockets.push(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  deaf.push({ server, sockets });
  return { port: (server.address() as { port: number }).port, server, sockets };
}
const deaf: { server: RawServer; sockets: Socket[] }[] = [];
afterEach(async () => {
  for (const d of deaf.splice(0)) {
    for (const s of d.sockets) s.destroy();
    await new Promise<void>((r) => d.server.close(() => r()));
  }
});

const bigRequest = (stan: number): IsoMessage => ({ ...echo(stan), fields: { ...echo(stan).fields, 48: 'y'.repeat(900) } });

describe('client write backpressure', () => {
  it('refuses new requests with WRITE_BUFFER_FULL, writing nothing, once maxWriteBufferBytes are unsent', async () => {
    const { port } = await deafPeer();
    const client = await startClient(port, { maxWriteBufferBytes: 65_536, writeStallMs: 0 });
    let refused: unknown;
    let sent = 0;
    // 30,000 requests are 28 MB, far beyond the kernel's buffers.
    for (; sent < 30_000; sent++) {
      try {
        client.send(bigRequest(sent));
      } catch (e) {
        refused = e;
        break;
      }
    }
    expect(isIso8583NetError(refused) && refused.code).toBe('WRITE_BUFFER_FULL');
    expect(sent).toBeGreaterThan(0);
    const request = await client.request(bigRequest(999_999), { timeoutMs: 60_000 }).catch((e: unknown) => e);
    expect(isIso8583NetError(request) && request.code).toBe('WRITE_BUFFER_FULL');
    expect(client.pending).toBe(0);
  });

  it('accepts requests again once the peer has read everything written (drained)', async () => {
    const peer = await deafPeer();
    const client = await startClient(peer.port, { maxWriteBufferBytes: 65_536, writeStallMs: 0 });
    let sent = 0;
    for (; sent < 30_000; sent++) {
      try {
        client.send(bigRequest(sent));
      } catch {
        break;
      }
    }
    expect(sent).toBeLessThan(30_000);
    for (const s of peer.sockets) s.resume(); // the peer starts reading, and drops what it reads
    await client.drained();
    expect(() => client.send(bigRequest(999_998))).not.toThrow();
  });

  it('closes a link whose peer reads nothing for writeStallMs; every request ends answered or rejected with a code', async () => {
    const { port } = await deafPeer();
    const log = capture();
    const client = await startClient(port, { maxWriteBufferBytes: 65_536, writeStallMs: 200, logger: log.logger });
    const outcomes: Promise<string>[] = [];
    for (let i = 0; i < 30_000; i++) {
      const outcome = client.request(bigRequest(i), { timeoutMs: 600_000 }).then(
        () => 'answered',
        (e: unknown) => (isIso8583NetError(e) ? e.code : 'other'),
      );
      outcomes.push(outcome);
      if (client.pending === outcomes.length - 1) break; // the last one was refused: the buffer is full
    }
    const codes = await Promise.all(outcomes);
    expect(new Set(codes)).toEqual(new Set(['CLOSED', 'WRITE_BUFFER_FULL']));
    expect(codes.at(-1)).toBe('WRITE_BUFFER_FULL');
    expect(client.pending).toBe(0);
    expect(log.entries).toContainEqual(expect.objectContaining({ level: 'warn', event: 'peer not reading; connection closed' }));
    const after = await client.request(bigRequest(1)).catch((e: unknown) => e);
    expect(isIso8583NetError(after) && after.code).toBe('CLOSED');
  });
});
