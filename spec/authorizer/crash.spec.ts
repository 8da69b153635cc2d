import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRAMING } from '../../examples/card-authorizer/src/config.js';
import { migrate } from '../../examples/card-authorizer/src/db.js';
import type { IsoMessage } from '../../examples/card-authorizer/src/iso.js';
import { createCodec, presets } from '../../src/index.js';
import { connect, isIso8583NetError } from '../../src/net/index.js';
import { DATABASE_URL, heldOn, insertCard, TEST_CARD_KEY } from './env.js';
import { replay } from './model.js';
import { listeningPort, type Running, runExample } from './processes.js';

/**
 * Crash test: the authorizer process is killed (SIGKILL) in the middle of a storm, restarted, and every request is
 * retransmitted as a repeat (0101). Each request answered before the crash gets its original answer again; nothing
 * is held twice or lost, and the account still matches the model.
 */
const schema = `authz_crash_${process.pid}_${randomUUID().slice(0, 8)}`;
const codec = createCodec(presets.iso87ascii);
let pool: pg.Pool;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: DATABASE_URL, max: 4, options: `-c search_path=${schema}` });
  await migrate(pool, schema);
  await pool.query("insert into accounts (id, currency, balance) values (1, '978', 150000)");
  await insertCard(pool, { id: 1, pan: '4000000000000001' });
});

afterAll(async () => {
  await pool?.query(`drop schema if exists "${schema}" cascade`);
  await pool?.end();
});

/** Starts src/main.ts on this run's schema, with a deadline no decision reaches (this test is about answers). */
async function startProcess(): Promise<Running & { port: number }> {
  const running = runExample('main.ts', [], { DATABASE_URL, AUTHORIZER_SCHEMA: schema, AUTHORIZER_PAN_KEY: TEST_CARD_KEY, PORT: '0', DEADLINE_MS: '600000' });
  return { ...running, port: await listeningPort(running) };
}

function request(n: number): IsoMessage {
  return {
    mti: '0100',
    fields: {
      2: '4000000000000001', 3: '000000', 4: String(1_000 + ((n * 7919) % 4_000)).padStart(12, '0'), 7: '1124100000',
      11: String(n).padStart(6, '0'), 18: '5411', 32: '123456', 37: `CRASH${String(n).padStart(7, '0')}`,
      41: `C${String(n).padStart(7, '0')}`, 49: '978',
    },
  };
}

describe('crash and restart of the authorizer process', () => {
  it('gives every retransmitted request its original answer and holds nothing twice', async () => {
    const first = await startProcess();
    const requests = Array.from({ length: 120 }, (_, i) => request(i + 1));
    const answers = new Map<number, IsoMessage>();
    const clients = await Promise.all(
      Array.from({ length: 12 }, () => connect({ host: '127.0.0.1', port: first.port, codec, framing: FRAMING, timeoutMs: 120_000 })),
    );
    let killed = false;
    await Promise.all(
      clients.map(async (client, k) => {
        for (let i = k; i < requests.length; i += clients.length) {
          try {
            answers.set(i, await client.request(requests[i]!));
          } catch (e) {
            // The process died under us: the client settles what was in flight with CLOSED. Anything else is a failure.
            if (isIso8583NetError(e) && e.code === 'CLOSED') return;
            throw e;
          }
          if (!killed && answers.size >= 50) {
            killed = true;
            first.child.kill('SIGKILL');
          }
        }
      }),
    );
    expect(killed).toBe(true);
    await Promise.all(clients.map((c) => c.close()));

    const second = await startProcess();
    try {
      const client = await connect({ host: '127.0.0.1', port: second.port, codec, framing: FRAMING, timeoutMs: 120_000 });
      let unanswered = 0;
      for (let i = 0; i < requests.length; i++) {
        const repeat = await client.request({ ...requests[i]!, mti: '0101' });
        const before = answers.get(i);
        if (before !== undefined) {
          expect([repeat.fields[39], repeat.fields[38], repeat.fields[4]]).toEqual([before.fields[39], before.fields[38], before.fields[4]]);
        } else {
          // Unanswered before the kill (decided and committed, or never reached Postgres): a decision now, either way
          // (the deadline is one no decision reaches, so never 91), and the model replay below says it is the right one.
          expect(['00', '51']).toContain(repeat.fields[39]);
          unanswered++;
        }
      }
      // The kill came with requests still in flight or not yet sent.
      expect(unanswered).toBeGreaterThan(0);
      await client.close();
    } finally {
      second.child.kill('SIGTERM');
      await second.exited;
    }
    const { rows } = await pool.query<{ amount: string; response_code: string; approved: string }>(
      'select amount, response_code, approved from transactions where account_id = 1 order by decision_seq',
    );
    expect(rows).toHaveLength(requests.length); // one decision per request: none lost, none doubled
    const list = rows.map((r) => ({ amount: BigInt(r.amount), code: r.response_code, approved: BigInt(r.approved) }));
    expect(replay({ accountId: 1, balance: 150_000n, partial: false, limitAmount: null, limitCount: null }, list)).toEqual([]);
    // The authorizer's business date is today's (UTC): every hold it placed is live.
    expect(await heldOn(pool, 1, new Date().toISOString().slice(0, 10))).toBe(list.reduce((s, d) => s + d.approved, 0n));
  }, 120_000);
});
