/**
 * Builds dist/ with tsup, safely beside test runs that use it: `npm test` started twice in one checkout (or while
 * `npm run build` runs) must never see dist/ empty or half-written. Three rules make that hold:
 *
 * - A build whose inputs are unchanged is skipped: the inputs' fingerprint (every file under src/, the build and
 *   TypeScript configs, package.json, the lock file, this script) is stored beside dist/ with the identity of the
 *   dist/ it produced, and a run that finds both unchanged touches nothing (`--force` builds anyway).
 * - A build writes into its own sibling folder (`dist.build-<pid>`), then moves it into dist/ file by file (see
 *   swapIn), so readers see the old build or the new one, never an empty dist/; tsup's `clean` empties only that
 *   private folder.
 * - One build at a time per checkout: a lock folder (`dist.lock`, created atomically by mkdir, holding its owner's
 *   pid) serialises builders; a waiter re-checks the fingerprint once it holds the lock, so two concurrent
 *   `npm test` build once. A lock whose owner has died is taken over.
 *
 * Usage: `node --import tsx scripts/build-dist.ts [--force] [--quiet]`.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = process.cwd();
const dist = join(root, 'dist');
const lock = join(root, 'dist.lock');
const stampFile = join(root, '.dist-stamp.json');
const args = new Set(process.argv.slice(2));
const force = args.has('--force');
const quiet = args.has('--quiet');

/** The files whose content decides what tsup writes: every source, the configs, the dependency lock, this script. */
function inputFiles(): string[] {
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.isFile()) files.push(path);
    }
  };
  walk(join(root, 'src'));
  for (const name of ['tsup.config.ts', 'tsconfig.json', 'package.json', 'package-lock.json', 'scripts/build-dist.ts']) {
    const path = join(root, name);
    if (existsSync(path)) files.push(path);
  }
  return files.map((path) => relative(root, path)).sort();
}

/** A sha256 over the input files' paths and contents, so a rename counts as a change too. */
function fingerprint(): string {
  const hash = createHash('sha256');
  for (const path of inputFiles()) {
    hash.update(path).update('\0').update(readFileSync(join(root, path))).update('\0');
  }
  return hash.digest('hex');
}

/**
 * Which dist/ is on disk: the inode and mtime of its ESM entry. A plain `tsup` run (outside this script) rewrites
 * dist/ with new files, so the stamp then no longer matches and the next run builds.
 */
function distIdentity(): string | undefined {
  try {
    const entry = statSync(join(dist, 'index.js'));
    return `${entry.ino}:${entry.mtimeMs}`;
  } catch {
    return undefined;
  }
}

/** True when dist/ was built by this script from exactly the current inputs. */
function upToDate(print: string): boolean {
  try {
    const stamp = JSON.parse(readFileSync(stampFile, 'utf8')) as { fingerprint?: string; dist?: string };
    return stamp.fingerprint === print && stamp.dist !== undefined && stamp.dist === distIdentity();
  } catch {
    return false;
  }
}

/** True while the process with this pid exists (signal 0 checks without sending anything). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Blocks this (single-purpose) process for a while without spinning. */
function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Takes the checkout's build lock, waiting for a live owner and taking over from a dead one. */
function acquireLock(): void {
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let owner = Number.NaN;
    try {
      owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
    } catch {
      // The owner made the folder and has not written its pid yet, or just released it: look again shortly.
    }
    const age = (() => {
      try {
        return Date.now() - statSync(lock).mtimeMs;
      } catch {
        return 0;
      }
    })();
    // A folder with no pid for a minute, or a pid that no longer runs, is a lock left by a killed build.
    if ((Number.isInteger(owner) && owner > 0 && !alive(owner)) || (Number.isNaN(owner) && age > 60_000)) {
      rmSync(lock, { recursive: true, force: true });
      continue;
    }
    sleep(200);
  }
}

/** Removes build folders left by builds that were killed before they finished. */
function removeLeftovers(): void {
  for (const name of readdirSync(root)) {
    const match = /^dist\.build-(\d+)$/.exec(name);
    if (match !== null && Number(match[1]) !== process.pid) rmSync(join(root, name), { recursive: true, force: true });
  }
}

/**
 * Moves a finished build into dist/ one file at a time, each by rename (which replaces atomically), so dist/ never
 * lacks an entry: first the hashed files (chunks and shared declarations, named `name-HASH.ext`, which only entries
 * import), then the entries, which from that moment import only chunks already in place; last, the previous build's
 * files that the new one lacks. A reader that loads an entry sees the old build or the new one, whole.
 */
function swapIn(fresh: string): void {
  mkdirSync(dist, { recursive: true });
  const names = readdirSync(fresh);
  const hashed = (name: string): boolean => name.includes('-');
  for (const name of [...names.filter(hashed), ...names.filter((n) => !hashed(n))]) {
    const target = join(dist, name);
    if (statSync(join(fresh, name)).isDirectory()) rmSync(target, { recursive: true, force: true });
    renameSync(join(fresh, name), target);
  }
  const kept = new Set(names);
  for (const name of readdirSync(dist)) if (!kept.has(name)) rmSync(join(dist, name), { recursive: true, force: true });
  rmSync(fresh, { recursive: true, force: true });
}

/** Runs tsup into a private folder and swaps it in for dist/. */
function build(print: string): void {
  const fresh = join(root, `dist.build-${process.pid}`);
  const tsup = join(root, 'node_modules', '.bin', 'tsup');
  const run = spawnSync(tsup, [...(quiet ? ['--silent'] : []), '--out-dir', fresh], { cwd: root, stdio: 'inherit' });
  if (run.status !== 0) {
    rmSync(fresh, { recursive: true, force: true });
    throw new Error(`tsup failed (${run.status ?? run.signal})`);
  }
  swapIn(fresh);
  writeFileSync(stampFile, `${JSON.stringify({ fingerprint: print, dist: distIdentity() })}\n`);
}

function main(): void {
  if (!force && upToDate(fingerprint())) {
    if (!quiet) console.log('dist/ is up to date');
    return;
  }
  acquireLock();
  try {
    removeLeftovers();
    // Computed again under the lock: the inputs may have changed, or another builder may have just finished.
    const print = fingerprint();
    if (!force && upToDate(print)) {
      if (!quiet) console.log('dist/ is up to date (built by a concurrent run)');
      return;
    }
    build(print);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

main();
