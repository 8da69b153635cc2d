/**
 * Open-loop load generator for the reference authorizer: requests are scheduled at a fixed arrival rate and each
 * latency is measured from its scheduled send time (so a slow server cannot slow the generator down and hide its
 * own queueing). Reports p50 / p99 / p99.9 and throughput, with a progress line.
 *
 * Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test npm run bench:authorizer -- [mode] [rate/s] [seconds]
 * The authorizer is started as a child process (`npm run authorizer`) on a schema of its own, dropped afterwards.
 *   mode: cards (default: spread over 10,000 cards), hot (one account), echo (0800 only, no database; the same
 *   load alternates with the hand-written baseline server, bench/echo-baseline.ts, and the ratios are reported)
 * TICKER=timer schedules sends with setTimeout instead of the ticker thread (see threadTicks).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import { cardKeys, lastFour } from '../examples/card-authorizer/src/card-keys.js';
import { DEFAULTS, FRAMING } from '../examples/card-authorizer/src/config.js';
import { openDatabase } from '../examples/card-authorizer/src/database.js';
import type { IsoMessage } from '../examples/card-authorizer/src/iso.js';
import { createCodec, presets } from '../src/index.js';
import { connect } from '../src/net/index.js';

const [mode = 'cards', rateArg = '1000', secondsArg = '10'] = process.argv.slice(2);
const rate = Number(rateArg);
const seconds = Number(secondsArg);
// Echo needs no accounts: seeding 10,000 would only leave background writes behind in Postgres.
const CARDS = mode === 'hot' ? 1 : mode === 'echo' ? 0 : 10_000;
const total = Math.round(rate * (seconds + 1));

/** What one run measured. */
interface RunResult {
  readonly latencies: number[];
  readonly lateness: number[];
  readonly codes: Map<string, number>;
  readonly errors: number;
  readonly perSecond: number;
}

/** One send slot: its index and its scheduled time on this thread's `performance.now()` clock. */
interface Slot {
  readonly i: number;
  readonly scheduled: number;
}

/**
 * Send slots from a plain timer: Node's timers have millisecond granularity, so a slot fires up to a millisecond
 * late, and that lateness is counted against the server.
 */
async function* timerTicks(): AsyncGenerator<Slot> {
  const t0 = performance.now() + 20;
  for (let i = 0; i < total; i++) {
    const wait = t0 + (i * 1000) / rate - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    yield { i, scheduled: t0 + (i * 1000) / rate };
  }
}

/**
 * Send slots from a ticker thread that sleeps to each slot with `Atomics.wait` (a futex with a sub-millisecond
 * timeout: no spinning, so Postgres keeps its CPU) and wakes this thread's event loop with a message. Both threads
 * read one clock, `performance.timeOrigin + performance.now()`. The thread is started (without this process's
 * loader flags) and ready before the first slot is fixed, so its start-up is never counted as lateness.
 */
async function* threadTicks(): AsyncGenerator<Slot> {
  const ticker = new Worker(
    `const { parentPort } = require('node:worker_threads');
     parentPort.once('message', ({ t0, rate, total }) => {
       const cell = new Int32Array(new SharedArrayBuffer(4));
       for (let i = 0; i < total; i++) {
         const wait = t0 + (i * 1000) / rate - (performance.timeOrigin + performance.now());
         if (wait > 0) Atomics.wait(cell, 0, 0, wait);
         parentPort.postMessage(i);
       }
     });
     parentPort.postMessage('ready');`,
    { eval: true, execArgv: [] },
  );
  await new Promise<void>((resolve) => ticker.once('message', () => resolve()));
  const t0 = performance.now() + 20;
  const due: number[] = [];
  let wake: (() => void) | undefined;
  ticker.on('message', (i: number) => {
    due.push(i);
    wake?.();
  });
  ticker.postMessage({ t0: performance.timeOrigin + t0, rate, total });
  for (let sent = 0; sent < total; ) {
    if (due.length === 0) await new Promise<void>((r) => (wake = r));
    wake = undefined;
    while (due.length > 0) {
      const i = due.shift()!;
      yield { i, scheduled: t0 + (i * 1000) / rate };
      sent++;
    }
  }
  await ticker.terminate();
}

/** Server processes still running: killed if this process ends early, so none is left holding connections. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts a server process and resolves with the port it prints (`listening on 127.0.0.1:<port>`). */
async function startServer(args: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code})`)));
  });
  return { child, port };
}

async function stopServer(child: ChildProcess): Promise<void> {
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

/** Drives `total` requests at `rate` against the server on `port` through 8 client connections. */
async function drive(port: number, label: string): Promise<RunResult> {
  const codec = createCodec(presets.iso87ascii);
  const clients = await Promise.all(Array.from({ length: 8 }, () => connect({ host: '127.0.0.1', port, codec, framing: FRAMING, timeoutMs: 5000 })));
  const latencies: number[] = [];
  const lateness: number[] = [];
  const codes = new Map<string, number>();
  let errors = 0;
  let stan = 0;
  const nextRequest = (): IsoMessage => {
    stan++;
    const card = 1 + Math.floor(Math.random() * CARDS);
    const fields: IsoMessage['fields'] = { 7: '1124120000', 11: String(stan % 1_000_000).padStart(6, '0'), 41: `L${String(stan % 10_000_000).padStart(7, '0')}` };
    return mode === 'echo'
      ? { mti: '0800', fields: { ...fields, 70: '301' } }
      : {
          mti: '0100',
          fields: { ...fields, 2: `4${String(card).padStart(15, '0')}`, 3: '000000', 4: '000000000500', 18: '5411', 32: '123456', 37: `L${String(stan).padStart(11, '0')}`, 49: '978' },
        };
  };
  // Steady state is measured: first WARM_UP requests (default 3,000) go closed loop, one at a time per connection,
  // through the same connections and code paths, so neither process meets its first real requests under load.
  // (Without it, the first second at 1,000/s built a 200–300 ms backlog of cold code paths; see bench/RESULTS.md.)
  const warmUpRequests = Number(process.env.WARM_UP ?? 3000);
  await Promise.all(
    clients.map(async (client) => {
      for (let j = 0; j < warmUpRequests / clients.length; j++) await client.request(nextRequest());
    }),
  );
  const pending: Promise<void>[] = [];
  let progressAt = performance.now();
  let firstSlot = NaN;
  for await (const tick of process.env.TICKER === 'timer' ? timerTicks() : threadTicks()) {
    const i = tick.i;
    const scheduled = tick.scheduled;
    if (i === 0) firstSlot = scheduled;
    // The first second of the open loop is not measured either: it lets the arrival pattern settle.
    const measured = i >= rate;
    if (measured) lateness.push(performance.now() - scheduled);
    pending.push(
      clients[i % clients.length]!.request(nextRequest()).then(
        (answer) => {
          if (measured) latencies.push(performance.now() - scheduled);
          if (process.env.LOAD_TRACE !== undefined && performance.now() - scheduled > 20) process.stderr.write(`slow ${(scheduled - firstSlot).toFixed(0)}ms: ${(performance.now() - scheduled).toFixed(1)}\n`);
          const code = String(answer.fields[39] ?? '(none)');
          codes.set(code, (codes.get(code) ?? 0) + 1);
        },
        () => {
          errors++;
        },
      ),
    );
    if (performance.now() - progressAt > 1000) {
      progressAt = performance.now();
      process.stderr.write(`\r${label}: ${i + 1}/${total} sent, ${latencies.length} answered`);
    }
  }
  await Promise.all(pending);
  const perSecond = total / ((performance.now() - firstSlot) / 1000);
  process.stderr.write('\n');
  await Promise.all(clients.map((c) => c.close()));
  latencies.sort((a, b) => a - b);
  lateness.sort((a, b) => a - b);
  return { latencies, lateness, codes, errors, perSecond };
}

/** Several runs' measurements as one. */
function pooled(runs: readonly RunResult[]): RunResult {
  const codes = new Map<string, number>();
  for (const r of runs) for (const [c, n] of r.codes) codes.set(c, (codes.get(c) ?? 0) + n);
  return {
    latencies: runs.flatMap((r) => r.latencies).sort((a, b) => a - b),
    lateness: runs.flatMap((r) => r.lateness).sort((a, b) => a - b),
    codes,
    errors: runs.reduce((n, r) => n + r.errors, 0),
    perSecond: runs.reduce((n, r) => n + r.perSecond, 0) / runs.length,
  };
}

const pct = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

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
await database.pool.query(`insert into accounts (id, currency, balance) select g, '978', 100000000000 from generate_series(1, $1::int) g`, [CARDS]);
const pans = Array.from({ length: CARDS }, (_, i) => `4${String(i + 1).padStart(15, '0')}`);
await database.pool.query(
  `insert into cards (id, pan_key, pan_last4, account_id, expiry) select g, k, l, g, '2912' from unnest($1::int[], $2::text[], $3::text[]) as u (g, k, l)`,
  [pans.map((_, i) => i + 1), pans.map((p) => keys.pan(p)), pans.map((p) => lastFour(p))],
);
// Statistics for the seeded tables, as a live database has them: otherwise autovacuum may analyze them in the
// middle of the run, and every connection re-plans its prepared statements at once. (Not `transactions`: analyzed
// empty, it would plan sequential scans of a table that grows during the run.)
await database.pool.query('analyze accounts, cards');
// The authorizer runs in its own process, as in production: the generator's timers and the server's event loop
// do not share a thread.
const authorizer = await startServer(['--import', 'tsx', 'examples/card-authorizer/src/main.ts'], { AUTHORIZER_SCHEMA: schema, AUTHORIZER_PAN_KEY: cardKey, DEADLINE_MS: '1000' });
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
