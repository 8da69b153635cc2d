import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authorize, type AuthorizationRequest, migrate, QUERIES, warmUp } from '../../examples/card-authorizer/src/db.js';
import { DATABASE_URL, heldOn, insertCard, insertCards, KEYS } from './env.js';
import { type CardSetup, replay } from './model.js';

/**
 * Storms against the real Postgres: many concurrent connections deciding on ONE account. The decisions are
 * replayed through a pure reference model in the order the account row lock granted them (decision_seq); every
 * answer must match: no overspend, and no false decline. That the naive statement breaks is shown by construction,
 * not by volume (a storm may happen to serialise on a slow machine): forced-interleaving.spec.ts.
 */
const schema = `authz_${process.pid}_${randomUUID().slice(0, 8)}`;
const CLIENTS = 64;
/**
 * Connections the 64 clients share: enough for every race the storms look for (a decision waits for the row lock
 * while others commit), and few enough that two suites side by side stay under Postgres's max_connections (100).
 */
const CONNECTIONS = 32;
const TODAY = '2026-11-24';
let pool: pg.Pool;

beforeAll(async () => {
  pool = new pg.Pool({
    connectionString: DATABASE_URL,
    max: CONNECTIONS,
    // Every connection works in this run's own schema; statement_timeout bounds a stuck decision.
    options: `-c search_path=${schema} -c statement_timeout=120000`,
  });
  await migrate(pool, schema);
});

afterAll(async () => {
  await pool?.query(`drop schema if exists "${schema}" cascade`);
  await pool?.end();
});

async function seed(setup: CardSetup): Promise<string> {
  const pan = `4${String(setup.accountId).padStart(15, '0')}`;
  await pool.query('insert into accounts (id, currency, balance) values ($1, $2, $3)', [setup.accountId, '978', setup.balance.toString()]);
  await insertCard(pool, { id: setup.accountId, pan, partial: setup.partial, limitAmount: setup.limitAmount, limitCount: setup.limitCount });
  return KEYS.pan(pan);
}

/** An authorization of `amount` for the card whose PAN digest is `panKey`. */
function request(panKey: string, amount: bigint, key = randomUUID()): AuthorizationRequest {
  return { idemKey: key, requestHash: `h-${amount}`, panKey, amount, currency: '978', mcc: '5411', today: TODAY, mti: '0100', link: `L-${key}` };
}

/** Runs `perClient` requests on each of CLIENTS concurrent workers. */
async function storm(pan: string, perClient: number, amountOf: () => bigint, statement = QUERIES.authorize): Promise<void> {
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let i = 0; i < perClient; i++) await authorize(pool, request(pan, amountOf()), statement);
    }),
  );
}

async function decisions(accountId: number): Promise<{ amount: bigint; code: string; approved: bigint }[]> {
  const { rows } = await pool.query<{ amount: string; response_code: string; approved: string }>(
    'select amount, response_code, approved from transactions where account_id = $1 order by decision_seq',
    [accountId],
  );
  return rows.map((r) => ({ amount: BigInt(r.amount), code: r.response_code, approved: BigInt(r.approved) }));
}

const random = (min: number, max: number) => () => BigInt(min + Math.floor(Math.random() * (max - min + 1)));

describe('decision storms on one account (real Postgres, 64 clients over 32 connections)', () => {
  it('never approves money that is not there and never declines money that is', async () => {
    const setup: CardSetup = { accountId: 1, balance: 500_000n, partial: false, limitAmount: null, limitCount: null };
    const pan = await seed(setup);
    await storm(pan, 10, random(500, 5_000));
    const list = await decisions(1);
    expect(list).toHaveLength(CLIENTS * 10);
    expect(replay(setup, list)).toEqual([]);
    const approved = list.reduce((s, d) => s + d.approved, 0n);
    expect(approved).toBeLessThanOrEqual(setup.balance);
    expect(list.some((d) => d.code === '51')).toBe(true); // the storm did run the account dry
    expect(await heldOn(pool, 1, TODAY)).toBe(approved);
  });

  it('keeps partial approvals and rolling amount and count limits exact under the same storm', async () => {
    const setup: CardSetup = { accountId: 2, balance: 400_000n, partial: true, limitAmount: 300_000n, limitCount: 500 };
    const pan = await seed(setup);
    await storm(pan, 10, random(500, 9_000));
    const list = await decisions(2);
    expect(replay(setup, list)).toEqual([]);
    expect(list.some((d) => d.code === '10')).toBe(true);
    expect(list.reduce((s, d) => s + d.approved, 0n)).toBeLessThanOrEqual(setup.limitAmount!);
  });

  it('answers a storm of identical requests with one decision, one hold and identical answers', async () => {
    const setup: CardSetup = { accountId: 3, balance: 100_000n, partial: false, limitAmount: null, limitCount: null };
    const pan = await seed(setup);
    const twin = request(pan, 7_500n, `dup-${randomUUID()}`);
    const answers = await Promise.all(Array.from({ length: 32 }, () => authorize(pool, twin)));
    const distinct = new Set(answers.map((a) => `${a.responseCode}/${a.approved}/${a.authCode}`));
    expect([...distinct]).toHaveLength(1);
    expect(answers[0]!.responseCode).toBe('00');
    expect(answers.filter((a) => !a.duplicate)).toHaveLength(1);
    const { rows } = await pool.query<{ n: string }>('select count(*) as n from transactions where account_id = 3');
    expect([rows[0]!.n, await heldOn(pool, 3, TODAY)]).toEqual(['1', 7_500n]);
    // The same key with another content is refused with 94 and holds nothing.
    const changed = await authorize(pool, { ...twin, requestHash: 'other', amount: 1n });
    expect([changed.responseCode, changed.approved]).toEqual(['94', 0n]);
  });

  it('keeps 10,000 cards exact under 64 clients spending at random: every account matches the model', async () => {
    const first = 1_000;
    const cards = 10_000;
    await pool.query(
      `insert into accounts (id, currency, balance) select g, '978', 20000 from generate_series($1::int, $2::int) g`,
      [first, first + cards - 1],
    );
    await insertCards(pool, Array.from({ length: cards }, (_, i) => ({ id: first + i, pan: `4${String(first + i).padStart(15, '0')}` })));
    // Most traffic spread over all cards, a fifth of it on 20 hot cards so that accounts do run dry.
    const pick = (): number => first + (Math.random() < 0.2 ? Math.floor(Math.random() * 20) : Math.floor(Math.random() * cards));
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (let i = 0; i < 40; i++) {
          const id = pick();
          await authorize(pool, request(KEYS.pan(`4${String(id).padStart(15, '0')}`), random(1_000, 6_000)()));
        }
      }),
    );
    const { rows } = await pool.query<{ account_id: string }>(
      'select distinct account_id from transactions where account_id between $1 and $2',
      [first, first + cards - 1],
    );
    expect(rows.length).toBeGreaterThan(1_000);
    let declined = 0;
    for (const { account_id } of rows) {
      const list = await decisions(Number(account_id));
      expect(replay({ accountId: Number(account_id), balance: 20_000n, partial: false, limitAmount: null, limitCount: null }, list)).toEqual([]);
      declined += list.filter((d) => d.code === '51').length;
    }
    expect(declined).toBeGreaterThan(0);
  }, 120_000);
});

describe('warming the pool before listening', () => {
  it('prepares the decision statement on every connection at once and leaves no row or hold behind', async () => {
    const pan = await seed({ accountId: 900_001, balance: 10_000n, partial: false, limitAmount: null, limitCount: null });
    const before = await pool.query('select balance, hold_days, hold_amounts, held, decision_seq from accounts where id = 900001');
    // Sixteen connections at once: with one shared idempotency key they would queue one behind the other.
    await warmUp(pool, 16);
    expect(pool.totalCount).toBeGreaterThanOrEqual(16);
    expect((await pool.query("select count(*)::int as n from transactions where idem_key like 'warm-up%'")).rows[0].n).toBe(0);
    expect((await pool.query('select balance, hold_days, hold_amounts, held, decision_seq from accounts where id = 900001')).rows).toEqual(before.rows);
    // The warmed pool decides as before.
    expect((await authorize(pool, request(pan, 2_500n))).responseCode).toBe('00');
  });

  it('opens no more connections than the pool holds (a pool of one, as the embedded Postgres has, is warmed)', async () => {
    const single = new pg.Pool({ connectionString: DATABASE_URL, max: 1, options: `-c search_path=${schema}` });
    try {
      await warmUp(single, 16);
      expect(single.totalCount).toBe(1);
    } finally {
      await single.end();
    }
  });
});
