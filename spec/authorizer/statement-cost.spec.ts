import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { DATABASE_URL } from './env.js';
import { runScript } from './processes.js';

/**
 * `npm run bench:authorizer:statement` as the example's README names it: a short run (5 statements of each, or as
 * many as its CPU reading needs) prints a row for every statement it measures, with the plain UPDATE as the unit,
 * and leaves no schema behind.
 * The figures themselves are the benchmark's (bench/RESULTS.md), never asserted here.
 */
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });
afterAll(() => pool.end());

describe('npm run bench:authorizer:statement', () => {
  it('prints each statement’s Postgres CPU against the plain UPDATE’s and the batch statement’s fitted costs', async () => {
    const run = runScript('bench:authorizer:statement', ['5', '5'], { DATABASE_URL });
    expect(await run.exited, run.output()).toBe(0);
    const out = run.output();
    const rows = [...out.matchAll(/^\| (plain update|authorize\.sql|advise\.sql \(0120\)|batch of \d+) \| (\d+) \| (\d+) \| ([\d.]+) \| ([\d.]+) \| ([\d.]+)x \| ([\d.]+) \|$/gm)];
    expect(rows.map((r) => r[1])).toEqual(['plain update', 'authorize.sql', 'advise.sql (0120)', 'batch of 2', 'batch of 4', 'batch of 8', 'batch of 16', 'batch of 32', 'batch of 64']);
    expect(rows[0]![6]).toBe('1.00');
    for (const r of rows) {
      expect(Number(r[3])).toBeGreaterThanOrEqual(5);
      expect(Number(r[7])).toBeGreaterThan(0);
    }
    expect(out).toMatch(/batch statement: fixed -?[\d.]+ ms \+ -?[\d.]+ ms per request of Postgres CPU/);
    // Its own schema (named in its heading line) is dropped; others' runs beside it have schemas of their own.
    const schema = /schema (authz_cost_[0-9a-f]{8})/.exec(out)?.[1];
    expect(schema).toBeDefined();
    const left = await pool.query('select 1 from pg_namespace where nspname = $1', [schema]);
    expect(left.rowCount).toBe(0);
  }, 120_000);
});
