/**
 * The latency floor of an open loop on this machine: pgbench's plain one-line UPDATE (autocommit, prepared,
 * synchronous commit as configured) offered at a fixed rate (`-R`), each transaction's latency read from its log
 * (`-l`) and measured from its scheduled start, as bench/authorizer-driver.ts measures the authorizer's. Whatever
 * tail this C client and its one-row statement show at a rate is the machine's (scheduling, the WAL flush, the
 * other processes on the same cores), not the authorizer's.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * pgbench's arguments for `script` over `clients` connections for `seconds`: no vacuum, prepared statements, two
 * threads; the ceilings (closed loop) and the floor (with `-R` and `-l` after these) run it the same way.
 */
export function pgbenchArgs(script: string, clients: number, seconds: number): string[] {
  return ['-n', '-M', 'prepared', '-c', String(clients), '-j', '2', '-T', String(seconds), '-f', script];
}

/** What pgbench's open loop measured: latencies in ms from each transaction's scheduled start, sorted. */
export interface FloorRun {
  readonly latencies: number[];
  /** Transactions per second that pgbench reports for the whole run. */
  readonly perSecond: number;
}

/**
 * Runs `script` at `rate` transactions per second over `clients` connections for `seconds` (+1 s not measured, as
 * the authorizer's open loop) and returns every measured latency. pgbench's log line is `client_id transaction_no
 * time script_no time_epoch time_us schedule_lag` under `-R`, with `time` (µs) counted from the transaction's
 * actual start and `schedule_lag` (µs) the delay of that start after its scheduled time: their sum is the latency a
 * client waiting on the schedule sees.
 */
export function pgbenchOpenLoop(databaseUrl: string, script: string, clients: number, rate: number, seconds: number): FloorRun {
  const dir = mkdtempSync(join(tmpdir(), 'pgbench-floor-'));
  try {
    const out = execFileSync(
      'pgbench',
      [...pgbenchArgs(script, clients, seconds + 1), '-R', String(Math.max(1, Math.round(rate))), '-l', '--log-prefix', join(dir, 'log'), databaseUrl],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], cwd: dir },
    );
    const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(out);
    const rows: { at: number; ms: number }[] = [];
    for (const file of readdirSync(dir)) {
      for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
        const f = line.split(' ');
        if (f.length < 7) continue;
        rows.push({ at: Number(f[4]) + Number(f[5]) / 1e6, ms: (Number(f[2]) + Number(f[6])) / 1000 });
      }
    }
    if (rows.length === 0) throw new Error(`pgbench logged no transaction:\n${out}`);
    // The first second is not measured: it lets the arrival pattern settle (the authorizer's open loop does the same).
    let first = Infinity;
    for (const r of rows) first = Math.min(first, r.at);
    const latencies = rows.filter((r) => r.at >= first + 1).map((r) => r.ms).sort((a, b) => a - b);
    return { latencies, perSecond: tps === null ? 0 : Number(tps[1]) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
