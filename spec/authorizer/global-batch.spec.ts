import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BATCH_STALL_MS, createBurstDecider, MAX_BATCHES_IN_FLIGHT } from '../../examples/card-authorizer/src/bursts.js';
import {
  authorizeBatch,
  authorizeBatchOnce,
  type AuthorizationRequest,
  type AuthorizationResult,
  DECIDE_ALONE,
  migrate,
  NO_DEADLINE_MS,
  QUERIES,
} from '../../examples/card-authorizer/src/db.js';
import { DATABASE_URL, heldOn, insertCards, KEYS, waitForLockWait } from './env.js';
import { replay } from './model.js';

/**
 * Batches across accounts: authorizations of many accounts decided by one statement (sql/authorize-batch.sql),
 * each account's row locked once, in id order, and each account's requests folded in arrival order. Checked on the
 * real Postgres: order and exactness per account in a mixed batch, that the decider sends requests arriving together
 * in one statement, duplicates inside one batch and across batches (and pools), a deadline passing while the batch
 * waits for a lock, a storm of batches over overlapping accounts from several pools without a deadlock, and what a
 * batch leaves to the one-request statement.
 */
const schema = `authz_global_${process.pid}_${randomUUID().slice(0, 8)}`;
const APP = `global-${randomUUID().slice(0, 8)}`;
const TODAY = '2026-11-24';
const POOLS = 3;
let pools: pg.Pool[] = [];
let pool: pg.Pool;
let stan = 0;

beforeAll(async () => {
  pools = Array.from({ length: POOLS }, () => new pg.Pool({ connectionString: DATABASE_URL, max: 6, application_name: APP, options: `-c search_path=${schema}` }));
  pool = pools[0]!;
  await migrate(pool, schema);
});

afterAll(async () => {
  await pool?.query(`drop schema if exists "${schema}" cascade`);
  await Promise.all(pools.map((p) => p.end()));
});

const pan = (card: number): string => `6${String(card).padStart(15, '0')}`;

function request(card: number, amount: bigint, key = `g${++stan}`): AuthorizationRequest {
  return { idemKey: key, requestHash: `h ${key} ${amount}`, panKey: KEYS.pan(pan(card)), amount, currency: '978', mcc: '5411', today: TODAY, mti: '0100', link: `link ${key}` };
}

/** Accounts `ids`, each with `balance` and one card of the same id (partial approval on the cards in `partial`). */
async function accounts(ids: readonly number[], balance: bigint, partial: readonly number[] = []): Promise<void> {
  await pool.query("insert into accounts (id, currency, balance) select unnest($1::bigint[]), '978', $2", [ids, balance.toString()]);
  await insertCards(pool, ids.map((id) => ({ id, pan: pan(id), accountId: id, partial: partial.includes(id) })));
}

/** What the account's decisions were, in the order its row lock serialised them, with their numbers. */
async function decisions(accountId: number): Promise<{ key: string; seq: number; amount: bigint; code: string; approved: bigint; createdAt: string }[]> {
  const { rows } = await pool.query<{ idem_key: string; seq: string; amount: string; response_code: string; approved: string; created_at: string }>(
    "select idem_key, decision_seq as seq, amount, response_code, approved, created_at::text from transactions where account_id = $1 and mti = '0100' order by decision_seq",
    [accountId],
  );
  return rows.map((r) => ({ key: r.idem_key, seq: Number(r.seq), amount: BigInt(r.amount), code: r.response_code, approved: BigInt(r.approved), createdAt: r.created_at }));
}

const setup = (accountId: number, balance: bigint, partial = false) => ({ accountId, balance, partial, limitAmount: null, limitCount: null });
const all = <T>(n: number, f: (i: number) => T): T[] => Array.from({ length: n }, (_, i) => f(i));
const stored = async (key: string): Promise<number> =>
  (await pool.query<{ n: number }>('select count(*)::int as n from transactions where idem_key = $1', [key])).rows[0]!.n;

describe('batches across accounts', () => {
  it('decides a mixed batch account by account in arrival order, each request on what its account\'s earlier ones left', async () => {
    await accounts([101, 102, 103], 5_000n, [102]);
    // Interleaved, of three accounts, in one statement: amounts that run each account out of funds part-way.
    const batch = all(36, (i) => request(101 + (i % 3), BigInt(400 + 53 * i)));
    const client = await pool.connect();
    let answers: AuthorizationResult[];
    try {
      answers = (await authorizeBatch(client, TODAY, batch, () => batch.map(() => NO_DEADLINE_MS))).map((d) => d.result);
    } finally {
      client.release();
    }
    for (const id of [101, 102, 103]) {
      const decided = await decisions(id);
      const mine = batch.filter((r) => r.panKey === KEYS.pan(pan(id)));
      expect(decided.map((d) => d.key)).toEqual(mine.map((r) => r.idemKey));
      expect(decided.map((d) => d.seq)).toEqual(all(12, (i) => i + 1));
      expect(replay(setup(id, 5_000n, id === 102), decided)).toEqual([]);
      expect(await heldOn(pool, id, TODAY)).toBe(decided.reduce((n, d) => n + d.approved, 0n));
      expect(decided.some((d) => d.code === (id === 102 ? '10' : '51'))).toBe(true);
    }
    expect(answers.map((a) => a.responseCode)).not.toContain(DECIDE_ALONE);
  });

  it('sends the requests of many accounts that arrive together in one statement, and each account\'s in arrival order', async () => {
    const ids = all(8, (i) => 111 + i);
    await accounts(ids, 3_000n);
    const decide = createBurstDecider(pool);
    const sent = all(40, (i) => request(ids[(i * 5) % 8]!, BigInt(300 + 11 * i)));
    const answers = await Promise.all(sent.map((r) => decide(r, 60_000)));
    const times = new Set<string>();
    for (const id of ids) {
      const decided = await decisions(id);
      expect(decided.map((d) => d.key)).toEqual(sent.filter((r) => r.panKey === KEYS.pan(pan(id))).map((r) => r.idemKey));
      expect(replay(setup(id, 3_000n), decided)).toEqual([]);
      for (const d of decided) times.add(d.createdAt);
    }
    // One transaction stored all 40 (a transaction's now() is its start): one statement decided them.
    expect(times.size).toBe(1);
    expect(answers.filter((a) => a.responseCode === '00').length).toBeGreaterThan(0);
  });

  it('keeps requests of other accounts that arrive while 4 batches are in flight waiting, and decides them in the next batch together', async () => {
    const blocked = [171, 172, 173, 174];
    await accounts([...blocked, 175, 176], 1_000n);
    const blocker = await pools[1]!.connect();
    await blocker.query('begin');
    await blocker.query('update accounts set decision_seq = decision_seq where id = any($1::bigint[])', [blocked]);
    // No time to wait before a batch goes out beside others: only the default bound of 4 in flight holds requests back.
    expect(MAX_BATCHES_IN_FLIGHT).toBe(4);
    const decide = createBurstDecider(pool, { stallMs: 0 });
    const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    // One batch per turn of the event loop, each waiting for its account's lock.
    const first: Promise<AuthorizationResult>[] = [];
    for (const id of blocked) {
      first.push(decide(request(id, 100n), 60_000));
      await turn();
    }
    let waiting: string[] = [];
    while (waiting.length < blocked.length) {
      const { rows } = await pools[1]!.query<{ query: string }>("select query from pg_stat_activity where application_name = $1 and wait_event_type = 'Lock'", [APP]);
      waiting = rows.map((r) => r.query);
    }
    // A batch of one is decided by the one-request statement (the activity view keeps the start of its text).
    for (const query of waiting) expect(QUERIES.authorize.startsWith(query)).toBe(true);
    // Two more, in two later turns: no fifth batch goes out, so both wait for the next one.
    const later = [decide(request(175, 200n), 60_000)];
    await turn();
    later.push(decide(request(176, 300n), 60_000));
    await turn();
    await blocker.query('commit');
    blocker.release();
    expect((await Promise.all([...first, ...later])).map((a) => a.responseCode)).toEqual(['00', '00', '00', '00', '00', '00']);
    const [b, c] = [(await decisions(175))[0]!, (await decisions(176))[0]!];
    expect(b.createdAt).toBe(c.createdAt);
  });

  it('sends one batch at a time while it is out for less than the stall time: requests of other accounts wait and go out together in the next', async () => {
    await accounts([181, 182, 183], 1_000n);
    const blocker = await pools[1]!.connect();
    await blocker.query('begin');
    await blocker.query('update accounts set decision_seq = decision_seq where id = 181');
    const decide = createBurstDecider(pool, { stallMs: 600_000 });
    const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
    const first = decide(request(181, 100n), 60_000);
    await waitForLockWait(pools[1]!, APP, 0);
    // Two requests of other accounts, in two later turns: each would be a batch of its own beside the first if
    // another could go out at once.
    const later = [decide(request(182, 200n), 60_000)];
    let statements: number;
    try {
      await turn();
      later.push(decide(request(183, 300n), 60_000));
      await turn();
      const { rows } = await pools[1]!.query<{ n: string }>("select count(*) as n from pg_stat_activity where application_name = $1 and state = 'active' and query not like 'select count(*)%'", [APP]);
      statements = Number(rows[0]!.n);
    } finally {
      await blocker.query('commit');
      blocker.release();
    }
    expect(statements).toBe(1);
    expect((await Promise.all([first, ...later])).map((a) => a.responseCode)).toEqual(['00', '00', '00']);
    const [b, c] = [(await decisions(182))[0]!, (await decisions(183))[0]!];
    // One transaction stored both (a transaction's now() is its start): the batch after the first decided them.
    expect(b.createdAt).toBe(c.createdAt);
    expect((await decisions(181))[0]!.createdAt).not.toBe(b.createdAt);
  });

  it('sends another batch beside one held up by a row lock once it has been out for the stall time: other accounts are answered meanwhile', async () => {
    await accounts([185, 186], 1_000n);
    const blocker = await pools[1]!.connect();
    await blocker.query('begin');
    await blocker.query('update accounts set decision_seq = decision_seq where id = 185');
    // (The default stall time, 50 ms, is what the README and docs/authorizer.md say.)
    expect(BATCH_STALL_MS).toBe(50);
    const decide = createBurstDecider(pool, { stallMs: 20 });
    const first = decide(request(185, 100n), 60_000);
    await waitForLockWait(pools[1]!, APP, 0);
    let meanwhile: [AuthorizationResult, number];
    try {
      // Answered while the first batch still waits for its lock.
      meanwhile = [await decide(request(186, 200n), 60_000), (await decisions(185)).length];
    } finally {
      await blocker.query('commit');
      blocker.release();
    }
    expect(meanwhile).toMatchObject([{ responseCode: '00', approved: 200n }, 0]);
    expect(await first).toMatchObject({ responseCode: '00', approved: 100n });
  });

  it('answers duplicates inside one batch, across batches and across pools with the one stored answer', async () => {
    await accounts([121, 122], 1_000n);
    const first = request(121, 300n);
    const client = await pool.connect();
    try {
      const again = { ...first };
      // The same key for a card of another account (other content): 94, and nothing of it held.
      const elsewhere = { ...request(122, 100n), idemKey: first.idemKey };
      const [a, b, c, d] = (await authorizeBatch(client, TODAY, [first, request(122, 200n), again, elsewhere], () => all(4, () => NO_DEADLINE_MS))).map((x) => x.result);
      expect(a).toMatchObject({ responseCode: '00', approved: 300n, duplicate: false });
      expect(b).toMatchObject({ responseCode: '00', approved: 200n, duplicate: false });
      expect(c).toEqual({ ...a, duplicate: true });
      expect(d).toEqual({ responseCode: '94', approved: 0n, authCode: null, duplicate: true });
      // A later batch: the stored answer, beside a new decision on what the first left.
      const [e, f] = (await authorizeBatch(client, TODAY, [{ ...first }, request(121, 800n)], () => [NO_DEADLINE_MS, NO_DEADLINE_MS])).map((x) => x.result);
      expect(e).toEqual({ ...a!, duplicate: true });
      expect(f).toMatchObject({ responseCode: '51', approved: 0n });
    } finally {
      client.release();
    }
    // The same six requests sent at once through every pool, each its own batch: one decision each.
    const twins = all(6, (i) => request(121 + (i % 2), 50n));
    const answers = await Promise.all(pools.map((p) => authorizeBatch(p, TODAY, twins, () => twins.map(() => NO_DEADLINE_MS))));
    for (const [i, twin] of twins.entries()) {
      const seen = answers.map((batch) => batch[i]!.result);
      expect(seen.filter((r) => !r.duplicate)).toHaveLength(1);
      for (const r of seen) expect({ ...r, duplicate: false }).toEqual(seen.find((x) => !x.duplicate));
      expect(await stored(twin.idemKey)).toBe(1);
    }
    expect(await heldOn(pool, 121, TODAY)).toBe(300n + 3n * 50n);
    expect(await heldOn(pool, 122, TODAY)).toBe(200n + 3n * 50n);
  });

  it('answers 91 and stores nothing for a request whose time ran out while the batch waited for another account\'s lock', async () => {
    await accounts([131, 132], 1_000n);
    const blocker = await pool.connect();
    await blocker.query('begin');
    await blocker.query('update accounts set decision_seq = decision_seq where id = 132');
    const client = await pool.connect();
    // Account 131 is free; 132 is held: the deadline is checked once every lock of the batch is granted.
    const lateFree = request(131, 100n);
    const lateHeld = request(132, 100n);
    const patient = [request(131, 200n), request(132, 300n)];
    const answers = authorizeBatch(client, TODAY, [lateFree, patient[0]!, lateHeld, patient[1]!], () => [50, NO_DEADLINE_MS, 50, NO_DEADLINE_MS]);
    await waitForLockWait(pool, APP, 50);
    await blocker.query('commit');
    blocker.release();
    const [a, b, c, d] = (await answers).map((x) => x.result);
    client.release();
    const none = { responseCode: '91', approved: 0n, authCode: null, duplicate: false };
    expect([a, c]).toEqual([none, none]);
    expect([b, d]).toMatchObject([{ responseCode: '00', approved: 200n }, { responseCode: '00', approved: 300n }]);
    expect([await stored(lateFree.idemKey), await stored(lateHeld.idemKey)]).toEqual([0, 0]);
    expect([await heldOn(pool, 131, TODAY), await heldOn(pool, 132, TODAY)]).toEqual([200n, 300n]);
  });

  it('takes a storm of batches over overlapping accounts from several pools without a deadlock, every account exact', async () => {
    const ids = all(6, (i) => 141 + i);
    await accounts(ids, 20_000n, [143]);
    // Each batch names the accounts in its own random order; 3 pools × 6 batches at once, 4 rounds.
    const sent: AuthorizationRequest[][] = [];
    for (let round = 0; round < 4; round++) {
      const batches = all(POOLS * 6, () => all(12, () => request(ids[Math.floor(Math.random() * ids.length)]!, BigInt(100 + Math.floor(Math.random() * 900)))));
      sent.push(...batches);
      // One run each, no retry: a deadlock victim (40P01) would fail its batch here.
      await Promise.all(batches.map((b, i) => authorizeBatchOnce(pools[i % POOLS]!, TODAY, b, b.map(() => NO_DEADLINE_MS))));
    }
    const requests = sent.flat();
    for (const id of ids) {
      const decided = await decisions(id);
      expect(decided).toHaveLength(requests.filter((r) => r.panKey === KEYS.pan(pan(id))).length);
      expect(decided.map((d) => d.seq)).toEqual(all(decided.length, (i) => i + 1));
      expect(replay(setup(id, 20_000n, id === 143), decided)).toEqual([]);
      expect(await heldOn(pool, id, TODAY)).toBe(decided.reduce((n, d) => n + d.approved, 0n));
    }
  });

  it('keeps a storm through deciders on several pools exact, one account\'s requests in each pool\'s arrival order', async () => {
    const ids = all(5, (i) => 151 + i);
    await accounts(ids, 30_000n);
    const deciders = pools.map((p) => createBurstDecider(p, { maxInFlight: 2 }));
    const sent = all(300, (i) => ({ via: i % POOLS, request: request(ids[Math.floor(Math.random() * ids.length)]!, BigInt(100 + Math.floor(Math.random() * 900))) }));
    await Promise.all(sent.map((s) => deciders[s.via]!(s.request, 60_000)));
    for (const id of ids) {
      const decided = await decisions(id);
      const mine = sent.filter((s) => s.request.panKey === KEYS.pan(pan(id)));
      expect(decided).toHaveLength(mine.length);
      expect(replay(setup(id, 30_000n), decided)).toEqual([]);
      // Within one process, an account's requests are decided in the order they arrived there.
      const position = new Map(decided.map((d, i) => [d.key, i]));
      for (let via = 0; via < POOLS; via++) {
        const order = mine.filter((s) => s.via === via).map((s) => position.get(s.request.idemKey)!);
        expect(order).toEqual([...order].sort((x, y) => x - y));
      }
    }
  });

  it('leaves a card not on file, a limited card\'s debit and an account with an early reversal waiting to the one-request statement, deciding the rest', async () => {
    await pool.query("insert into accounts (id, currency, balance) values (161, '978', 10000), (162, '978', 10000), (163, '978', 10000)");
    await insertCards(pool, [
      { id: 161, pan: pan(161), accountId: 161 },
      { id: 162, pan: pan(162), accountId: 161, limitCount: 5 },
      { id: 163, pan: pan(163), accountId: 162 },
      { id: 164, pan: pan(164), accountId: 163 },
    ]);
    await pool.query(`update accounts set orphans = jsonb_build_object('r0', jsonb_build_object('card', 163, 'amount', 999, 'keep', -1, 'link', 'elsewhere', 'day', $1::date, 'seq', 0)) where id = 162`, [TODAY]);
    const refund = { ...request(162, 700n), processing: '20' as const };
    const batch = [request(161, 100n), request(9_999, 100n), request(162, 200n), refund, request(163, 300n), request(164, 400n)];
    const before = await pool.query<{ n: number }>('select count(*)::int as n from transactions');
    const decided = await authorizeBatch(pool, TODAY, batch, () => batch.map(() => NO_DEADLINE_MS));
    expect(decided.map((d) => [d.result.responseCode, d.accountId])).toEqual([
      ['00', '161'],
      [DECIDE_ALONE, null], // not on file
      [DECIDE_ALONE, '161'], // a debit of a card with a rolling limit
      ['00', '161'], // a refund of it counts no limit
      [DECIDE_ALONE, '162'], // an early reversal waits on its account
      ['00', '163'],
    ]);
    // 'single' changed and stored nothing: three decisions stored, 100 and 400 held.
    expect((await pool.query<{ n: number }>('select count(*)::int as n from transactions')).rows[0]!.n - before.rows[0]!.n).toBe(3);
    expect([await heldOn(pool, 161, TODAY), await heldOn(pool, 162, TODAY), await heldOn(pool, 163, TODAY)]).toEqual([100n, 0n, 400n]);
    // Through the decider, what the batch left is decided by the one-request statement, exactly.
    const decide = createBurstDecider(pool);
    const answers = await Promise.all([request(161, 100n), request(9_998, 100n), request(162, 200n), request(163, 300n), request(164, 400n)].map((r) => decide(r, 60_000)));
    expect(answers.map((a) => a.responseCode)).toEqual(['00', '14', '00', '00', '00']);
    expect([await heldOn(pool, 161, TODAY), await heldOn(pool, 162, TODAY), await heldOn(pool, 163, TODAY)]).toEqual([400n, 300n, 800n]);
  });
});
