import { randomUUID } from 'node:crypto';
import { Socket } from 'node:net';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { FRAMING } from '../../examples/card-authorizer/src/config.js';
import { demoPan } from '../../examples/card-authorizer/src/database.js';
import { createCodec, presets } from '../../src/index.js';
import { connect, encodeFrame } from '../../src/net/index.js';
import { DATABASE_URL, TEST_CARD_KEY } from './env.js';
import { kill, listeningPort, type Running, runExample, runScript, terminate } from './processes.js';

/**
 * `npm start`, `npm run authorizer` and `npm run authorizer:seed` as a user runs them, in child processes (src/main.ts
 * also directly, for its own exit code): embedded (no DATABASE_URL) and on DATABASE_URL with a schema of its own.
 * The server starts, listens, answers an 0100 over TCP and stops on SIGTERM.
 */
const codec = createCodec(presets.iso87ascii);
const schema = `authz_main_${process.pid}_${randomUUID().slice(0, 8)}`;
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 2, options: `-c search_path=${schema}` });
const started: Running[] = [];

afterAll(async () => {
  for (const r of started) kill(r, 'SIGKILL');
  await pool.query(`drop schema if exists "${schema}" cascade`);
  await pool.end();
});

/** Sends one frame that does not decode (DE4 not digits) and still carries `pan`, and waits for its answer. */
async function malformed(port: number, pan: string): Promise<void> {
  const good = Buffer.from(codec.encode({ mti: '0100', fields: { 2: pan, 4: '000000001000', 7: '1124100000', 11: '000009', 41: 'MAIN0001' } }));
  const bad = Buffer.from(good.toString('latin1').replace('000000001000', '00000000100X'), 'latin1');
  const socket = new Socket();
  await new Promise<void>((resolve) => socket.connect(port, '127.0.0.1', resolve));
  const answered = new Promise<void>((resolve) => socket.once('data', () => resolve()));
  socket.write(encodeFrame(FRAMING, { message: bad }));
  await answered;
  socket.destroy();
}

/** One 0100 of 10.00 EUR for demo card `card`: the answer's MTI and DE39. */
async function authorizeOnce(port: number, card: number): Promise<[string, unknown]> {
  const client = await connect({ host: '127.0.0.1', port, codec, framing: FRAMING, timeoutMs: 120_000 });
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

/** Whether something still accepts connections on the port. */
async function accepts(port: number): Promise<boolean> {
  const socket = new Socket();
  return new Promise((resolve) => {
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
    socket.connect(port, '127.0.0.1');
  });
}

describe('npm start', () => {
  it('runs the demo: embedded Postgres, demo accounts, the authorizer and the simulator, then the summary', async () => {
    const demo = runScript('start', [], { DATABASE_URL: undefined, AUTHORIZER_PAN_KEY: undefined, SIMULATE_COUNT: '60' });
    started.push(demo);
    expect(await demo.exited, demo.output()).toBe(0);
    expect(demo.output()).toMatch(/^authorizer on 127\.0\.0\.1:\d+, embedded Postgres \(PGlite\)/m);
    expect(demo.output()).toMatch(/^60 messages; latency ms p50 /m);
    expect(demo.output()).toMatch(/^0100 authorization\s+.*00: \d+/m);
    expect(demo.output()).toMatch(/^response codes\n  00 approved/m);
  }, 180_000);
});

describe('npm start with a simulator setting it cannot use', () => {
  it('prints one line naming it, with no stack, and exits 1', async () => {
    for (const [name, value] of [['SIMULATE_TIMEOUT_MS', 'abc'], ['SIMULATE_COUNT', '0']] as const) {
      const demo = runScript('start', [], { DATABASE_URL: undefined, AUTHORIZER_PAN_KEY: undefined, [name]: value });
      started.push(demo);
      expect(await demo.exited, demo.output()).toBe(1);
      const lines = demo.output().split('\n').filter((line) => line !== '');
      expect(lines, demo.output()).toHaveLength(1);
      expect(lines[0]).toMatch(new RegExp(`^${name} `));
    }
  }, 120_000);
});

describe('npm start with SIMULATE_TIMEOUT_MS', () => {
  it('gives the simulator that timeout: at 1 ms per answer, answers counted late', async () => {
    // 1 ms for an answer that crosses TCP, a decision statement and a commit: a deadline no machine meets for all
    // 40 requests, so some are counted as unanswered (with the demo's own 5000 ms, none would be).
    const demo = runScript('start', [], { DATABASE_URL: undefined, AUTHORIZER_PAN_KEY: undefined, SIMULATE_COUNT: '40', SIMULATE_TIMEOUT_MS: '1' });
    started.push(demo);
    await demo.exited;
    const unanswered = Number(/^(\d+) requests got no answer within the client timeout$/m.exec(demo.output())?.[1] ?? 0);
    expect(unanswered, demo.output()).toBeGreaterThan(0);
  }, 240_000);
});

describe('npm start without SIMULATE_COUNT', () => {
  it('sends its 400 messages', async () => {
    const demo = runScript('start', [], { DATABASE_URL: undefined, AUTHORIZER_PAN_KEY: undefined, SIMULATE_COUNT: undefined });
    started.push(demo);
    expect(await demo.exited, demo.output()).toBe(0);
    // Answered or counted unanswered (the demo's client timeout is the simulator's 5000 ms): 400 in all.
    const answered = Number(/^(\d+) messages; latency ms p50 /m.exec(demo.output())?.[1]);
    const unanswered = Number(/^(\d+) requests got no answer within the client timeout$/m.exec(demo.output())?.[1] ?? 0);
    expect(answered + unanswered, demo.output()).toBe(400);
  }, 240_000);
});

describe('npm run authorizer and authorizer:seed', () => {
  it('embedded (no DATABASE_URL): starts, seeds its 100 demo accounts, listens, approves an 0100, stops on SIGTERM', async () => {
    const server = runScript('authorizer', [], { DATABASE_URL: undefined, AUTHORIZER_PAN_KEY: undefined, PORT: '0' });
    started.push(server);
    const port = await listeningPort(server);
    expect(server.output()).toContain('embedded Postgres');
    expect(server.output()).toContain('AUTHORIZER_PAN_KEY is not set: the PAN digests use a random key that lives as long as this embedded database');
    expect(await authorizeOnce(port, 1)).toEqual(['0110', '00']);
    // 100 demo accounts (README.md): card 100 is on file, card 101 is not (14).
    expect(await authorizeOnce(port, 100)).toEqual(['0110', '00']);
    expect(await authorizeOnce(port, 101)).toEqual(['0110', '14']);
    // Its log (JSON lines on stderr) tells of a malformed frame by code, field and offset, never by its PAN.
    await malformed(port, demoPan(1));
    // SIGTERM to npm's process group (as Ctrl-C or a service manager signal it): the server finishes and says so.
    await terminate(server);
    expect(server.output()).toMatch(/^authorizer stopped \(SIGTERM\)$/m);
    expect(await accepts(port)).toBe(false);
    expect(server.output()).toMatch(/"level":"warn","event":"malformed frame","code":"\w+","field":"?4"?,"offset":\d+/);
    expect(server.output()).not.toContain(demoPan(1));
  }, 180_000);

  it('on DATABASE_URL with its own schema: starts, listens, approves an 0100 for a seeded card, stops on SIGTERM', async () => {
    const env = { DATABASE_URL, AUTHORIZER_SCHEMA: schema, AUTHORIZER_PAN_KEY: TEST_CARD_KEY, PORT: '0' };
    const seeded = runScript('authorizer:seed', ['3'], env);
    expect(await seeded.exited, seeded.output()).toBe(0);
    expect(seeded.output()).toContain(`seeded 3 accounts and cards in Postgres (DATABASE_URL), schema ${schema}`);
    const server = runScript('authorizer', [], env);
    started.push(server);
    const port = await listeningPort(server);
    expect(await authorizeOnce(port, 2)).toEqual(['0110', '00']);
    await terminate(server);
    expect(server.output()).toMatch(/^authorizer stopped \(SIGTERM\)$/m);
    expect(await accepts(port)).toBe(false);
    // Under another key the same PAN has another digest: the seeded card is not found. (src/main.ts itself, to see
    // its own exit code on SIGTERM.)
    const otherKey = runExample('main.ts', [], { ...env, AUTHORIZER_PAN_KEY: 'ab'.repeat(32) });
    started.push(otherKey);
    expect(await authorizeOnce(await listeningPort(otherKey), 2)).toEqual(['0110', '14']);
    expect(await terminate(otherKey)).toBe(0);
    expect(otherKey.output()).toMatch(/^authorizer stopped \(SIGTERM\)$/m);
    expect((await pool.query('select count(*)::int as n from transactions where response_code = $1', ['00'])).rows[0].n).toBe(1);
  }, 180_000);

  it('stops on SIGINT (Ctrl-C): prints authorizer stopped (SIGINT) and exits 0', async () => {
    const server = runExample('main.ts', [], { DATABASE_URL: undefined, AUTHORIZER_PAN_KEY: undefined, PORT: '0' });
    started.push(server);
    const port = await listeningPort(server);
    // An answered request first, as the SIGTERM tests above do: the process is past its start-up.
    expect(await authorizeOnce(port, 1)).toEqual(['0110', '00']);
    expect(await terminate(server, 'SIGINT'), server.output()).toBe(0);
    expect(server.output()).toMatch(/^authorizer stopped \(SIGINT\)$/m);
    expect(await accepts(port)).toBe(false);
  }, 180_000);

  it('stops cleanly on a signal sent the moment it says it listens: its handlers are in place before that line', async () => {
    // Seen from a pipe, the line can wake this reader before the authorizer runs its next statement; a handler
    // installed after the line lost that race about one time in three (SIGINT) on a 2-core machine.
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGINT', 'SIGTERM'] as const) {
      const server = runExample('main.ts', [], { DATABASE_URL: undefined, AUTHORIZER_PAN_KEY: undefined, PORT: '0' });
      started.push(server);
      await listeningPort(server);
      expect(await terminate(server, signal), server.output()).toBe(0);
      expect(server.output()).toMatch(new RegExp(`^authorizer stopped \\(${signal}\\)$`, 'm'));
    }
  }, 240_000);

  it('refuses a setting it cannot use in one line naming it, and exits 1', async () => {
    for (const [name, value, line] of [
      ['PORT', '70000', 'PORT must be an integer from 0 to 65535'],
      ['DEADLINE_MS', 'soon', 'DEADLINE_MS must be an integer from 0 to 3600000'],
      ['AUTHORIZER_DIAL', 'network.example', 'AUTHORIZER_DIAL must be host:port of the network to dial (port 1 to 65535), or unset to listen'],
    ] as const) {
      const refused = runExample('main.ts', [], { DATABASE_URL: undefined, AUTHORIZER_PAN_KEY: undefined, [name]: value });
      expect(await refused.exited, name).toBe(1);
      expect(refused.output(), name).toBe(`${line}\n`);
    }
  }, 180_000);

  it('seed without a count seeds 100 demo accounts and cards', async () => {
    const own = `${schema}_seed`;
    try {
      const seeded = runScript('authorizer:seed', [], { DATABASE_URL, AUTHORIZER_SCHEMA: own, AUTHORIZER_PAN_KEY: TEST_CARD_KEY });
      expect(await seeded.exited, seeded.output()).toBe(0);
      expect(seeded.output()).toContain(`seeded 100 accounts and cards in Postgres (DATABASE_URL), schema ${own}`);
      const counted = await pool.query(`select (select count(*)::int from "${own}".accounts) as accounts, (select count(*)::int from "${own}".cards) as cards`);
      expect(counted.rows[0]).toEqual({ accounts: 100, cards: 100 });
    } finally {
      await pool.query(`drop schema if exists "${own}" cascade`);
    }
  }, 180_000);

  it('refuses to start on DATABASE_URL without AUTHORIZER_PAN_KEY, in one line, before touching the database', async () => {
    const fresh = `authz_main_nokey_${process.pid}`;
    for (const args of [[], ['seed', '3']]) {
      const refused = runExample('main.ts', args, { DATABASE_URL, AUTHORIZER_SCHEMA: fresh, AUTHORIZER_PAN_KEY: undefined });
      expect(await refused.exited).toBe(1);
      expect(refused.output()).toBe(
        'AUTHORIZER_PAN_KEY is not set: on DATABASE_URL cards are found by a digest of their PAN keyed by it, so every run needs the same secret key (generate one with: openssl rand -hex 32)\n',
      );
    }
    expect((await pool.query('select count(*)::int as n from pg_namespace where nspname = $1', [fresh])).rows[0].n).toBe(0);
  }, 180_000);

  it('seed without DATABASE_URL says in one line that the embedded database seeds itself', async () => {
    const refused = runExample('main.ts', ['seed'], { DATABASE_URL: undefined });
    expect(await refused.exited).toBe(1);
    expect(refused.output()).toBe(
      'authorizer:seed seeds the Postgres named by DATABASE_URL; without it the authorizer runs on an embedded database that seeds 100 demo accounts itself\n',
    );
  }, 180_000);
});
