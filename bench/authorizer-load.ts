/**
 * Open-loop load generator for the reference authorizer: requests are scheduled at a fixed arrival rate and each
 * latency is measured from its scheduled send time (so a slow server cannot slow the generator down and hide its
 * own queueing). Reports p50 / p99 / p99.9 and throughput, with a progress line.
 *
 * Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:authorizer -- [mode] [rate/s] [seconds]
 * The authorizer is started as a child process (`npm run authorizer`) on a schema of its own, dropped afterwards.
 *   mode: cards (default: spread over 10,000 cards), hot (one account), echo (0800 only, no database; the same
 *   load alternates with the hand-written baseline server, bench/echo-baseline.ts, and the ratios are reported)
 * TICKER=timer schedules sends with setTimeout instead of the ticker thread (see threadTicks). LOAD_TRACE=1 prints
 * every answer slower than 20 ms with its wall-clock time (to match with samples taken beside the run), and
 * SERVER_FLAGS passes node flags to the authorizer process (for one, `--cpu-prof --cpu-prof-dir=/tmp/prof`).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { cardKeys } from '../examples/card-authorizer/src/card-keys.js';
import { DEFAULTS } from '../examples/card-authorizer/src/config.js';
import { openDatabase } from '../examples/card-authorizer/src/database.js';
import type { IsoMessage } from '../examples/card-authorizer/src/iso.js';
import { clients, openLoop, pct, pooled, type RunResult, startServer, stopServer, warm } from './authorizer-driver.js';
import { loadIdentifiers, seedSpreadCards, spreadAuthorization } from './spread-cards.js';

const [mode = 'cards', rateArg = '1000', secondsArg = '10'] = process.argv.slice(2);
const rate = Number(rateArg);
const seconds = Number(secondsArg);
// Echo needs no accounts: seeding 10,000 would only leave background writes behind in Postgres.
const CARDS = mode === 'hot' ? 1 : mode === 'echo' ? 0 : 10_000;

let stan = 0;
const nextRequest = (): IsoMessage => {
  stan++;
  const card = 1 + Math.floor(Math.random() * CARDS);
  return mode === 'echo' ? { mti: '0800', fields: { ...loadIdentifiers(stan), 70: '301' } } : spreadAuthorization(card, stan);
};

/** Drives `total` requests at `rate` against the server on `port` through 8 client connections. */
async function drive(port: number, label: string): Promise<RunResult> {
  const connections = await clients(port, 8);
  // Steady state is measured: first WARM_UP requests (default 3,000) go closed loop, one at a time per connection,
  // through the same connections and code paths, so neither process meets its first real requests under load.
  // (Without it, the first second at 1,000/s built a 200–300 ms backlog of cold code paths; see bench/RESULTS.md.)
  await warm(connections, Number(process.env.WARM_UP ?? 3000), nextRequest);
  const result = await openLoop(connections, rate, seconds, nextRequest, label);
  await Promise.all(connections.map((c) => c.close()));
  return result;
}

function report(label: string, r: RunResult, where: string): void {
  const ms = (sorted: readonly number[], p: number): string => pct(sorted, p).toFixed(2);
  console.log(
    `${label}: mode ${mode}, offered ${rate}/s for ${seconds}s (+1s warm-up): ${r.latencies.length} measured, ` +
      `${r.perSecond.toFixed(0)}/s overall, errors ${r.errors}; latency ms p50 ${ms(r.latencies, 50)} p99 ${ms(r.latencies, 99)} ` +
      `p99.9 ${ms(r.latencies, 99.9)} max ${ms(r.latencies, 100)}; generator lateness p50 ${ms(r.lateness, 50)} p99 ${ms(r.lateness, 99)}; ` +
      `codes ${[...r.codes].map(([c, n]) => `${c}:${n}`).join(' ')}; ${where}`,
  );
}

if (process.env.DATABASE_URL === undefined) throw new Error('set DATABASE_URL: the load generator measures the authorizer on a real Postgres');
const schema = `authz_load_${randomUUID().slice(0, 8)}`;
// A card data key for this run only: the seeded digests and the authorizer process share it.
const cardKey = randomBytes(32).toString('hex');
const keys = cardKeys(Buffer.from(cardKey, 'hex'));
const database = await openDatabase({ databaseUrl: process.env.DATABASE_URL, schema, poolSize: DEFAULTS.poolSize });
await seedSpreadCards(database.pool, keys, CARDS);
// The authorizer runs in its own process, as in production: the generator's timers and the server's event loop
// do not share a thread.
const authorizer = await startServer([...(process.env.SERVER_FLAGS ?? '').split(' ').filter(Boolean), '--import', 'tsx', 'examples/card-authorizer/src/main.ts'], { AUTHORIZER_SCHEMA: schema, AUTHORIZER_PAN_KEY: cardKey, DEADLINE_MS: '1000' });
if (mode !== 'echo') {
  report('authorizer', await drive(authorizer.port, 'authorizer'), database.description);
} else {
  // Side by side with the hand-written baseline, in phases ordered authorizer, baseline, baseline, authorizer:
  // whatever drifts during the run (the generator's own warm-up, background work) weighs on both alike. Each
  // phase starts from a clean heap (npm run bench:authorizer passes --expose-gc).
  const baseline = await startServer(['--import', 'tsx', 'bench/echo-baseline.ts'], {});
  const phases: { label: string; port: number }[] = [
    { label: 'authorizer', port: authorizer.port },
    { label: 'baseline', port: baseline.port },
    { label: 'baseline', port: baseline.port },
    { label: 'authorizer', port: authorizer.port },
  ];
  const byServer = new Map<string, RunResult[]>();
  for (const phase of phases) {
    (globalThis as { gc?: () => void }).gc?.();
    byServer.set(phase.label, [...(byServer.get(phase.label) ?? []), await drive(phase.port, phase.label)]);
  }
  await stopServer(baseline.child);
  const ours = pooled(byServer.get('authorizer')!);
  const floor = pooled(byServer.get('baseline')!);
  report('authorizer (2 phases)', ours, database.description);
  report('hand-written baseline (2 phases)', floor, 'bench/echo-baseline.ts');
  const ratio = (p: number): string => (pct(ours.latencies, p) / pct(floor.latencies, p)).toFixed(2);
  console.log(`authorizer / baseline: p50 ${ratio(50)}x, p99 ${ratio(99)}x, p99.9 ${ratio(99.9)}x`);
}
await stopServer(authorizer.child);
const autovacuum = await database.pool.query<{ relname: string; autovacuum_count: string; autoanalyze_count: string }>(
  `select relname, autovacuum_count, autoanalyze_count from pg_stat_user_tables where schemaname = $1 and (autovacuum_count > 0 or autoanalyze_count > 0)`,
  [schema],
);
console.log(`autovacuum during the run: ${autovacuum.rows.map((r) => `${r.relname} vacuumed ${r.autovacuum_count}, analyzed ${r.autoanalyze_count}`).join('; ') || 'none'}`);
await database.pool.query(`drop schema if exists "${schema}" cascade`);
await database.close();
