/**
 * CPU time of one process of this host, as Linux counts it in /proc/<pid>/stat (utime + stime, in clock ticks of
 * 10 ms; the benchmarks read a server's and a Postgres backend's this way).
 */
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc's times (USER_HZ, 100 on Linux). */
export const TICKS_PER_SECOND = 100;

/** The clock ticks of CPU `pid` has used so far; throws when no such process is running. */
export function processCpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: the fields are counted from the last ')'.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}
