/**
 * What the authorizer's load runs share: starting and stopping a server process, and driving ISO 8583 requests at
 * it over TCP, either open loop (a fixed arrival rate, each latency measured from its scheduled send time, so a slow
 * server cannot slow the generator down and hide its own queueing) or closed loop (each connection sends its next
 * request as soon as the previous one is answered: the throughput a number of concurrent acquirers get).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { FRAMING } from '../examples/card-authorizer/src/config.js';
import type { IsoMessage } from '../examples/card-authorizer/src/iso.js';
import { createCodec, presets } from '../src/index.js';
import { type Client, connect } from '../src/net/index.js';

/** What one run measured. */
export interface RunResult {
  /** Latencies of the measured requests in ms, sorted. */
  readonly latencies: number[];
  /** Open loop only: how late the generator sent each measured request (ms, sorted). */
  readonly lateness: number[];
  /** Answers by response code (DE39). */
  readonly codes: Map<string, number>;
  /** Requests that got no answer (timeout or closed connection). */
  readonly errors: number;
  /** Requests answered per second over the measured time. */
  readonly perSecond: number;
}

/** The p-th percentile of sorted values (NaN when there are none). */
export const pct = (sorted: readonly number[], p: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;

/** Server processes still running: killed if this process ends early, so none is left holding connections. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts a server process (`node <args>` in `cwd`) and resolves with the port it prints (`listening on
 * 127.0.0.1:<port>`).
 */
export async function startServer(args: string[], env: NodeJS.ProcessEnv, cwd?: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, args, { env: { ...process.env, ...env, PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'], ...(cwd === undefined ? {} : { cwd }) });
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

/** Stops a server process with `signal` (SIGTERM: it finishes what is in flight) and waits for its exit. */
export async function stopServer(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.kill(signal);
  });
}

const codec = createCodec(presets.iso87ascii);

/** Opens `count` client connections to the server on `port`. */
export function clients(port: number, count: number, timeoutMs = 5000): Promise<Client<IsoMessage>[]> {
  return Promise.all(Array.from({ length: count }, () => connect({ host: '127.0.0.1', port, codec, framing: FRAMING, timeoutMs })));
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
async function* timerTicks(rate: number, total: number): AsyncGenerator<Slot> {
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
async function* threadTicks(rate: number, total: number): AsyncGenerator<Slot> {
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

/** Sends `count` requests from `next`, closed loop over `connections`, unmeasured: both processes warm their code paths. */
export async function warm(connections: readonly Client<IsoMessage>[], count: number, next: (connection: number) => IsoMessage): Promise<void> {
  await Promise.all(
    connections.map(async (client, k) => {
      for (let j = 0; j < count / connections.length; j++) await client.request(next(k));
    }),
  );
}

const record = (codes: Map<string, number>, answer: IsoMessage): void => {
  const code = String(answer.fields[39] ?? '(none)');
  codes.set(code, (codes.get(code) ?? 0) + 1);
};

/**
 * Open loop: `rate` requests per second for `seconds` (+1 s not measured, for the arrival pattern to settle),
 * round robin over `connections`. TICKER=timer schedules sends with setTimeout instead of the ticker thread.
 */
export async function openLoop(
  connections: readonly Client<IsoMessage>[],
  rate: number,
  seconds: number,
  next: (connection: number) => IsoMessage,
  label: string,
): Promise<RunResult> {
  const total = Math.round(rate * (seconds + 1));
  const latencies: number[] = [];
  const lateness: number[] = [];
  const codes = new Map<string, number>();
  let errors = 0;
  const pending: Promise<void>[] = [];
  let progressAt = performance.now();
  let firstSlot = NaN;
  for await (const tick of process.env.TICKER === 'timer' ? timerTicks(rate, total) : threadTicks(rate, total)) {
    const { i, scheduled } = tick;
    if (i === 0) firstSlot = scheduled;
    // The first second of the open loop is not measured: it lets the arrival pattern settle.
    const measured = i >= rate;
    if (measured) lateness.push(performance.now() - scheduled);
    const k = i % connections.length;
    pending.push(
      connections[k]!.request(next(k)).then(
        (answer) => {
          if (measured) latencies.push(performance.now() - scheduled);
          if (process.env.LOAD_TRACE !== undefined && performance.now() - scheduled > 20) process.stderr.write(`slow ${(scheduled - firstSlot).toFixed(0)}ms: ${(performance.now() - scheduled).toFixed(1)} at ${Date.now()}\n`);
          record(codes, answer);
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
  latencies.sort((a, b) => a - b);
  lateness.sort((a, b) => a - b);
  return { latencies, lateness, codes, errors, perSecond };
}

/**
 * Closed loop: every connection sends its next request as soon as its previous one is answered, for `seconds`;
 * throughput is the answers per second over that time.
 */
export async function closedLoop(connections: readonly Client<IsoMessage>[], seconds: number, next: (connection: number) => IsoMessage): Promise<RunResult> {
  const latencies: number[] = [];
  const codes = new Map<string, number>();
  let errors = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    connections.map(async (client, k) => {
      while (performance.now() < end) {
        const sent = performance.now();
        try {
          record(codes, await client.request(next(k)));
          latencies.push(performance.now() - sent);
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  latencies.sort((a, b) => a - b);
  return { latencies, lateness: [], codes, errors, perSecond: latencies.length / elapsed };
}

/** Several runs' measurements as one. */
export function pooled(runs: readonly RunResult[]): RunResult {
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

/** Response codes as `00:123 91:4`. */
export const codesOf = (r: RunResult): string => [...r.codes].sort().map(([c, n]) => `${c}:${n}`).join(' ');
