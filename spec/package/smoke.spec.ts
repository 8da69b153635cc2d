import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { builtinModules, createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectWithPackedTarball, removeProject, root, runNode } from './projects.js';

type Lib = typeof import('../../src/index.js');
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

  it('packs only dist, the spec schema, the README, the changelog and the license', () => {
    const listing = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--silent', '--ignore-scripts'], { cwd: root }).toString()) as { files: { path: string }[] }[];
    const paths = listing[0]!.files.map((f) => f.path);
    const tops = new Set(paths.map((path) => path.split('/')[0]));
    expect([...tops].sort()).toEqual(['CHANGELOG.md', 'LICENSE', 'README.md', 'dist', 'docs', 'package.json']);
    expect(paths.filter((path) => path.startsWith('docs/'))).toEqual(['docs/spec.schema.json']);
  });

  it('has zero runtime dependencies: the build imports only Node built-ins, and fast-check (an optional peer) only from /testing', () => {
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
    for (const key of ['dependencies', 'optionalDependencies', 'bundleDependencies', 'bundledDependencies']) expect(pkg[key], key).toBeUndefined();
    expect(pkg['peerDependencies']).toEqual({ 'fast-check': expect.any(String) });
    expect(pkg['peerDependenciesMeta']).toEqual({ 'fast-check': { optional: true } });
    const builtins = new Set(builtinModules);
    const outside: string[] = [];
    for (const file of readdirSync(join(root, 'dist')).filter((f) => /\.(c?js)$/.test(f))) {
      const code = readFileSync(join(root, 'dist', file), 'utf8');
      for (const m of code.matchAll(/(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(['"])([^'"]+)\1/gm)) {
        const specifier = m[2]!;
        if (specifier.startsWith('.') || builtins.has(specifier.replace(/^node:/, ''))) continue;
        outside.push(`${file}: ${specifier}`);
      }
    }
    expect(outside.sort()).toEqual(['testing.cjs: fast-check', 'testing.js: fast-check']);
  });

  it('packs the CLI once, as the ESM file the bin names (no unused CJS build of it)', () => {
    const listing = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--silent', '--ignore-scripts'], { cwd: root }).toString()) as { files: { path: string }[] }[];
    const { bin } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { bin: Record<string, string> };
    expect(bin).toEqual({ iso8583: './dist/cli.js' });
    const cli = listing[0]!.files.map((f) => f.path).filter((path) => path.startsWith('dist/cli'));
    expect(cli.sort()).toEqual(['dist/cli.js', 'dist/cli.js.map']);
  });
});

describe('the packed tarball, installed in a new project', () => {
  let app = '';
  beforeAll(() => {
    app = projectWithPackedTarball();
  }, 600_000);
  afterAll(() => {
    removeProject(app);
  });

  it('works from ESM, CJS and `npx iso8583`', () => {
    const script = (kind: 'esm' | 'cjs') => `
      ${kind === 'esm' ? "import { createCodec, presets, toHex } from 'iso8583-codec';" : "const { createCodec, presets, toHex } = require('iso8583-codec');"}
      const c = createCodec(presets.iso87ascii);
      process.stdout.write(toHex(c.encode({ mti: '0800', fields: { 11: '000001' } })));`;
    writeFileSync(join(app, 'a.mjs'), script('esm'));
    writeFileSync(join(app, 'b.cjs'), script('cjs'));
    const expected = '30383030' + '0020000000000000' + '303030303031';
    expect(runNode(app, 'a.mjs')).toBe(expected);
    expect(runNode(app, 'b.cjs')).toBe(expected);
    // `npx iso8583` as a user types it; --no forbids a registry download, so only the installed tarball's bin can answer.
    const out = execFileSync('npx', ['--no', 'iso8583', 'decode', '--spec', 'iso87ascii', expected], { cwd: app }).toString();
    expect(JSON.parse(out)).toEqual({ mti: '0800', fields: { 11: '000001' } });
  });

  it('serves the spec schema as iso8583-codec/spec.schema.json, to ESM and CJS, byte for byte the one in docs/', () => {
    const schema = readFileSync(join(root, 'docs', 'spec.schema.json'), 'utf8');
    writeFileSync(
      join(app, 'schema.mjs'),
      `import schema from 'iso8583-codec/spec.schema.json' with { type: 'json' };
      import { readFileSync } from 'node:fs';
      import { fileURLToPath } from 'node:url';
      const file = fileURLToPath(import.meta.resolve('iso8583-codec/spec.schema.json'));
      process.stdout.write(JSON.stringify({ title: schema.title, text: readFileSync(file, 'utf8') }));`,
    );
    writeFileSync(
      join(app, 'schema.cjs'),
      `const schema = require('iso8583-codec/spec.schema.json');
      const text = require('node:fs').readFileSync(require.resolve('iso8583-codec/spec.schema.json'), 'utf8');
      process.stdout.write(JSON.stringify({ title: schema.title, text }));`,
    );
    for (const file of ['schema.mjs', 'schema.cjs']) {
      expect(JSON.parse(runNode(app, file)), file).toEqual({ title: 'iso8583-codec message spec', text: schema });
    }
  });

  describe('compiles in a TypeScript consumer that imports all four entry points', () => {
    // The consumer uses one export of each entry point, typed: each `@ts-expect-error` line is an error only when
    // the entry point's types resolved (an unresolved import is `any`, and an unused expectation fails the build).
    const tsSource = `
      import { type BerTlv, createCodec, createCodecSet, defineSpec, type ErrorCode, fieldPaths, isIso8583Error, presets, responseMti, structuredPreset, type Infer, type TlvEntry, type Track2 } from 'iso8583-codec';
      import { arbitraryMessage } from 'iso8583-codec/testing';
      import { connect, createServer, isIso8583NetError, lengthBytes, type NetErrorCode } from 'iso8583-codec/net';
      import { computeMac, SecretKey, signMessage, softwareSecurityModule } from 'iso8583-codec/security';
      const codec = createCodec(presets.iso87ascii);
      const m: Infer<typeof presets.iso87ascii> = codec.decode(new Uint8Array());
      const emv: Uint8Array | undefined = m.fields[55];
      // @ts-expect-error DE4 is a string, never a number
      const wrong: number | undefined = m.fields[4];
      const amounts = arbitraryMessage(presets.iso87ascii).map((drawn): string | undefined => drawn.fields[4]);
      // @ts-expect-error an arbitrary of messages draws no numbers
      arbitraryMessage(presets.iso87ascii).map((drawn): number | undefined => drawn.fields[4]);
      const headerBytes: number = lengthBytes({ length: 'ascii', digits: 4 });
      // @ts-expect-error connect takes its options
      void (() => connect());

      // A structured preset, typed by its layouts: no cast.
      const structured = createCodec(structuredPreset(presets.iso87ascii, { de48: { type: 'tlv', tagLength: 2, lengthDigits: 3, encoding: 'ascii' } }));
      const read = structured.decode(new Uint8Array());
      const chip: BerTlv[] | undefined = read.fields[55];
      const track: Track2 | undefined = read.fields[35];
      const entries: TlvEntry[] | undefined = read.fields[48];
      // @ts-expect-error DE55 of a structured preset is a list of BER-TLV objects, not bytes
      const chipBytes: Uint8Array | undefined = read.fields[55];
      structured.encode({ mti: '0100', fields: { 48: [{ tag: 'AB', value: 'xyz' }] } });

      // The typed net client: requests and answers typed by the codec's spec, no cast.
      async function echo(): Promise<string | undefined> {
        const client = await connect({ host: '127.0.0.1', port: 8583, codec: structured, framing: { length: 'binary2' } });
        const answer = await client.request({ mti: '0800', fields: { 11: '000001', 70: '301' } });
        // @ts-expect-error the answer's DE55 is BER-TLV, not bytes
        const answerChip: Uint8Array | undefined = answer.fields[55];
        void answerChip;
        return answer.fields[39];
      }

      // A converter of the consumer's own, declared to the types once; a misspelt name does not compile.
      declare module 'iso8583-codec' {
        interface ConverterRegistry {
          'consumer-latin1': 'text';
        }
      }
      const own = defineSpec({ name: 'own', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' }, fields: { 43: { kind: 'ans', length: 40, encoding: 'consumer-latin1' } } });
      // @ts-expect-error lenghtUnit is not a key of a field spec
      defineSpec({ name: 'typo', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' }, fields: { 2: { kind: 'n', length: 19, prefix: 'LL/ascii', encoding: 'ascii', lenghtUnit: 'bytes' } } });
      // The security entry point: a MAC is bytes, and signMessage takes the codec's own messages.
      const macKey = SecretKey.from('tdes', '0123456789ABCDEFFEDCBA9876543210');
      const mac: Uint8Array = computeMac(macKey, new Uint8Array(8), { algorithm: 'retail' });
      // @ts-expect-error the MAC algorithms are named, 'x9.19' is not one of them
      computeMac(macKey, new Uint8Array(8), { algorithm: 'x9.19' });
      const signed: Promise<Uint8Array> = signMessage(codec, { mti: '0200', fields: { 11: '000001' } }, softwareSecurityModule({ macKey, mac: { algorithm: 'retail' } }));
      // The server's handler, a codec set's union by MTI, field paths and the error guards, typed from the tarball too.
      const server = createServer({
        codec,
        framing: { length: 'binary2' },
        handler: (request) => ({ mti: responseMti(request.mti), fields: { 11: request.fields[11], 39: '00' } }),
      });
      // @ts-expect-error DE39 of the spec is text: a handler cannot answer a number
      createServer({ codec, framing: { length: 'binary2' }, handler: (request) => ({ mti: responseMti(request.mti), fields: { 39: 0 } }) });
      const set = createCodecSet({ byMti: { '01xx': structuredPreset(presets.iso87ascii, { de48: { type: 'tlv', tagLength: 2, lengthDigits: 3, encoding: 'ascii' } }), '08xx': presets.iso87ascii } });
      set.encode({ mti: '0100', fields: { 48: [{ tag: 'AB', value: 'x' }] } });
      // @ts-expect-error a 0100's DE48 is TLV entries, not text
      set.encode({ mti: '0100', fields: { 48: 'AB001x' } });
      const emvSpec = structuredPreset(presets.iso87ascii);
      const paid = createCodec(emvSpec).decode(new Uint8Array());
      const cryptogram: Uint8Array | undefined = fieldPaths(emvSpec).get(paid, '55.9F26');
      // @ts-expect-error BER-TLV tags of a literal path are uppercase hex
      fieldPaths(emvSpec).get(paid, '55.9f26');
      function codeOf(e: unknown): ErrorCode | NetErrorCode | undefined {
        if (isIso8583Error(e)) return e.code;
        if (isIso8583NetError(e)) return e.code;
        return undefined;
      }
      export { emv, wrong, amounts, headerBytes, chip, track, entries, chipBytes, echo, own, mac, signed, server, cryptogram, codeOf };
    `;
    beforeAll(() => {
      for (const file of ['types.mts', 'types.cts', 'types.ts']) writeFileSync(join(app, file), tsSource);
    });
    const tsc = (...args: string[]): string => {
      const base = ['--noEmit', '--strict', '--skipLibCheck', '--types', 'node', '--typeRoots', join(root, 'node_modules', '@types')];
      try {
        return execFileSync(process.execPath, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), ...base, ...args], { cwd: app }).toString();
      } catch (e) {
        return (e as { stdout: Buffer }).stdout.toString();
      }
    };

    it('under moduleResolution node10 (typesVersions maps the subpaths)', () => {
      expect(tsc('--module', 'commonjs', '--moduleResolution', 'node10', 'types.ts')).toBe('');
    });

    it('under node16, as ESM (.mts) and as CJS (.cts)', () => {
      expect(tsc('--module', 'node16', '--moduleResolution', 'node16', 'types.mts', 'types.cts')).toBe('');
    });

    it('under bundler resolution', () => {
      expect(tsc('--module', 'esnext', '--moduleResolution', 'bundler', 'types.ts')).toBe('');
    });
  });
});

describe('packing and publishing', () => {
  // A copy of what a fresh clone has (no dist/), sharing node_modules: packing there must build the package itself.
  // (The tests above pack the repository with --ignore-scripts: `pretest` built dist/ already.)
  const copies: string[] = [];
  afterAll(() => {
    for (const dir of copies) rmSync(dir, { recursive: true, force: true });
  });
  const cleanCopy = (): string => {
    const dir = mkdtempSync(join(tmpdir(), 'iso8583-clean-'));
    copies.push(dir);
    for (const entry of ['package.json', 'tsup.config.ts', 'tsconfig.json', 'src', 'scripts', 'README.md', 'CHANGELOG.md', 'LICENSE']) {
      cpSync(join(root, entry), join(dir, entry), { recursive: true });
    }
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    return dir;
  };

  it('builds dist/ before packing, so a clean checkout never packs an empty package', () => {
    const dir = cleanCopy();
    const listing = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--silent'], { cwd: dir }).toString()) as { files: { path: string }[] }[];
    const paths = listing[0]!.files.map((f) => f.path);
    for (const entry of ['index', 'testing', 'net', 'security']) {
      expect(paths).toEqual(expect.arrayContaining([`dist/${entry}.js`, `dist/${entry}.cjs`, `dist/${entry}.d.ts`, `dist/${entry}.d.cts`]));
    }
    expect(paths).toContain('dist/cli.js');
  }, 600_000);

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
  }, 300_000);
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
    // A hang guard only (the library's default, 5 s, is a network's figure): a loaded machine never times out the answered request.
    const client = await cjs.connect({ host: '127.0.0.1', port, codec, framing: { length: 'ascii' }, timeoutMs: 600_000 });
    const answer = await client.request({ mti: '0800', fields: { 11: '000001', 41: 'TERM0001' } });
    expect(answer.fields[39]).toBe('00');
    const timeout = await client.request({ mti: '0800', fields: { 11: '000002' } }, { timeoutMs: 50 }).catch((e: unknown) => e);
    await client.close();
    await server.close(100);
    // Thrown by the CJS client, recognised by the ESM copy's guard.
    expect(esm.isIso8583NetError(timeout) && timeout.code).toBe('TIMEOUT');
  });
});

describe('built security subpath', () => {
  it('signs with the CJS build and verifies with the ESM build: the same MAC, and a MAC_MISMATCH both recognise', async () => {
    type Security = typeof import('../../src/security/index.js');
    const esm = (await import(pathToFileURL(join(root, 'dist', 'security.js')).href)) as Security;
    const cjs = createRequire(import.meta.url)(join(root, 'dist', 'security.cjs')) as Security;
    const lib = await loadEsm();
    const codec = lib.createCodec(lib.presets.iso87binary);
    const hex = '0123456789ABCDEFFEDCBA9876543210';
    const signer = cjs.softwareSecurityModule({ macKey: cjs.SecretKey.from('tdes', hex), mac: { algorithm: 'retail' } });
    const checker = esm.softwareSecurityModule({ macKey: esm.SecretKey.from('tdes', hex), mac: { algorithm: 'retail' } });
    const frame = await cjs.signMessage(codec, { mti: '0800', fields: { 11: '000001', 70: '301' } }, signer);
    await expect(esm.decodeVerified(codec, frame, checker)).resolves.toMatchObject({ mti: '0800' });
    frame[frame.length - 9]! ^= 1;
    const e = await esm.decodeVerified(codec, frame, checker).catch((error: unknown) => error);
    // The ESM security build throws the ESM core's own Iso8583Error class (one shared chunk per format).
    expect(e instanceof lib.Iso8583Error).toBe(true);
    expect((e as { code: string }).code).toBe('MAC_MISMATCH');
  });
});
