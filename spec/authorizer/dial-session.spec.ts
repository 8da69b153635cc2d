import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULTS, FRAMING } from '../../examples/card-authorizer/src/config.js';
import { dialNetwork } from '../../examples/card-authorizer/src/dial.js';
import type { IsoMessage } from '../../examples/card-authorizer/src/iso.js';
import { createCodec, presets } from '../../src/index.js';
import { createServer, type Server, type StatusChange } from '../../src/net/index.js';
import { DATABASE_URL, KEYS } from './env.js';

/**
 * The authorizer's dial mode in process (src/dial.ts), against a network written here on loopback: what it sends to
 * sign on, to keep the link alive and to sign off, and how it answers a refused sign-on. Network management never
 * touches the database: the pool is never asked for a connection.
 */
const codec = createCodec(presets.iso87ascii);
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
const servers: Server<IsoMessage>[] = [];

afterAll(async () => {
  for (const s of servers) await s.close(0);
  await pool.end();
});

/** A network on loopback that records every 0800 it receives and answers it with `code(n)` (n from 1) as DE39. */
async function network(code: (n: number) => string): Promise<{ port: number; received: IsoMessage[]; next: (n: number) => Promise<IsoMessage> }> {
  const received: IsoMessage[] = [];
  const waiting: { n: number; resolve: (m: IsoMessage) => void }[] = [];
  const server = createServer({
    codec,
    framing: FRAMING,
    handler: (m) => {
      received.push(m);
      for (const w of waiting.filter((x) => x.n <= received.length)) w.resolve(received[w.n - 1]!);
      return { mti: '0810', fields: { 7: m.fields[7], 11: m.fields[11], 39: code(received.length), 70: m.fields[70] } };
    },
  });
  servers.push(server);
  const { port } = await server.listen(0, '127.0.0.1');
  const next = (n: number): Promise<IsoMessage> =>
    received.length >= n ? Promise.resolve(received[n - 1]!) : new Promise((resolve) => waiting.push({ n, resolve }));
  return { port, received, next };
}

describe('the authorizer dialling the network (src/dial.ts)', () => {
  it('signs on with an 0800 DE70 001 (DE7 and DE11 set), is up once it is answered 00, echoes with DE70 301 when idle, and signs off with DE70 002 on close', async () => {
    const net = await network(() => '00');
    const session = dialNetwork({ pool, keys: KEYS, target: { host: '127.0.0.1', port: net.port }, echoIdleMs: 50 });
    await session.whenUp();
    const signOn = await net.next(1);
    expect(signOn.mti).toBe('0800');
    expect(signOn.fields[70]).toBe('001');
    expect(signOn.fields[7]).toMatch(/^\d{10}$/);
    expect(signOn.fields[11]).toMatch(/^\d{6}$/);
    // Nothing else on the link: after echoIdleMs of quiet an echo, then another (each answered keeps the link up).
    const echo = await net.next(2);
    expect([echo.mti, echo.fields[70]]).toEqual(['0800', '301']);
    expect(echo.fields[11]).not.toBe(signOn.fields[11]);
    await net.next(3);
    expect(session.status).toBe('up');
    await session.close({ deadlineMs: 2000 });
    const last = net.received.at(-1)!;
    expect([last.mti, last.fields[70]]).toEqual(['0800', '002']);
    expect(new Set(net.received.map((m) => m.fields[11])).size).toBe(net.received.length);
    expect(session.status).toBe('closed');
  });

  it('takes a refused sign-on (0810 DE39 not 00) as a failed attempt and dials and signs on again', async () => {
    const net = await network((n) => (n === 1 ? '91' : '00'));
    const session = dialNetwork({ pool, keys: KEYS, target: { host: '127.0.0.1', port: net.port } });
    const changes: StatusChange[] = [];
    session.on('status', (c) => changes.push(c));
    await session.whenUp();
    expect(changes.find((c) => c.status === 'down')).toMatchObject({ reason: 'signOnFailed' });
    expect(net.received.slice(0, 2).map((m) => m.fields[70])).toEqual(['001', '001']);
    expect(session.stats.failedAttempts).toBe(1);
    await session.close({ deadlineMs: 2000 });
  });

  it('echoes after 30 s of quiet and dials again after 0.5 s doubling to 10 s by default (the README says so)', () => {
    expect(DEFAULTS).toMatchObject({ echoIdleMs: 30_000, reconnectMinMs: 500, reconnectMaxMs: 10_000 });
  });
});
