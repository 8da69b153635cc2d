import { spawn } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const entries = ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts', 'net.js', 'net.cjs', 'testing.js', 'security.js', 'cli.js'];

/** What a fresh clone has (no dist/), sharing node_modules: builds there never touch the repository's own dist/. */
function cleanCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'iso8583-build-'));
  for (const entry of ['package.json', 'package-lock.json', 'tsup.config.ts', 'tsconfig.json', 'src', 'scripts']) {
    cpSync(join(root, entry), join(dir, entry), { recursive: true });
  }
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

/** Runs the build script in `dir`; resolves with its exit code and everything it printed. */
function buildIn(dir: string, ...args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/build-dist.ts', ...args], { cwd: dir });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** Which file dist/index.js is (inode and mtime): unchanged when a run touched nothing. */
const identity = (dir: string): string => {
  const s = statSync(join(dir, 'dist', 'index.js'));
  return `${s.ino}:${s.mtimeMs}`;
};

/**
 * Starts a process that looks for every entry of dist/ every few milliseconds until `stop` appears, and prints how
 * many looks found one missing. A build that emptied dist/ in place (tsup's own `clean`) is missed for seconds.
 */
function watchEntries(dir: string, stop: string): Promise<{ looks: number; missing: number }> {
  const script = `
    const { existsSync } = require('node:fs');
    const { join } = require('node:path');
    const entries = ${JSON.stringify(entries)};
    let looks = 0, missing = 0;
    while (!existsSync(${JSON.stringify(stop)})) {
      looks++;
      if (entries.some((e) => !existsSync(join(${JSON.stringify(join(dir, 'dist'))}, e)))) missing++;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 2);
    }
    process.stdout.write(JSON.stringify({ looks, missing }));`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script]);
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', () => resolve(JSON.parse(out) as { looks: number; missing: number }));
  });
}

describe('the build script (pretest, prepack, build)', () => {
  const copies: string[] = [];
  afterAll(() => {
    for (const dir of copies) rmSync(dir, { recursive: true, force: true });
  });

  it('builds once when two runs start together, skips when nothing changed, and rebuilds when a source changes without ever lacking an entry', async () => {
    const dir = cleanCopy();
    copies.push(dir);

    const [first, second] = await Promise.all([buildIn(dir), buildIn(dir)]);
    expect(first.code, first.output).toBe(0);
    expect(second.code, second.output).toBe(0);
    // The run that waited for the lock found the other's build and did not build again.
    expect([first.output, second.output].filter((o) => o.includes('up to date'))).toHaveLength(1);
    for (const entry of entries) expect(existsSync(join(dir, 'dist', entry)), entry).toBe(true);
    expect(readdirSync(dir).filter((name) => name.startsWith('dist.'))).toEqual([]);

    const built = identity(dir);
    const again = await buildIn(dir);
    expect(again.code).toBe(0);
    expect(again.output).toContain('dist/ is up to date');
    expect(identity(dir)).toBe(built);

    // A new export in the sources: the next run builds it in while a watcher looks for the entries all along.
    const probe = `probe${Date.now()}`;
    appendFileSync(join(dir, 'src', 'index.ts'), `\n/** A build probe. */\nexport const buildProbe = '${probe}';\n`);
    const stop = join(dir, 'watch-stop');
    const watcher = watchEntries(dir, stop);
    const rebuild = await buildIn(dir, '--quiet');
    writeFileSync(stop, '');
    const watched = await watcher;
    expect(rebuild.code, rebuild.output).toBe(0);
    expect(identity(dir)).not.toBe(built);
    expect(readFileSync(join(dir, 'dist', 'index.js'), 'utf8')).toContain(probe);
    expect(readFileSync(join(dir, 'dist', 'index.cjs'), 'utf8')).toContain(probe);
    expect(watched.looks).toBeGreaterThan(0);
    expect(watched.missing).toBe(0);
    // No chunk of the previous build is left beside the new one: every chunk is imported by some file of dist/.
    const files = readdirSync(join(dir, 'dist')).filter((name) => /\.c?js$/.test(name));
    const code = files.map((name) => readFileSync(join(dir, 'dist', name), 'utf8'));
    for (const chunk of files.filter((name) => name.startsWith('chunk-'))) {
      expect(code.some((text, i) => files[i] !== chunk && text.includes(chunk)), chunk).toBe(true);
    }
  }, 600_000);
});
