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

/**
 * Starts `command args` in `cwd` (the repository root by default) with `env` added to (or, when undefined, removed from) ours, in a
 * process group of its own: {@link terminate} signals the whole group, as a terminal's Ctrl-C or a service manager
 * does (npm runs a script through a shell that does not pass a SIGTERM sent to npm alone on to the script).
 */
export function run(command: string, args: readonly string[], env: Record<string, string | undefined> = {}, cwd = ROOT): Running {
  const merged: NodeJS.ProcessEnv = { ...process.env };
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete merged[k];
    else merged[k] = v;
  }
  const child = spawn(command, args, { cwd, env: merged, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  let out = '';
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  // 'close', not 'exit': it comes once the process has exited AND every process holding its output pipes (npm's
  // child, under `npm run`) has closed them, so the output is complete when `exited` resolves. With 'exit', npm
  // could exit on SIGTERM before its child printed its last line.
  const exited = new Promise<number | string>((resolve) => child.once('close', (code, signal) => resolve(code ?? signal ?? 'unknown')));
  return { child, output: () => out, exited };
}

/** Runs a TypeScript entry point of the example through tsx, as the package scripts do. */
export function runExample(file: string, args: readonly string[] = [], env: Record<string, string | undefined> = {}): Running {
  return run(process.execPath, ['--import', 'tsx', `examples/card-authorizer/src/${file}`, ...args], env);
}

/**
 * Runs a package script the way a user types it, `npm run <script> -- <args>`, without its pre-script: the
 * pre-scripts rebuild dist/, which other tests read while this one runs (the suite builds it once, before).
 */
export function runScript(script: string, args: readonly string[] = [], env: Record<string, string | undefined> = {}): Running {
  return run('npm', ['run', '--silent', '--ignore-scripts', script, ...(args.length > 0 ? ['--', ...args] : [])], env);
}

/**
 * Waits until the process's output matches `pattern` and resolves with the match; rejects with its output when it
 * exits first, or after `timeoutMs` (a hang guard).
 */
export function outputMatching(running: Running, pattern: RegExp, timeoutMs = 120_000): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`no output matching ${pattern} within ${timeoutMs} ms; output:\n${running.output()}`));
    }, timeoutMs);
    const check = (): void => {
      const m = pattern.exec(running.output());
      if (m) {
        cleanup();
        resolve(m);
      }
    };
    const cleanup = (): void => {
      clearTimeout(timer);
      running.child.stdout!.off('data', check);
      running.child.stderr!.off('data', check);
    };
    running.child.stdout!.on('data', check);
    running.child.stderr!.on('data', check);
    void running.exited.then((code) => {
      // The last output may come with the exit: look once more before giving up.
      setImmediate(() => {
        if (pattern.exec(running.output())) return check();
        cleanup();
        reject(new Error(`exited (${code}) before printing ${pattern}; output:\n${running.output()}`));
      });
    });
    check();
  });
}

/** Waits until the process prints `listening on 127.0.0.1:<port>` and resolves with the port. */
export async function listeningPort(running: Running, timeoutMs = 120_000): Promise<number> {
  return Number((await outputMatching(running, /listening on 127\.0\.0\.1:(\d+)/, timeoutMs))[1]);
}

/** Sends `signal` to the process's group (it and everything it started) and resolves with its exit code. */
export async function terminate(running: Running, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | string> {
  kill(running, signal);
  return running.exited;
}

/** Sends `signal` to the process's group, if it is still there. */
export function kill(running: Running, signal: NodeJS.Signals): void {
  try {
    process.kill(-running.child.pid!, signal);
  } catch {
    // the group is gone already
  }
}

/** A loopback port nobody listens on: handed out by the system, then released. */
export async function closedPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const address = probe.address();
  await new Promise<void>((resolve) => probe.close(() => resolve()));
  return typeof address === 'object' && address !== null ? address.port : 0;
}
