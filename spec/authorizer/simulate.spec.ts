import { randomUUID } from 'node:crypto';
import { createServer, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_URL, TEST_CARD_KEY } from './env.js';
import { closedPort, listeningPort, type Running, runExample, runScript } from './processes.js';

/**
 * `npm run authorizer:simulate` as a user runs it, against the authorizer (src/main.ts, which the test kills) on a
 * schema of its own seeded by `npm run authorizer:seed`: twice in a row, then with the authorizer stopped under it.
 */
const schema = `authz_sim_${process.pid}_${randomUUID().slice(0, 8)}`;
const env = { DATABASE_URL, AUTHORIZER_SCHEMA: schema, AUTHORIZER_PAN_KEY: TEST_CARD_KEY, PORT: '0', DEADLINE_MS: '600000' };
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1, options: `-c search_path=${schema}` });
let authorizer: Running;
let port: number;

beforeAll(async () => {
  const seeded = runScript('authorizer:seed', ['100'], env);
  expect(await seeded.exited, seeded.output()).toBe(0);
  authorizer = runExample('main.ts', [], env);
  port = await listeningPort(authorizer);
}, 180_000);

afterAll(async () => {
  authorizer?.child.kill('SIGKILL');
  await pool.query(`drop schema if exists "${schema}" cascade`);
  await pool.end();
});

/** The answers of one summary line: `request  code: n, code: n`. */
function answersOf(output: string, request: string): Map<string, number> {
  const line = output.split('\n').find((l) => l.startsWith(request));
  return new Map([...(line ?? '').matchAll(/(\d\d): (\d+)/g)].map((m) => [m[1]!, Number(m[2])]));
}

describe('npm run authorizer:simulate', () => {
  it('runs twice in a row against one authorizer, and the second run is decided afresh (no 94: its keys are new)', async () => {
    for (const round of [1, 2]) {
      const sim = runScript('authorizer:simulate', ['300'], { PORT: String(port), SIMULATE_TIMEOUT_MS: '120000' });
      expect(await sim.exited, sim.output()).toBe(0);
      const out = sim.output();
      expect(out, `run ${round}`).toMatch(/^300 messages; latency ms p50 /m);
      const all = [...out.matchAll(/ (\d\d): (\d+)/g)];
      expect(all.length, out).toBeGreaterThan(0);
      expect(all.filter((m) => m[1] === '94'), `run ${round}:\n${out}`).toEqual([]);
      expect(answersOf(out, '0100 authorization').get('00'), out).toBeGreaterThan(0);
      // The legend explains every code the summary shows.
      for (const [, code] of all) expect(out, out).toMatch(new RegExp(`^  ${code} \\S`, 'm'));
    }
  }, 240_000);

  it('says in one line that no authorizer answers, and how to start one, when none listens', async () => {
    const sim = runScript('authorizer:simulate', ['20'], { PORT: String(await closedPort()) });
    expect(await sim.exited).toBe(1);
    expect(sim.output()).toMatch(/^stopped after 0 of 20 messages: no authorizer answers at 127\.0\.0\.1:\d+ \(CONNECT_FAILED\): start one with npm run authorizer$/m);
    expect(sim.output()).not.toMatch(/Iso8583NetError|\n\s+at /);
  }, 120_000);

  it('counts the requests not answered within SIMULATE_TIMEOUT_MS in its summary, and exits 0', async () => {
    // A peer that accepts and reads every frame but never answers: no request can be answered in time.
    const peers: Socket[] = [];
    const silent = createServer((socket) => {
      peers.push(socket);
      socket.resume();
    });
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const address = silent.address();
      const silentPort = typeof address === 'object' && address !== null ? address.port : 0;
      // 8 messages over the simulator's 8 connections: one each, each left unanswered.
      const sim = runExample('simulate.ts', ['8'], { PORT: String(silentPort), SIMULATE_TIMEOUT_MS: '200' });
      expect(await sim.exited, sim.output()).toBe(0);
      expect(sim.output()).toMatch(/^0 messages; latency ms p50 /m);
      expect(sim.output()).toMatch(/^8 requests got no answer within the client timeout$/m);
      expect(sim.output()).not.toMatch(/stopped after/);
    } finally {
      for (const p of peers) p.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  }, 120_000);

  it('prints the partial summary and a one-line reason when the authorizer stops under it, and exits 1', async () => {
    const sim = runExample('simulate.ts', ['100000'], { PORT: String(port), SIMULATE_TIMEOUT_MS: '120000' });
    // Wait for traffic to flow (its first decisions stored), then stop the authorizer in the middle of the run.
    const before = Number((await pool.query('select count(*) as n from transactions')).rows[0].n);
    for (let waited = 0; ; waited += 50) {
      const n = Number((await pool.query('select count(*) as n from transactions')).rows[0].n);
      if (n >= before + 50) break;
      if (waited > 120_000) throw new Error(`no traffic from the simulator:\n${sim.output()}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    authorizer.child.kill('SIGKILL');
    expect(await sim.exited, sim.output()).toBe(1);
    const out = sim.output();
    expect(out).toMatch(/^\d+ messages; latency ms p50 /m);
    expect(out).toMatch(/^stopped after \d+ of 100000 messages: the authorizer closed the connection \(\w+\)$/m);
    expect(out).not.toMatch(/Iso8583NetError|\n\s+at /);
  }, 240_000);
});
