import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

type Lib = typeof import('../../src/index.js');
const root = resolve(__dirname, '..', '..');
const loadEsm = async (): Promise<Lib> => (await import(pathToFileURL(join(root, 'dist', 'index.js')).href)) as Lib;
const loadCjs = (): Lib => createRequire(import.meta.url)(join(root, 'dist', 'index.cjs')) as Lib;

function roundTrip(lib: Lib): void {
  const codec = lib.createCodec(lib.presets.iso87binary);
  const message = { mti: '0200', fields: { 2: '378282246310005', 4: '000000001000', 52: new Uint8Array(8).fill(7) } };
  const bytes = codec.encode(message);
  expect(codec.decode(bytes)).toEqual(message);
}

describe('built package', () => {
  it('round-trips a frame when imported as ESM', async () => {
    roundTrip(await loadEsm());
  });

  it('round-trips a frame when required as CJS', () => {
    roundTrip(loadCjs());
  });

  it('recognises errors thrown by the other module format', async () => {
    const esm = await loadEsm();
    const cjs = loadCjs();
    expect(esm.Iso8583Error).not.toBe(cjs.Iso8583Error);
    const fromEsm = (() => {
      try {
        esm.createCodec(esm.presets.iso87ascii).decode(new Uint8Array([0x30]));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    const fromCjs = (() => {
      try {
        cjs.createCodec(cjs.presets.iso87ascii).decode(new Uint8Array([0x30]));
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(cjs.isIso8583Error(fromEsm)).toBe(true);
    expect(esm.isIso8583Error(fromCjs)).toBe(true);
  });

  it('packs only dist, the README, the changelog and the license', () => {
    const listing = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--silent', '--ignore-scripts'], { cwd: root }).toString()) as { files: { path: string }[] }[];
    const tops = new Set(listing[0]!.files.map((f) => f.path.split('/')[0]));
    expect([...tops].sort()).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'dist', 'package.json']);
  });

  it('installs from the packed tarball and works from ESM, CJS, TypeScript and `npx iso8583`', () => {
    const work = mkdtempSync(join(tmpdir(), 'iso8583-pack-'));
    execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', work], { cwd: root, stdio: 'pipe' });
    const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'));
    expect(tgz).toBeDefined();
    const app = join(work, 'app');
    mkdirSync(app);
    writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'app', version: '1.0.0', private: true }));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', join(work, tgz!)], {
      cwd: app,
      stdio: 'pipe',
    });
    const script = (kind: 'esm' | 'cjs') => `
      ${kind === 'esm' ? "import { createCodec, presets, toHex } from 'iso8583-codec';" : "const { createCodec, presets, toHex } = require('iso8583-codec');"}
      const c = createCodec(presets.iso87ascii);
      process.stdout.write(toHex(c.encode({ mti: '0800', fields: { 11: '000001' } })));`;
    writeFileSync(join(app, 'a.mjs'), script('esm'));
    writeFileSync(join(app, 'b.cjs'), script('cjs'));
    const expected = '30383030' + '0020000000000000' + '303030303031';
    expect(execFileSync(process.execPath, ['a.mjs'], { cwd: app }).toString()).toBe(expected);
    expect(execFileSync(process.execPath, ['b.cjs'], { cwd: app }).toString()).toBe(expected);
    // `npx iso8583` as a user types it; --no forbids a registry download, so only the installed tarball's bin can answer.
    const out = execFileSync('npx', ['--no', 'iso8583', 'decode', '--spec', 'iso87ascii', expected], { cwd: app }).toString();
    expect(JSON.parse(out)).toEqual({ mti: '0800', fields: { 11: '000001' } });
    // TypeScript consumers: the package's types resolve under node16 (ESM and CJS) and bundler resolution.
    const tsSource = `
      import { createCodec, presets, type Infer } from 'iso8583-codec';
      import { arbitraryMessage } from 'iso8583-codec/testing';
      import { readFrames } from 'iso8583-codec/net';
      const codec = createCodec(presets.iso87ascii);
      const m: Infer<typeof presets.iso87ascii> = codec.decode(new Uint8Array());
      const emv: Uint8Array | undefined = m.fields[55];
      void emv; void arbitraryMessage; void readFrames;
    `;
    writeFileSync(join(app, 'types.mts'), tsSource);
    writeFileSync(join(app, 'types.cts'), tsSource.replace("import { arbitraryMessage } from 'iso8583-codec/testing';", '').replace('void arbitraryMessage; ', ''));
    writeFileSync(join(app, 'types.ts'), tsSource);
    const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
    const base = ['--noEmit', '--strict', '--skipLibCheck', '--types', 'node', '--typeRoots', join(root, 'node_modules', '@types')];
    execFileSync(process.execPath, [tsc, ...base, '--module', 'node16', '--moduleResolution', 'node16', 'types.mts', 'types.cts'], { cwd: app });
    execFileSync(process.execPath, [tsc, ...base, '--module', 'esnext', '--moduleResolution', 'bundler', 'types.ts'], { cwd: app });
  }, 120_000);
});

describe('packing and publishing', () => {
  // A copy of what a fresh clone has (no dist/), sharing node_modules: packing there must build the package itself.
  // (The tests above pack the repository with --ignore-scripts: `pretest` built dist/ already, and a rebuild
  // would empty dist/ under the other test files running in parallel.)
  const cleanCopy = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'iso8583-clean-'));
    for (const entry of ['package.json', 'tsup.config.ts', 'tsconfig.json', 'src', 'README.md', 'CHANGELOG.md', 'LICENSE']) {
      cpSync(join(root, entry), join(dir, entry), { recursive: true });
    }
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    return dir;
  };

  it('builds dist/ before packing, so a clean checkout never packs an empty package', () => {
    const dir = cleanCopy();
    const listing = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--silent'], { cwd: dir }).toString()) as { files: { path: string }[] }[];
    const paths = listing[0]!.files.map((f) => f.path);
    for (const entry of ['index', 'testing', 'net']) {
      expect(paths).toEqual(expect.arrayContaining([`dist/${entry}.js`, `dist/${entry}.cjs`, `dist/${entry}.d.ts`, `dist/${entry}.d.cts`]));
    }
    expect(paths).toContain('dist/cli.js');
  }, 120_000);

  it('refuses to publish while package.json names no repository', () => {
    const dir = cleanCopy();
    const guard = (): string => {
      try {
        execFileSync('npm', ['run', '--silent', 'prepublishOnly'], { cwd: dir, stdio: 'pipe' });
        return 'passed';
      } catch (e) {
        return (e as { stderr: Buffer }).stderr.toString();
      }
    };
    execFileSync('npm', ['pkg', 'delete', 'repository'], { cwd: dir });
    expect(guard()).toContain('package.json has no repository');
    execFileSync('npm', ['pkg', 'set', 'repository.type=git', 'repository.url=git+https://example.invalid/iso8583-codec.git'], { cwd: dir });
    expect(guard()).toBe('passed');
  }, 60_000);
});

describe('built net subpath', () => {
  it('serves and answers over loopback from the ESM and CJS builds alike', async () => {
    const esm = (await import(pathToFileURL(join(root, 'dist', 'net.js')).href)) as typeof import('../../src/net/index.js');
    const cjs = createRequire(import.meta.url)(join(root, 'dist', 'net.cjs')) as typeof import('../../src/net/index.js');
    const lib = await loadEsm();
    const codec = lib.createCodec(lib.presets.iso87ascii) as never;
    const server = esm.createServer({
      codec,
      framing: { length: 'ascii' },
      handler: (m) =>
        m.fields[11] === '000002' ? undefined : { mti: lib.responseMti(m.mti), fields: { 11: m.fields[11], 39: '00', 41: m.fields[41] } },
    });
    const { port } = await server.listen(0);
    const client = await cjs.connect({ host: '127.0.0.1', port, codec, framing: { length: 'ascii' } });
    const answer = await client.request({ mti: '0800', fields: { 11: '000001', 41: 'TERM0001' } });
    expect(answer.fields[39]).toBe('00');
    const timeout = await client.request({ mti: '0800', fields: { 11: '000002' } }, { timeoutMs: 50 }).catch((e: unknown) => e);
    await client.close();
    await server.close(100);
    // Thrown by the CJS client, recognised by the ESM copy's guard.
    expect(esm.isIso8583NetError(timeout) && timeout.code).toBe('TIMEOUT');
  });
});
