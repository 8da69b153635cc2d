import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FRAMING } from '../../examples/card-authorizer/src/config.js';
import { demoPan } from '../../examples/card-authorizer/src/database.js';
import { createCodec, presets } from '../../src/index.js';
import { connect } from '../../src/net/index.js';
import { kill, listeningPort, ROOT, type Running, run, terminate } from './processes.js';

/**
 * What the README's "Adapting it" promises: the folder, copied into a project of one's own that installs the
 * packed iso8583-codec (plus pg, PGlite and tsx, linked from this repository so no registry is asked), runs as it is.
 */
const work = mkdtempSync(join(tmpdir(), 'authorizer-copy-'));
let server: Running | undefined;

afterAll(() => {
  if (server !== undefined) kill(server, 'SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

describe('examples/card-authorizer copied into another project', () => {
  it('imports the installed package by its name: the server starts, approves an 0100 and stops', async () => {
    const app = join(work, 'app');
    mkdirSync(join(app, 'node_modules', '@electric-sql'), { recursive: true });
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'issuer', version: '1.0.0', private: true, type: 'module' }));
    // dist/ is built (the suite builds it first); packing again would empty it under the tests running beside.
    execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', work], { cwd: ROOT, stdio: 'pipe' });
    const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-save', join(work, tgz)], { cwd: app, stdio: 'pipe' });
    for (const dep of ['pg', 'tsx', '@electric-sql/pglite', '@electric-sql/pglite-socket']) {
      symlinkSync(join(ROOT, 'node_modules', dep), join(app, 'node_modules', dep), 'dir');
    }
    cpSync(join(ROOT, 'examples', 'card-authorizer'), join(app, 'card-authorizer'), { recursive: true });

    server = run(process.execPath, ['--import', 'tsx', 'card-authorizer/src/main.ts'], { DATABASE_URL: undefined, AUTHORIZER_PAN_KEY: undefined, PORT: '0' }, app);
    const port = await listeningPort(server);
    const client = await connect({ host: '127.0.0.1', port, codec: createCodec(presets.iso87ascii), framing: FRAMING, timeoutMs: 120_000 });
    const answer = await client.request({
      mti: '0100',
      fields: { 2: demoPan(3), 3: '000000', 4: '000000001000', 7: '1124100000', 11: '000001', 18: '5411', 37: 'COPY00000001', 41: 'COPY0001', 49: '978' },
    });
    await client.close();
    expect([answer.mti, answer.fields[39]]).toEqual(['0110', '00']);
    await terminate(server);
    expect(server.output()).toMatch(/^authorizer stopped \(SIGTERM\)$/m);
  }, 180_000);
});
