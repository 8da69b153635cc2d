import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, type AuthorizationRequest, type AuthorizationResult, migrate, QUERIES } from '../../examples/card-authorizer/src/db.js';
import { DATABASE_URL, insertCard, KEYS } from './env.js';
import { replay } from './model.js';

/**
 * The race the query pack is designed against, forced instead of hoped for: several decisions on one account all
 * take their statement snapshot before any of them commits. A gate transaction holds the account row
 * (`FOR UPDATE`); the decisions start, each on a connection of its own, and are let through only once every one of
 * them is seen waiting for a lock, so each snapshot predates every other decision's commit. In READ COMMITTED the
 * naive statement (`FOR UPDATE` in a CTE, holds summed over transactions) then reads no hold at all in every one of
 * them and approves them all, whatever the machine's speed; the real statement decides them in the order the row
 * lock grants, exactly as the model does. No timing is involved: the storms in storm.spec.ts find the race by
 * volume, this finds it by construction.
 */
const schema = `authz_gate_${process.pid}_${randomUUID().slice(0, 8)}`;
const TODAY = '2026-11-24';
const DECISIONS = 8;
let pool: pg.Pool;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: DATABASE_URL, max: DECISIONS + 4, options: `-c search_path=${schema} -c statement_timeout=120000` });
  await migrate(pool, schema);
});

afterAll(async () => {
  await pool?.query(`drop schema if exists "${schema}" cascade`);
  await pool?.end();
});

async function seed(accountId: number, balance: bigint): Promise<string> {
  const pan = `4${String(accountId).padStart(15, '0')}`;
  await pool.query('insert into accounts (id, currency, balance) values ($1, $2, $3)', [accountId, '978', balance.toString()]);
  await insertCard(pool, { id: accountId, pan });
  return KEYS.pan(pan);
}

function request(panKey: string, amount: bigint): AuthorizationRequest {
  const key = randomUUID();
  return { idemKey: key, requestHash: `h-${amount}`, panKey, amount, currency: '978', mcc: '5411', today: TODAY, mti: '0100', link: `L-${key}` };
}

/**
 * Resolves once every backend of `pids` waits for a lock (pg_stat_activity), polled on a connection of its own;
 * rejects only past `timeoutMs`, which only a hang reaches.
 */
async function allWaitingForALock(pids: readonly number[], timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await pool.query<{ n: number }>(
      "select count(*)::int as n from pg_stat_activity where pid = any($1::int[]) and wait_event_type = 'Lock'",
      [pids],
    );
    if (rows[0]!.n === pids.length) return;
    if (Date.now() > deadline) throw new Error(`only ${rows[0]!.n} of ${pids.length} decisions waited for a lock within ${timeoutMs} ms`);
    // The poll interval of a wait for a condition (nothing to subscribe to), not a wait for time to pass.
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Runs the requests through `statement` with every snapshot taken before any of them commits (see above). */
async function throughTheGate(accountId: number, requests: readonly AuthorizationRequest[], statement: string): Promise<AuthorizationResult[]> {
  const gate = await pool.connect();
  const deciders = await Promise.all(requests.map(() => pool.connect()));
  try {
    const pids = await Promise.all(deciders.map(async (c) => (await c.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid));
    await gate.query('begin');
    await gate.query('select 1 from accounts where id = $1 for update', [accountId]);
    const decided = Promise.allSettled(requests.map((r, i) => authorize(deciders[i]!, r, statement)));
    try {
      await allWaitingForALock(pids);
    } finally {
      await gate.query('commit');
    }
    const settled = await decided;
    return settled.map((s) => {
      if (s.status === 'rejected') throw s.reason;
      return s.value;
    });
  } finally {
    gate.release();
    for (const c of deciders) c.release();
  }
}

async function decisions(accountId: number): Promise<{ amount: bigint; code: string; approved: bigint }[]> {
  const { rows } = await pool.query<{ amount: string; response_code: string; approved: string }>(
    'select amount, response_code, approved from transactions where account_id = $1 order by decision_seq',
    [accountId],
  );
  return rows.map((r) => ({ amount: BigInt(r.amount), code: r.response_code, approved: BigInt(r.approved) }));
}

describe('decisions whose snapshots all predate each other\'s commits (a gate holds the account row)', () => {
  // 8 × 20,000 against 100,000: five fit.
  const balance = 100_000n;
  const amount = 20_000n;

  it('the naive variant (FOR UPDATE in a CTE, holds summed over transactions) approves them all and overspends', async () => {
    const panKey = await seed(1, balance);
    const answers = await throughTheGate(1, Array.from({ length: DECISIONS }, () => request(panKey, amount)), QUERIES.naiveAuthorize);
    expect(answers.map((a) => a.responseCode)).toEqual(Array.from({ length: DECISIONS }, () => '00'));
    const { rows } = await pool.query<{ approved: string }>('select coalesce(sum(approved), 0) as approved from transactions where account_id = 1');
    expect(BigInt(rows[0]!.approved)).toBe(amount * BigInt(DECISIONS));
    expect(BigInt(rows[0]!.approved)).toBeGreaterThan(balance);
  });

  it('the real statement approves exactly what the balance holds, in the order the row lock grants', async () => {
    const panKey = await seed(2, balance);
    const answers = await throughTheGate(2, Array.from({ length: DECISIONS }, () => request(panKey, amount)), QUERIES.authorize);
    expect(answers.filter((a) => a.responseCode === '00')).toHaveLength(5);
    expect(answers.filter((a) => a.responseCode === '51')).toHaveLength(DECISIONS - 5);
    const list = await decisions(2);
    expect(list).toHaveLength(DECISIONS);
    expect(replay({ accountId: 2, balance, partial: false, limitAmount: null, limitCount: null }, list)).toEqual([]);
  });
});
