import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository: its package.json is the package, dist/ its build. */
export const root = resolve(__dirname, '..', '..');

function newProject(prefix: string): string {
  const app = join(mkdtempSync(join(tmpdir(), prefix)), 'app');
  mkdirSync(app);
  writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
  return app;
}

/**
 * fast-check is an optional peer of `iso8583-codec/testing`: a consumer that imports that subpath installs it.
 * The repository's copy is linked in, so no registry is asked.
 */
function linkFastCheck(app: string): void {
  symlinkSync(join(root, 'node_modules', 'fast-check'), join(app, 'node_modules', 'fast-check'), 'dir');
}

/**
 * A temporary project whose `node_modules/iso8583-codec` links to the repository, so its imports resolve through
 * package.json `exports` to the built dist/, as they would in an installed copy.
 */
export function projectWithBuiltPackage(): string {
  const app = newProject('iso8583-dist-');
  mkdirSync(join(app, 'node_modules'));
  symlinkSync(root, join(app, 'node_modules', 'iso8583-codec'), 'dir');
  linkFastCheck(app);
  return app;
}

/**
 * A temporary project with the packed tarball installed as a user installs it (`npm install <tgz>`), plus
 * fast-check. Packs with --ignore-scripts: dist/ is built already (`pretest`), so the pack skips the fingerprint
 * check of `prepack`.
 */
export function projectWithPackedTarball(): string {
  const app = newProject('iso8583-pack-');
  const work = resolve(app, '..');
  execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', work], { cwd: root, stdio: 'pipe' });
  const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'));
  if (tgz === undefined) throw new Error(`npm pack wrote no tarball to ${work}`);
  execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, tgz)], { cwd: app, stdio: 'pipe' });
  linkFastCheck(app);
  return app;
}

/** Deletes a project made by {@link projectWithBuiltPackage} or {@link projectWithPackedTarball} (and its tarball). */
export function removeProject(app: string): void {
  if (app !== '') rmSync(resolve(app, '..'), { recursive: true, force: true });
}

/** Runs `node file` in the project and returns what it printed; a failure throws with its stderr. */
export function runNode(app: string, file: string): string {
  // A synchronous child blocks the test's own timeout: this one is the hang guard (no consumer comes near it).
  return execFileSync(process.execPath, [file], { cwd: app, stdio: 'pipe', timeout: 300_000 }).toString();
}
