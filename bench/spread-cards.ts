/**
 * The spread-load data set of the authorizer benchmarks: `count` accounts of 1,000,000,000.00 EUR, each with one
 * card (PAN 4 followed by the card number on 15 digits), card `i` on account `i`, none with a limit.
 */
import type pg from 'pg';
import { type CardKeys, lastFour } from '../examples/card-authorizer/src/card-keys.js';

/** The PAN of spread card `card` (1-based). */
export const spreadPan = (card: number): string => `4${String(card).padStart(15, '0')}`;

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
