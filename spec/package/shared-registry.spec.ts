import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectWithBuiltPackage, projectWithPackedTarball, removeProject, root, runNode } from './projects.js';

/**
 * A consumer of the package, as a user writes it: it registers a converter through `iso8583-codec` and then uses
 * it from `iso8583-codec/testing` and `iso8583-codec/net`, and checks that the errors of each entry point are
 * instances of the one `Iso8583Error` class. It prints what it saw as JSON.
 *
 * The converter ("caesar") writes each character one code point higher, so the bytes on the wire prove which
 * converter ran: a built-in never writes '000001' as 31 31 31 31 31 32.
 */
function consumer(kind: 'esm' | 'cjs'): string {
  const load =
    kind === 'esm'
      ? `import * as lib from 'iso8583-codec';
         import * as testing from 'iso8583-codec/testing';
         import * as net from 'iso8583-codec/net';
         import fc from 'fast-check';
         import { isDeepStrictEqual } from 'node:util';`
      : `const lib = require('iso8583-codec');
         const testing = require('iso8583-codec/testing');
         const net = require('iso8583-codec/net');
         const fc = require('fast-check');
         const { isDeepStrictEqual } = require('node:util');`;
  return `${load}
const charset = new Uint8Array(256);
for (let c = 0x20; c < 0x7e; c++) charset[c] = 1;
const allowed = (c, ctx) => charset[c] === 1 && (ctx.alphabet === undefined || ctx.alphabet[c] === 1);
const caesar = {
  name: 'caesar',
  valueType: 'string',
  unit: 'chars',
  lengthUnits: ['chars', 'bytes'],
  charset,
  byteLength: (units) => units,
  decode(src, offset, units, ctx) {
    let s = '';
    for (let i = offset; i < offset + units; i++) {
      if (!allowed(src[i] - 1, ctx)) throw new lib.Iso8583Error('INVALID_CHARACTER', 'not a caesar character', { offset: i });
      s += String.fromCharCode(src[i] - 1);
    }
    return s;
  },
  encode(value, dst, offset, ctx) {
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (!allowed(c, ctx)) throw new lib.Iso8583Error('INVALID_CHARACTER', 'cannot be written in caesar', { offset: offset + i });
      dst[offset + i] = c + 1;
    }
  },
};
const spec = {
  name: 'caesar-network',
  mti: { encoding: 'ascii' },
  bitmap: { format: 'binary' },
  fields: {
    11: { kind: 'n', length: 6, encoding: 'caesar' },
    41: { kind: 'ans', length: 8, encoding: 'caesar' },
    43: { kind: 'ans', length: 25, prefix: 'LL/caesar', encoding: 'caesar' },
  },
};
const caught = (f) => { try { f(); } catch (e) { return e; } throw new Error('expected a throw'); };
const seen = (e) => ({ code: e.code, isIndexClass: e instanceof lib.Iso8583Error });
const seenWithDetail = (e) => ({ ...seen(e), detail: e.detail });

(async () => {
  const out = {};
  // Before registration the name is unknown everywhere.
  out.before = seenWithDetail(caught(() => testing.arbitraryMessage(spec)));
  lib.registerConverter(caesar);

  // iso8583-codec
  const codec = lib.createCodec(spec);
  const bytes = codec.encode({ mti: '0800', fields: { 11: '000001', 41: 'TERM0001', 43: 'ABC' } });
  out.index = { hex: lib.toHex(bytes), decoded: codec.decode(bytes) };

  // iso8583-codec/testing: draws values through the converter and checks the spec against the registry.
  const messages = fc.sample(testing.arbitraryMessage(spec, { fields: [11, 41, 43] }), { numRuns: 50, seed: 42 });
  const frames = fc.sample(testing.arbitraryFrame(spec, (m) => codec.encode(m)), { numRuns: 50, seed: 43 });
  out.testing = {
    messages: messages.length,
    messagesRoundTrip: messages.every((m) => isDeepStrictEqual(codec.decode(codec.encode(m)), m)),
    frames: frames.length,
    framesDecode: frames.every((f) => lib.toHex(codec.encode(codec.decode(f))) === lib.toHex(f)),
    fieldValues: fc.sample(testing.arbitraryFieldValue(spec.fields[43]), { numRuns: 20, seed: 44 }).every((v) => typeof v === 'string'),
    optionError: seen(caught(() => testing.arbitraryMessage(spec, { fields: [99] }))),
  };

  // iso8583-codec/net: frames written and read with the converter over loopback.
  const server = net.createServer({
    codec,
    framing: { length: 'ascii' },
    handler: (m) => ({ mti: lib.responseMti(m.mti), fields: { 11: m.fields[11], 41: m.fields[41], 43: m.fields[43].toUpperCase() } }),
  });
  const { port } = await server.listen(0, '127.0.0.1');
  // The request timeout is a hang guard only: a loaded machine must not turn a slow answer into a refusal.
  const client = await net.connect({ host: '127.0.0.1', port, codec, framing: { length: 'ascii' }, timeoutMs: 120_000 });
  const answer = await client.request({ mti: '0800', fields: { 11: '000002', 41: 'TERM0002', 43: 'hello' } });
  const refused = await client.request({ mti: '0800', fields: { 11: '00000x', 41: 'TERM0002' } }).then(
    () => { throw new Error('expected a refusal'); },
    (e) => e,
  );
  await client.close();
  await server.close(1000);
  out.net = { answer, refused: seen(refused) };
  process.stdout.write(JSON.stringify(out));
})().catch((e) => {
  process.stderr.write(String((e && e.stack) || e));
  process.exit(1);
});
`;
}

const expected = {
  before: { code: 'INVALID_SPEC', detail: 'encoding "caesar" is not a registered converter', isIndexClass: true },
  index: {
    // MTI (ascii) | bitmap: 11, 41, 43 | DE11 | DE41 | DE43: LL prefix '03' through caesar, then 'ABC'.
    hex: '30383030' + '0020000000A00000' + '313131313132' + '5546534E31313132' + '3134' + '424344',
    decoded: { mti: '0800', fields: { 11: '000001', 41: 'TERM0001', 43: 'ABC' } },
  },
  testing: {
    messages: 50,
    messagesRoundTrip: true,
    frames: 50,
    framesDecode: true,
    fieldValues: true,
    optionError: { code: 'INVALID_OPTION', isIndexClass: true },
  },
  net: {
    answer: { mti: '0810', fields: { 11: '000002', 41: 'TERM0002', 43: 'HELLO' } },
    refused: { code: 'INVALID_CHARACTER', isIndexClass: true },
  },
};

/** Loads both module formats in one process: each has its own registry and classes, and the brand spans both. */
const bothFormats = `
import { createRequire } from 'node:module';
import * as esm from 'iso8583-codec';
import * as esmTesting from 'iso8583-codec/testing';
const cjs = createRequire(import.meta.url)('iso8583-codec');
esm.registerConverter({ ...esm.getConverter('ascii'), name: 'esm-only' });
let fromCjs;
try { cjs.getConverter('esm-only'); } catch (e) { fromCjs = e; }
let fromEsmTesting;
try { esmTesting.arbitraryMessage({ mti: { encoding: 'ascii' }, bitmap: { format: 'binary' }, fields: { 2: { kind: 'n', length: 2, encoding: 'nowhere' } } }); } catch (e) { fromEsmTesting = e; }
process.stdout.write(JSON.stringify({
  esmHas: esm.hasConverter('esm-only'),
  cjsHas: cjs.hasConverter('esm-only'),
  cjsCode: fromCjs.code,
  sameClass: esm.Iso8583Error === cjs.Iso8583Error,
  esmErrorIsCjsInstance: fromEsmTesting instanceof cjs.Iso8583Error,
  esmErrorIsCjsBranded: cjs.isIso8583Error(fromEsmTesting),
  cjsErrorIsEsmBranded: esm.isIso8583Error(fromCjs),
}));
`;

const perFormat = {
  esmHas: true,
  cjsHas: false,
  cjsCode: 'UNKNOWN_CONVERTER',
  sameClass: false,
  esmErrorIsCjsInstance: false,
  esmErrorIsCjsBranded: true,
  cjsErrorIsEsmBranded: true,
};

function writeConsumers(app: string): void {
  writeFileSync(join(app, 'registry.mjs'), consumer('esm'));
  writeFileSync(join(app, 'registry.cjs'), consumer('cjs'));
  writeFileSync(join(app, 'both.mjs'), bothFormats);
}

describe.each([
  ['the built dist/', projectWithBuiltPackage],
  ['the packed tarball, installed', projectWithPackedTarball],
])('one converter registry and one Iso8583Error per module format, in %s', (_where, makeProject) => {
  let app = '';
  beforeAll(() => {
    app = makeProject();
    writeConsumers(app);
  }, 300_000);
  afterAll(() => {
    removeProject(app);
  });

  it('a converter registered through iso8583-codec serves iso8583-codec/testing and /net, imported as ESM', () => {
    expect(JSON.parse(runNode(app, 'registry.mjs'))).toEqual(expected);
  });

  it('a converter registered through iso8583-codec serves iso8583-codec/testing and /net, required as CJS', () => {
    expect(JSON.parse(runNode(app, 'registry.cjs'))).toEqual(expected);
  });

  it('keeps ESM and CJS apart: a converter registered in one format is unknown to the other; the brand spans both', () => {
    expect(JSON.parse(runNode(app, 'both.mjs'))).toEqual(perFormat);
  });
});

describe('the build', () => {
  const code = readdirSync(join(root, 'dist')).filter((f) => /\.(c?js)$/.test(f));
  /** Files of one format that hold a piece of source text (a string only the module in question contains). */
  const holding = (text: string, ext: '.js' | '.cjs'): string[] =>
    code.filter((f) => f.endsWith(ext) && readFileSync(join(root, 'dist', f), 'utf8').includes(text));

  it.each(['.js', '.cjs'] as const)('holds the converter registry and the Iso8583Error class once in %s, in a shared chunk', (ext) => {
    const registry = holding('is built in and cannot be replaced', ext);
    const errorClass = holding("Symbol.for('iso8583-codec.Iso8583Error')", ext).concat(holding('Symbol.for("iso8583-codec.Iso8583Error")', ext));
    expect(registry).toHaveLength(1);
    expect(errorClass).toHaveLength(1);
    for (const chunk of [...registry, ...errorClass]) expect(chunk).toMatch(/^chunk-/);
  });
});
