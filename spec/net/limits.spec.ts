import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createServer, DEFAULT_CLIENT_LIMITS, DEFAULT_SERVER_LIMITS } from '../../src/net/index.js';
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

describe('server timeouts', () => {
  it('closes a connection that sends nothing within idleTimeoutMs, and logs why', async () => {
    const log = capture();
    const { server, port } = await startServer(approve, { idleTimeoutMs: 150, logger: log.logger });
    const silent = await rawSocket(port);
    await silent.closed;
    await log.when(closedBy('idleTimeout'));
    expect(server.stats.connectionsClosed.idleTimeout).toBe(1);
    expect(log.entries).toContainEqual({ level: 'warn', event: 'connection closed', meta: { reason: 'idleTimeout', idleTimeoutMs: 150 } });
  });

  it('closes a connection that goes silent after its answered frames by the idle limit, not the frame limit', async () => {
    const log = capture();
    const { server, port } = await startServer(approve, { idleTimeoutMs: 200, frameTimeoutMs: 60_000, logger: log.logger });
    const peer = await rawSocket(port);
    peer.socket.write(wire(echo(1)));
    expect((await peer.next()).fields[39]).toBe('00');
    await peer.closed;
    await log.when(closedBy('idleTimeout'));
    expect(server.stats.connectionsClosed).toMatchObject({ idleTimeout: 1, frameTimeout: 0 });
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
    let release: () => void = () => {};
    const held = new Promise<void>((r) => (release = r));
    const { server, port } = await startServer(
      async (m) => {
        if (m.fields[11] === '000001') await held;
        return approve(m, { header: undefined, remoteAddress: undefined });
      },
      { idleTimeoutMs: 100, maxInFlightPerConnection: 1 },
    );
    const peer = await rawSocket(port);
    peer.socket.write(wire(echo(1)));
    peer.socket.write(wire(echo(2)));
    // Hold the first request three times the idle limit: the server is not reading this peer meanwhile.
    setTimeout(release, 300);
    expect((await peer.next()).fields[11]).toBe('000001');
    expect((await peer.next()).fields[11]).toBe('000002');
    expect(server.stats.connectionsClosed.idleTimeout).toBe(0);
  });

  it('reads what arrived while its own event loop was stalled past the idle limit, instead of timing the peer out', async () => {
    const log = capture();
    const { server, port } = await startServer(approve, { idleTimeoutMs: 50, logger: log.logger });
    const peer = await rawSocket(port);
    await log.when((e) => e.event === 'connection accepted');
    peer.socket.write(wire(echo(7))); // handed to the kernel now
    const stalled = Date.now() + 200;
    while (Date.now() < stalled); // the whole process is stuck: the idle timer is due before the bytes are read
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

describe('client limits', () => {
  it('default to the values docs/net.md documents', async () => {
    const { port } = await startServer(approve);
    // The test clients' hang guard taken off: this client has the library's own defaults.
    const client = await startClient(port, { timeoutMs: undefined } as object);
    expect(documentedLimits('Client limits')).toEqual({ ...client.limits });
    expect(client.limits).toEqual(DEFAULT_CLIENT_LIMITS);
  });
});
