import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advise, type AdviceRequest, migrate } from '../../examples/card-authorizer/src/db.js';
import { DATABASE_URL, heldOn, insertCards, KEYS } from './env.js';

/**
 * The lock cycle of an advice whose key was stored after its snapshot, forced step by step. An advice (0120) takes
 * its snapshot and waits for the account row; meanwhile a row is stored under its key (the authorization it shares
 * the key with) and a reversal locks that row and then waits for the account row. Once the advice takes the account
 * row (on a newer version), inserting its key would wait for the reversal, which waits for the advice: a deadlock.
 * The advice statement checks its key again there (key_unclaimed in schema.sql), runs again and answers from the
 * stored row, and the reversal takes the account row. The advice's connections never run Postgres's deadlock check
 * in time (deadlock_timeout 10 min), so only the reversal's connection could break a cycle: if one formed, its
 * statement would fail with 40P01.
 */
const schema = `authz_keycycle_${process.pid}_${randomUUID().slice(0, 8)}`;
const APP = `keycycle-${randomUUID().slice(0, 8)}`;
const TODAY = '2026-11-24';
const PAN = '4300000000000001';
let pool: pg.Pool;
let advicePool: pg.Pool;

const connect = async (): Promise<pg.Client> => {
  const client = new pg.Client({ connectionString: DATABASE_URL, options: `-c search_path=${schema}` });
  await client.connect();
  return client;
};

/** Polls until `condition` holds: a wait for a state of the database, not for time to pass. */
async function until(condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('the awaited state never came');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** The advice's backends (by application name) that wait for a lock that `pid` holds. */
async function adviceBlockedBy(pid: number): Promise<boolean> {
  const { rows } = await pool.query<{ n: number }>(
    'select count(*)::int as n from pg_stat_activity where application_name = $1 and $2::int = any (pg_blocking_pids(pid))',
    [APP, pid],
  );
  return rows[0]!.n > 0;
}

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2, options: `-c search_path=${schema}` });
  await migrate(pool, schema);
  advicePool = new pg.Pool({ connectionString: DATABASE_URL, max: 1, application_name: APP, options: `-c search_path=${schema} -c deadlock_timeout=10min` });
  await pool.query("insert into accounts (id, currency, balance) values (1, '978', 10000)");
  await insertCards(pool, [{ id: 1, pan: PAN, accountId: 1 }]);
});

afterAll(async () => {
  await advicePool?.end();
  await pool?.query(`drop schema if exists "${schema}" cascade`);
  await pool?.end();
});

describe('an advice that takes the account row after a row was stored under its key, that row locked by a reversal', () => {
  it('runs again and answers from the stored row, and the reversal takes the account row without a deadlock', async () => {
    const key = 'keycycle-1';
    const request: AdviceRequest = { idemKey: key, requestHash: 'h', panKey: KEYS.pan(PAN), amount: 4_000n, today: TODAY, mti: '0120', originalLink: '', link: 'own-1' };
    const [gate, reversal] = [await connect(), await connect()];
    try {
      // A decision in flight on the account: the advice's snapshot predates it, and the advice waits for the row.
      await gate.query('begin');
      await gate.query('update accounts set decision_seq = decision_seq + 1 where id = 1');
      const gatePid = (await gate.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
      let answered = false;
      const advised = advise(advicePool, request).finally(() => (answered = true));
      await until(() => adviceBlockedBy(gatePid));
      // The row the advice's key names is stored (as that decision's authorization, approved), and a reversal locks it.
      await pool.query(
        "insert into transactions (idem_key, request_hash, account_id, card_id, mti, amount, approved, response_code, decision_seq) values ($1, 'h', 1, 1, '0100', 4000, 4000, '00', 1)",
        [key],
      );
      await reversal.query('begin');
      await reversal.query('update transactions set released = released where idem_key = $1', [key]);
      const reversalPid = (await reversal.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
      await gate.query('commit');
      // The advice either answers (it checked its key again) or waits for the reversal's row (a cycle once the
      // reversal waits for the account row).
      await until(async () => answered || (await adviceBlockedBy(reversalPid)));
      await reversal.query('select 1 from accounts where id = 1 for update');
      await reversal.query('commit');
      expect(await advised).toEqual({ responseCode: '00', released: 0n, duplicate: true });
      expect(await heldOn(pool, 1, TODAY)).toBe(0n);
    } finally {
      await gate.end();
      await reversal.end();
    }
  });
});
