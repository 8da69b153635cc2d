/** What the authorizer's tests share: where their Postgres is, and the card data key they store cards under. */
import type pg from 'pg';
import { cardKeys, lastFour } from '../../examples/card-authorizer/src/card-keys.js';

/** The Postgres the tests run against: DATABASE_URL, else the local default (trust auth, database `test`). */
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** The tests' card data key (hex, as AUTHORIZER_PAN_KEY takes it): a fixed test value, never a real key. */
export const TEST_CARD_KEY = '7e57'.repeat(16);

/** The keyed digests under the tests' key. */
export const KEYS = cardKeys(Buffer.from(TEST_CARD_KEY, 'hex'));

/** A card as the tests set one up (the columns not named take the schema's defaults). */
export interface TestCard {
  readonly id: number;
  readonly pan: string;
  readonly accountId?: number;
  readonly expiry?: string;
  readonly partial?: boolean;
  readonly limitAmount?: bigint | null;
  readonly limitCount?: number | null;
}

/** Inserts cards as the authorizer stores them: the PAN's keyed digest and its last four digits, never the PAN. */
export async function insertCards(pool: pg.Pool, cards: readonly TestCard[]): Promise<void> {
  await pool.query(
    `insert into cards (id, pan_key, pan_last4, account_id, expiry, partial_allowed, limit_amount_30d, limit_count_30d)
     select * from unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::boolean[], $7::bigint[], $8::int[])`,
    [
      cards.map((c) => c.id),
      cards.map((c) => KEYS.pan(c.pan)),
      cards.map((c) => lastFour(c.pan)),
      cards.map((c) => c.accountId ?? c.id),
      cards.map((c) => c.expiry ?? '2912'),
      cards.map((c) => c.partial ?? false),
      cards.map((c) => c.limitAmount?.toString() ?? null),
      cards.map((c) => c.limitCount ?? null),
    ],
  );
}

/** Inserts one card (see {@link insertCards}). */
export function insertCard(pool: pg.Pool, card: TestCard): Promise<void> {
  return insertCards(pool, [card]);
}

/**
 * The holds that count on `today` on an account: the slots of its ring of day buckets whose day has not passed.
 * Throws when the account's running total (`held`, kept as of `held_on`) disagrees with its ring on that day.
 */
export async function heldOn(pool: pg.Pool, accountId: number | string, today: string): Promise<bigint> {
  const { rows } = await pool.query<{ ring: string; held: string; held_on: string | null }>(
    `select (select coalesce(sum(r.amount), 0) from unnest(hold_days, hold_amounts) as r (day, amount) where r.day >= $2::date) as ring,
            held, to_char(held_on, 'YYYY-MM-DD') as held_on
     from accounts where id = $1`,
    [accountId, today],
  );
  const row = rows[0];
  if (row === undefined) throw new Error(`no account ${accountId}`);
  if (row.held_on === today && row.held !== row.ring) throw new Error(`account ${accountId}: held ${row.held} on ${today}, its ring ${row.ring}`);
  return BigInt(row.ring);
}

/**
 * Resolves once a backend of application `app` has waited at least `ms` for a lock, by Postgres's own clock.
 *
 * Why: a deadline test releases a blocking transaction only after the statement under test has waited past a
 * request's deadline; polling the server's view, not sleeping, keeps it independent of the machine's speed.
 */
export async function waitForLockWait(pool: pg.Pool, app: string, ms: number): Promise<void> {
  for (let waited = 0; waited === 0; ) {
    const { rows } = await pool.query<{ n: number }>(
      "select count(*)::int as n from pg_stat_activity where application_name = $1 and wait_event_type = 'Lock' and clock_timestamp() - query_start >= make_interval(secs => $2::double precision / 1000)",
      [app, ms],
    );
    waited = rows[0]!.n;
  }
}
