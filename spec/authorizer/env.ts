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
