import { readFileSync } from 'node:fs';
import { type AddressInfo, createServer as createRawServer, type Server as RawServer, type Socket } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServer, DEFAULT_CLIENT_LIMITS, DEFAULT_SERVER_LIMITS, isIso8583NetError } from '../../src/net/index.js';
import { approve, capture, closedBy, codec, echo, framing, rawSocket, startClient, startServer, wire } from './helpers/loopback.js';

/** The `| \`name\` | 1,234 |` rows of one `### heading` section of docs/net.md. */
function documentedLimits(heading: string): Record<string, number> {
  const doc = readFileSync(new URL('../../docs/net.md', import.meta.url), 'utf8');
  const start = doc.indexOf(`### ${heading}`);
  expect(start).toBeGreaterThan(0);
  const section = doc.slice(start, doc.indexOf('\n#', start + 1));
  const documented: Record<string, number> = {};
  for (const m of section.matchAll(/^\| `(\w+)` \| ([\d,]+) \|/gm)) documented[m[1]!] = Number(m[2]!.replaceAll(',', ''));
  return documented;
}

describe('server connection cap', () => {
  it('closes the connection beyond maxConnections at once, counts and logs it, and serves the others', async () => {
    const log = capture();
    const { server, port } = await startServer(approve, { maxConnections: 2, logger: log.logger });
    const first = await startClient(port);
    await log.when((e) => e.event === 'connection accepted');
    const second = await rawSocket(port);
    await log.when((e) => e.event === 'connection accepted', 2);
    const third = await rawSocket(port);
    await third.closed;
    expect(server.stats.connectionsRefused).toBe(1);
    expect(log.entries).toContainEqual({ level: 'warn', event: 'connection refused', meta: { reason: 'maxConnections', maxConnections: 2 } });
    expect((await first.request(echo(1))).fields[39]).toBe('00');
    second.socket.write(wire(echo(2)));
    expect((await second.next()).fields[11]).toBe('000002');
    expect(server.stats.connectionsOpen).toBe(2);
  });

  it('accepts a new connection once a slot is free again', async () => {
    const log = capture();
    const { server, port } = await startServer(approve, { maxConnections: 1, logger: log.logger });
    const first = await rawSocket(port);
    await log.when((e) => e.event === 'connection accepted');
    first.socket.destroy();
    await log.when(closedBy('peer'));
    const second = await startClient(port);
    expect((await second.request(echo(3))).fields[39]).toBe('00');
    expect(server.stats.connectionsRefused).toBe(0);
    expect(server.stats.connectionsAccepted).toBe(2);
  });
});

/**
 * The server's idle and frame clock (src/net/peer-clock.ts) reads `Date.now()` and sets `setTimeout`: faked, they
 * move only when the test moves them, so whether a well-behaved peer is cut off never depends on how fast the machine
 * runs. Sockets, `setImmediate` and the rest of the event loop stay real.
 */
function fakeClock(): void {
  vi.useFakeTimers({ toFake: ['Date', 'setTimeout', 'clearTimeout'] });
}

/** One turn of the real event loop (`setImmediate`): an expiry confirmed by then has happened. */
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * Moves the server's clock by `ms`, then lets one loop turn pass: a timer that fires is confirmed one `setImmediate`
 * later (the clock's stall guard), queued before this turn's, so a connection it expires has been cut by then.
 */
async function advance(ms: number): Promise<void> {
  vi.advanceTimersByTime(ms);
  await turn();
}

describe('server timeouts', () => {
  // Before the loopback fixtures close their servers (close(100) sets a real timer).
  afterEach(() => {
    vi.useRealTimers();
  });

  it('closes a connection that sends nothing within idleTimeoutMs, and logs why', async () => {
    const log = capture();
    const { server, port } = await startServer(approve, { idleTimeoutMs: 150, logger: log.logger });
    const silent = await rawSocket(port);
    await silent.closed;
    await log.when(closedBy('idleTimeout'));
    expect(server.stats.connectionsClosed.idleTimeout).toBe(1);
    expect(log.entries).toContainEqual({ level: 'warn', event: 'connection closed', meta: { reason: 'idleTimeout', idleTimeoutMs: 150 } });
  });

  it('switch off with 0: a silent connection and one holding half a frame stay open however long the clock runs', async () => {
    // A clock the test moves (timers and Date.now); sockets are real. The defaults, 300 s and 30 s, would have fired.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
    const log = capture();
    const { server, port } = await startServer(approve, { idleTimeoutMs: 0, frameTimeoutMs: 0, logger: log.logger });
    const silent = await rawSocket(port);
    const half = await rawSocket(port);
    await log.when((e) => e.event === 'connection accepted', 2);
    // A request, then the first byte of a 64-byte frame in the same write: once the request is answered, the server
    // has read the half frame too.
    half.socket.write(Buffer.concat([wire(echo(1)), Uint8Array.of(0x00, 0x40, 0x30)]));
    expect((await half.next()).fields[11]).toBe('000001');
    vi.advanceTimersByTime(24 * 3_600_000);
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(server.stats.connectionsOpen).toBe(2);
    expect(log.entries.filter((e) => e.event === 'connection closed')).toEqual([]);
    // Still served: the silent peer's first request, a day later, is answered.
    silent.socket.write(wire(echo(2)));
    expect((await silent.next()).fields[11]).toBe('000002');
  });

  it('restarts the idle limit with every frame, and closes a connection that goes silent after them by the idle limit, not the frame limit', async () => {
    fakeClock();
    const idle = 1_000;
    const log = capture();
    const { server, port } = await startServer(approve, { idleTimeoutMs: idle, frameTimeoutMs: 60_000, logger: log.logger });
    const peer = await rawSocket(port);
    await log.when((e) => e.event === 'connection accepted');
    // Each frame comes 1 ms before the limit: twice the limit in all, answered because each frame restarts it.
    for (const stan of [1, 2]) {
      await advance(idle - 1);
      peer.socket.write(wire(echo(stan)));
      expect((await peer.next()).fields[11]).toBe(String(stan).padStart(6, '0'));
    }
    // Silent for the idle limit after the last answered frame: cut then, by that limit.
    await advance(idle);
    await peer.closed;
    await log.when(closedBy('idleTimeout'));
    expect(server.stats.connectionsClosed).toMatchObject({ idleTimeout: 1, frameTimeout: 0 });
    expect(log.entries).toContainEqual({ level: 'warn', event: 'connection closed', meta: { reason: 'idleTimeout', idleTimeoutMs: idle } });
  });

  it('closes a connection whose frame is started and not finished within frameTimeoutMs (slowloris)', async () => {
    const log = capture();
    const { server, port } = await startServer(approve, { frameTimeoutMs: 150, idleTimeoutMs: 60_000, logger: log.logger });
    const loris = await rawSocket(port);
    const bytes = wire(echo(1));
    loris.socket.write(bytes.subarray(0, 3)); // the length header and one byte of the message
    await loris.closed;
    await log.when(closedBy('frameTimeout'));
    expect(server.stats.connectionsClosed).toMatchObject({ frameTimeout: 1, idleTimeout: 0 });
    expect(log.entries).toContainEqual({ level: 'warn', event: 'connection closed', meta: { reason: 'frameTimeout', frameTimeoutMs: 150 } });
  });

  it('does not let a dribbling peer extend its frame deadline byte by byte', async () => {
    const { server, port } = await startServer(approve, { frameTimeoutMs: 300, idleTimeoutMs: 60_000 });
    const loris = await rawSocket(port);
    const bytes = wire({ ...echo(1), fields: { ...echo(1).fields, 48: 'x'.repeat(900) } });
    let sent = 0;
    // A byte every 5 ms, far more often than the limit: the whole frame would take at least 4.6 s.
    const drip = setInterval(() => {
      if (sent < bytes.length - 1) loris.socket.write(bytes.subarray(sent, ++sent));
    }, 5);
    await loris.closed;
    clearInterval(drip);
    expect(server.stats.connectionsClosed.frameTimeout).toBe(1);
    expect(sent).toBeLessThan(bytes.length - 1); // cut while still dripping, not after the drip ran dry
  });

  it('stops its clocks while it is not reading the connection itself (requests in flight)', async () => {
    fakeClock();
    const idle = 1_000;
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    let entered: () => void = () => {};
    const handling = new Promise<void>((r) => (entered = r));
    const { server, port } = await startServer(
      async (m) => {
        if (m.fields[11] === '000001') {
          entered();
          await held;
        }
        return approve(m);
      },
      { idleTimeoutMs: idle, maxInFlightPerConnection: 1 },
    );
    const peer = await rawSocket(port);
    peer.socket.write(wire(echo(1)));
    peer.socket.write(wire(echo(2)));
    // The first request is in the handler, the only one allowed in flight: the server has stopped reading this peer
    // (in the same call that handed the request over). Held three times the idle limit, it is not the peer's fault.
    await handling;
    await advance(3 * idle);
    release();
    expect((await peer.next()).fields[11]).toBe('000001');
    expect((await peer.next()).fields[11]).toBe('000002');
    expect(server.stats.connectionsClosed.idleTimeout).toBe(0);
  });

  it('reads what arrived while its own event loop was stalled past the idle limit, instead of timing the peer out', async () => {
    fakeClock();
    const idle = 1_000;
    const log = capture();
    const { server, port } = await startServer(approve, { idleTimeoutMs: idle, logger: log.logger });
    const peer = await rawSocket(port);
    await log.when((e) => e.event === 'connection accepted');
    // From a setImmediate callback: the server's next I/O poll comes before the immediates queued from here.
    await turn();
    peer.socket.write(wire(echo(7))); // handed to the kernel now, not read by the server yet
    // The whole process is stuck (real time passes, the kernel takes the bytes) and its clock is found four times past
    // the idle limit: the idle timer fires first, the poll that follows reads the bytes, and they win.
    const stalled = performance.now() + 200;
    while (performance.now() < stalled);
    vi.advanceTimersByTime(4 * idle);
    expect((await peer.next()).fields[11]).toBe('000007');
    expect(server.stats.connectionsClosed.idleTimeout).toBe(0);
  });
});

describe('server close reasons', () => {
  it('name an oversized frame, a malformed length header, a frame cut by the end of the stream, and a peer that left', async () => {
    const log = capture();
    const { server, port } = await startServer(approve, { maxFrameBytes: 1024, logger: log.logger }, { length: 'bcd2' });
    const big = await rawSocket(port);
    big.socket.write(new Uint8Array([0x20, 0x00])); // 2000 bytes announced
    const bad = await rawSocket(port);
    bad.socket.write(new Uint8Array([0x0a, 0x00])); // not BCD digits
    const cut = await rawSocket(port);
    cut.socket.end(new Uint8Array([0x00, 0x30, 0x30])); // 30 bytes announced, 1 sent, then FIN
    const polite = await rawSocket(port);
    polite.socket.end();
    await Promise.all([big.closed, bad.closed, cut.closed, polite.closed]);
    await log.when((e) => e.event === 'connection closed', 4);
    expect(server.stats.connectionsClosed).toMatchObject({ frameTooLarge: 1, invalidFrame: 1, truncatedFrame: 1, peer: 1 });
    expect(log.entries).toContainEqual({ level: 'warn', event: 'connection closed', meta: { reason: 'frameTooLarge', maxFrameBytes: 1024 } });
    expect(log.entries).toContainEqual({ level: 'info', event: 'connection closed', meta: { reason: 'peer' } });
  });

  it('name a peer that resets its connection socketError, logged as a socket error with its system code', async () => {
    const log = capture();
    const { server, port } = await startServer(approve, { logger: log.logger });
    const reset = await rawSocket(port);
    await log.when((e) => e.event === 'connection accepted');
    reset.socket.resetAndDestroy(); // an RST, not a FIN
    await log.when((e) => e.event === 'connection closed');
    expect(server.stats.connectionsClosed).toMatchObject({ socketError: 1, peer: 0 });
    expect(log.entries).toContainEqual({ level: 'warn', event: 'socket error', meta: { code: 'ECONNRESET' } });
    expect(log.entries).toContainEqual(expect.objectContaining({ event: 'connection closed', meta: { reason: 'socketError' } }));
  });
});

describe('server limits', () => {
  it('default to the values docs/net.md documents', () => {
    const server = createServer({ codec, framing, handler: approve });
    expect(documentedLimits('Server limits')).toEqual({ ...server.limits });
    expect(server.limits).toEqual(DEFAULT_SERVER_LIMITS);
  });

  it('are stated with their defaults in docs/security.md', () => {
    const security = readFileSync(new URL('../../docs/security.md', import.meta.url), 'utf8');
    for (const [name, value] of Object.entries(DEFAULT_SERVER_LIMITS)) {
      expect(security, name).toContain(`\`${name}\` ${value.toLocaleString('en-US')}`);
    }
  });

  it('are the options given, where given', () => {
    const server = createServer({ codec, framing, handler: approve, maxConnections: 3, idleTimeoutMs: 0, writeStallMs: 10 });
    expect(server.limits).toMatchObject({ maxConnections: 3, idleTimeoutMs: 0, writeStallMs: 10, frameTimeoutMs: 30_000 });
  });
});

const rawServers: RawServer[] = [];
const sockets: Socket[] = [];
afterEach(async () => {
  for (const s of sockets.splice(0)) s.destroy();
  for (const p of rawServers.splice(0)) await new Promise<void>((r) => p.close(() => r()));
});

describe('client limits', () => {
  it('default to the values docs/net.md documents', async () => {
    const { port } = await startServer(approve);
    // The test clients' hang guard taken off: this client has the library's own defaults.
    const client = await startClient(port, { timeoutMs: undefined } as object);
    expect(documentedLimits('Client limits')).toEqual({ ...client.limits });
    expect(client.limits).toEqual(DEFAULT_CLIENT_LIMITS);
  });

  it('bound the largest incoming frame by maxFrameBytes: one of exactly the limit is read, one byte more closes the link', async () => {
    // A peer that answers the first request with a frame of exactly 1,024 bytes (junk, so it is counted undecodable)
    // and the second with a length header announcing 1,025 bytes.
    let requests = 0;
    const peer = createRawServer((s) => {
      sockets.push(s);
      s.on('error', () => {});
      s.on('data', () => {
        requests++;
        s.write(requests === 1 ? Buffer.concat([Buffer.of(0x04, 0x00), Buffer.alloc(1024, 0x39)]) : Buffer.of(0x04, 0x01));
      });
    });
    await new Promise<void>((r) => peer.listen(0, '127.0.0.1', () => r()));
    rawServers.push(peer);
    const log = capture();
    const client = await startClient((peer.address() as AddressInfo).port, { maxFrameBytes: 1024, logger: log.logger });
    const first = client.request(echo(1)).catch((e: unknown) => e);
    await log.when((e) => e.event === 'undecodable response');
    expect(client.stats.undecodable).toBe(1);
    // The link is gone: the request that got the junk and the one that got the oversized header both end CLOSED.
    for (const e of [await client.request(echo(2)).catch((e: unknown) => e), await first]) expect(isIso8583NetError(e) && e.code).toBe('CLOSED');
    expect(log.entries).toContainEqual({ level: 'error', event: 'client stream failed', meta: { code: 'FRAME_TOO_LARGE' } });
  });
});
