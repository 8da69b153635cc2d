import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { migrate } from '../../examples/card-authorizer/src/db.js';
import { DATABASE_URL } from './env.js';

/** The schema's creation, against schemas an earlier version of the example left behind. */
const old = `authz_old_${process.pid}_${randomUUID().slice(0, 8)}`;
const before = `authz_before_${process.pid}_${randomUUID().slice(0, 8)}`;
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1 });

afterAll(async () => {
  await pool.query(`drop schema if exists "${old}" cascade`);
  await pool.query(`drop schema if exists "${before}" cascade`);
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

  it('adds to a schema made before ended_keep and last_keep existed the columns it lacks, keeping its rows', async () => {
    await migrate(pool, before);
    // The schema as the version before them made it: the same tables without the two columns.
    await pool.query(`alter table "${before}".transactions drop column ended_keep; alter table "${before}".accounts drop column last_keep`);
    await pool.query(`insert into "${before}".accounts (id, currency, balance) values (1, '978', 1000)`);
    await migrate(pool, before);
    const { rows } = await pool.query<{ t: string; c: string }>(
      "select table_name as t, column_name as c from information_schema.columns where table_schema = $1 and column_name in ('ended_keep', 'last_keep') order by 1",
      [before],
    );
    expect(rows).toEqual([{ t: 'accounts', c: 'last_keep' }, { t: 'transactions', c: 'ended_keep' }]);
    expect((await pool.query(`select balance from "${before}".accounts`)).rows).toEqual([{ balance: '1000' }]);
  });
});
