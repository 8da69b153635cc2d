/**
 * The reference authorizer against the physical limits of the machine it runs on, measured in the same run:
 * pgbench's one-row UPDATE (autocommit, 64 and 16 clients: the ceiling of any design that serialises decisions on
 * one row) and a random row of 10,000 (16 clients: the ceiling of one write per decision on spread load), next to
 * the authorizer's own runs:
 *   hot-closed   one account (64 cards of one company), 64 connections, closed loop, 1 s deadline
 *   cards-closed 10,000 cards, 16 connections, closed loop
 *   cards-open   10,000 cards, open loop at half of this contender's cards-closed throughput in the same round
 *   hot-open     one account, open loop at 60 % of the one-row ceiling (64 clients) measured in this run
 *   crash        one account under hot-closed load, the authorizer killed (SIGKILL) halfway and restarted; then
 *                every request sent is retransmitted (0101): stored answers, within the deadline?
 * Right after each open-loop phase, the latency floor of that phase: pgbench's plain UPDATE offered at the same rate
 * (random row of 10,000 over 16 clients after cards-open, the one row over 64 after hot-open; bench/pgbench-floor.ts),
 * its p50 and p99 measured from the scheduled start as the authorizer's are. The tail that pgbench shows at a rate
 * is the machine's; the authorizer's p99 is reported next to it, and as a ratio to it.
 * With BASELINE=<git revision>, that revision's examples/card-authorizer runs as a second contender, in rounds
 * ordered A B B A, so whatever drifts during the run weighs on both alike; the ceilings are measured before, between
 * and after the rounds. Postgres's CPU per request is read from /proc (Postgres on this host) over each phase: that of
 * the server's own backends (found by its connections' ports), and that of every Postgres process (on a shared
 * Postgres, others' work included).
 *
 * Run: DATABASE_URL=postgres://postgres@127.0.0.1:5432/test BASELINE=<rev> npm run bench:authorizer:ceilings -- [seconds per phase]
 */
import { type ChildProcess, execFileSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { cardKeys, lastFour } from '../examples/card-authorizer/src/card-keys.js';
import type { IsoMessage } from '../examples/card-authorizer/src/iso.js';
import { clients, closedLoop, codesOf, openLoop, pct, type RunResult, startServer, stopServer, warm } from './authorizer-driver.js';
import { type FloorRun, pgbenchArgs, pgbenchOpenLoop } from './pgbench-floor.js';
import { processCpuTicks, processStat, TICKS_PER_SECOND } from './process-cpu.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATABASE_URL = process.env.DATABASE_URL;
if (DATABASE_URL === undefined) throw new Error('set DATABASE_URL: the ceilings are measured on a real Postgres');
const SECONDS = Number(process.argv[2] ?? 10);
const HOT_OPEN_SECONDS = 10;
const DEADLINE_MS = 1000;
const HOT_CARDS = 64;
const CARDS = 10_000;
const FIRST_CARD = 101;
const admin = new pg.Pool({ connectionString: DATABASE_URL, max: 2 });
const cardKey = randomBytes(32).toString('hex');
const keys = cardKeys(Buffer.from(cardKey, 'hex'));
const load = (): string => loadavg().map((l) => l.toFixed(1)).join(' ');

/**
 * CPU seconds used so far by every Postgres process of this host, the backends that have exited included (the
 * postmaster reaps them, so their time is in its children's time): null when /proc shows none (Postgres elsewhere).
 * On a shared Postgres this counts other clients' work too; a contender's own decisions are counted by
 * {@link backendsCpu}.
 */
function postgresCpu(): number | null {
  let ticks = 0;
  let found = false;
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = processStat(pid);
      if (stat.command !== 'postgres') continue;
      // its own time and that of the children it has waited for (only the postmaster has any)
      ticks += stat.ticks + stat.childTicks;
      found = true;
    } catch {
      // the process ended meanwhile
    }
  }
  return found ? ticks / TICKS_PER_SECOND : null;
}

/**
 * The local ports of `pid`'s TCP connections to port 5432 on this host (from /proc: its socket inodes, matched in
 * /proc/net/tcp and tcp6).
 */
function postgresPortsOf(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // closed meanwhile
    }
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10 || !inodes.has(f[9]!)) continue;
      if (f[2]!.endsWith(':1538')) ports.push(Number.parseInt(f[1]!.split(':')[1]!, 16)); // 0x1538 = 5432
    }
  }
  return ports;
}

/**
 * The Postgres backends serving the server process `pid` (by its connections' client ports), and their CPU
 * seconds so far: what the contender's own statements cost, whatever else runs on the same Postgres.
 */
async function backendsOf(pid: number): Promise<number[]> {
  const { rows } = await admin.query<{ pid: number }>('select pid from pg_stat_activity where client_port = any($1::int[])', [postgresPortsOf(pid)]);
  return rows.map((r) => r.pid);
}
function backendsCpu(backends: readonly number[]): number {
  let ticks = 0;
  for (const b of backends) {
    try {
      ticks += processCpuTicks(b);
    } catch {
      // the backend ended (its connection closed): its time is lost to this count
    }
  }
  return ticks / TICKS_PER_SECOND;
}

/** CPU seconds of one process (a server under test). */
function processCpu(pid: number): number {
  return processCpuTicks(pid) / TICKS_PER_SECOND;
}

/**
 * A phase's result with what it cost, in ms per answer: the CPU of the server's own Postgres backends, of every
 * Postgres process of the host (others' work on a shared Postgres included), and of the server process.
 */
interface Measured {
  readonly result: RunResult;
  readonly backendMsPerRequest: number;
  readonly postgresMsPerRequest: number | null;
  readonly serverMsPerRequest: number;
}

async function measured(server: ChildProcess, run: () => Promise<RunResult>): Promise<Measured> {
  const backends = await backendsOf(server.pid!);
  const b0 = backendsCpu(backends);
  const pg0 = postgresCpu();
  const s0 = processCpu(server.pid!);
  const result = await run();
  const pg1 = postgresCpu();
  const b1 = backendsCpu(backends);
  const answered = Math.max(1, result.latencies.length);
  return {
    result,
    backendMsPerRequest: ((b1 - b0) * 1000) / answered,
    postgresMsPerRequest: pg0 === null || pg1 === null ? null : ((pg1 - pg0) * 1000) / answered,
    serverMsPerRequest: ((processCpu(server.pid!) - s0) * 1000) / answered,
  };
}

// ---- the ceilings: pgbench against a plain table of this run --------------------------------------------------

const ceilingSchema = `ceiling_${randomUUID().slice(0, 8)}`;
const scripts = mkdtempSync(join(tmpdir(), 'authz-ceilings-'));
const oneRow = join(scripts, 'one-row.sql');
const randomRow = join(scripts, 'random-row.sql');
writeFileSync(oneRow, `update ${ceilingSchema}.rows set balance = balance - 1 where id = 1;\n`);
writeFileSync(randomRow, `\\set id random(1, 10000)\nupdate ${ceilingSchema}.rows set balance = balance - 1 where id = :id;\n`);

interface Ceiling {
  readonly oneRow64: number;
  readonly oneRow16: number;
  readonly randomRow16: number;
  readonly postgresMsPerUpdate: number | null;
}

/** Runs pgbench (autocommit, prepared, synchronous commit as configured) and returns its tps. */
function pgbench(script: string, clientsCount: number): number {
  const out = execFileSync('pgbench', [...pgbenchArgs(script, clientsCount, SECONDS), DATABASE_URL!], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const m = /tps = ([\d.]+) \(without initial connection time\)/.exec(out);
  // Without a transaction in the whole run (a saturated machine), pgbench prints no tps at all.
  if (m === null && /actually processed: 0\b/.test(out)) return 0;
  if (m === null) throw new Error(`pgbench printed no tps:\n${out}`);
  return Number(m[1]);
}

const ceilings: Ceiling[] = [];
async function measureCeilings(): Promise<Ceiling> {
  const pg0 = postgresCpu();
  const oneRow64 = pgbench(oneRow, 64);
  const oneRow16 = pgbench(oneRow, 16);
  const randomRow16 = pgbench(randomRow, 16);
  const pg1 = postgresCpu();
  const updates = (oneRow64 + oneRow16 + randomRow16) * SECONDS;
  const c = { oneRow64, oneRow16, randomRow16, postgresMsPerUpdate: pg0 === null || pg1 === null ? null : ((pg1 - pg0) * 1000) / updates };
  ceilings.push(c);
  console.log(
    `ceilings (pgbench, ${SECONDS} s each, load ${load()}): one row 64 clients ${oneRow64.toFixed(0)} tps, 16 clients ${oneRow16.toFixed(0)} tps; ` +
      `random row of 10,000, 16 clients ${randomRow16.toFixed(0)} tps; Postgres CPU ${c.postgresMsPerUpdate?.toFixed(3) ?? 'n/a'} ms per update`,
  );
  return c;
}

// ---- the contenders ---------------------------------------------------------------------------------------------

interface Contender {
  readonly name: string;
  /** The directory holding examples/card-authorizer, and where its server runs. */
  readonly dir: string;
  readonly schema: string;
}

/** A copy of `rev`'s examples/card-authorizer in a directory of its own, resolving its imports to this checkout's. */
function baselineCopy(rev: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'authz-baseline-'));
  const archive = execFileSync('git', ['archive', '--format=tar', rev, 'examples/card-authorizer'], { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  execFileSync('tar', ['-x', '-C', dir], { input: archive });
  // The example is ES modules as in this repository (its package.json says "type": "module").
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module', private: true }));
  mkdirSync(join(dir, 'node_modules'));
  for (const entry of readdirSync(join(ROOT, 'node_modules'))) symlinkSync(join(ROOT, 'node_modules', entry), join(dir, 'node_modules', entry));
  // The example imports the library by its package name: this checkout's built dist/.
  symlinkSync(ROOT, join(dir, 'node_modules', 'iso8583-codec'));
  return dir;
}

const pan = (card: number): string => `4${String(card).padStart(15, '0')}`;

/** Creates the contender's schema with its own schema.sql and seeds the hot account's cards and the 10,000 cards. */
async function seed(c: Contender): Promise<void> {
  const client = await admin.connect();
  try {
    await client.query(`create schema "${c.schema}"`);
    await client.query(`set search_path to "${c.schema}"`);
    await client.query(readFileSync(join(c.dir, 'examples/card-authorizer/sql/schema.sql'), 'utf8'));
    await client.query(`insert into accounts (id, currency, balance) values (1, '978', 100000000000000)`);
    await client.query(`insert into accounts (id, currency, balance) select g, '978', 100000000000 from generate_series($1::int, $2::int) g`, [FIRST_CARD, FIRST_CARD + CARDS - 1]);
    const ids = [...Array.from({ length: HOT_CARDS }, (_, i) => i + 1), ...Array.from({ length: CARDS }, (_, i) => FIRST_CARD + i)];
    await client.query(
      `insert into cards (id, pan_key, pan_last4, account_id, expiry)
       select g, k, l, case when g <= $4 then 1 else g end, '2912' from unnest($1::int[], $2::text[], $3::text[]) as u (g, k, l)`,
      [ids, ids.map((i) => keys.pan(pan(i))), ids.map((i) => lastFour(pan(i))), HOT_CARDS],
    );
    // Statistics for the seeded tables, as a live database has them (not `transactions`: analyzed empty, it would
    // be planned as empty while it grows during the run).
    await client.query('analyze accounts, cards');
  } finally {
    client.release();
  }
}

async function startContender(c: Contender): Promise<{ child: ChildProcess; port: number }> {
  return startServer(['--import', 'tsx', 'examples/card-authorizer/src/main.ts'], { AUTHORIZER_SCHEMA: c.schema, AUTHORIZER_PAN_KEY: cardKey, DEADLINE_MS: String(DEADLINE_MS), DATABASE_URL }, c.dir);
}

let stan = 0;
/** An 0100 of 5.00 EUR for `card`, with fresh identifiers (DE7 of this run, a new STAN and RRN). */
function authorization(card: number): IsoMessage {
  stan++;
  return {
    mti: '0100',
    fields: {
      2: pan(card), 3: '000000', 4: '000000000500', 7: '1124120000', 11: String(stan % 1_000_000).padStart(6, '0'), 18: '5411', 32: '123456',
      37: `C${String(stan).padStart(11, '0')}`, 41: `T${String(Math.floor(stan / 1_000_000)).padStart(7, '0')}`, 49: '978',
    },
  };
}
const hotCard = (k: number): number => 1 + (k % HOT_CARDS);
const spreadCard = (): number => FIRST_CARD + Math.floor(Math.random() * CARDS);

type Phase = 'hot-closed' | 'cards-closed' | 'cards-open' | 'hot-open' | 'crash';
const results = new Map<string, Measured[]>();
/** The pgbench latency floor measured after each open-loop phase, by contender and phase. */
const floors = new Map<string, FloorRun[]>();
/** Appends `value` to the list under `at` in `runs`. */
const append = <T>(runs: Map<string, T[]>, at: string, value: T): void => void (runs.get(at) ?? runs.set(at, []).get(at)!).push(value);

/** pgbench's plain UPDATE at the rate the phase just offered, recorded as that phase's latency floor. */
function floorOf(contender: string, phase: 'cards-open' | 'hot-open', rate: number, seconds: number): void {
  const run = phase === 'cards-open' ? pgbenchOpenLoop(DATABASE_URL!, randomRow, 16, rate, seconds) : pgbenchOpenLoop(DATABASE_URL!, oneRow, 64, rate, seconds);
  append(floors, key(contender, phase), run);
  const ours = results.get(key(contender, phase))!.at(-1)!.result;
  console.log(
    `${'pgbench'.padEnd(8)} ${`${phase} floor`.padEnd(12)} offered ${rate.toFixed(0)}/s, ${run.perSecond.toFixed(0)}/s, p50 ${pct(run.latencies, 50).toFixed(2)} ` +
      `p99 ${pct(run.latencies, 99).toFixed(2)} max ${pct(run.latencies, 100).toFixed(1)} ms (${phase === 'cards-open' ? 'random row, 16' : 'one row, 64'} clients); ` +
      `${contender}'s p99 is ${(pct(ours.latencies, 99) / pct(run.latencies, 99)).toFixed(2)}x of it; load ${load()}`,
  );
}
const key = (contender: string, phase: Phase): string => `${contender} ${phase}`;

function report(contender: string, phase: Phase, m: Measured, offered?: number): void {
  append(results, key(contender, phase), m);
  const r = m.result;
  console.log(
    `${contender.padEnd(8)} ${phase.padEnd(12)} ${offered === undefined ? '' : `offered ${offered.toFixed(0)}/s, `}${r.perSecond.toFixed(0)}/s, ` +
      `p50 ${pct(r.latencies, 50).toFixed(2)} p99 ${pct(r.latencies, 99).toFixed(2)} max ${pct(r.latencies, 100).toFixed(1)} ms, errors ${r.errors}, ` +
      `codes ${codesOf(r)}; CPU per request: its Postgres backends ${m.backendMsPerRequest.toFixed(3)} ms (all of Postgres ${m.postgresMsPerRequest?.toFixed(3) ?? 'n/a'} ms), server ${m.serverMsPerRequest.toFixed(3)} ms; load ${load()}`,
  );
}

/** One round of a contender: a fresh server process, warmed, then every phase. */
async function round(c: Contender, ceiling: Ceiling, crash: boolean): Promise<void> {
  let server = await startContender(c);
  const warmers = await clients(server.port, 8);
  await warm(warmers, 3000, () => authorization(spreadCard()));
  await Promise.all(warmers.map((w) => w.close()));

  const hot = await clients(server.port, 64);
  report(c.name, 'hot-closed', await measured(server.child, () => closedLoop(hot, SECONDS, (k) => authorization(hotCard(k)))));
  await Promise.all(hot.map((h) => h.close()));

  const spread = await clients(server.port, 16);
  const closed = await measured(server.child, () => closedLoop(spread, SECONDS, () => authorization(spreadCard())));
  report(c.name, 'cards-closed', closed);
  await Promise.all(spread.map((s) => s.close()));

  const open = await clients(server.port, 8);
  const half = closed.result.perSecond / 2;
  report(c.name, 'cards-open', await measured(server.child, () => openLoop(open, half, SECONDS, () => authorization(spreadCard()), `${c.name} cards-open`)), half);
  floorOf(c.name, 'cards-open', half, SECONDS);
  const sixty = 0.6 * ceiling.oneRow64;
  report(c.name, 'hot-open', await measured(server.child, () => openLoop(open, sixty, HOT_OPEN_SECONDS, (k) => authorization(hotCard(k)), `${c.name} hot-open`)), sixty);
  floorOf(c.name, 'hot-open', sixty, HOT_OPEN_SECONDS);
  await Promise.all(open.map((o) => o.close()));

  if (crash) {
    // Under hot-closed load, the process is killed halfway; every request sent so far is then retransmitted (0101)
    // to a restarted process: those answered before the crash must get the same answer (DE39, DE38) again.
    const victims = await clients(server.port, 64, 2000);
    const sent: { request: IsoMessage; answer: IsoMessage | undefined }[] = [];
    const killer = setTimeout(() => server.child.kill('SIGKILL'), (SECONDS * 1000) / 2);
    await Promise.all(
      victims.map(async (client, k) => {
        for (;;) {
          const entry = { request: authorization(hotCard(k)), answer: undefined as IsoMessage | undefined };
          sent.push(entry);
          try {
            entry.answer = await client.request(entry.request);
          } catch {
            return; // the process died under us
          }
        }
      }),
    );
    clearTimeout(killer);
    await Promise.all(victims.map((v) => v.close()));
    server = await startContender(c);
    const retry = await clients(server.port, 64);
    let next = 0;
    let changed = 0;
    let decidedAfter91 = 0;
    report(
      c.name,
      'crash',
      await measured(server.child, async () => {
        const latencies: number[] = [];
        const codes = new Map<string, number>();
        let errors = 0;
        const start = performance.now();
        await Promise.all(
          retry.map(async (client) => {
            for (let i = next++; i < sent.length; i = next++) {
              const { request, answer } = sent[i]!;
              const t = performance.now();
              try {
                const again = await client.request({ ...request, mti: '0101' });
                latencies.push(performance.now() - t);
                const code = String(again.fields[39]);
                codes.set(code, (codes.get(code) ?? 0) + 1);
                // A 91 before the crash stored nothing (no decision in time): its retransmission is decided afresh.
                if (answer?.fields[39] === '91') decidedAfter91++;
                else if (answer !== undefined && (answer.fields[39] !== again.fields[39] || answer.fields[38] !== again.fields[38])) changed++;
              } catch {
                errors++;
              }
            }
          }),
        );
        latencies.sort((a, b) => a - b);
        return { latencies, lateness: [], codes, errors, perSecond: latencies.length / ((performance.now() - start) / 1000) };
      }),
    );
    console.log(
      `${c.name.padEnd(8)} crash        ${sent.length} sent before the kill, ${sent.filter((e) => e.answer !== undefined).length} answered; ` +
        `retransmissions answered past the deadline: ${results.get(key(c.name, 'crash'))!.at(-1)!.result.latencies.filter((l) => l > DEADLINE_MS).length}, ` +
        `with another answer than before the crash: ${changed} (and ${decidedAfter91} answered 91 before it, decided now)`,
    );
    await Promise.all(retry.map((r) => r.close()));
  }
  await stopServer(server.child);
}

// ---- the run ----------------------------------------------------------------------------------------------------

await admin.query(`create schema "${ceilingSchema}"`);
await admin.query(`create table "${ceilingSchema}".rows (id int primary key, balance bigint not null)`);
await admin.query(`insert into "${ceilingSchema}".rows select g, 1000000000000 from generate_series(1, 10000) g`);
await admin.query(`vacuum analyze "${ceilingSchema}".rows`);

const tag = randomUUID().slice(0, 6);
const contenders: Contender[] = [{ name: 'this', dir: ROOT, schema: `authz_ceil_this_${tag}` }];
const baseline = process.env.BASELINE;
if (baseline !== undefined && baseline !== '') {
  contenders.push({ name: baseline.slice(0, 8), dir: baselineCopy(baseline), schema: `authz_ceil_base_${tag}` });
}
const crash = process.env.CRASH !== '0';
console.log(`authorizer ceilings: ${SECONDS} s per phase, deadline ${DEADLINE_MS} ms, contenders ${contenders.map((c) => c.name).join(', ')}; load ${load()}`);
try {
  for (const c of contenders) await seed(c);
  let ceiling = await measureCeilings();
  const order = contenders.length === 1 ? [contenders[0]!, contenders[0]!] : [contenders[0]!, contenders[1]!, contenders[1]!, contenders[0]!];
  for (const [i, c] of order.entries()) {
    await round(c, ceiling, crash && i >= order.length - contenders.length);
    if (i === order.length / 2 - 1) ceiling = await measureCeilings();
  }
  await measureCeilings();
} finally {
  for (const c of contenders) await admin.query(`drop schema if exists "${c.schema}" cascade`);
  await admin.query(`drop schema if exists "${ceilingSchema}" cascade`);
  await admin.end();
  rmSync(scripts, { recursive: true, force: true });
  for (const c of contenders) if (c.dir !== ROOT) rmSync(c.dir, { recursive: true, force: true });
}

// ---- the summary: ranges over the rounds, ratios to the ceilings of this run -----------------------------------

const range = (values: readonly number[], digits = 0): string => {
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  return lo === hi ? lo.toFixed(digits) : `${lo.toFixed(digits)}–${hi.toFixed(digits)}`;
};
const mean = (values: readonly number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
const oneRow64 = mean(ceilings.map((c) => c.oneRow64));
const randomRow16 = mean(ceilings.map((c) => c.randomRow16));
console.log(
  `\nceilings over ${ceilings.length} measurements: one row 64 clients ${range(ceilings.map((c) => c.oneRow64))} tps, 16 clients ` +
    `${range(ceilings.map((c) => c.oneRow16))} tps, random row 16 clients ${range(ceilings.map((c) => c.randomRow16))} tps; ` +
    `Postgres CPU per plain update ${range(ceilings.flatMap((c) => (c.postgresMsPerUpdate === null ? [] : [c.postgresMsPerUpdate])), 3)} ms\n`,
);
console.log('| contender | phase | rounds | throughput /s | ratio to its ceiling | p50 ms | p99 ms | 91s | errors | its backends\' CPU ms/request | all Postgres CPU ms/request | server CPU ms/request |');
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const c of contenders) {
  for (const phase of ['hot-closed', 'cards-closed', 'cards-open', 'hot-open', 'crash'] as const) {
    const runs = results.get(key(c.name, phase));
    if (runs === undefined) continue;
    const tps = runs.map((m) => m.result.perSecond);
    const ceilingOf = phase.startsWith('hot') || phase === 'crash' ? oneRow64 : randomRow16;
    const ratio = phase.endsWith('closed') ? `${range(tps.map((t) => t / ceilingOf), 2)}x of ${phase.startsWith('hot') ? 'one row (64)' : 'random row (16)'}` : '';
    console.log(
      `| ${c.name} | ${phase} | ${runs.length} | ${range(tps)} | ${ratio} | ${range(runs.map((m) => pct(m.result.latencies, 50)), 2)} | ` +
        `${range(runs.map((m) => pct(m.result.latencies, 99)), 2)} | ${range(runs.map((m) => m.result.codes.get('91') ?? 0))} | ` +
        `${range(runs.map((m) => m.result.errors))} | ${range(runs.map((m) => m.backendMsPerRequest), 3)} | ` +
        `${range(runs.flatMap((m) => (m.postgresMsPerRequest === null ? [] : [m.postgresMsPerRequest])), 3)} | ${range(runs.map((m) => m.serverMsPerRequest), 3)} |`,
    );
    const floor = floors.get(key(c.name, phase));
    if (floor === undefined) continue;
    const p99s = floor.map((f) => pct(f.latencies, 99));
    console.log(
      `| pgbench at ${c.name}'s rate | ${phase} floor | ${floor.length} | ${range(floor.map((f) => f.perSecond))} | ` +
        `${c.name}'s p99 ${range(runs.map((m, i) => pct(m.result.latencies, 99) / p99s[i]!), 2)}x of it | ${range(floor.map((f) => pct(f.latencies, 50)), 2)} | ` +
        `${range(p99s, 2)} | | | | | |`,
    );
  }
}
process.exit(0);
