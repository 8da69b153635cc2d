/**
 * The spread-load data set of the authorizer benchmarks: `count` accounts of 1,000,000,000.00 EUR, each with one
 * card (PAN 4 followed by the card number on 15 digits), card `i` on account `i`, none with a limit.
 */
import type pg from 'pg';
import { type CardKeys, lastFour } from '../examples/card-authorizer/src/card-keys.js';
import type { IsoMessage } from '../examples/card-authorizer/src/iso.js';

/** The PAN of spread card `card` (1-based). */
export const spreadPan = (card: number): string => `4${String(card).padStart(15, '0')}`;

/** DE7, DE11 and DE41 of the load generator's request number `stan` (1-based): what makes each request its own. */
export const loadIdentifiers = (stan: number): IsoMessage['fields'] => ({
  7: '1124120000',
  11: String(stan % 1_000_000).padStart(6, '0'),
  41: `L${String(stan % 10_000_000).padStart(7, '0')}`,
});

/** The load generator's 0100 number `stan` on spread card `card`: a purchase of 5.00 EUR at a grocery (MCC 5411). */
export const spreadAuthorization = (card: number, stan: number): IsoMessage => ({
  mti: '0100',
  fields: { ...loadIdentifiers(stan), 2: spreadPan(card), 3: '000000', 4: '000000000500', 18: '5411', 32: '123456', 37: `L${String(stan).padStart(11, '0')}`, 49: '978' },
});

/**
 * Seeds the accounts and cards into the schema `pool` works in, then analyzes them.
 * Why analyze: a live database has statistics for its tables; without them autovacuum may analyze them in the middle
 * of a run, and every connection re-plans its prepared statements at once. (Not `transactions`: analyzed empty, it
 * would plan sequential scans of a table that grows during the run.)
 */
export async function seedSpreadCards(pool: pg.Pool, keys: CardKeys, count: number): Promise<void> {
  await pool.query(`insert into accounts (id, currency, balance) select g, '978', 100000000000 from generate_series(1, $1::int) g`, [count]);
  const pans = Array.from({ length: count }, (_, i) => spreadPan(i + 1));
  await pool.query(
    `insert into cards (id, pan_key, pan_last4, account_id, expiry) select g, k, l, g, '2912' from unnest($1::int[], $2::text[], $3::text[]) as u (g, k, l)`,
    [pans.map((_, i) => i + 1), pans.map((p) => keys.pan(p)), pans.map((p) => lastFour(p))],
  );
  await pool.query('analyze accounts, cards');
}
