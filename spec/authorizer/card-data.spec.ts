import { randomUUID } from 'node:crypto';
import { Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRAMING } from '../../examples/card-authorizer/src/config.js';
import { migrate } from '../../examples/card-authorizer/src/db.js';
import type { IsoMessage } from '../../examples/card-authorizer/src/iso.js';
import { startAuthorizer } from '../../examples/card-authorizer/src/server.js';
import { createCodec, presets } from '../../src/index.js';
import { connect, encodeFrame, type NetLogger, type Server } from '../../src/net/index.js';
import { DATABASE_URL, insertCard, KEYS } from './env.js';

/**
 * Card data (PCI DSS): the authorizer stores a keyed digest of the PAN as its lookup key and only the last four
 * digits for display; no table, log entry or error ever holds a PAN, whatever the request and whatever fails.
 */
const schema = `authz_pan_${process.pid}_${randomUUID().slice(0, 8)}`;
const codec = createCodec(presets.iso87ascii);
const PANS = ['4000123456789010', '4000999988887777', '5500001111222233'];
const logged: string[] = [];
const logger: NetLogger = {
  info: (event, meta) => logged.push(JSON.stringify({ event, meta })),
  warn: (event, meta) => logged.push(JSON.stringify({ event, meta })),
  error: (event, meta) => logged.push(JSON.stringify({ event, meta })),
};
let pool: pg.Pool;
let server: Server;
let port: number;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4, options: `-c search_path=${schema}` });
  await migrate(pool, schema);
  await pool.query("insert into accounts (id, currency, balance) values (1, '978', 100000)");
  await insertCard(pool, { id: 1, pan: PANS[0]!, accountId: 1 });
  ({ server, port } = await startAuthorizer({ pool, keys: KEYS, deadlineMs: 600_000, logger, clock: () => new Date('2026-11-24T10:00:00Z') }));
});

afterAll(async () => {
  await server?.close(1000);
  await pool?.query(`drop schema if exists "${schema}" cascade`);
  await pool?.end();
});

let stan = 0;
function request(mti: string, pan: string, extra: IsoMessage['fields'] = {}): IsoMessage {
  stan++;
  return {
    mti,
    fields: {
      2: pan, 3: '000000', 4: '000000001000', 7: '1124100000', 11: String(stan).padStart(6, '0'), 14: '2912', 18: '5411',
      32: '123456', 37: `PAN${String(stan).padStart(9, '0')}`, 41: 'TERM0001', 42: 'MERCHANT0000001', 49: '978', ...extra,
    },
  };
}

/** Every row of every table of the schema, as text. */
async function everythingStored(): Promise<string> {
  const { rows } = await pool.query<{ t: string }>(
    `select table_name as t from information_schema.tables where table_schema = $1`,
    [schema],
  );
  let all = '';
  for (const { t } of rows) all += JSON.stringify((await pool.query(`select * from "${t}"`)).rows);
  return all;
}

describe('card data', () => {
  it('never holds a PAN in a table, a log entry or an error, whatever the requests and failures', async () => {
    const client = await connect({ host: '127.0.0.1', port, codec, framing: FRAMING, timeoutMs: 120_000 });
    const approved = request('0100', PANS[0]!);
    expect((await client.request(approved)).fields[39]).toBe('00');
    expect((await client.request({ ...approved, mti: '0101' })).fields[39]).toBe('00');
    expect((await client.request(request('0100', PANS[1]!))).fields[39]).toBe('14');
    expect((await client.request(request('0400', PANS[0]!, { 37: approved.fields[37] }))).fields[39]).toBe('00');
    expect((await client.request(request('0400', PANS[2]!))).fields[39]).toBe('14');
    expect((await client.request(request('0220', PANS[0]!))).fields[39]).toBe('00');
    expect((await client.request(request('0100', PANS[0]!, { 3: '300000' }))).fields[39]).toBe('00');
    // A frame that does not decode (DE4 not digits) and still carries a PAN: logged by code, field and offset.
    const bad = Buffer.from(codec.encode(request('0100', PANS[0]!))).toString('latin1').replace('000000001000', '00000000100X');
    const raw = new Socket();
    await new Promise<void>((resolve) => raw.connect(port, '127.0.0.1', resolve));
    const answered = new Promise<void>((resolve) => raw.once('data', () => resolve()));
    raw.write(encodeFrame(FRAMING, { message: Buffer.from(bad, 'latin1') }));
    await answered;
    raw.destroy();
    // The database failing under a request: answered 96, logged with the database's error code only.
    await pool.query('alter table transactions rename to transactions_gone');
    expect((await client.request(request('0100', PANS[0]!))).fields[39]).toBe('96');
    expect((await client.request(request('0400', PANS[0]!))).fields[39]).toBe('96');
    await pool.query('alter table transactions_gone rename to transactions');
    await client.close();

    expect(logged.some((l) => l.includes('malformed frame'))).toBe(true);
    expect(logged.filter((l) => l.includes('decision failed'))).toHaveLength(2);
    const stored = await everythingStored();
    for (const pan of PANS) {
      expect(logged.join('\n')).not.toContain(pan);
      expect(stored).not.toContain(pan);
    }
    // The card is found by a keyed digest, and shows only its last four digits.
    const { rows } = await pool.query<Record<string, unknown>>('select * from cards');
    expect(Object.keys(rows[0]!)).not.toContain('pan');
    expect(rows[0]!.pan_last4).toBe('9010');
    expect(rows[0]!.pan_key).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses to migrate a schema an earlier version created with the PAN in clear, and changes nothing in it', async () => {
    const old = `${schema}_old`;
    await pool.query(`create schema "${old}"; create table "${old}".cards (id bigint primary key, pan text not null unique)`);
    try {
      await expect(migrate(pool, old)).rejects.toThrow(
        `schema ${old} holds an earlier authorizer's tables, with PANs in clear (cards.pan): drop it (drop schema ${old} cascade) or set AUTHORIZER_SCHEMA to another`,
      );
      const { rows } = await pool.query<{ t: string }>('select table_name as t from information_schema.tables where table_schema = $1', [old]);
      expect(rows.map((r) => r.t)).toEqual(['cards']);
    } finally {
      await pool.query(`drop schema "${old}" cascade`);
    }
  });
});
