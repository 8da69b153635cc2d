import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { advise, type AdviceRequest, authorize, type AuthorizationRequest, type Identifiers, migrate, reverse, type ReversalRequest } from '../../examples/card-authorizer/src/db.js';
import { DATABASE_URL, heldOn, insertCard, KEYS } from './env.js';

/** Reversals and advices against the real Postgres: a hold is released exactly once, whatever arrives first. */
const schema = `authz_rev_${process.pid}_${randomUUID().slice(0, 8)}`;
const TODAY = '2026-11-24';
let pool: pg.Pool;
let nextAccount = 1;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: DATABASE_URL, max: 32, options: `-c search_path=${schema} -c statement_timeout=120000` });
  await migrate(pool, schema);
});

afterAll(async () => {
  await pool?.query(`drop schema if exists "${schema}" cascade`);
  await pool?.end();
});

/** A new account with one card; `pan` is the card's PAN digest, as the statements take it. */
async function account(balance: bigint): Promise<{ id: number; pan: string }> {
  const id = nextAccount++;
  const pan = `5${String(id).padStart(15, '0')}`;
  await pool.query('insert into accounts (id, currency, balance) values ($1, $2, $3)', [id, '978', balance.toString()]);
  await insertCard(pool, { id, pan });
  return { id, pan: KEYS.pan(pan) };
}

/** The identifiers a reversal without DE90 names the original `link` by: its own RRN, one terminal and merchant. */
const idsOf = (link: string): Identifiers => ({ rrn: `rrn-${link}`, terminal: 'TERM0001', merchant: 'MERCHANT0000001', acquirer: '123456' });

function auth(pan: string, amount: bigint, link = randomUUID()): AuthorizationRequest {
  return { idemKey: `auth-${link}`, requestHash: 'h', panKey: pan, amount, currency: '978', mcc: '5411', today: TODAY, mti: '0100', link, ids: idsOf(link) };
}
function reversal(original: AuthorizationRequest, keep = -1n, key = randomUUID()): ReversalRequest {
  return { idemKey: `rev-${key}`, requestHash: 'r', panKey: original.panKey, amount: original.amount, keep, today: TODAY, mti: '0400', link: original.link, ids: idsOf(original.link) };
}

/** What the account holds on TODAY (the hold-expiry test moves its own clock; its holds are checked by answers). */
function held(accountId: number): Promise<bigint> {
  return heldOn(pool, accountId, TODAY);
}

async function orphans(accountId: number): Promise<unknown> {
  return (await pool.query<{ orphans: unknown }>('select orphans from accounts where id = $1', [accountId])).rows[0]!.orphans;
}

describe('reversals', () => {
  it('release the whole hold once; a repeat gets the stored answer and a second reversal releases nothing', async () => {
    const { id, pan } = await account(50_000n);
    const a = auth(pan, 10_000n);
    expect((await authorize(pool, a)).responseCode).toBe('00');
    expect(await held(id)).toBe(10_000n);
    const r = reversal(a);
    expect(await reverse(pool, r)).toEqual({ responseCode: '00', released: 10_000n, duplicate: false });
    expect(await reverse(pool, r)).toEqual({ responseCode: '00', released: 10_000n, duplicate: true });
    expect((await reverse(pool, reversal(a))).released).toBe(0n);
    expect(await held(id)).toBe(0n);
  });

  it('release only the difference on a partial reversal (DE95 actual amount)', async () => {
    const { id, pan } = await account(50_000n);
    const a = auth(pan, 10_000n);
    await authorize(pool, a);
    expect((await reverse(pool, reversal(a, 4_000n))).released).toBe(6_000n);
    expect(await held(id)).toBe(4_000n);
  });

  it('find the original by its RRN (DE37) and the terminal, merchant and acquirer when the reversal has no DE90', async () => {
    const { id, pan } = await account(50_000n);
    const a = auth(pan, 2_500n);
    await authorize(pool, a);
    expect((await reverse(pool, { ...reversal(a), link: '' })).released).toBe(2_500n);
    expect(await held(id)).toBe(0n);
  });

  it('leave nothing held when the reversal arrives before its original', async () => {
    const { id, pan } = await account(50_000n);
    const a = auth(pan, 7_000n);
    expect((await reverse(pool, reversal(a))).released).toBe(0n);
    expect(await authorize(pool, a)).toMatchObject({ responseCode: '00', approved: 7_000n });
    expect(await held(id)).toBe(0n);
    expect(await orphans(id)).toEqual({});
  });

  it('without DE90, at once, release each of a dozen same-amount originals under one RRN exactly once', async () => {
    const { id, pan } = await account(1_000_000n);
    // Indistinguishable but for their DE90 form: the same card, RRN, terminal, merchant, acquirer and amount.
    const shared: Identifiers = { rrn: 'RRN000000777', terminal: 'TERM0001', merchant: 'MERCHANT0000001', acquirer: '123456' };
    const originals = Array.from({ length: 12 }, () => ({ ...auth(pan, 2_000n), ids: shared }));
    for (const o of originals) await authorize(pool, o);
    expect(await held(id)).toBe(24_000n);
    // Each reversal picks the oldest original still holding in its snapshot; one that lost it to a concurrent
    // reversal sees nothing left on the newest row version and runs again, so none of them releases nothing.
    const results = await Promise.all(originals.map((o) => reverse(pool, { ...reversal(o), link: '', ids: shared })));
    expect(results.map((r) => r.released)).toEqual(originals.map(() => 2_000n));
    expect(await held(id)).toBe(0n);
  });

  it('keep every hold right when 64 originals and their reversals race in random order', async () => {
    const { id, pan } = await account(10_000_000n);
    const pairs = Array.from({ length: 64 }, () => auth(pan, BigInt(1_000 + Math.floor(Math.random() * 9_000))));
    const partial = new Set(pairs.filter((_, i) => i % 4 === 0).map((p) => p.link));
    const jobs = pairs.flatMap((p) => [
      () => authorize(pool, p),
      () => reverse(pool, reversal(p, partial.has(p.link) ? 500n : -1n)),
    ]);
    jobs.sort(() => Math.random() - 0.5);
    await Promise.all(jobs.map((job) => job()));
    expect(await held(id)).toBe(500n * BigInt(partial.size));
    expect(await orphans(id)).toEqual({});
  });
});

function advice(pan: string, mti: '0120' | '0220', amount: bigint, originalLink = '', key = randomUUID()): AdviceRequest {
  return { idemKey: `adv-${key}`, requestHash: 'a', panKey: pan, amount, today: TODAY, mti, originalLink, ids: idsOf(originalLink || key), link: `own-${key}` };
}

async function balance(accountId: number): Promise<bigint> {
  return BigInt((await pool.query<{ balance: string }>('select balance from accounts where id = $1', [accountId])).rows[0]!.balance);
}

describe('advices', () => {
  it('store and acknowledge an authorization advice even beyond the funds, holding its amount', async () => {
    const { id, pan } = await account(1_000n);
    const a = advice(pan, '0120', 5_000n);
    expect(await advise(pool, a)).toEqual({ responseCode: '00', released: 0n, duplicate: false });
    expect(await advise(pool, a)).toMatchObject({ responseCode: '00', duplicate: true });
    expect(await held(id)).toBe(5_000n);
    // It is a fact now: a later authorization sees the funds taken.
    expect((await authorize(pool, auth(pan, 100n))).responseCode).toBe('51');
  });

  it('complete a pre-auth: release what it still holds and debit the completed amount', async () => {
    const { id, pan } = await account(50_000n);
    const preAuth = auth(pan, 10_000n);
    await authorize(pool, preAuth);
    expect((await advise(pool, advice(pan, '0220', 8_500n, preAuth.link))).released).toBe(10_000n);
    expect(await held(id)).toBe(0n);
    expect(await balance(id)).toBe(41_500n);
  });

  it('debit an offline purchase advice with no pre-auth, even into overdraft', async () => {
    const { id, pan } = await account(1_000n);
    expect((await advise(pool, advice(pan, '0220', 3_000n))).responseCode).toBe('00');
    expect(await balance(id)).toBe(-2_000n);
  });

  it('settle a completion racing a reversal of the same pre-auth: the hold is released once', async () => {
    const { id, pan } = await account(1_000_000n);
    const preAuths = Array.from({ length: 32 }, () => auth(pan, 4_000n));
    await Promise.all(preAuths.map((p) => authorize(pool, p)));
    const jobs = preAuths.flatMap((p) => [() => reverse(pool, reversal(p)), () => advise(pool, advice(pan, '0220', 3_000n, p.link))]);
    jobs.sort(() => Math.random() - 0.5);
    const results = await Promise.all(jobs.map((job) => job()));
    expect(results.reduce((s, r) => s + r.released, 0n)).toBe(32n * 4_000n);
    expect(await held(id)).toBe(0n);
    expect(await balance(id)).toBe(1_000_000n - 32n * 3_000n);
  });
});

describe('hold expiry', () => {
  it('follows the merchant-type rule, and an expired hold stops counting without any job', async () => {
    const { id, pan } = await account(10_000n);
    await pool.query("insert into hold_rules (mcc, days) values ('7011', 30) on conflict (mcc) do update set days = 30");
    const hotel = { ...auth(pan, 6_000n), mcc: '7011' };
    const grocery = auth(pan, 3_000n);
    await authorize(pool, hotel);
    await authorize(pool, grocery);
    const { rows } = await pool.query<{ hold_day: string }>(
      "select to_char(hold_day, 'YYYY-MM-DD') as hold_day from transactions where account_id = $1 order by id",
      [id],
    );
    expect(rows.map((r) => r.hold_day)).toEqual(['2026-12-24', '2026-12-01']);
    // Eight days later the grocery hold has expired: 4,000 is available again, not 1,000.
    const later = { ...auth(pan, 4_000n), today: '2026-12-02' };
    expect((await authorize(pool, later)).responseCode).toBe('00');
    expect((await authorize(pool, { ...auth(pan, 1n), today: '2026-12-02' })).responseCode).toBe('51');
  });
  it('keeps holds of 31 days and of one day in its ring of days, and reuses a slot only once its day has passed', async () => {
    const { id, pan } = await account(10_000n);
    await pool.query("insert into hold_rules (mcc, days) values ('7512', 31), ('5814', 1) on conflict (mcc) do update set days = excluded.days");
    expect((await authorize(pool, { ...auth(pan, 4_000n), mcc: '7512' })).responseCode).toBe('00'); // until 2026-12-25
    expect((await authorize(pool, { ...auth(pan, 3_000n), mcc: '5814' })).responseCode).toBe('00'); // until 2026-11-25
    expect(await heldOn(pool, id, TODAY)).toBe(7_000n);
    // Two days later the one-day hold has expired; a grocery hold (7 days) takes what is left.
    expect((await authorize(pool, { ...auth(pan, 6_000n), today: '2026-11-26' })).responseCode).toBe('00');
    expect((await authorize(pool, { ...auth(pan, 1n), today: '2026-11-26' })).responseCode).toBe('51');
    // A month on, everything has expired; a new 31-day hold (until 2027-01-26) lands in the slot of 2026-12-25.
    expect((await authorize(pool, { ...auth(pan, 10_000n), mcc: '7512', today: '2026-12-26' })).responseCode).toBe('00');
    expect((await authorize(pool, { ...auth(pan, 1n), today: '2026-12-26' })).responseCode).toBe('51');
    expect(await heldOn(pool, id, '2026-12-26')).toBe(10_000n);
    expect(await heldOn(pool, id, '2027-01-26')).toBe(10_000n);
    expect(await heldOn(pool, id, '2027-01-27')).toBe(0n);
  });
});

describe('card and account status', () => {
  it('decline a lost card 41, a stolen one 43, a blocked one 62 and a closed account 05, holding nothing', async () => {
    for (const [status, code] of [['lost', '41'], ['stolen', '43'], ['blocked', '62']] as const) {
      const { id, pan } = await account(10_000n);
      expect((await authorize(pool, auth(pan, 100n))).responseCode, 'active').toBe('00');
      await pool.query('update cards set status = $2 where id = $1', [id, status]);
      expect((await authorize(pool, auth(pan, 100n))).responseCode, status).toBe(code);
      expect(await held(id)).toBe(100n);
    }
    const { id, pan } = await account(10_000n);
    await pool.query("update accounts set status = 'closed' where id = $1", [id]);
    expect((await authorize(pool, auth(pan, 100n))).responseCode).toBe('05');
    expect(await held(id)).toBe(0n);
  });

  it('decline an expired card 54: valid through its expiry month, not after', async () => {
    const { id, pan } = await account(10_000n);
    await pool.query("update cards set expiry = '2611' where id = $1", [id]); // November 2026: TODAY is in it
    expect((await authorize(pool, auth(pan, 100n))).responseCode).toBe('00');
    await pool.query("update cards set expiry = '2610' where id = $1", [id]);
    expect((await authorize(pool, auth(pan, 100n))).responseCode).toBe('54');
    expect(await held(id)).toBe(100n);
  });
});

describe('card options', () => {
  it('decline a channel or merchant type the card does not allow with 57', async () => {
    const { id, pan } = await account(10_000n);
    await pool.query("update cards set allowed_channels = '{pos}', allowed_mccs = '{5411,5812}' where id = $1", [id]);
    expect((await authorize(pool, auth(pan, 100n))).responseCode).toBe('00');
    expect((await authorize(pool, { ...auth(pan, 100n), channel: 'ecom' })).responseCode).toBe('57');
    expect((await authorize(pool, { ...auth(pan, 100n), mcc: '7995' })).responseCode).toBe('57');
    expect(await held(id)).toBe(100n);
  });

  it('count a card\'s spend and uses over the last 30 days only, in its ring of days', async () => {
    const { pan } = await account(1_000_000n);
    const card = (await pool.query<{ id: string }>('select id from cards where pan_key = $1', [pan])).rows[0]!.id;
    await pool.query('update cards set limit_amount_30d = 10000 where id = $1', [card]);
    expect((await authorize(pool, auth(pan, 6_000n))).responseCode).toBe('00');
    const day20 = { today: '2026-12-14' };
    expect((await authorize(pool, { ...auth(pan, 4_000n), ...day20 })).responseCode).toBe('00');
    expect((await authorize(pool, { ...auth(pan, 1n), ...day20 })).responseCode).toBe('61');
    // 30 days after the first purchase it has left the window (its slot is written again that day).
    const day30 = { today: '2026-12-24' };
    expect((await authorize(pool, { ...auth(pan, 6_000n), ...day30 })).responseCode).toBe('00');
    expect((await authorize(pool, { ...auth(pan, 1n), ...day30 })).responseCode).toBe('61');
    await pool.query('update cards set limit_amount_30d = null, limit_count_30d = 2 where id = $1', [card]);
    const day60 = { today: '2027-01-23' };
    expect((await authorize(pool, { ...auth(pan, 100n), ...day60 })).responseCode).toBe('00');
    expect((await authorize(pool, { ...auth(pan, 100n), ...day60 })).responseCode).toBe('00');
    expect((await authorize(pool, { ...auth(pan, 100n), ...day60 })).responseCode).toBe('65');
    // A refund counts against no limit.
    expect((await authorize(pool, { ...auth(pan, 100n), ...day60, processing: '20' })).responseCode).toBe('00');
  });

  it('count against a limit only what was approved since the card has one', async () => {
    const { pan } = await account(1_000_000n);
    expect((await authorize(pool, auth(pan, 8_000n))).responseCode).toBe('00');
    await pool.query('update cards set limit_amount_30d = 10000 where pan_key = $1', [pan]);
    expect((await authorize(pool, auth(pan, 5_000n))).responseCode).toBe('00');
    expect((await authorize(pool, auth(pan, 6_000n))).responseCode).toBe('61');
  });
});

describe('incremental authorizations', () => {
  it('add to their pre-auth: one hold day, and the completion releases both', async () => {
    const { id, pan } = await account(50_000n);
    await pool.query("insert into hold_rules (mcc, days) values ('7011', 30) on conflict (mcc) do update set days = 30");
    const preAuth = { ...auth(pan, 10_000n), mcc: '7011' };
    await authorize(pool, preAuth);
    const incremental = { ...auth(pan, 5_000n), mcc: '7011', today: '2026-11-26', incrementOf: preAuth.link };
    expect((await authorize(pool, incremental)).responseCode).toBe('00');
    const { rows } = await pool.query<{ approved: string; hold_total: string; hold_day: string }>(
      "select approved, hold_total, to_char(hold_day, 'YYYY-MM-DD') as hold_day from transactions where account_id = $1 order by id",
      [id],
    );
    // The answers stay as given; the pre-auth's hold now stands for both.
    expect(rows).toEqual([
      { approved: '10000', hold_total: '15000', hold_day: '2026-12-24' },
      { approved: '5000', hold_total: '0', hold_day: '2026-12-24' },
    ]);
    expect(await held(id)).toBe(15_000n);
    const completion = await advise(pool, advice(pan, '0220', 14_000n, preAuth.link));
    expect(completion.released).toBe(15_000n);
    expect(await held(id)).toBe(0n);
  });

  it('are declined for funds like any authorization, leaving the pre-auth unchanged', async () => {
    const { id, pan } = await account(12_000n);
    const preAuth = auth(pan, 10_000n);
    await authorize(pool, preAuth);
    expect((await authorize(pool, { ...auth(pan, 5_000n), incrementOf: preAuth.link })).responseCode).toBe('51');
    const { rows } = await pool.query<{ hold_total: string }>('select hold_total from transactions where account_id = $1 order by id limit 1', [id]);
    expect(rows[0]!.hold_total).toBe('10000');
    expect(await held(id)).toBe(10_000n);
  });
});

describe('incrementals racing reversals of their pre-auth', () => {
  it('end with nothing held once every pre-auth is reversed, whatever the order', async () => {
    const { id, pan } = await account(10_000_000n);
    const preAuths = Array.from({ length: 24 }, () => auth(pan, 2_000n));
    await Promise.all(preAuths.map((p) => authorize(pool, p)));
    const jobs = preAuths.flatMap((p) => [
      () => authorize(pool, { ...auth(pan, 1_000n), incrementOf: p.link }),
      () => reverse(pool, reversal(p)),
    ]);
    jobs.sort(() => Math.random() - 0.5);
    await Promise.all(jobs.map((job) => job()));
    // An incremental that landed after its pre-auth was reversed still holds its own amount, on the pre-auth's
    // row: reverse the pre-auth again to release it, exactly as an acquirer would reverse the incremental.
    await Promise.all(preAuths.map((p) => reverse(pool, reversal(p))));
    expect(await held(id)).toBe(0n);
  });
});
