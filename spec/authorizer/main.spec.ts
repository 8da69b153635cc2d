import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { demoPan } from '../../examples/card-authorizer/src/database.js';
import { AUTHORIZER_FRAMING } from '../../examples/card-authorizer/src/server.js';
import { createCodec, type Message, presets } from '../../src/index.js';
import { connect } from '../../src/net/index.js';
import { DATABASE_URL } from './env.js';
import { listeningPort, type Running, runExample, terminate } from './processes.js';

/**
 * `npm run authorizer` (src/main.ts) as a user runs it, in a child process: embedded (no DATABASE_URL) and on
 * DATABASE_URL with a schema of its own. It starts, listens, answers an 0100 over TCP and stops on SIGTERM.
 */
const codec = createCodec(presets.iso87ascii) as unknown as { decode(b: Uint8Array): Message; encode(m: Message): Uint8Array };
const schema = `authz_main_${process.pid}_${randomUUID().slice(0, 8)}`;
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2, options: `-c search_path=${schema}` });
const started: Running[] = [];

afterAll(async () => {
  for (const r of started) r.child.kill('SIGKILL');
  await pool.query(`drop schema if exists "${schema}" cascade`);
  await pool.end();
});

/** One 0100 of 10.00 EUR for demo card `card`: the answer's MTI and DE39. */
async function authorizeOnce(port: number, card: number): Promise<[string, unknown]> {
  const client = await connect({ host: '127.0.0.1', port, codec, framing: AUTHORIZER_FRAMING, timeoutMs: 120_000 });
  try {
    const answer = await client.request({
      mti: '0100',
      fields: {
        2: demoPan(card), 3: '000000', 4: '000000001000', 7: '1124100000', 11: '000001', 18: '5411', 32: '123456',
        37: `MAIN${randomUUID().slice(0, 8)}`, 41: 'MAIN0001', 49: '978',
      },
    });
    return [answer.mti, answer.fields[39]];
  } finally {
    await client.close();
  }
}

describe('npm run authorizer (src/main.ts in a child process)', () => {
  it('embedded (no DATABASE_URL): starts, seeds its demo accounts, listens, approves an 0100, stops on SIGTERM', async () => {
    const server = runExample('main.ts', [], { DATABASE_URL: undefined, PORT: '0' });
    started.push(server);
    const port = await listeningPort(server);
    expect(server.output()).toContain('embedded Postgres');
    expect(await authorizeOnce(port, 1)).toEqual(['0110', '00']);
    expect(await terminate(server)).toBe(0);
  }, 180_000);

  it('on DATABASE_URL with its own schema: starts, listens, approves an 0100 for a seeded card, stops on SIGTERM', async () => {
    const env = { DATABASE_URL, AUTHORIZER_SCHEMA: schema, PORT: '0' };
    const seeded = runExample('main.ts', ['seed', '3'], env);
    expect(await seeded.exited, seeded.output()).toBe(0);
    expect(seeded.output()).toContain(`seeded 3 accounts and cards in Postgres (DATABASE_URL), schema ${schema}`);
    const server = runExample('main.ts', [], env);
    started.push(server);
    const port = await listeningPort(server);
    expect(await authorizeOnce(port, 2)).toEqual(['0110', '00']);
    expect(await terminate(server)).toBe(0);
    expect((await pool.query('select count(*)::int as n from transactions where response_code = $1', ['00'])).rows[0].n).toBe(1);
  }, 180_000);
});
