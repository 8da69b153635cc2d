/**
 * CPU time of one process of this host, as Linux counts it in /proc/<pid>/stat (utime + stime, in clock ticks of
 * 10 ms; the benchmarks read a server's and a Postgres backend's this way).
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's times (USER_HZ, 100 on Linux). */
export const TICKS_PER_SECOND = 100;

/** What /proc/<pid>/stat says of one process: its command name and its CPU so far, in clock ticks. */
export interface ProcessStat {
  /** The command name (field 2, without its parentheses): `postgres` for every Postgres process. */
  readonly command: string;
  /** utime + stime: the CPU the process itself has used. */
  readonly ticks: number;
  /** cutime + cstime: the CPU of the children it has waited for (the postmaster's reaped backends, say). */
  readonly childTicks: number;
}

/** Reads `pid`'s command name and CPU ticks; throws when no such process is running. */
export function processStat(pid: number | string): ProcessStat {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces and parentheses: the fields are counted from the last ')'.
  const close = stat.lastIndexOf(')');
  const f = stat.slice(close + 2).split(' ');
  return { command: stat.slice(stat.indexOf('(') + 1, close), ticks: Number(f[11]) + Number(f[12]), childTicks: Number(f[13]) + Number(f[14]) };
}

/** The clock ticks of CPU `pid` has used so far; throws when no such process is running. */
export function processCpuTicks(pid: number): number {
  return processStat(pid).ticks;
}
