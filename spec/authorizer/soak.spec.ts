import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRAMING } from '../../examples/card-authorizer/src/config.js';
import { migrate } from '../../examples/card-authorizer/src/db.js';
import type { IsoMessage } from '../../examples/card-authorizer/src/iso.js';
import { startAuthorizer } from '../../examples/card-authorizer/src/server.js';
import { createCodec, presets } from '../../src/index.js';
import { type Client, connect, encodeFrame, isIso8583NetError, type NetLogger, type Server } from '../../src/net/index.js';
import { DATABASE_URL, heldOn, insertCards, KEYS } from './env.js';

/**
 * The reference authorizer under every hostile peer at once, for about 20 s: a pipeliner of 0800 echoes that never
 * reads its answers (echoes never touch the database, so the in-flight limit alone never stops it), slowloris
 * sockets and floods of silent connections, all from a child process so that their buffers are not in this
 * process's memory. Well-behaved acquirers keep authorizing meanwhile, and every approval they get is money the
 * account holds. Small limits keep the soak bounded in time; the defaults are the library's (spec/net/limits.spec.ts).
 */
const LIMITS = {
  maxConnections: 64,
  idleTimeoutMs: 1000,
  frameTimeoutMs: 800,
  writeStallMs: 1500,
  maxWriteBufferBytes: 32_768,
  maxInFlightPerConnection: 64,
};
const ATTACK = { attackMs: 15_000, graceMs: 20_000, pipeliners: 1, slowloris: 20, dripMs: 100, floods: 3, floodSize: 150 };
const GOOD_CLIENTS = 4;
/** A deadline no decision reaches however loaded the machine: every authorization is decided, never 91. */
const UNREACHABLE_DEADLINE_MS = 600_000;
const MB = 1024 * 1024;

const schema = `authz_soak_${process.pid}_${randomUUID().slice(0, 8)}`;
const codec = createCodec(presets.iso87ascii);
const BALANCE = 1_000_000_000n;
let pool: pg.Pool;
let server: Server;
let port: number;
const clients: Client<IsoMessage>[] = [];
const entries: { level: string; event: string; meta: Record<string, unknown> }[] = [];
const logger: NetLogger = {
  info: (event, meta = {}) => entries.push({ level: 'info', event, meta }),
  warn: (event, meta = {}) => entries.push({ level: 'warn', event, meta }),
  error: (event, meta = {}) => entries.push({ level: 'error', event, meta }),
};

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: DATABASE_URL, max: 8, options: `-c search_path=${schema}` });
  await migrate(pool, schema);
  await pool.query("insert into accounts (id, currency, balance) values (1, '978', $1)", [BALANCE.toString()]);
  await insertCards(pool, Array.from({ length: GOOD_CLIENTS }, (_, k) => ({ id: k + 1, pan: `40000000000000${String(k + 1).padStart(2, '0')}`, accountId: 1 })));
  ({ server, port } = await startAuthorizer({
    pool,
    keys: KEYS,
    deadlineMs: UNREACHABLE_DEADLINE_MS,
    clock: () => new Date('2026-11-24T10:00:00Z'),
    logger,
    limits: LIMITS,
  }));
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await server?.close(1000);
  await pool?.query(`drop schema if exists "${schema}" cascade`);
  await pool?.end();
});

function authorization(k: number, stan: number): IsoMessage {
  return {
    mti: '0100',
    fields: {
      2: `40000000000000${String(k + 1).padStart(2, '0')}`,
      3: '000000',
      4: '000000000100',
      7: '1124100000',
      11: String(stan % 1_000_000).padStart(6, '0'),
      18: '5411',
      32: '123456',
      37: `SOAK${k}${String(stan).padStart(7, '0')}`,
      41: `GOOD000${k}`,
      49: '978',
    },
  };
}

const echo = (stan: number, terminal: string): IsoMessage => ({
  mti: '0800',
  fields: { 7: '1124100000', 11: String(stan % 1_000_000).padStart(6, '0'), 41: terminal, 70: '301' },
});

interface Summary {
  tally: Record<'pipeliner' | 'slowloris' | 'flood', { opened: number; closedByServer: number }>;
  stillOpen: number;
  echoesSent: number;
}

function runHostilePeers(): Promise<Summary> {
  const script = fileURLToPath(new URL('../net/helpers/hostile-peers.ts', import.meta.url));
  const frame = encodeFrame(FRAMING, { message: codec.encode(echo(1, 'HOSTILE1')) });
  const config = { port, echoHex: Buffer.from(frame).toString('hex'), ...ATTACK };
  const child = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Summary) : reject(new Error(`hostile peers exited with ${code}`))));
  });
}

describe('soak: the reference authorizer under a non-reading peer, slowloris sockets and connection floods at once', () => {
  it('keeps memory bounded, keeps deciding for well-behaved acquirers, and cuts off and logs every bad peer', async () => {
    for (let k = 0; k < GOOD_CLIENTS; k++) {
      clients.push(await connect({ host: '127.0.0.1', port, codec, framing: FRAMING, timeoutMs: 120_000 }));
    }
    let attackRunning = true;
    let soakRunning = true;
    const answered = clients.map(() => ({ approvals: 0, echoes: 0, duringAttack: 0 }));
    const failures: string[] = [];
    // Well-behaved acquirers: a closed loop each, an authorization then an echo, for the whole soak.
    const loops = clients.map(async (c, k) => {
      for (let stan = 1; soakRunning; stan += 2) {
        try {
          const a = await c.request(authorization(k, stan));
          if (a.fields[39] !== '00') failures.push(`authorization answered ${String(a.fields[39])}`);
          else answered[k]!.approvals++;
          const e = await c.request(echo(stan + 1, `GOOD000${k}`));
          if (e.fields[39] !== '00') failures.push(`echo answered ${String(e.fields[39])}`);
          else answered[k]!.echoes++;
          if (attackRunning) answered[k]!.duringAttack++;
        } catch (e) {
          failures.push(isIso8583NetError(e) ? e.code : String(e));
          return;
        }
      }
    });
    await Promise.all(clients.map((c, k) => c.request(echo(999_999, `GOOD000${k}`))));

    const before = process.memoryUsage();
    const peak = { heapUsed: before.heapUsed, buffers: before.external + before.arrayBuffers, rss: before.rss };
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak.rss = Math.max(peak.rss, m.rss);
      peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed);
      peak.buffers = Math.max(peak.buffers, m.external + m.arrayBuffers);
    }, 100);

    const summary = await runHostilePeers();
    attackRunning = false;
    clearInterval(sampler);
    soakRunning = false;
    await Promise.all(loops);
    const stats = server.stats;
    const delta = {
      rss: (peak.rss - before.rss) / MB,
      heapUsed: (peak.heapUsed - before.heapUsed) / MB,
      buffers: (peak.buffers - before.external - before.arrayBuffers) / MB,
    };
    console.log(
      `authorizer soak: peak RSS +${delta.rss.toFixed(1)} MB, heap +${delta.heapUsed.toFixed(1)} MB, buffers +${delta.buffers.toFixed(1)} MB; ` +
        `${summary.echoesSent} echoes pipelined unread; approvals ${answered.map((a) => a.approvals).join(', ')}; ` +
        `closed by reason ${JSON.stringify(stats.connectionsClosed)}; refused ${stats.connectionsRefused}; hostile sockets ${JSON.stringify(summary.tally)}`,
    );

    // Every bad peer was disconnected by the server, for the reason it deserved, counted and logged.
    expect(summary.stillOpen).toBe(0);
    for (const kind of ['pipeliner', 'slowloris', 'flood'] as const) expect(summary.tally[kind].closedByServer).toBe(summary.tally[kind].opened);
    expect(stats.connectionsClosed.writeStall).toBeGreaterThanOrEqual(1);
    expect(stats.connectionsClosed.frameTimeout).toBeGreaterThanOrEqual(ATTACK.slowloris);
    expect(stats.connectionsClosed.idleTimeout).toBeGreaterThanOrEqual(1);
    expect(stats.connectionsRefused).toBeGreaterThanOrEqual(1);
    for (const reason of ['writeStall', 'frameTimeout', 'idleTimeout'] as const) {
      const logged = entries.filter((e) => e.level === 'warn' && e.event === 'connection closed' && e.meta['reason'] === reason).length;
      expect(logged).toBe(stats.connectionsClosed[reason]);
    }

    // The acquirers kept their links and got every answer, during the attack too.
    expect(failures).toEqual([]);
    for (const a of answered) expect(a.duringAttack).toBeGreaterThan(0);
    expect(stats.connectionsOpen).toBe(GOOD_CLIENTS);

    // Every approval is money the account holds: one row per approval, and the holds are their sum.
    const approvals = answered.reduce((n, a) => n + a.approvals, 0);
    const { rows } = await pool.query<{ n: string }>("select count(*) as n from transactions where response_code = '00' and mti = '0100'");
    expect(Number(rows[0]!.n)).toBe(approvals);
    expect(await heldOn(pool, 1, '2026-11-24')).toBe(100n * BigInt(approvals));

    // Memory stayed bounded: each hostile connection holds at most its read buffer, its write buffer and its
    // in-flight answers (64 connections: a few MB); the rest of the margin is garbage not yet collected.
    expect(delta.heapUsed).toBeLessThan(96);
    expect(delta.buffers).toBeLessThan(64);
  }, 180_000);
});
