import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATABASE_URL, TEST_CARD_KEY } from './env.js';
import { kill, outputMatching, type Running, runExample, runScript, terminate } from './processes.js';

/**
 * The authorizer's dial mode (AUTHORIZER_DIAL) against the simulator listening as the network
 * (`npm run authorizer:simulate -- --listen`), both as child processes on loopback, on a schema of its own on the
 * real Postgres seeded by `npm run authorizer:seed`: the authorizer dials and signs on, the network's traffic down
 * that link is answered, and after the network drops the link the authorizer dials again, signs on again and
 * answers the next run.
 */
const schema = `authz_dial_${process.pid}_${randomUUID().slice(0, 8)}`;
const env = { DATABASE_URL, AUTHORIZER_SCHEMA: schema, AUTHORIZER_PAN_KEY: TEST_CARD_KEY, DEADLINE_MS: '600000' };
const pool = new pg.Pool({ connectionString: DATABASE_URL, max: 1, options: `-c search_path=${schema}` });
const started: Running[] = [];

beforeAll(async () => {
  const seeded = runScript('authorizer:seed', ['100'], env);
  expect(await seeded.exited, seeded.output()).toBe(0);
}, 180_000);

afterAll(async () => {
  for (const r of started) kill(r, 'SIGKILL');
  await pool.query(`drop schema if exists "${schema}" cascade`);
  await pool.end();
});

/** The answers of one summary line: `request  code: n, code: n`. */
function answersOf(output: string, request: string): Map<string, number> {
  const line = output.split('\n').find((l) => l.startsWith(request));
  return new Map([...(line ?? '').matchAll(/(\d\d): (\d+)/g)].map((m) => [m[1]!, Number(m[2])]));
}

/** Starts the simulator listening as the network (on `port`, 0: any) and resolves with it and its bound port. */
async function network(port: number, count: number): Promise<{ sim: Running; port: number }> {
  const sim = runScript('authorizer:simulate', ['--listen', String(count)], { PORT: String(port), SIMULATE_TIMEOUT_MS: '120000' });
  started.push(sim);
  const m = await outputMatching(sim, /^network simulator listening on 127\.0\.0\.1:(\d+); waiting for the authorizer to dial and sign on$/m);
  return { sim, port: Number(m[1]) };
}

/** Checks one run's summary: every message answered, and each kind with the answers the seeded cards call for. */
function expectAnswered(out: string, count: number): void {
  expect(out).toMatch(/^the authorizer signed on; sending traffic down its link$/m);
  expect(out).toMatch(new RegExp(`^${count} messages; latency ms p50 `, 'm'));
  expect(out).not.toMatch(/got no answer|stopped after/);
  const all = [...out.matchAll(/ (\d\d): (\d+)/g)];
  expect(all.length, out).toBeGreaterThan(0);
  // Fresh keys (no 94), no format errors or system errors: every request of the mix is well formed and decided.
  expect(all.filter((m) => ['94', '30', '96', '91'].includes(m[1]!)), out).toEqual([]);
  expect(answersOf(out, '0100 authorization').get('00'), out).toBeGreaterThan(0);
  // Card 9999 is unknown (14), card 13 blocked (62), card 17 expired (54).
  for (const code of answersOf(out, '0100 unknown/blocked/expired').keys()) expect(['14', '62', '54'], out).toContain(code);
  for (const code of answersOf(out, '0800 echo').keys()) expect(code, out).toBe('00');
  for (const [, code] of all) expect(out, out).toMatch(new RegExp(`^  ${code} \\S`, 'm'));
}

describe('the authorizer in dial mode (AUTHORIZER_DIAL) and the simulator listening as the network', () => {
  it('signs on, answers the traffic the network sends down its link, and dials and signs on again after the network drops it', async () => {
    const first = await network(0, 200);
    const authorizer = runExample('main.ts', [], { ...env, AUTHORIZER_DIAL: `127.0.0.1:${first.port}` });
    started.push(authorizer);
    await outputMatching(authorizer, new RegExp(`^authorizer dialling the network at 127\\.0\\.0\\.1:${first.port} `, 'm'));
    expect(await first.sim.exited, first.sim.output()).toBe(0);
    expectAnswered(first.sim.output(), 200);
    expect(authorizer.output().match(/^authorizer signed on to the network at /gm)).toHaveLength(1);
    // The decisions were the authorizer's, stored in its schema.
    expect(Number((await pool.query('select count(*) as n from transactions')).rows[0].n)).toBeGreaterThan(0);

    // The network ended its run and closed the link: the authorizer sees it go down and keeps dialling.
    await outputMatching(authorizer, new RegExp(`^link to 127\\.0\\.0\\.1:${first.port} down \\(peerClosed\\); dialling again in \\d+ ms$`, 'm'));
    const second = await network(first.port, 100);
    expect(second.port).toBe(first.port);
    expect(await second.sim.exited, second.sim.output()).toBe(0);
    expectAnswered(second.sim.output(), 100);
    expect(authorizer.output().match(/^authorizer signed on to the network at /gm)).toHaveLength(2);

    expect(await terminate(authorizer)).toBe(0);
    expect(authorizer.output()).toMatch(/^authorizer stopped \(SIGTERM\)$/m);
  }, 300_000);
});
