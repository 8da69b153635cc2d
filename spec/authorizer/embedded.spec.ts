import { describe, expect, it } from 'vitest';
import { FRAMING } from '../../examples/card-authorizer/src/config.js';
import { openDatabase, seed } from '../../examples/card-authorizer/src/database.js';
import { startAuthorizer } from '../../examples/card-authorizer/src/server.js';
import { simulate } from '../../examples/card-authorizer/src/simulate.js';
import { createCodec, presets } from '../../src/index.js';
import { connect } from '../../src/net/index.js';
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
        // The simulator sends an echo one time in twenty, at random (none at all in 0.2 % of runs): every echo it
        // sent is answered 00, and one echo more is always sent here, so an echo answered otherwise never passes.
        for (const code of summary.byKind.get('0800 echo')?.keys() ?? []) expect(code).toBe('00');
        const client = await connect({ host: '127.0.0.1', port, codec: createCodec(presets.iso87ascii), framing: FRAMING, timeoutMs: 120_000 });
        try {
          const echo = await client.request({ mti: '0800', fields: { 7: '1124100000', 11: '000001', 41: 'ECHO0001', 70: '301' } });
          expect([echo.mti, echo.fields[39], echo.fields[70], echo.fields[11]]).toEqual(['0810', '00', '301', '000001']);
        } finally {
          await client.close();
        }
      } finally {
        await server.close(1000);
      }
    } finally {
      await database.close();
    }
    // A hang guard only: the simulator's own client timeout (120 s) must come first.
  }, 300_000);
});
