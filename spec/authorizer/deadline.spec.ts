import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FRAMING } from '../../examples/card-authorizer/src/config.js';
import { openDatabase } from '../../examples/card-authorizer/src/database.js';
import { authorizeOnce, type AuthorizationRequest, migrate } from '../../examples/card-authorizer/src/db.js';
import type { IsoMessage } from '../../examples/card-authorizer/src/iso.js';
import { startAuthorizer } from '../../examples/card-authorizer/src/server.js';
import { createCodec, presets } from '../../src/index.js';
import { type Client, connect, type Server } from '../../src/net/index.js';
import { DATABASE_URL, heldOn, insertCard, KEYS } from './env.js';

/**
 * The deadline and what happens around it, made to happen on purpose rather than by a slow machine: the test itself
 * holds the account row (or an idempotency key) in a transaction of its own, waits until Postgres says a decision
 * has been waiting past its deadline, then lets go. One statement per decision in autocommit means the lock is held
 * only inside Postgres; these sequences show that a decision past its deadline holds and stores nothing (91), that
 * one answered late is the committed decision, and that the acquirer's timeout reversal (0420) releases it exactly
 * once, whether it comes before or after the original commits.
 */
const schema = `authz_dl_${process.pid}_${randomUUID().slice(0, 8)}`;
/** Every backend of this file carries it, so the waits it looks for are its own (other suites may run beside it). */
const APP = `authz_dl_${process.pid}`;
const TODAY = '2026-11-24';
const codec = createCodec(presets.iso87ascii);
/** A deadline no decision reaches: for the sequences whose point is the order of commits, not the clock. */
const UNREACHABLE_DEADLINE_MS = 600_000;
let pool: pg.Pool;
let server: Server;
let client: Client;
let nextAccount = 1;
let stan = 0;

beforeAll(async () => {
  pool = new pg.Pool({ connectionString: DATABASE_URL, max: 8, options: `-c search_path=${schema} -c application_name=${APP}` });
  await migrate(pool, schema);
  const started = await startAuthorizer({ pool, keys: KEYS, deadlineMs: UNREACHABLE_DEADLINE_MS, clock: () => new Date(`${TODAY}T10:00:00Z`) });
  server = started.server;
  client = await connect({ host: '127.0.0.1', port: started.port, codec, framing: FRAMING, timeoutMs: 120_000 });
});

afterAll(async () => {
  await client?.close();
  await server?.close(1000);
  await pool?.query(`drop schema if exists "${schema}" cascade`);
  await pool?.end();
});

/** A new account of `balance` with one card; its id and PAN. */
async function account(balance: number): Promise<{ id: number; pan: string }> {
  const id = nextAccount++;
  const pan = `4100${String(id).padStart(12, '0')}`;
  await pool.query("insert into accounts (id, currency, balance) values ($1, '978', $2)", [id, balance]);
  await insertCard(pool, { id, pan });
  return { id, pan };
}

/** Resolves once `condition` holds: polled, with a hang guard only a hang reaches. */
async function until(condition: () => Promise<boolean>, what: string): Promise<void> {
  for (const started = Date.now(); !(await condition()); ) {
    if (Date.now() - started > 120_000) throw new Error(`still waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** How many of this file's statements wait for a lock, each for at least `ms` by Postgres's clock. */
async function waiting(ms = 0): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `select count(*)::int as n from pg_stat_activity
     where application_name = $1 and wait_event_type = 'Lock' and clock_timestamp() - query_start >= $2 * interval '1 millisecond'`,
    [APP, ms],
  );
  return rows[0]!.n;
}

/** A transaction of the test's own that has updated the account row and holds it until `release()`. */
async function holdAccountRow(id: number): Promise<{ release: () => Promise<void> }> {
  const blocker = await pool.connect();
  await blocker.query('begin');
  // A real update (a new row version), as every writer of the query pack makes one.
  await blocker.query('update accounts set decision_seq = decision_seq where id = $1', [id]);
  return {
    release: async () => {
      await blocker.query('commit');
      blocker.release();
    },
  };
}

function purchase(pan: string, value: number): IsoMessage {
  stan++;
  return {
    mti: '0100',
    fields: {
      2: pan, 3: '000000', 4: String(value).padStart(12, '0'), 7: '1124100000', 11: String(stan).padStart(6, '0'), 18: '5411',
      32: '123456', 37: `DL${String(stan).padStart(10, '0')}`, 41: 'TERM0001', 42: 'MERCHANT0000001', 49: '978',
    },
  };
}

/** The acquirer's timeout reversal of `original`: an 0420 naming it in DE90, for its whole amount. */
function timeoutReversal(original: IsoMessage): IsoMessage {
  stan++;
  const f = original.fields;
  return { mti: '0420', fields: { ...f, 11: String(stan).padStart(6, '0'), 90: `0100${f[11]}${f[7]}${String(f[32]).padStart(11, '0')}${'0'.repeat(11)}` } };
}

async function rows(id: number): Promise<{ mti: string; code: string; approved: string; released: string }[]> {
  return (
    await pool.query('select mti, response_code as code, approved::text, released::text from transactions where account_id = $1 order by decision_seq', [id])
  ).rows;
}

describe('a decision past its deadline', () => {
  it('answers 91 when the row lock is granted after the time left, and changes and stores nothing', async () => {
    const { id, pan } = await account(10_000);
    const request: AuthorizationRequest = {
      idemKey: `late-${randomUUID()}`, requestHash: 'h', panKey: KEYS.pan(pan), amount: 1_000n, currency: '978', mcc: '5411',
      today: TODAY, mti: '0100', link: `L-${randomUUID()}`,
    };
    const before = (await pool.query('select balance, held, hold_days, hold_amounts, decision_seq from accounts where id = $1', [id])).rows[0];
    const row = await holdAccountRow(id);
    const decided = authorizeOnce(pool, request, 200);
    // The statement waits for the row; once Postgres's clock says its 200 ms are over, the row is let go.
    await until(async () => (await waiting(250)) === 1, 'the decision to wait past its deadline');
    await row.release();
    expect(await decided).toEqual({ responseCode: '91', approved: 0n, authCode: null, duplicate: false });
    expect((await pool.query('select count(*)::int as n from transactions where idem_key = $1', [request.idemKey])).rows[0].n).toBe(0);
    expect((await pool.query('select balance, held, hold_days, hold_amounts, decision_seq from accounts where id = $1', [id])).rows[0]).toEqual(before);
    // Within its time it decides as usual.
    expect((await authorizeOnce(pool, request, 60_000)).responseCode).toBe('00');
  });

  it('is cancelled by the pool\'s statement_timeout while it waits for a lock that never comes: 91, nothing held', async () => {
    const { id, pan } = await account(10_000);
    const database = await openDatabase({ databaseUrl: DATABASE_URL, schema, poolSize: 2, deadlineMs: 300 });
    const guarded = await startAuthorizer({ pool: database.pool, keys: KEYS, deadlineMs: 300, clock: () => new Date(`${TODAY}T10:00:00Z`) });
    const acquirer = await connect({ host: '127.0.0.1', port: guarded.port, codec, framing: FRAMING, timeoutMs: 120_000 });
    const row = await holdAccountRow(id);
    try {
      // The row stays locked until the answer is in: only the backstop can have answered.
      const answer = await acquirer.request(purchase(pan, 1_000));
      expect(answer.fields[39]).toBe('91');
    } finally {
      await row.release();
      await acquirer.close();
      await guarded.server.close(1000);
      await database.close();
    }
    expect(await rows(id)).toEqual([]);
    expect(await heldOn(pool, id, TODAY)).toBe(0n);
  });
});

describe('an answer that reaches the authorizer after its deadline', () => {
  it('is the committed decision, and the acquirer\'s timeout reversal releases it exactly once', async () => {
    const { id, pan } = await account(10_000);
    const original = purchase(pan, 4_000);
    // The test takes the original's idempotency key first (uncommitted): the decision holds its amount, then waits
    // on the key's unique index until the test lets go, past the server's deadline. The deadline is 3 s so that even
    // a stalled event loop sends the statement within it (a 91 before Postgres is asked is another test's case).
    const idemKey = ['1', original.fields[7], original.fields[11], original.fields[32], original.fields[37], original.fields[41]].join('|');
    const slow = await startAuthorizer({ pool, keys: KEYS, deadlineMs: 3000, clock: () => new Date(`${TODAY}T10:00:00Z`) });
    const acquirer = await connect({ host: '127.0.0.1', port: slow.port, codec, framing: FRAMING, timeoutMs: 120_000 });
    const key = await pool.connect();
    try {
      await key.query('begin');
      await key.query("insert into transactions (idem_key, request_hash, mti, amount, response_code) values ($1, 'test', '0100', 0, '00')", [idemKey]);
      const answered = acquirer.request(original);
      await until(async () => (await waiting(3100)) === 1, 'the decision to wait past its deadline');
      await key.query('rollback');
      const answer = await answered;
      // Committed, so answered as decided: a 91 now would decline money that is held.
      expect([answer.fields[39], answer.fields[38]]).toEqual(['00', expect.stringMatching(/^[A-Z0-9]{6}$/)]);
      expect(await heldOn(pool, id, TODAY)).toBe(4_000n);
    } finally {
      key.release();
      await acquirer.close();
      await slow.server.close(1000);
    }
    // The acquirer gave up on it and reverses it; the reversal's repeat and the original's repeat change nothing.
    const reversal = timeoutReversal(original);
    expect((await client.request(reversal)).fields[39]).toBe('00');
    expect(await heldOn(pool, id, TODAY)).toBe(0n);
    expect((await client.request({ ...reversal, mti: '0421' })).fields[39]).toBe('00');
    expect((await client.request({ ...original, mti: '0101' })).fields[39]).toBe('00');
    expect(await heldOn(pool, id, TODAY)).toBe(0n);
    expect(await rows(id)).toEqual([
      { mti: '0100', code: '00', approved: '4000', released: '4000' },
      { mti: '0420', code: '00', approved: '0', released: '4000' },
    ]);
  });
});

describe('a timeout reversal (0420) that arrives before its original commits', () => {
  for (const first of ['original', 'reversal'] as const) {
    it(`releases it exactly once when the ${first} reaches the account row first`, async () => {
      const { id, pan } = await account(10_000);
      const original = purchase(pan, 2_500);
      const reversal = timeoutReversal(original);
      const row = await holdAccountRow(id);
      // Both queue on the account row, in the order given; the row is let go once both wait.
      const answers: Promise<IsoMessage>[] = [];
      for (const m of first === 'original' ? [original, reversal] : [reversal, original]) {
        answers.push(client.request(m));
        const queued = answers.length;
        await until(async () => (await waiting()) === queued, `${queued} statements waiting for the account row`);
      }
      await row.release();
      const codes = (await Promise.all(answers)).map((a) => a.fields[39]);
      expect(codes).toEqual(['00', '00']);
      expect(await heldOn(pool, id, TODAY)).toBe(0n);
      expect((await pool.query('select orphans from accounts where id = $1', [id])).rows[0].orphans).toEqual({});
      // The repeats: the stored answers, nothing released twice, nothing held again.
      expect((await client.request({ ...reversal, mti: '0421' })).fields[39]).toBe('00');
      const repeat = await client.request({ ...original, mti: '0101' });
      expect(repeat.fields[39]).toBe('00');
      expect(await heldOn(pool, id, TODAY)).toBe(0n);
      const stored = await rows(id);
      expect(stored.map((r) => r.mti).sort()).toEqual(['0100', '0420']);
      expect(stored.find((r) => r.mti === '0100')).toMatchObject({ code: '00', approved: '2500' });
    });
  }
});
