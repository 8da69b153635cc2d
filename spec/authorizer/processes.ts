/** Helpers that run the authorizer's commands as child processes, the way a user types them. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

/** The repository root: commands run from it, as `npm run` does. */
export const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** A running child process and everything it printed so far. */
export interface Running {
  readonly child: ChildProcess;
  readonly output: () => string;
  /** Resolves with the exit code (or the signal's name) once the process has ended. */
  readonly exited: Promise<number | string>;
}

/** Starts `command args` in the repository root with `env` added to (or, when undefined, removed from) ours. */
export function run(command: string, args: readonly string[], env: Record<string, string | undefined> = {}): Running {
  const merged: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete merged[k];
    else merged[k] = v;
  }
  const child = spawn(command, args, { cwd: ROOT, env: merged, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const exited = new Promise<number | string>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return { child, output: () => out, exited };
}

/** Runs a TypeScript entry point of the example through tsx, as the package scripts do. */
export function runExample(file: string, args: readonly string[] = [], env: Record<string, string | undefined> = {}): Running {
  return run(process.execPath, ['--import', 'tsx', `examples/card-authorizer/src/${file}`, ...args], env);
}

/**
 * Waits until the process prints `listening on 127.0.0.1:<port>` and resolves with the port; rejects with its
 * output when it exits first, or after `timeoutMs` (a hang guard).
 */
export function listeningPort(running: Running, timeoutMs = 120_000): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no "listening on" line within ${timeoutMs} ms; output:\n${running.output()}`));
    }, timeoutMs);
    const check = (): void => {
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(running.output());
      if (m) {
        cleanup();
        resolve(Number(m[1]));
      }
    };
    const onExit = (code: number | string): void => {
      cleanup();
      reject(new Error(`exited (${code}) before listening; output:\n${running.output()}`));
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      running.child.stdout!.off('data', check);
      running.child.stderr!.off('data', check);
    };
    running.child.stdout!.on('data', check);
    running.child.stderr!.on('data', check);
    void running.exited.then(onExit);
    check();
  });
}

/** Sends SIGTERM and resolves with the exit code. */
export async function terminate(running: Running): Promise<number | string> {
  running.child.kill('SIGTERM');
  return running.exited;
}

/** A loopback port nobody listens on: handed out by the system, then released. */
export async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}
