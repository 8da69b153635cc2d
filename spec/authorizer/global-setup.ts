/**
 * Runs once before the authorizer's tests (vitest globalSetup of the `authorizer` project): without a reachable
 * Postgres every one of them would fail on its own with a wall of ECONNREFUSED, so the run fails here, once, with one
 * line that says what is missing and how to start it. Never a silent skip: CI must run these tests.
 */
import { existsSync } from 'node:fs';
import pg from 'pg';
import { DATABASE_URL } from './env.js';
import { ROOT } from './processes.js';

/** A URL fit for a log line: the password, if any, replaced. */
function withoutPassword(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== '') u.password = '***';
    return u.toString();
  } catch {
    return '(DATABASE_URL is not a URL)';
  }
}

/** An error printed as its one line (no stack: the line is the whole story). */
function oneLine(message: string): Error {
  const e = new Error(message);
  e.stack = message;
  return e;
}

export default async function checkPostgres(): Promise<void> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 15_000 });
  try {
    await client.connect();
    await client.query('select 1');
  } catch (e) {
    const reason = (e as { code?: string }).code ?? (e instanceof Error ? e.message : String(e));
    throw oneLine(
      `the authorizer's tests need PostgreSQL at ${withoutPassword(DATABASE_URL)}, which answered ${reason}: start it ` +
        `(here: pg_ctlcluster --skip-systemctl-redirect 15 main start; anywhere: docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust -e POSTGRES_DB=test postgres:15) or set DATABASE_URL`,
    );
  } finally {
    await client.end().catch(() => undefined);
  }
  // The tests that run the example's commands as child processes import the library by its package name, which
  // Node resolves to dist/ (npm test builds it first).
  if (!existsSync(`${ROOT}dist/index.js`) || !existsSync(`${ROOT}dist/net.js`)) {
    throw oneLine('the authorizer\'s tests run its commands against the built library, and dist/ is missing: run `npm run build` (npm test does)');
  }
}
