/**
 * What one decision statement costs Postgres, next to the plain UPDATE of pgbench's ceilings, in one run: the CPU
 * time of the one backend that runs them (from /proc/<pid>/stat, so Postgres must run on this host) and the wall
 * time of each call, for
 *   plain        `update accounts set balance = balance - 1 where id = $1` (autocommit, prepared)
 *   authorize    sql/authorize.sql on one request (what a batch of one is decided by)
 *   advise       sql/advise.sql on one authorization advice (0120) of a random card, holding its amount
 *   batch of n   sql/authorize-batch.sql on n requests of n random cards (the burst decider's statement)
 * on the spread data set (10,000 accounts with one card each, bench/spread-cards.ts), each after a warm-up, one after
 * the other on one connection (no contention: the statement's own cost). The batch sizes' costs are fitted to a
 * fixed cost per statement plus a cost per request (least squares), the two numbers that say what batching buys.
 *
 * Each is measured over at least the statements asked for and at least {@link LEAST_TICKS} clock ticks of the
 * backend's CPU: /proc counts it in ticks of 10 ms, so a shorter run could read 0 or twice the truth.
 *
 * Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:authorizer:statement -- [statements per size]
 *      [unmeasured statements before each]  (defaults 2,000 and 300)
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { cardKeys } from '../examples/card-authorizer/src/card-keys.js';
import { openDatabase } from '../examples/card-authorizer/src/database.js';
import { type AdviceRequest, advise, type AuthorizationRequest, authorizeBatchOnce, authorizeOnAccount, QUERIES } from '../examples/card-authorizer/src/db.js';
import { processCpuTicks, TICKS_PER_SECOND } from './process-cpu.js';
import { seedSpreadCards, spreadPan } from './spread-cards.js';

const DATABASE_URL = process.env.DATABASE_URL;
if (DATABASE_URL === undefined) throw new Error('set DATABASE_URL: the statements are measured on a real Postgres');
const STATEMENTS = Number(process.argv[2] ?? 2000);
const WARM_UP = Number(process.argv[3] ?? 300);
/** The fewest clock ticks (10 ms each) of backend CPU a figure is read over: within 5 % of the truth, whatever the count. */
const LEAST_TICKS = 20;
const CARDS = 10_000;
const BATCH_SIZES = [2, 4, 8, 16, 32, 64];
const TODAY = '2026-12-03';

const schema = `authz_cost_${randomUUID().slice(0, 8)}`;
const keys = cardKeys(randomBytes(32));
const database = await openDatabase({ databaseUrl: DATABASE_URL, schema, poolSize: 1 });
await seedSpreadCards(database.pool, keys, CARDS);
const client = await database.pool.connect();
const backend = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;

let serial = 0;
/** A fresh 0100 of 5.00 EUR on a random card: a new idempotency key every time, so every one is decided and stored. */
function request(): AuthorizationRequest {
  serial++;
  const card = 1 + Math.floor(Math.random() * CARDS);
  return {
    idemKey: `cost|${schema}|${serial}`,
    requestHash: `h${serial}`,
    panKey: keys.pan(spreadPan(card)),
    amount: 500n,
    currency: '978',
    mcc: '5411',
    today: TODAY,
    mti: '0100',
    link: `0100${String(serial).padStart(16, '0')}`,
  };
}

/** A fresh 0120 of 5.00 EUR on a random card, its original never seen: stored and held. */
function advice(): AdviceRequest {
  const { idemKey, requestHash, panKey, link } = request();
  return { idemKey, requestHash, panKey, amount: 500n, today: TODAY, mti: '0120', originalLink: '', link };
}

interface Cost {
  readonly label: string;
  readonly requests: number;
  readonly statements: number;
  readonly cpuMs: number;
  readonly wallMs: number;
}

async function measure(label: string, requests: number, call: () => Promise<unknown>): Promise<Cost> {
  for (let i = 0; i < WARM_UP; i++) await call();
  const ticks0 = processCpuTicks(backend);
  const t0 = performance.now();
  let statements = 0;
  let ticks = 0;
  while (statements < STATEMENTS || ticks < LEAST_TICKS) {
    await call();
    statements++;
    // /proc is read only once the count is reached, not on every statement of the run
    if (statements >= STATEMENTS) ticks = processCpuTicks(backend) - ticks0;
  }
  const wallMs = (performance.now() - t0) / statements;
  return { label, requests, statements, cpuMs: (ticks * 1000) / TICKS_PER_SECOND / statements, wallMs };
}

const plainUpdate = { name: 'plain_update', text: 'update accounts set balance = balance - 1 where id = $1' };
const costs: Cost[] = [
  await measure('plain update', 1, () => client.query({ ...plainUpdate, values: [String(1 + Math.floor(Math.random() * CARDS))] })),
  await measure('authorize.sql', 1, () => authorizeOnAccount(client, request(), QUERIES.authorize, () => 1000)),
  await measure('advise.sql (0120)', 1, () => advise(client, advice())),
];
for (const n of BATCH_SIZES) {
  costs.push(
    await measure(`batch of ${n}`, n, () => {
      const batch = Array.from({ length: n }, request);
      return authorizeBatchOnce(client, TODAY, batch, batch.map(() => 1000));
    }),
  );
}
client.release();
await database.pool.query(`drop schema "${schema}" cascade`);
await database.close();

const plain = costs[0]!.cpuMs;
console.log(
  `Postgres CPU per statement (its backend, at least ${STATEMENTS} statements and ${LEAST_TICKS} clock ticks each, after ${WARM_UP} unmeasured), ${database.description}`,
);
console.log('| statement | requests | statements | backend CPU ms / statement | per request | per request / plain update | wall ms / statement |');
console.log('|---|---:|---:|---:|---:|---:|---:|');
for (const c of costs) {
  console.log(
    `| ${c.label} | ${c.requests} | ${c.statements} | ${c.cpuMs.toFixed(3)} | ${(c.cpuMs / c.requests).toFixed(3)} | ${(c.cpuMs / c.requests / plain).toFixed(2)}x | ${c.wallMs.toFixed(3)} |`,
  );
}
// cpu = fixed + perRequest × n over the batch sizes (ordinary least squares)
const batches = costs.filter((c) => c.label.startsWith('batch'));
const mean = (f: (c: Cost) => number): number => batches.reduce((s, c) => s + f(c), 0) / batches.length;
const mx = mean((c) => c.requests);
const my = mean((c) => c.cpuMs);
const perRequest = batches.reduce((s, c) => s + (c.requests - mx) * (c.cpuMs - my), 0) / batches.reduce((s, c) => s + (c.requests - mx) ** 2, 0);
console.log(
  `batch statement: fixed ${(my - perRequest * mx).toFixed(3)} ms + ${perRequest.toFixed(3)} ms per request of Postgres CPU ` +
    `(plain update ${plain.toFixed(3)} ms; authorize.sql ${costs[1]!.cpuMs.toFixed(3)} ms)`,
);
