import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, FRAMING, loadConfig, loadSimulatorConfig } from '../../examples/card-authorizer/src/config.js';
import { seed } from '../../examples/card-authorizer/src/database.js';
import { migrate } from '../../examples/card-authorizer/src/db.js';
import type { IsoMessage } from '../../examples/card-authorizer/src/iso.js';
import { macModule, type MacSetting, withMac } from '../../examples/card-authorizer/src/message-auth.js';
import { startAuthorizer } from '../../examples/card-authorizer/src/server.js';
import { simulate } from '../../examples/card-authorizer/src/simulate.js';
import { createCodec, presets } from '../../src/index.js';
import { type Client, connect, type NetLogger, type Server } from '../../src/net/index.js';
import { SecretKey, verifyMessageMac } from '../../src/security/index.js';
import { DATABASE_URL, KEYS } from './env.js';

/** The authorizer with AUTHORIZER_MAC_KEY over real TCP against the real Postgres, each server in its own schema. */
const codec = createCodec(presets.iso87ascii);
/** Test keys only (hex, as AUTHORIZER_MAC_KEY takes them); never real keys. */
const TDES_KEY = '0123456789ABCDEFFEDCBA9876543210';
const AES_KEY = '2B7E151628AED2A6ABF7158809CF4F3C';
const RETAIL: MacSetting = { algorithm: 'retail', key: SecretKey.from('tdes', TDES_KEY) };
const CMAC: MacSetting = { algorithm: 'cmac', key: SecretKey.from('aes', AES_KEY) };
/** A deadline no decision reaches however loaded the machine, so every answer is a decision. */
const UNREACHABLE_DEADLINE_MS = 600_000;

interface Running {
  readonly pool: pg.Pool;
  readonly server: Server;
  readonly port: number;
  readonly schema: string;
  readonly logged: string[];
}
const running: Running[] = [];
const clients: Client[] = [];

/** A server on a schema of its own with the 100 demo cards, MACs on when `mac` is given; its log lines are kept. */
async function start(mac: MacSetting | undefined): Promise<Running> {
  const schema = `authz_mac_${process.pid}_${randomUUID().slice(0, 8)}`;
  const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 8, options: `-c search_path=${schema}` });
  await migrate(pool, schema);
  await seed(pool, KEYS, 100);
  const logged: string[] = [];
  const keep = (event: string, meta?: Record<string, unknown>): void => void logged.push(JSON.stringify({ event, meta }));
  const logger: NetLogger = { info: keep, warn: keep, error: keep };
  const { server, port } = await startAuthorizer({ pool, keys: KEYS, deadlineMs: UNREACHABLE_DEADLINE_MS, logger, mac, clock: () => new Date('2026-11-24T10:00:00Z') });
  const r = { pool, server, port, schema, logged };
  running.push(r);
  return r;
}

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  for (const r of running) {
    await r.server.close(1000);
    await r.pool.query(`drop schema if exists "${r.schema}" cascade`);
    await r.pool.end();
  }
});

async function client(port: number): Promise<Client> {
  const c = await connect({ host: '127.0.0.1', port, codec, framing: FRAMING, timeoutMs: 120_000 });
  clients.push(c);
  return c;
}

let stan = 0;
function auth(amount: number): IsoMessage {
  stan++;
  return {
    mti: '0100',
    fields: {
      2: '4000000000000001', 3: '000000', 4: String(amount).padStart(12, '0'), 7: '1124100000',
      11: String(stan % 1_000_000).padStart(6, '0'), 18: '5411', 32: '123456', 37: `MAC${String(stan).padStart(9, '0')}`,
      41: `M${String(stan % 10_000_000).padStart(7, '0')}`, 49: '978',
    },
  };
}

/** The rows the decision statement wrote for a request (by its STAN). */
async function rowsOf(r: Running, request: IsoMessage): Promise<number> {
  const { rows } = await r.pool.query<{ n: string }>('select count(*) as n from transactions where idem_key like $1', [`%|${String(request.fields[11])}|%`]);
  return Number(rows[0]!.n);
}

describe('the authorizer with AUTHORIZER_MAC_KEY (retail MAC, ANSI X9.19)', () => {
  let r: Running;
  let c: Client;
  const security = macModule(RETAIL);
  beforeAll(async () => {
    r = await start(RETAIL);
    c = await client(r.port);
  }, 120_000);

  it('decides a request whose MAC verifies, and signs its answer', async () => {
    const request = auth(1_000);
    const answer = (await c.request(await withMac(codec, request, security))) as IsoMessage;
    expect(answer.fields[39]).toBe('00');
    await verifyMessageMac(codec, answer, security);
    expect(await rowsOf(r, request)).toBe(1);
  });

  it('answers 63, signed, to a request without a MAC or with a wrong one, and writes no row for it', async () => {
    const unsigned = auth(1_000);
    const tampered = auth(1_000);
    const signed = await withMac(codec, tampered, security);
    const altered: IsoMessage = { ...signed, fields: { ...signed.fields, 4: '000000999999' } };
    for (const request of [unsigned, altered]) {
      const answer = (await c.request(request)) as IsoMessage;
      expect(answer.mti).toBe('0110');
      expect(answer.fields[39]).toBe('63');
      await verifyMessageMac(codec, answer, security);
    }
    expect(await rowsOf(r, unsigned)).toBe(0);
    expect(await rowsOf(r, tampered)).toBe(0);
  });

  it('answers 63 to a request signed under another key', async () => {
    const request = auth(500);
    const answer = (await c.request(await withMac(codec, request, macModule({ algorithm: 'retail', key: SecretKey.from('tdes', 'FEDCBA98765432100123456789ABCDEF') })))) as IsoMessage;
    expect(answer.fields[39]).toBe('63');
    expect(await rowsOf(r, request)).toBe(0);
  });

  it('answers network management (0800 echo) without a MAC', async () => {
    const answer = (await c.request({ mti: '0800', fields: { 7: '1124100000', 11: '999001', 70: '301' } })) as IsoMessage;
    expect(answer.fields[39]).toBe('00');
    expect(answer.fields[64]).toBeUndefined();
  });

  it('logs the refusals by code, never the key', () => {
    expect(r.logged.join('\n')).toMatch(/MAC_MISSING/);
    expect(r.logged.join('\n')).toMatch(/MAC_MISMATCH/);
    for (const line of r.logged) expect(line.toUpperCase()).not.toContain(TDES_KEY);
  });
});

describe('the authorizer without AUTHORIZER_MAC_KEY (the default)', () => {
  it('decides an unsigned request as before, and its answer carries no MAC', async () => {
    const r = await start(undefined);
    const c = await client(r.port);
    const request = auth(1_000);
    const answer = (await c.request(request)) as IsoMessage;
    expect(answer.fields[39]).toBe('00');
    expect(answer.fields[64]).toBeUndefined();
    expect(await rowsOf(r, request)).toBe(1);
  }, 120_000);
});

describe('the simulator with AUTHORIZER_MAC_KEY', () => {
  it('signs every request so none is answered 63 by an authorizer with the same key (AES-CMAC)', async () => {
    const r = await start(CMAC);
    const summary = await simulate({ port: r.port, count: 300, clients: 4, timeoutMs: 120_000, mac: CMAC });
    expect(summary.stopped).toBeUndefined();
    expect(summary.sent).toBe(300);
    const codes = [...summary.byKind.values()].flatMap((m) => [...m.keys()]);
    expect(codes).not.toContain('63');
    expect(summary.byKind.get('0100 authorization')?.get('00') ?? 0).toBeGreaterThan(0);
    // Reversals carry DE90, so their MAC is in DE128.
    expect(summary.byKind.get('0400 reversal')?.get('00') ?? 0).toBeGreaterThan(0);
  }, 240_000);

  it('is answered 63 without the key by an authorizer that has one', async () => {
    const r = await start(CMAC);
    const summary = await simulate({ port: r.port, count: 40, clients: 2, timeoutMs: 120_000 });
    expect(summary.byKind.get('0100 authorization')?.get('63') ?? 0).toBeGreaterThan(0);
    expect(summary.byKind.get('0100 authorization')?.get('00')).toBeUndefined();
  }, 240_000);
});

describe('AUTHORIZER_MAC_KEY and AUTHORIZER_MAC_ALGORITHM', () => {
  it('are off by default, retail with a double-length TDES key, cmac with an AES key', () => {
    expect(loadConfig({}).mac).toBeUndefined();
    const retail = loadConfig({ AUTHORIZER_MAC_KEY: TDES_KEY }).mac!;
    expect(retail.algorithm).toBe('retail');
    expect(retail.key.algorithm).toBe('tdes');
    for (const hex of [AES_KEY, 'ab'.repeat(24), 'ab'.repeat(32)]) {
      const cmac = loadConfig({ AUTHORIZER_MAC_KEY: hex, AUTHORIZER_MAC_ALGORITHM: 'cmac' }).mac!;
      expect(cmac.algorithm).toBe('cmac');
      expect(cmac.key.algorithm).toBe('aes');
    }
    expect(loadSimulatorConfig({ AUTHORIZER_MAC_KEY: TDES_KEY }).mac?.algorithm).toBe('retail');
  });

  it('refuse a key that is not hex or not of the algorithm\'s length, an unknown algorithm, and dial mode, never showing the key', () => {
    const cases: [NodeJS.ProcessEnv, RegExp][] = [
      [{ AUTHORIZER_MAC_KEY: 'zz'.repeat(16) }, /^AUTHORIZER_MAC_KEY must be a double-length TDES key/],
      [{ AUTHORIZER_MAC_KEY: 'ab'.repeat(24) }, /^AUTHORIZER_MAC_KEY must be a double-length TDES key: 32 hex digits/],
      [{ AUTHORIZER_MAC_KEY: 'ab'.repeat(8), AUTHORIZER_MAC_ALGORITHM: 'cmac' }, /^AUTHORIZER_MAC_KEY must be an AES key: 32, 48 or 64 hex digits/],
      [{ AUTHORIZER_MAC_KEY: TDES_KEY, AUTHORIZER_MAC_ALGORITHM: 'x9.19' }, /^AUTHORIZER_MAC_ALGORITHM must be retail .* or cmac/],
      [{ AUTHORIZER_MAC_KEY: TDES_KEY, AUTHORIZER_DIAL: '127.0.0.1:7001' }, /^AUTHORIZER_MAC_KEY is for listen mode only/],
    ];
    for (const [env, message] of cases) {
      let error: unknown;
      try {
        loadConfig(env);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message.toUpperCase()).not.toContain(String(env.AUTHORIZER_MAC_KEY).toUpperCase());
    }
  });

  it('hold the key in a SecretKey that does not print its bytes', () => {
    const config = loadConfig({ AUTHORIZER_MAC_KEY: TDES_KEY });
    expect(JSON.stringify(config.mac).toUpperCase()).not.toContain(TDES_KEY);
    expect(String(config.mac!.key).toUpperCase()).not.toContain(TDES_KEY);
  });
});
