import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../../examples/card-authorizer/src/db.js';
import { DATABASE_URL } from './env.js';

/** The schema's creation, against schemas an earlier version of the example left behind. */
const old = `authz_old_${process.pid}_${randomUUID().slice(0, 8)}`;
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });

afterAll(async () => {
  await pool.query(`drop schema if exists "${old}" cascade`);
  await pool.end();
});

describe('migrate', () => {
  it('refuses a schema whose accounts keep their holds as JSON, and changes nothing in it', async () => {
    await pool.query(`create schema "${old}"; create table "${old}".accounts (id bigint primary key, balance bigint not null, holds jsonb not null default '{}')`);
    await pool.query(`insert into "${old}".accounts values (1, 1000, '{"2026-12-01": 250}')`);
    await expect(migrate(pool, old)).rejects.toThrow(
      `schema ${old} holds an earlier authorizer's tables, with holds as JSON (accounts.holds): settle or reverse its holds, then drop it (drop schema ${old} cascade) or set AUTHORIZER_SCHEMA to another`,
    );
    const { rows } = await pool.query<{ t: string }>('select table_name as t from information_schema.tables where table_schema = $1', [old]);
    expect(rows.map((r) => r.t)).toEqual(['accounts']);
    expect((await pool.query(`select holds from "${old}".accounts`)).rows).toEqual([{ holds: { '2026-12-01': 250 } }]);
  });
});
