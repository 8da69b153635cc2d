import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBurstDecider } from '../../examples/card-authorizer/src/bursts.js';
import { authorizeBatch, type AuthorizationRequest, type AuthorizationResult, migrate, NO_DEADLINE_MS } from '../../examples/card-authorizer/src/db.js';
import { DATABASE_URL, heldOn, insertCards, KEYS, waitForLockWait } from './env.js';
import { replay } from './model.js';

/**
 * Bursts: authorizations of one account that wait behind a decision in flight are decided by one statement
 * (sql/authorize-batch.sql), in arrival order, under one lock of the account row. Checked on the real Postgres: the
 * order and exactness of the decisions, duplicates inside a burst and already stored, the per-request deadline
 * checked inside the statement, what the statement leaves to the one-request statement (a card with a rolling
 * limit, an account with an early reversal waiting), and a card whose account the process learned wrong, decided on
 * its real account. (Batches of several accounts: global-batch.spec.ts.)
 */
const schema = `authz_bursts_${process.pid}_${randomUUID().slice(0, 8)}`;
const APP = `bursts-${randomUUID().slice(0, 8)}`;
const TODAY = '2026-11-24';
let pool: pg.Pool;
let stan = 0;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: DATABASE_URL, max: 8, application_name: APP, options: `-c search_path=${schema}` });
  await migrate(pool, schema);
});

afterAll(async () => {
  await pool?.query(`drop schema if exists "${schema}" cascade`);
  await pool?.end();
});

const pan = (card: number): string => `5${String(card).padStart(15, '0')}`;

function request(card: number, amount: bigint, key = `b${++stan}`): AuthorizationRequest {
  return { idemKey: key, requestHash: `h ${key} ${amount}`, panKey: KEYS.pan(pan(card)), amount, currency: '978', mcc: '5411', today: TODAY, mti: '0100', link: `link ${key}` };
}

async function account(id: number, balance: bigint): Promise<void> {
  await pool.query("insert into accounts (id, currency, balance) values ($1, '978', $2)", [id, balance.toString()]);
}

/** What the account's decisions were, in the order its row lock serialised them. */
async function decisions(accountId: number): Promise<{ key: string; amount: bigint; code: string; approved: bigint }[]> {
  const { rows } = await pool.query<{ idem_key: string; amount: string; response_code: string; approved: string }>(
    "select idem_key, amount, response_code, approved from transactions where account_id = $1 and mti = '0100' order by decision_seq",
    [accountId],
  );
  return rows.map((r) => ({ key: r.idem_key, amount: BigInt(r.amount), code: r.response_code, approved: BigInt(r.approved) }));
}

describe('bursts of one account', () => {
  it('decides the requests waiting behind a decision in flight in arrival order, each on what the earlier ones left', async () => {
    await account(1, 10_000n);
    await insertCards(pool, [{ id: 1, pan: pan(1), accountId: 1, partial: true }, { id: 2, pan: pan(2), accountId: 1 }]);
    const decide = createBurstDecider(pool);
    // The process learns each card's account from its first answer.
    expect((await decide(request(1, 100n), 60_000)).responseCode).toBe('00');
    expect((await decide(request(2, 100n), 60_000)).responseCode).toBe('00');
    // Sent at once: decided together, in arrival order.
    const burst = Array.from({ length: 32 }, (_, i) => request(1 + (i % 2), BigInt(300 + 7 * i)));
    const answers = await Promise.all(burst.map((r) => decide(r, 60_000)));
    const decided = await decisions(1);
    expect(decided.map((d) => d.key)).toEqual([decided[0]!.key, decided[1]!.key, ...burst.map((r) => r.idemKey)]);
    // Card 1 allows partial approval, card 2 does not: replayed card by card is not the account's order, so the
    // replay is of the account's funds, with each decision's own card option.
    let held = 0n;
    for (const [i, d] of decided.entries()) {
      const partial = i === 0 || (i >= 2 && (i - 2) % 2 === 0);
      const left = 10_000n - held;
      const expected = left >= d.amount ? ['00', d.amount] : partial && left > 0n ? ['10', left] : ['51', 0n];
      expect([d.code, d.approved], `#${i}`).toEqual(expected);
      held += d.approved;
    }
    expect(answers.map((a) => a.responseCode)).toEqual(decided.slice(2).map((d) => d.code));
    expect(await heldOn(pool, 1, TODAY)).toBe(held);
    expect(answers.some((a) => a.responseCode === '51')).toBe(true);
  });

  it('keeps a storm of 64 requests on one account exact through the model, in the order the row lock took them', async () => {
    await account(2, 50_000n);
    await insertCards(pool, [{ id: 3, pan: pan(3), accountId: 2 }]);
    const decide = createBurstDecider(pool);
    await decide(request(3, 1_000n), 60_000);
    await Promise.all(Array.from({ length: 64 }, (_, i) => decide(request(3, BigInt(500 + 37 * i)), 60_000)));
    const decided = await decisions(2);
    expect(decided).toHaveLength(65);
    expect(replay({ accountId: 2, balance: 50_000n, partial: false, limitAmount: null, limitCount: null }, decided)).toEqual([]);
    expect(await heldOn(pool, 2, TODAY)).toBe(decided.reduce((n, d) => n + d.approved, 0n));
  });

  it('answers a duplicate inside a burst and a key stored before with the stored answer, and another content with 94', async () => {
    await account(3, 1_000n);
    await insertCards(pool, [{ id: 4, pan: pan(4), accountId: 3 }]);
    const stored = request(4, 100n);
    const client = await pool.connect();
    try {
      const [first] = (await authorizeBatch(client, TODAY, [stored], () => [NO_DEADLINE_MS])).map((d) => d.result);
      expect(first).toMatchObject({ responseCode: '00', approved: 100n, duplicate: false });
      const fresh = request(4, 200n);
      const answers = (
        await authorizeBatch(
          client,
          TODAY,
          [fresh, { ...fresh }, { ...fresh, requestHash: 'other' }, stored, { ...stored, requestHash: 'other' }, request(4, 800n)],
          () => Array.from({ length: 6 }, () => NO_DEADLINE_MS),
        )
      ).map((d) => d.result);
      const [decided, twin, changed, again, storedChanged, declined] = answers as [AuthorizationResult, AuthorizationResult, AuthorizationResult, AuthorizationResult, AuthorizationResult, AuthorizationResult];
      expect(decided).toMatchObject({ responseCode: '00', approved: 200n, duplicate: false });
      expect(twin).toEqual({ ...decided, duplicate: true });
      expect(changed).toEqual({ responseCode: '94', approved: 0n, authCode: null, duplicate: true });
      expect(again).toEqual({ ...first, duplicate: true });
      expect(storedChanged).toEqual({ responseCode: '94', approved: 0n, authCode: null, duplicate: true });
      // 1,000 less 100 and 200 held: 800 is more than is left, and the duplicates took nothing.
      expect(declined).toMatchObject({ responseCode: '51', approved: 0n });
    } finally {
      client.release();
    }
    expect(await heldOn(pool, 3, TODAY)).toBe(300n);
    expect((await decisions(3)).map((d) => d.code)).toEqual(['00', '00', '51']);
  });

  it('answers 91 and stores nothing for a request whose time ran out while the burst waited for the row lock', async () => {
    await account(4, 1_000n);
    await insertCards(pool, [{ id: 5, pan: pan(5), accountId: 4 }]);
    const blocker = await pool.connect();
    await blocker.query('begin');
    await blocker.query('update accounts set decision_seq = decision_seq where id = 4');
    const client = await pool.connect();
    const late = request(5, 100n);
    const patient = request(5, 200n);
    const answers = authorizeBatch(client, TODAY, [late, patient], () => [50, NO_DEADLINE_MS]).then((all) => all.map((d) => d.result));
    // Released once the burst has waited past the first request's time, by Postgres's own clock.
    await waitForLockWait(pool, APP, 50);
    await blocker.query('commit');
    blocker.release();
    const [a, b] = await answers;
    client.release();
    expect(a).toEqual({ responseCode: '91', approved: 0n, authCode: null, duplicate: false });
    expect(b).toMatchObject({ responseCode: '00', approved: 200n });
    expect((await pool.query('select count(*)::int as n from transactions where idem_key = $1', [late.idemKey])).rows[0].n).toBe(0);
    expect(await heldOn(pool, 4, TODAY)).toBe(200n);
  });

  it('runs again when a twin committed by another process after its snapshot, and answers with the answer the twin stored', async () => {
    await account(7, 1_000n);
    await insertCards(pool, [{ id: 9, pan: pan(9), accountId: 7 }]);
    const twin = request(9, 100n);
    // Another process's decision of the same request: it holds the account row and has stored its answer, not yet
    // committed, when the burst starts.
    const other = await pool.connect();
    await other.query('begin');
    await other.query("update accounts set held = held + 100, held_on = $1::date, hold_days[ring_slot($1::date + 7, 32)] = $1::date + 7, hold_amounts[ring_slot($1::date + 7, 32)] = 100, decision_seq = decision_seq + 1 where id = 7", [TODAY]);
    await other.query(
      "insert into transactions (idem_key, request_hash, account_id, card_id, mti, amount, approved, response_code, auth_code, decision_seq, hold_total) values ($1, $2, 7, 9, '0100', 100, 100, '00', 'TWIN01', 1, 100)",
      [twin.idemKey, twin.requestHash],
    );
    const client = await pool.connect();
    const answers = authorizeBatch(client, TODAY, [twin, request(9, 200n)], () => [NO_DEADLINE_MS, NO_DEADLINE_MS]).then((all) => all.map((d) => d.result));
    for (let waited = 0; waited === 0; ) {
      const { rows } = await pool.query<{ n: number }>("select count(*)::int as n from pg_stat_activity where application_name = $1 and wait_event_type = 'Lock'", [APP]);
      waited = rows[0]!.n;
    }
    await other.query('commit');
    other.release();
    const [again, next] = await answers;
    client.release();
    expect(again).toEqual({ responseCode: '00', approved: 100n, authCode: 'TWIN01', duplicate: true });
    expect(next).toMatchObject({ responseCode: '00', approved: 200n, duplicate: false });
    expect(await heldOn(pool, 7, TODAY)).toBe(300n);
    expect((await pool.query('select count(*)::int as n from transactions where idem_key = $1', [twin.idemKey])).rows[0].n).toBe(1);
  });

  it('leaves a card with a rolling limit and an account with an early reversal waiting to the one-request statement, and decides a card moved to another account on that account', async () => {
    await account(5, 100_000n);
    await account(6, 100_000n);
    await insertCards(pool, [
      { id: 6, pan: pan(6), accountId: 5 },
      { id: 7, pan: pan(7), accountId: 5, limitCount: 3 },
      { id: 8, pan: pan(8), accountId: 5 },
    ]);
    const decide = createBurstDecider(pool);
    for (const card of [6, 7, 8]) await decide(request(card, 100n), 60_000);
    // Card 8 moves to account 6: this process still maps it to account 5.
    await pool.query('update cards set account_id = 6 where id = 8');
    const burst = [request(6, 100n), ...Array.from({ length: 4 }, () => request(7, 100n)), request(8, 300n), request(8, 400n)];
    const answers = await Promise.all(burst.map((r) => decide(r, 60_000)));
    // Card 7's limit of 3 uses: its first request and two more are approved, the other two 65.
    expect(answers.map((a) => a.responseCode)).toEqual(['00', '00', '00', '65', '65', '00', '00']);
    expect(await heldOn(pool, 5, TODAY)).toBe(100n * 3n + 100n * 3n);
    expect(await heldOn(pool, 6, TODAY)).toBe(700n);
    // An early reversal waits on account 5: every request of its next burst is decided alone, and still exactly.
    await pool.query(`update accounts set orphans = jsonb_build_object('r0', jsonb_build_object('card', 6, 'amount', 999, 'keep', -1, 'link', 'elsewhere', 'day', $1::date, 'seq', 0)) where id = 5`, [TODAY]);
    const more = await Promise.all(Array.from({ length: 6 }, () => decide(request(6, 1_000n), 60_000)));
    expect(more.map((a) => a.responseCode)).toEqual(Array.from({ length: 6 }, () => '00'));
    expect(await heldOn(pool, 5, TODAY)).toBe(600n + 6_000n);
  });
});

describe('advices in their account\'s turn (Decide.inTurn)', () => {
  const stored = async (key: string): Promise<boolean> => (await pool.query('select 1 from transactions where idem_key = $1', [key])).rowCount === 1;

  it('runs an advice only once the authorization of its account in flight is stored, and another account\'s at once', async () => {
    await account(20, 10_000n);
    await account(21, 10_000n);
    await insertCards(pool, [{ id: 20, pan: pan(20), accountId: 20 }, { id: 21, pan: pan(21), accountId: 20 }, { id: 22, pan: pan(22), accountId: 21 }]);
    const decide = createBurstDecider(pool);
    // The process learns that cards 20 and 21 share account 20.
    await Promise.all([decide(request(20, 100n), 60_000), decide(request(21, 100n), 60_000)]);
    const inFlight = request(20, 100n);
    const order: string[] = [];
    const decided = decide(inFlight, 60_000);
    const turn = (card: number): Promise<boolean> =>
      decide.inTurn(KEYS.pan(pan(card)), async () => {
        order.push(`card ${card}`);
        return stored(inFlight.idemKey);
      });
    const [sameCard, sameAccount, otherAccount] = [turn(20), turn(21), turn(22)];
    // Another account's advice goes out beside the authorization, before its statement has even been sent.
    expect(await otherAccount).toBe(false);
    expect(await sameCard).toBe(true);
    expect(await sameAccount).toBe(true);
    expect(order).toEqual(['card 22', 'card 20', 'card 21']);
    expect((await decided).responseCode).toBe('00');
  });

  it('holds the authorizations of the account behind an advice in flight, and decides another account\'s meanwhile', async () => {
    await account(22, 10_000n);
    await account(23, 10_000n);
    await insertCards(pool, [{ id: 23, pan: pan(23), accountId: 22 }, { id: 24, pan: pan(24), accountId: 23 }]);
    const decide = createBurstDecider(pool);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const advice = decide.inTurn(KEYS.pan(pan(23)), async () => {
      await released;
      return 'advised';
    });
    const behind = request(23, 100n);
    let behindAnswered = false;
    const heldBack = decide(behind, 60_000).then((r) => ((behindAnswered = true), r));
    expect((await decide(request(24, 100n), 60_000)).responseCode).toBe('00');
    await new Promise((resolve) => setImmediate(resolve));
    expect(behindAnswered).toBe(false);
    expect(await stored(behind.idemKey)).toBe(false);
    release();
    expect(await advice).toBe('advised');
    expect((await heldBack).responseCode).toBe('00');
    expect(await stored(behind.idemKey)).toBe(true);
  });

  it('runs an advice only once an incremental of its card in flight is stored, and passes on what the advice throws', async () => {
    await account(24, 10_000n);
    await insertCards(pool, [{ id: 25, pan: pan(25), accountId: 24 }]);
    const decide = createBurstDecider(pool);
    const incremental: AuthorizationRequest = { ...request(25, 100n), incrementOf: 'link of no pre-auth' };
    const decided = decide(incremental, 60_000);
    await expect(
      decide.inTurn(KEYS.pan(pan(25)), async () => {
        if (!(await stored(incremental.idemKey))) return 'ran beside the incremental';
        throw new Error('the advice failed');
      }),
    ).rejects.toThrow('the advice failed');
    await decided;
    // The failed advice let its account go: the next authorization of the card is decided.
    expect((await decide(request(25, 100n), 60_000)).responseCode).toBe('00');
  });
});
