/**
 * Opens the authorizer's database: the Postgres named by DATABASE_URL, or, without it, an embedded Postgres
 * (PGlite, in memory) served on a loopback port through its socket adapter, so the same `pg` code runs.
 * Seeds demo accounts and cards.
 */
import pg from 'pg';
import { type CardKeys, lastFour } from './card-keys.js';
import type { AuthorizerConfig } from './config.js';
import { migrate } from './db.js';

/** An open database: a pg pool, and how to close everything that was started for it. */
export interface Database {
  readonly pool: pg.Pool;
  /** How many connections the pool opens at most: what a warm-up can open at once (1 for the embedded Postgres). */
  readonly poolSize: number;
  /** Whether it is the embedded Postgres (in memory: it dies with the process). */
  readonly embedded: boolean;
  /** Where it is, for the log (never credentials). */
  readonly description: string;
  close(): Promise<void>;
}

/**
 * The session setting of every pooled connection to `DATABASE_URL`: each statement of the pack runs on one generic
 * plan, made on its first execution and kept for the connection's life.
 *
 * Why: by default Postgres plans a prepared statement afresh for its first five executions, then keeps the generic
 * plan only if its estimated cost is below the average of those custom plans; the decision statement's estimate
 * grows with the `transactions` table (no statistics yet while it grows), so a connection opened on a grown table
 * kept planning every execution (measured: about 2 ms of planning on top of 1 ms of execution, Postgres CPU per
 * decision 1.1 → 3.5-3.8 ms). Every lookup of the pack goes through a unique or partial index, so the generic plan
 * is index scans whatever the table's size (spec/authorizer/plans.spec.ts checks it on an empty table).
 */
export const GENERIC_PLANS = '-c plan_cache_mode=force_generic_plan';

/**
 * Opens (and migrates) the database: `databaseUrl` with its tables in `schema`, or the embedded Postgres. With
 * `deadlineMs`, every connection to `databaseUrl` gets it as its `statement_timeout`; every one runs generic plans
 * ({@link GENERIC_PLANS}).
 *
 * Why the pool is warmed and never grows under load (`poolSize` connections, see src/main.ts): a new connection
 * prepares and plans the decision statement, and opening several during a burst (measured:
 * `parse` and `bind` taking 20-100 ms on 2 cores) fed the very backlog that called for them. Why the timeout: the
 * decision statement checks its deadline itself once it holds the account row; the timeout is the backstop for a
 * statement that waits longer than that for a lock, which Postgres then cancels and rolls back (answered 91).
 */
export async function openDatabase(
  config: Pick<AuthorizerConfig, 'databaseUrl' | 'schema' | 'poolSize'> & { readonly deadlineMs?: number },
): Promise<Database> {
  if (config.databaseUrl !== undefined) {
    const schema = config.schema;
    const timeout = config.deadlineMs === undefined ? '' : ` -c statement_timeout=${Math.max(1, config.deadlineMs)}`;
    // Idle connections stay open: re-opening one (connect, authenticate, re-prepare the pack) costs a request's
    // whole latency budget.
    const pool = new pg.Pool({ connectionString: config.databaseUrl, max: config.poolSize, idleTimeoutMillis: 0, options: `-c search_path=${schema}${timeout} ${GENERIC_PLANS}` });
    try {
      await migrate(pool, schema);
    } catch (e) {
      await pool.end();
      throw e;
    }
    return { pool, poolSize: config.poolSize, embedded: false, description: `Postgres (DATABASE_URL), schema ${schema}`, close: () => pool.end() };
  }
  const { PGlite } = await import('@electric-sql/pglite');
  const { PGLiteSocketServer } = await import('@electric-sql/pglite-socket');
  const db = await PGlite.create();
  const port = await freePort();
  const server = new PGLiteSocketServer({ db, port, host: '127.0.0.1', maxConnections: 1 });
  await server.start();
  // PGlite is one session: one pooled connection, so transactions never interleave.
  const pool = new pg.Pool({ connectionString: `postgres://postgres@127.0.0.1:${port}/postgres`, max: 1 });
  await migrate(pool, 'public');
  return {
    pool,
    poolSize: 1,
    embedded: true,
    description: `embedded Postgres (PGlite) on 127.0.0.1:${port}`,
    async close() {
      await pool.end();
      await server.stop();
      await db.close();
    },
  };
}

/** A loopback port the system just handed out as free (asked with port 0, then released). */
async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Seeds demo accounts and cards: `count` accounts of 1,000.00 EUR, each with one card; every 10th card allows
 * partial approval, every 7th has a 30-day limit of 500.00 and 20 uses, card 13 is blocked and card 17 expired.
 */
export async function seed(pool: pg.Pool, keys: CardKeys, count = 100): Promise<void> {
  for (let id = 1; id <= count; id++) {
    await pool.query("insert into accounts (id, currency, balance) values ($1, '978', 100000) on conflict do nothing", [id]);
    await pool.query(
      `insert into cards (id, pan_key, pan_last4, account_id, status, expiry, partial_allowed, limit_amount_30d, limit_count_30d)
       values ($1, $2, $3, $1, $4, $5, $6, $7, $8) on conflict do nothing`,
      [
        id,
        keys.pan(demoPan(id)),
        lastFour(demoPan(id)),
        id === 13 ? 'blocked' : 'active',
        id === 17 ? '2401' : '2912',
        id % 10 === 0,
        id % 7 === 0 ? '50000' : null,
        id % 7 === 0 ? 20 : null,
      ],
    );
  }
}

/** The demo PAN of card `id` (test-range numbers, never real cards). */
export function demoPan(id: number): string {
  return `400000${String(id).padStart(10, '0')}`;
}
