import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERIC_PLANS, openDatabase } from '../../examples/card-authorizer/src/database.js';
import { QUERIES } from '../../examples/card-authorizer/src/db.js';
import { DATABASE_URL } from './env.js';

/**
 * The plans the authorizer's pool runs: one generic plan per statement, made on a connection's first execution,
 * possibly while `transactions` is still empty. A plan that scanned a table sequentially would cost more with
 * every transaction stored (the plan is kept for the connection's life), so none may.
 */
const schema = `authz_plans_${process.pid}_${randomUUID().slice(0, 8)}`;
let pool: pg.Pool;

beforeAll(async () => {
  const database = await openDatabase({ databaseUrl: DATABASE_URL, schema, poolSize: 1 });
  pool = database.pool;
});

afterAll(async () => {
  await pool?.query(`drop schema if exists "${schema}" cascade`);
  await pool?.end();
});

/** A value of the given Postgres type for an EXECUTE (its value does not shape a generic plan). */
function valueOf(type: string): string {
  if (type.endsWith('[]')) return "'{}'";
  if (type === 'date') return "'2026-12-02'";
  if (type === 'bigint' || type === 'integer') return "'0'";
  return "''";
}

/** The node types of the plan Postgres runs for `statement` on a pool connection, prepared as the pool prepares it. */
async function planNodes(statement: string): Promise<{ nodes: string[]; params: string[]; seqScanned: string[] }> {
  const client = await pool.connect();
  try {
    const name = `plan_${randomUUID().slice(0, 8)}`;
    await client.query(`prepare ${name} as ${statement}`);
    const { rows: types } = await client.query<{ t: string[] }>('select parameter_types::text[] as t from pg_prepared_statements where name = $1', [name]);
    const args = types[0]!.t.map(valueOf).join(', ');
    const { rows } = await client.query<{ 'QUERY PLAN': unknown }>(`explain (format json) execute ${name}(${args})`);
    await client.query(`deallocate ${name}`);
    const nodes: string[] = [];
    const params: string[] = [];
    const seqScanned: string[] = [];
    const walk = (node: Record<string, unknown>): void => {
      nodes.push(String(node['Node Type']));
      if (node['Node Type'] === 'Seq Scan') seqScanned.push(String(node['Relation Name']));
      const cond = node['Index Cond'];
      if (typeof cond === 'string') params.push(cond);
      for (const child of (node.Plans as Record<string, unknown>[] | undefined) ?? []) walk(child);
    };
    walk((rows[0]!['QUERY PLAN'] as { Plan: Record<string, unknown> }[])[0]!.Plan);
    return { nodes, params, seqScanned };
  } finally {
    client.release();
  }
}

describe('the query pack on the authorizer pool', () => {
  it('runs with the plan cache forced to generic plans', async () => {
    expect(GENERIC_PLANS).toBe('-c plan_cache_mode=force_generic_plan');
    const { rows } = await pool.query<{ plan_cache_mode: string }>('show plan_cache_mode');
    expect(rows[0]!.plan_cache_mode).toBe('force_generic_plan');
  });

  it.each(['authorize', 'reverse', 'advise', 'inquire'] as const)(
    'plans %s on an empty transactions table with index scans only, its lookups keyed by parameters',
    async (name) => {
      const { nodes, params } = await planNodes(QUERIES[name]);
      expect(nodes.length).toBeGreaterThan(0);
      expect(nodes.filter((n) => n === 'Seq Scan')).toEqual([]);
      // A generic plan: the index conditions name parameters, not the values of this EXECUTE.
      expect(params.length).toBeGreaterThan(0);
      expect(params.some((c) => /\$\d/.test(c))).toBe(true);
    },
  );

  it('plans the batch statement\'s lookups per request (cards, hold rules, transactions) as index probes on empty tables', async () => {
    const { nodes, seqScanned } = await planNodes(QUERIES.authorizeBatch);
    expect(nodes.filter((n) => n === 'Index Scan').length).toBeGreaterThanOrEqual(4);
    expect(seqScanned.filter((t) => t !== 'accounts')).toEqual([]);
  });
});
