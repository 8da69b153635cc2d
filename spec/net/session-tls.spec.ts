import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Network, startNetwork } from './helpers/network-peer.js';
import { purchase, startSession } from './helpers/session-fixtures.js';

/**
 * Mutual TLS through node:tls: a CA, a network certificate (for 127.0.0.1) and an issuer's client certificate are
 * made at test time with openssl in a temporary folder, never committed.
 */
let dir: string;
const pem: Record<'ca' | 'serverKey' | 'serverCert' | 'clientKey' | 'clientCert' | 'otherCa', string> = {
  ca: '',
  serverKey: '',
  serverCert: '',
  clientKey: '',
  clientCert: '',
  otherCa: '',
};

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'iso-session-tls-'));
  const ssl = (...args: string[]): void => void execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=test network CA');
  ssl('req', '-x509', ...ec, '-keyout', 'other.key', '-out', 'other.crt', '-days', '2', '-subj', '/CN=another CA');
  writeFileSync(join(dir, 'server.ext'), 'subjectAltName=IP:127.0.0.1\n');
  ssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=network');
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.crt', '-days', '2', '-extfile', 'server.ext');
  ssl('req', ...ec, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=issuer-test');
  ssl('x509', '-req', '-in', 'client.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'client.crt', '-days', '2');
  const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
  Object.assign(pem, { ca: read('ca.crt'), serverKey: read('server.key'), serverCert: read('server.crt'), clientKey: read('client.key'), clientCert: read('client.crt'), otherCa: read('other.crt') });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const networks: Network[] = [];
afterEach(async () => {
  await Promise.all(networks.splice(0).map((n) => n.close()));
});
async function tlsNetwork(): Promise<Network> {
  const n = await startNetwork({ tls: { key: pem.serverKey, cert: pem.serverCert, ca: pem.ca, requestCert: true, rejectUnauthorized: true } });
  networks.push(n);
  return n;
}

describe('a session over mutual TLS', () => {
  it('signs on and carries requests over node:tls, the network seeing the issuer by its client certificate', async () => {
    const net = await tlsNetwork();
    const { session } = startSession(net.port, { tls: { ca: pem.ca, cert: pem.clientCert, key: pem.clientKey } });
    await session.whenUp();
    expect((await session.request(purchase(77))).fields[4]).toBe('000000000077');
    const socket = net.links[0]!.socket as TLSSocket;
    expect(socket.encrypted).toBe(true);
    expect(socket.getPeerCertificate().subject.CN).toBe('issuer-test');
  });

  it('never comes up without a client certificate the network trusts: each attempt fails and is retried', async () => {
    const net = await tlsNetwork();
    const { session, next, changes } = startSession(net.port, { tls: { ca: pem.ca } });
    await next((c) => c.status === 'down' && c.failures >= 1);
    expect(changes.some((c) => c.status === 'up')).toBe(false);
    expect(session.stats.failedAttempts).toBeGreaterThanOrEqual(2);
    expect(net.links.every((l) => !l.management.includes('001'))).toBe(true);
  });

  it('refuses a network whose certificate is not signed by the CA it was given (connectFailed, with the TLS code)', async () => {
    const net = await tlsNetwork();
    const { next, changes } = startSession(net.port, { tls: { ca: pem.otherCa, cert: pem.clientCert, key: pem.clientKey } });
    const down = await next((c) => c.status === 'down');
    expect(down.reason).toBe('connectFailed');
    expect(down.code).toMatch(/^[A-Z][A-Z_]+$/);
    expect(changes.some((c) => c.status === 'signing-on' || c.status === 'up')).toBe(false);
    expect(net.links).toHaveLength(0);
  });
});
