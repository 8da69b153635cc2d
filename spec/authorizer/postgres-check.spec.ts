import { describe, expect, it } from 'vitest';
import { closedPort, run } from './processes.js';

describe('the authorizer tests without a reachable Postgres', () => {
  it('fail once, before any test runs, with one line saying what is missing and how to start it', async () => {
    const url = `postgres://postgres@127.0.0.1:${await closedPort()}/test`;
    const vitest = run(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', 'spec/authorizer/sequences.spec.ts', 'spec/authorizer/storm.spec.ts'], {
      DATABASE_URL: url,
      NO_COLOR: '1',
      FORCE_COLOR: undefined,
    });
    expect(await vitest.exited).toBe(1);
    const out = vitest.output();
    const lines = out.split('\n').filter((l) => l.includes('ECONNREFUSED'));
    expect(lines).toEqual([
      `Error: the authorizer's tests need PostgreSQL at ${url}, which answered ECONNREFUSED: start it (here: pg_ctlcluster --skip-systemctl-redirect 15 main start; anywhere: docker run -d -p 5432:5432 -e POSTGRES_HOST_AUTH_METHOD=trust -e POSTGRES_DB=test postgres:15) or set DATABASE_URL`,
    ]);
    expect(out).not.toMatch(/✓|×|Tests\s+\d/); // no test ran, none failed on its own
  }, 120_000);
});
