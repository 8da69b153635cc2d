/**
 * The client's transports beyond plain TCP, on loopback: TLS and mutual TLS through node:tls against the library's
 * own TLS server (certificates made at test time by openssl), and a socket factory the caller supplies.
 */
import { connect as tcpConnect, type Socket } from 'node:net';
import { Duplex } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, isIso8583NetError, type PeerConnection } from '../../src/net/index.js';
import { approve, codec, echo, framing, HANG_GUARD_MS, type IsoMessage, startServer } from './helpers/loopback.js';
import { makeTestCerts } from './helpers/test-certs.js';

const certs = makeTestCerts();
afterAll(() => certs.remove());

const opened: { close(): Promise<void> }[] = [];
afterAll(async () => {
  await Promise.all(opened.map((c) => c.close()));
});

async function mutualTlsServer() {
  const peers: PeerConnection<IsoMessage>[] = [];
  const tls = { key: certs.serverKey, cert: certs.serverCert, ca: certs.ca, requestCert: true, rejectUnauthorized: true };
  const { port } = await startServer((m, ctx) => (peers.push(ctx.peer!), approve(m)), { tls });
  return { port, peers };
}

describe('a client over TLS', () => {
  it('carries requests over mutual TLS, the server seeing it by its client certificate', async () => {
    const { port, peers } = await mutualTlsServer();
    const client = await connect({ host: '127.0.0.1', port, codec, framing, timeoutMs: HANG_GUARD_MS, tls: { ca: certs.ca, cert: certs.clientCert, key: certs.clientKey } });
    opened.push(client);
    expect(await client.request(echo(1))).toEqual(approve(echo(1)));
    expect(peers[0]!.tls).toMatchObject({ authorized: true, protocol: expect.stringMatching(/^TLSv1\.[23]$/) });
  });

  it('fails with CONNECT_FAILED naming the TLS code when it does not trust the server certificate', async () => {
    const { port } = await mutualTlsServer();
    const e = await connect({ host: '127.0.0.1', port, codec, framing, tls: { cert: certs.clientCert, key: certs.clientKey } }).catch((x: unknown) => x);
    expect(isIso8583NetError(e) && e.code).toBe('CONNECT_FAILED');
    expect((e as Error).message).toMatch(/^CONNECT_FAILED: could not connect \([A-Z_]+\)$/);
    expect((e as Error).message).not.toContain('BEGIN');
  });
});

describe('a client over a socket factory', () => {
  it('connects through the stream the factory returns, waiting for a net.Socket still connecting; no host or port needed', async () => {
    const { port } = await startServer(approve);
    let made = 0;
    const client = await connect({ codec, framing, timeoutMs: HANG_GUARD_MS, socket: () => (made++, tcpConnect({ host: '127.0.0.1', port })) });
    opened.push(client);
    expect(await client.request(echo(2))).toEqual(approve(echo(2)));
    expect(made).toBe(1);
  });

  it('takes a promise of a connected stream', async () => {
    const { port } = await startServer(approve);
    const socket = (): Promise<Socket> =>
      new Promise((resolve) => {
        const s = tcpConnect({ host: '127.0.0.1', port });
        s.once('connect', () => resolve(s));
      });
    const client = await connect({ codec, framing, timeoutMs: HANG_GUARD_MS, socket });
    opened.push(client);
    expect(await client.request(echo(3))).toEqual(approve(echo(3)));
  });

  it('fails with CONNECT_FAILED when the factory rejects or returns no stream', async () => {
    const refused = Object.assign(new Error('proxy said no'), { code: 'EPROXY' });
    const rejected = await connect({ codec, framing, socket: () => Promise.reject(refused) }).catch((x: unknown) => x);
    expect(isIso8583NetError(rejected) && rejected.code).toBe('CONNECT_FAILED');
    expect((rejected as Error).message).toBe('CONNECT_FAILED: could not connect (EPROXY)');
    const notStream = await connect({ codec, framing, socket: () => ({}) as Duplex }).catch((x: unknown) => x);
    expect((notStream as Error).message).toBe('CONNECT_FAILED: could not connect (NOT_A_STREAM)');
  });

  it("refuses requests once a factory stream's own high-water mark is reached, however large maxWriteBufferBytes is", async () => {
    const stuck = new Duplex({ writableHighWaterMark: 1024, write: () => undefined, read: () => undefined });
    const client = await connect({ codec, framing, socket: () => stuck, maxWriteBufferBytes: 1_048_576, writeStallMs: HANG_GUARD_MS, timeoutMs: HANG_GUARD_MS });
    opened.push(client);
    let refused = false;
    for (let i = 0; i < 1000 && !refused; i++) {
      try {
        client.send(echo(10 + i));
      } catch (e) {
        refused = isIso8583NetError(e) && e.code === 'WRITE_BUFFER_FULL';
        if (!refused) throw e;
      }
    }
    expect(refused).toBe(true);
    expect(stuck.writableLength).toBeGreaterThanOrEqual(1024);
    expect(stuck.writableLength).toBeLessThan(1_048_576);
  });

  it('refuses requests with WRITE_BUFFER_FULL on a factory stream that never consumes writes, and closes it after writeStallMs', async () => {
    // A Duplex whose write callback never runs: every byte stays buffered, as with a peer that stopped reading.
    const stuck = new Duplex({ writableHighWaterMark: 1024, write: () => undefined, read: () => undefined });
    const client = await connect({ codec, framing, socket: () => stuck, maxWriteBufferBytes: 1024, writeStallMs: 50, timeoutMs: HANG_GUARD_MS });
    opened.push(client);
    const first = client.request(echo(4));
    const refusedAt = Array.from({ length: 200 }, (_, i) => i).find((i) => {
      try {
        client.send(echo(10 + i));
        return false;
      } catch (e) {
        return isIso8583NetError(e) && e.code === 'WRITE_BUFFER_FULL';
      }
    });
    expect(refusedAt).toBeDefined();
    await expect(client.request(echo(5))).rejects.toMatchObject({ code: 'WRITE_BUFFER_FULL' });
    await expect(first).rejects.toMatchObject({ code: 'CLOSED' });
    expect(stuck.destroyed).toBe(true);
  });
});
