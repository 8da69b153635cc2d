import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRAMING } from '../../examples/card-authorizer/src/config.js';
import { migrate } from '../../examples/card-authorizer/src/db.js';
import type { IsoMessage } from '../../examples/card-authorizer/src/iso.js';
import { createCodec, presets } from '../../src/index.js';
import { type Client, connect } from '../../src/net/index.js';
import { DATABASE_URL, heldOn, insertCards, TEST_CARD_KEY } from './env.js';
import { replay } from './model.js';
import { listeningPort, type Running, runExample, terminate } from './processes.js';

/**
 * Two authorizer processes (src/main.ts, as deployed) against one Postgres and one account: nothing an authorizer
 * process holds in memory decides money, so acquirers spread over both get the answers one process would give.
 * Storms of authorizations through both, replayed through the reference model in lock order; identical requests
 * sent to both at once; every approval reversed through the process that did not decide it, each reversal sent to
 * both at once.
 */
const schema = `authz_2p_${process.pid}_${randomUUID().slice(0, 8)}`;
const codec = createCodec(presets.iso87ascii);
const BALANCE = 400_000n;
const CARDS = 8;
const pan = (k: number): string => `42000000000000${String(k + 1).padStart(2, '0')}`;
let pool: pg.Pool;
const processes: (Running & { port: number })[] = [];

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2, options: `-c search_path=${schema}` });
  await migrate(pool, schema);
  await pool.query("insert into accounts (id, currency, balance) values (1, '978', $1)", [BALANCE.toString()]);
  // Cards of one company on one account: the lunch-time hot row.
  await insertCards(pool, Array.from({ length: CARDS }, (_, k) => ({ id: k + 1, pan: pan(k), accountId: 1 })));
  for (let i = 0; i < 2; i++) {
    // Eight connections each keep both processes and this suite's pool far under max_connections; the deadline is one
    // no decision reaches, so every answer is a decision (these tests are about money, not speed).
    const running = runExample('main.ts', [], {
      DATABASE_URL, AUTHORIZER_SCHEMA: schema, AUTHORIZER_PAN_KEY: TEST_CARD_KEY, PORT: '0', DEADLINE_MS: '600000', AUTHORIZER_POOL_SIZE: '8',
    });
    processes.push({ ...running, port: await listeningPort(running) });
  }
}, 180_000);

afterAll(async () => {
  for (const p of processes) await terminate(p);
  await pool?.query(`drop schema if exists "${schema}" cascade`);
  await pool?.end();
});

let stan = 0;
function authorization(card: number, amount: number): IsoMessage {
  stan++;
  return {
    mti: '0100',
    fields: {
      2: pan(card), 3: '000000', 4: String(amount).padStart(12, '0'), 7: '1124100000', 11: String(stan).padStart(6, '0'), 18: '5411',
      32: '123456', 37: `TWO${String(stan).padStart(9, '0')}`, 41: `P${String(stan).padStart(7, '0')}`, 49: '978',
    },
  };
}

function reversalOf(original: IsoMessage): IsoMessage {
  stan++;
  const f = original.fields;
  return { mti: '0400', fields: { ...f, 11: String(stan).padStart(6, '0'), 90: `0100${f[11]}${f[7]}${String(f[32]).padStart(11, '0')}${'0'.repeat(11)}` } };
}

const keyOf = (m: IsoMessage): string => [m.mti[1], m.fields[7], m.fields[11], m.fields[32], m.fields[37], m.fields[41]].join('|');

describe('two authorizer processes against one Postgres, one account', () => {
  it('decide as one: no overspend, no false decline, identical twins answered once, each hold released once', async () => {
    // 32 acquirer connections to each process.
    const links: Client<IsoMessage>[][] = await Promise.all(
      processes.map((p) => Promise.all(Array.from({ length: 32 }, () => connect({ host: '127.0.0.1', port: p.port, codec, framing: FRAMING, timeoutMs: 120_000 })))),
    );
    try {
      const decided = new Map<string, { request: IsoMessage; by: number; code: string }>();
      await Promise.all(
        links.flatMap((clients, by) =>
          clients.map(async (c, k) => {
            for (let i = 0; i < 10; i++) {
              const request = authorization((k + i) % CARDS, 500 + Math.floor(Math.random() * 4_500));
              decided.set(keyOf(request), { request, by, code: String((await c.request(request)).fields[39]) });
            }
          }),
        ),
      );
      const { rows } = await pool.query<{ idem_key: string; amount: string; response_code: string; approved: string }>(
        "select idem_key, amount, response_code, approved from transactions where mti = '0100' order by decision_seq",
      );
      expect(rows).toHaveLength(640);
      const list = rows.map((r) => ({ amount: BigInt(r.amount), code: r.response_code, approved: BigInt(r.approved) }));
      expect(replay({ accountId: 1, balance: BALANCE, partial: false, limitAmount: null, limitCount: null }, list)).toEqual([]);
      expect(rows.filter((r) => decided.get(r.idem_key)?.code !== r.response_code)).toEqual([]);
      expect(new Set(rows.map((r) => r.response_code))).toEqual(new Set(['00', '51'])); // the storm ran the account dry
      const approved = list.reduce((s, d) => s + d.approved, 0n);
      expect(await heldOn(pool, 1, new Date().toISOString().slice(0, 10))).toBe(approved);

      // Identical requests through both processes at once: one decision, one hold, the same answer (DE39, DE38).
      const twins = await Promise.all(
        Array.from({ length: 8 }, async (_, k) => {
          const twin = authorization(k, 100);
          const [a, b] = await Promise.all([links[0]![k]!.request(twin), links[1]![k]!.request({ ...twin })]);
          return { twin, a, b };
        }),
      );
      for (const { a, b } of twins) expect([b.fields[39], b.fields[38]]).toEqual([a.fields[39], a.fields[38]]);
      const twinRows = await pool.query<{ n: number }>('select count(*)::int as n from transactions where idem_key = any ($1)', [twins.map((t) => keyOf(t.twin))]);
      expect(twinRows.rows[0]!.n).toBe(8);

      // Every approval reversed, the same 0400 through both processes at once: one release each.
      const approvals = [...decided.values()].filter((d) => d.code === '00');
      for (const { twin, a } of twins) if (a.fields[39] === '00') approvals.push({ request: twin, by: 0, code: '00' });
      await Promise.all(
        approvals.map(async ({ request, by }, i) => {
          const reversal = reversalOf(request);
          const other = 1 - by;
          const answers = await Promise.all([links[other]![i % 32]!.request(reversal), links[by]![i % 32]!.request({ ...reversal })]);
          expect(answers.map((x) => x.fields[39])).toEqual(['00', '00']);
        }),
      );
      const released = await pool.query<{ n: number; released: string }>("select count(*)::int as n, sum(released)::text as released from transactions where mti = '0400'");
      expect(released.rows[0]).toEqual({ n: approvals.length, released: (approved + 100n * BigInt(twins.filter((t) => t.a.fields[39] === '00').length)).toString() });
      expect(await heldOn(pool, 1, new Date().toISOString().slice(0, 10))).toBe(0n);
    } finally {
      await Promise.all(links.flat().map((c) => c.close()));
    }
  }, 240_000);
});
