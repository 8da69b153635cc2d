/**
 * TLS and mutual TLS on the server, over real loopback sockets. The certificates are made at test time by the
 * `openssl` command in a temporary folder (a CA, a server certificate for 127.0.0.1, a client certificate it signs,
 * and a self-signed client certificate it does not), so no key is committed and none outlives the run.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { type AddressInfo, connect as tcpConnect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect, type ConnectionOptions, type TLSSocket } from 'node:tls';
import { afterAll, describe, expect, it } from 'vitest';
import { createServer, DEFAULT_SERVER_LIMITS, isIso8583NetError, type PeerConnection, readFrames, type ServerOptions } from '../../src/net/index.js';
import { createListener } from '../../src/net/server-listener.js';
import { approve, capture, codec, echo, framing, type IsoMessage, wire } from './helpers/loopback.js';

const dir = mkdtempSync(join(tmpdir(), 'iso8583-tls-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const openssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
openssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=Test Network CA');
/** A key and a certificate for `subject`, signed by the test CA (extensions from `ext`). */
function signed(name: string, subject: string, ext: string): void {
  writeFileSync(join(dir, `${name}.ext`), ext);
  openssl('req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subject);
  openssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '2', '-extfile', `${name}.ext`);
}
signed('server', '/CN=localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
signed('client', '/O=Test Network/CN=network-a', 'extendedKeyUsage=clientAuth\n');
openssl('req', '-x509', ...ec, '-keyout', 'rogue.key', '-out', 'rogue.pem', '-days', '2', '-subj', '/CN=network-a');
const pem = (name: string): Buffer => readFileSync(join(dir, name));
const serverTls = { key: pem('server.key'), cert: pem('server.pem') };
const mutual = { ...serverTls, ca: pem('ca.pem'), requestCert: true };

const servers: { close(ms: number): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close(100)));
});

async function tlsServer(extra: Partial<ServerOptions<IsoMessage>>) {
  const seen: PeerConnection<IsoMessage>[] = [];
  const server = createServer({ codec, framing, handler: (m, ctx) => (seen.push(ctx.peer!), approve(m)), ...extra });
  servers.push(server);
  const { port } = await server.listen(0);
  return { server, port, seen };
}

/** A TLS client that trusts the test CA; resolves once its socket closes or it read one answer. */
function client(port: number, options: ConnectionOptions = {}): { socket: TLSSocket; closed: Promise<void>; next: () => Promise<IsoMessage | 'closed'> } {
  const socket = tlsConnect({ host: '127.0.0.1', port, ca: pem('ca.pem'), ...options });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((r) => socket.once('close', () => r()));
  const frames = readFrames(socket, framing)[Symbol.asyncIterator]();
  return {
    socket,
    closed,
    next: async () => {
      try {
        const f = await frames.next();
        return f.done === true ? 'closed' : codec.decode(f.value.message);
      } catch {
        return 'closed';
      }
    },
  };
}

describe('a TLS server', () => {
  it('serves a client that trusts its certificate, and tells the protocol but no peer certificate', async () => {
    const { server, port, seen } = await tlsServer({ tls: serverTls });
    const c = client(port);
    c.socket.write(wire(echo(1)));
    expect(await c.next()).toEqual(approve(echo(1)));
    expect(seen[0]!.tls).toEqual({ authorized: false, subject: undefined, fingerprint256: undefined, protocol: expect.stringMatching(/^TLSv1\.[23]$/) });
    expect(server.stats).toMatchObject({ connectionsAccepted: 1, handshakesFailed: 0, handshakeTimeouts: 0 });
    c.socket.destroy();
  });

  it('cuts off a peer whose handshake is not complete within handshakeTimeoutMs, counted and logged', async () => {
    const log = capture();
    // The peer below never sends a byte: only the time limit can close it, however slow the machine.
    const { server, port } = await tlsServer({ tls: serverTls, handshakeTimeoutMs: 50, logger: log.logger });
    expect(server.limits.handshakeTimeoutMs).toBe(50);
    const silent = tcpConnect({ host: '127.0.0.1', port });
    silent.on('error', () => undefined);
    await new Promise<void>((r) => silent.once('close', () => r()));
    await log.when((e) => e.event === 'tls handshake failed');
    expect(server.stats).toMatchObject({ handshakeTimeouts: 1, handshakesFailed: 0, connectionsAccepted: 0, connectionsOpen: 0 });
    expect(log.entries).toContainEqual({ level: 'warn', event: 'tls handshake failed', meta: { code: 'ERR_TLS_HANDSHAKE_TIMEOUT' } });
  });

  it('arms no handshake timer with handshakeTimeoutMs 0, as docs/net.md says ("0: never"), and one of the limit otherwise', async () => {
    // Node reads a handshakeTimeout of 0 as its default, 120 s. The timer a server socket got is its `timeout`
    // (undefined: none), read while its handshake is under way, when Node logs its first key; the socket is then
    // cut (the listener allows half-open sockets, so the peer's end alone would not close it).
    const timerOf = async (handshakeTimeoutMs: number): Promise<number | undefined> => {
      const limits = { ...DEFAULT_SERVER_LIMITS, handshakeTimeoutMs };
      const { server } = createListener(serverTls, limits, { accepted: (s) => s.destroy(), dropped: () => undefined, handshakeFailed: () => undefined });
      const timer = new Promise<number | undefined>((r) =>
        server.once('keylog', (_line: Buffer, s: TLSSocket) => {
          r(s.timeout);
          s.destroy();
        }),
      );
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      const peer = tlsConnect({ host: '127.0.0.1', port: (server.address() as AddressInfo).port, ca: pem('ca.pem') });
      peer.on('error', () => undefined);
      try {
        return await timer;
      } finally {
        peer.destroy();
        await new Promise((r) => server.close(r));
      }
    };
    expect(await timerOf(0)).toBeUndefined();
    expect(await timerOf(50)).toBe(50);
  });

  it('counts a handshake under way against maxConnections, and close() cuts it', async () => {
    const { server, port } = await tlsServer({ tls: serverTls, handshakeTimeoutMs: 0, maxConnections: 1 });
    const silent = tcpConnect({ host: '127.0.0.1', port });
    silent.on('error', () => undefined);
    const silentClosed = new Promise<void>((r) => silent.once('close', () => r()));
    await new Promise<void>((r) => silent.once('connect', () => r()));
    const second = client(port);
    await second.closed;
    expect(server.stats).toMatchObject({ connectionsRefused: 1, connectionsAccepted: 0 });
    await server.close(100);
    await silentClosed;
  });

  it('drains a served TLS peer on close(): the answer of a request in flight is written before the connection ends', async () => {
    let release: () => void = () => undefined;
    let arrived: () => void = () => undefined;
    const inFlight = new Promise<void>((r) => (arrived = r));
    const { server, port } = await tlsServer({
      tls: serverTls,
      handler: async (m) => {
        arrived();
        await new Promise<void>((r) => (release = r));
        return approve(m);
      },
    });
    const c = client(port);
    c.socket.write(wire(echo(6)));
    await inFlight;
    const closing = server.close(60_000);
    release();
    expect(await c.next()).toEqual(approve(echo(6)));
    await closing;
    expect(server.stats.connectionsClosed.serverClose).toBe(1);
  });

  it('refuses tls options that make no secure context, a handshakeTimeout of its own, and a bad handshakeTimeoutMs, naming them', () => {
    const failure = (extra: object): unknown => {
      try {
        createServer({ codec, framing, handler: approve, ...extra });
      } catch (e) {
        return isIso8583NetError(e) ? { code: e.code, option: e.option, message: e.message } : e;
      }
      return undefined;
    };
    expect(failure({ tls: 'cert.pem' })).toMatchObject({ code: 'INVALID_OPTION', option: 'options.tls' });
    const garbled = failure({ tls: { key: 'not a key', cert: pem('server.pem') } }) as { option: string; message: string };
    expect(garbled.option).toBe('options.tls');
    expect(garbled.message).not.toContain('not a key');
    expect(garbled.message).toMatch(/\((ERR_[A-Z0-9_]+|E[A-Z]+|error)\)$/);
    expect(failure({ tls: { ...serverTls, handshakeTimeout: 5 } })).toMatchObject({ code: 'INVALID_OPTION', option: 'options.tls.handshakeTimeout' });
    expect(failure({ tls: serverTls, handshakeTimeoutMs: -1 })).toMatchObject({ code: 'INVALID_OPTION', option: 'options.handshakeTimeoutMs' });
  });
});

describe('a server with mutual TLS', () => {
  it('serves a client whose certificate the CA signed, and tells its subject and fingerprint to the handler and the peer list', async () => {
    const { server, port, seen } = await tlsServer({ tls: mutual });
    const accepted = new Promise<PeerConnection<IsoMessage>>((r) => server.on('connection', r));
    const c = client(port, { key: pem('client.key'), cert: pem('client.pem') });
    const peer = await accepted;
    c.socket.write(wire(echo(2)));
    expect(await c.next()).toEqual(approve(echo(2)));
    const fingerprint256 = new X509Certificate(pem('client.pem')).fingerprint256;
    expect(peer.tls).toEqual({ authorized: true, subject: { O: 'Test Network', CN: 'network-a' }, fingerprint256, protocol: expect.any(String) });
    expect(seen[0]).toBe(peer);
    expect(server.peers()[0]!.tls?.subject).toEqual({ O: 'Test Network', CN: 'network-a' });
    // Requests flow the other way too, over the same TLS connection.
    const answer = peer.request(echo(3, 'SERVER01'));
    const asked = await c.next();
    c.socket.write(wire(approve(asked as IsoMessage)));
    expect((await answer).fields[41]).toBe('SERVER01');
    c.socket.destroy();
  });

  it('refuses a client without a certificate, and one whose certificate the CA did not sign: never served, counted and logged', async () => {
    const log = capture();
    let handled = 0;
    // logIntervalMs 0: both failures are logged (a repeat is otherwise counted, not written).
    const { server, port } = await tlsServer({ tls: mutual, logger: log.logger, logIntervalMs: 0, handler: (m) => (handled++, approve(m)) });
    const bare = client(port);
    bare.socket.write(wire(echo(4)));
    expect(await bare.next()).toBe('closed');
    const rogue = client(port, { key: pem('rogue.key'), cert: pem('rogue.pem') });
    rogue.socket.write(wire(echo(5)));
    expect(await rogue.next()).toBe('closed');
    await log.when((e) => e.event === 'tls handshake failed', 2);
    expect(server.stats).toMatchObject({ handshakesFailed: 2, connectionsAccepted: 0, framesReceived: 0 });
    expect(handled).toBe(0);
    for (const e of log.entries.filter((x) => x.event === 'tls handshake failed')) expect(e.meta['code']).toMatch(/^(ERR_[A-Z0-9_]+|E[A-Z]+|error)$/);
  });
});
