/**
 * What a sequence test over TCP needs: an authorizer on a schema of its own (dropped afterwards), accounts with one
 * card each, messages built from one another (repeats, reversals, advices), and the account's money as stored.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { FRAMING } from '../../examples/card-authorizer/src/config.js';
import { migrate } from '../../examples/card-authorizer/src/db.js';
import { createAuthorizerHandler } from '../../examples/card-authorizer/src/handler.js';
import type { IsoMessage } from '../../examples/card-authorizer/src/iso.js';
import { startAuthorizer } from '../../examples/card-authorizer/src/server.js';
import { createCodec, presets } from '../../src/index.js';
import { type Client, connect, type Server } from '../../src/net/index.js';
import { DATABASE_URL, heldOn, insertCard, KEYS } from './env.js';

/** The business date of every request (DE7 is 1124100000). */
export const TODAY = '2026-11-24';
/** A deadline no decision reaches, however loaded the machine: these tests are about money, not speed. */
const UNREACHABLE_DEADLINE_MS = 600_000;

type Fields = Record<number, string | undefined>;

export const amount = (n: number): string => String(n).padStart(12, '0');
/** DE95 of a partial reversal that leaves `kept` (actual transaction and settlement amounts, no fees). */
export const de95 = (kept: number): string => `${amount(kept)}${amount(kept)}C00000000C00000000`;
/** DE90 naming `original`: its MTI, STAN, DE7 and acquirer, then a zero forwarding institution. */
export const de90 = (o: IsoMessage): string => `${o.mti}${o.fields[11]}${o.fields[7]}${(o.fields[32] ?? '').padStart(11, '0')}${'0'.repeat(11)}`;

/** A message with the absent (undefined) elements left out. */
export function message(mti: string, fields: Record<number, string | Uint8Array | undefined>): IsoMessage {
  const present: IsoMessage['fields'] = {};
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) (present as Record<number, string | Uint8Array>)[Number(k)] = v;
  return { mti, fields: present };
}

/** `m` again under its own key (the same DE7, DE11, DE32, DE37, DE41) as `mti`, with `fields` changed. */
export const again = (m: IsoMessage, mti: string, fields: Fields = {}): IsoMessage => message(mti, { ...m.fields, ...fields });

export interface SequenceHarness {
  /** A new account of `balance` with one card (expiry 2912): its id and PAN. */
  card(balance: number, options?: { partial?: boolean; limit?: bigint }): Promise<{ id: number; pan: string }>;
  /** The account's ledger balance and what it holds today. */
  state(id: number): Promise<{ balance: number; held: number }>;
  /** An 0100 purchase with a fresh STAN and RRN; `fields` adds, replaces or (with undefined) removes elements. */
  purchase(pan: string, value: number, fields?: Fields): IsoMessage;
  /** A message of `original`'s elements under a fresh STAN (a reversal, completion or advice of it). */
  follow(original: IsoMessage, mti: string, fields?: Fields): IsoMessage;
  request(m: IsoMessage): Promise<IsoMessage>;
  /**
   * Hands `m` to an authorizer handler of its own on the same schema, beside the TCP server: for requests sent at
   * the same moment under one key, which the client refuses to have in flight twice. Handlers of another `process`
   * number stand for other authorizer processes: they share no queue (src/bursts.ts).
   */
  handle(m: IsoMessage, process?: number): Promise<IsoMessage | undefined>;
  /** The answer's DE39. */
  code(m: IsoMessage): Promise<string | undefined>;
  query<R extends pg.QueryResultRow>(sql: string, values: unknown[]): Promise<R[]>;
}

/** Registers the hooks that start an authorizer on a fresh schema `authz_<name>_…` and drop it afterwards. */
export function sequenceHarness(name: string): SequenceHarness {
  const schema = `authz_${name}_${process.pid}_${randomUUID().slice(0, 8)}`;
  const codec = createCodec(presets.iso87ascii);
  let pool: pg.Pool;
  let server: Server;
  let client: Client;
  const handlers = new Map<number, (m: IsoMessage) => Promise<IsoMessage | undefined>>();
  let nextCard = 1;
  let stan = 0;
  const next = (): string => String(++stan).padStart(6, '0');

  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4, options: `-c search_path=${schema}` });
    await migrate(pool, schema);
    const started = await startAuthorizer({ pool, keys: KEYS, deadlineMs: UNREACHABLE_DEADLINE_MS, clock: () => new Date(`${TODAY}T10:00:00Z`) });
    server = started.server;
    client = await connect({ host: '127.0.0.1', port: started.port, codec, framing: FRAMING, timeoutMs: 120_000 });
  });

  afterAll(async () => {
    await client?.close();
    await server?.close(1000);
    await pool?.query(`drop schema if exists "${schema}" cascade`);
    await pool?.end();
  });

  const request = (m: IsoMessage): Promise<IsoMessage> => client.request(m);
  return {
    async card(balance, options = {}) {
      const id = nextCard++;
      const pan = `4200${String(id).padStart(12, '0')}`;
      await pool.query("insert into accounts (id, currency, balance) values ($1, '978', $2)", [id, balance]);
      await insertCard(pool, { id, pan, partial: options.partial ?? false, limitAmount: options.limit ?? null });
      return { id, pan };
    },
    async state(id) {
      const { rows } = await pool.query<{ balance: string }>('select balance from accounts where id = $1', [id]);
      return { balance: Number(rows[0]!.balance), held: Number(await heldOn(pool, id, TODAY)) };
    },
    purchase(pan, value, fields = {}) {
      const s = next();
      return message('0100', {
        2: pan, 3: '000000', 4: amount(value), 7: '1124100000', 11: s, 18: '5411', 32: '123456', 37: `RRN000${s}`,
        41: 'TERM0001', 42: 'MERCHANT0000001', 49: '978', ...fields,
      });
    },
    follow: (original, mti, fields = {}) => message(mti, { ...original.fields, 11: next(), ...fields }),
    request,
    handle: (m, process = 0) => {
      let handler = handlers.get(process);
      if (handler === undefined) {
        handler = createAuthorizerHandler({ pool, keys: KEYS, deadlineMs: UNREACHABLE_DEADLINE_MS, clock: () => new Date(`${TODAY}T10:00:00Z`) });
        handlers.set(process, handler);
      }
      return handler(m);
    },
    code: async (m) => (await request(m)).fields[39] as string | undefined,
    query: async <R extends pg.QueryResultRow>(sql: string, values: unknown[]) => (await pool.query<R>(sql, values)).rows,
  };
}
