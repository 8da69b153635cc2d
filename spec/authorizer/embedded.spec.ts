import { describe, expect, it } from 'vitest';
import { openDatabase, seed } from '../../examples/card-authorizer/src/database.js';
import { startAuthorizer } from '../../examples/card-authorizer/src/server.js';
import { simulate } from '../../examples/card-authorizer/src/simulate.js';
import { KEYS } from './env.js';

describe('authorizer on the embedded Postgres (PGlite through its socket adapter)', () => {
  it('serves the simulator: every message answered, decisions and facts among the answers', async () => {
    const database = await openDatabase({ databaseUrl: undefined, schema: 'public', poolSize: 1 });
    try {
      await seed(database.pool, KEYS, 20);
      // A deadline no decision reaches and a client timeout only a hang reaches: this test is about answers, not speed.
      const { server, port } = await startAuthorizer({ pool: database.pool, keys: KEYS, deadlineMs: 600_000 });
      try {
        const summary = await simulate({ port, count: 120, clients: 4, cards: 20, timeoutMs: 120_000 });
        expect(summary.sent).toBe(120);
        const total = [...summary.byKind.values()].reduce((n, codes) => n + [...codes.values()].reduce((a, b) => a + b, 0), 0);
        expect(total).toBe(120);
        expect(summary.byKind.get('0100 authorization')?.get('00')).toBeGreaterThan(0);
        for (const code of summary.byKind.get('0800 echo')?.keys() ?? []) expect(code).toBe('00');
      } finally {
        await server.close(1000);
      }
    } finally {
      await database.close();
    }
  }, 60_000);
});
