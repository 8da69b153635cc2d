import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { converterNames, getConverter, isIso8583Error, presets, registerConverter, specToJSON, structuredPreset, validateSpec } from '../../src/index.js';
import { arbitrarySpec } from '../../src/testing/index.js';
import { specSchemaText } from '../../scripts/spec-schema.js';
import { loadFixtures } from '../helpers/fixtures.js';

const text = readFileSync(new URL('../../docs/spec.schema.json', import.meta.url), 'utf8');
const schema = JSON.parse(text) as object;
// Strict mode: the schema compiles without a warning, so a user's ajv with default options takes it as it is.
const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);

/** Whether validateSpec accepts `doc` (it throws only INVALID_SPEC otherwise). */
function accepted(doc: unknown): boolean {
  try {
    validateSpec(doc);
    return true;
  } catch (e) {
    if (!isIso8583Error(e) || e.code !== 'INVALID_SPEC') throw e;
    return false;
  }
}

const base = { name: 't', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' } };
const withField = (field: unknown, n = 2, extra: object = {}): unknown => ({ ...base, ...extra, fields: { [n]: field } });
const KINDS = ['n', 'a', 'an', 'ans', 'as', 'ns', 'anp', 'z', 'x+n', 'b', 'q'];
const ENCODINGS = [...converterNames(), 'morse'];
const DIGIT_WRITERS = ['ascii', 'bcd', 'ebcdic037', 'ebcdic500', 'ebcdic1047'];
/** A kind each converter carries, to build fields around one. */
const kindFor = (e: string): string => (['binary', 'nop', 'hex'].includes(e) ? 'b' : e === 'bcd' ? 'n' : 'ans');
/** Characters at the edges of every alphabet and code page: all of 0-255, one beyond, one astral, two at once. */
const CHARS = [...Array.from({ length: 256 }, (_, c) => String.fromCharCode(c)), '\u0100', '\u{1f600}', '00', ''];

/**
 * Documents at the edges of every rule of validateSpec, each a whole spec with one thing varied. The schema and
 * validateSpec must say the same on each (the property test draws many more, away from the edges too).
 */
function edgeDocuments(): { readonly what: string; readonly doc: unknown }[] {
  const out: { what: string; doc: unknown }[] = [];
  const add = (what: string, doc: unknown): void => {
    out.push({ what, doc });
  };
  for (const kind of KINDS) for (const encoding of ENCODINGS) add(`kind ${kind} through ${encoding}`, withField({ kind, length: 4, encoding }));
  for (const encoding of ENCODINGS) {
    for (const lengthUnit of ['chars', 'digits', 'bytes', 'bits', null]) add(`${encoding} counted in ${lengthUnit}`, withField({ kind: kindFor(encoding), length: 4, encoding, lengthUnit }));
    add(`nibblePad on ${encoding}`, withField({ kind: kindFor(encoding), length: 3, encoding, nibblePad: { side: 'right', nibble: 'F' } }));
    add(`pad on ${encoding}`, withField({ kind: kindFor(encoding), length: 3, encoding, pad: { side: 'left', char: '0' } }));
  }
  for (const d of [1, 2, 3, 4, 5, 6, 7]) {
    for (const e of [...DIGIT_WRITERS, 'hex', 'binary', 'morse', '']) {
      for (const length of [10 ** Math.min(d, 6) - 1, 10 ** Math.min(d, 6)]) add(`${'L'.repeat(d)}/${e} with ${length}`, withField({ kind: 'ans', length, prefix: `${'L'.repeat(d)}/${e}`, encoding: 'ascii' }));
    }
  }
  for (const [prefix, max] of [['B1', 255], ['B2', 65535], ['B3', 999999], ['B4', 999999], ['fixed', 999999], [undefined, 999999]] as const) {
    for (const length of [-1, 0, 1, 2.5, max, max + 1]) add(`${String(prefix)} with ${length}`, withField({ kind: 'ans', length, prefix, encoding: 'ascii' }));
  }
  for (const prefix of ['B0', 'B5', 'LLLLLLL/ascii', 'LX/ascii', 'LL', 'L/', 'fixed ', 7, null]) add(`prefix ${String(prefix)}`, withField({ kind: 'ans', length: 9, prefix, encoding: 'ascii' }));
  for (const [lengthUnit, prefix] of [['chars', undefined], ['chars', 'fixed'], ['chars', 'LL/ascii'], ['bytes', undefined], [undefined, undefined]] as const) {
    for (const length of [7, 8]) add(`hex ${length} in ${String(lengthUnit)}, ${String(prefix)}`, withField({ kind: 'b', length, prefix, encoding: 'hex', lengthUnit }, 52));
  }
  for (const encoding of ['ascii', 'ebcdic037', 'bcd']) {
    for (const kind of ['n', 'a', 'an', 'ans', 'as', 'ns', 'anp', 'z', 'x+n']) {
      for (const char of CHARS) add(`pad ${JSON.stringify(char)} on ${kind} through ${encoding}`, withField({ kind, length: 4, encoding, pad: { side: 'left', char } }));
    }
  }
  add('pad on a variable field', withField({ kind: 'n', length: 9, prefix: 'LL/ascii', encoding: 'ascii', pad: { side: 'left', char: '0' } }));
  for (const pad of [null, {}, { side: 'up', char: '0' }, { side: 'left' }, { side: 'left', char: 0 }]) add(`pad ${JSON.stringify(pad)}`, withField({ kind: 'n', length: 4, encoding: 'ascii', pad }));
  for (const nibblePad of [null, { side: 'left', nibble: '5' }, { side: 'left', nibble: 'f' }, { nibble: '0' }]) add(`nibblePad ${JSON.stringify(nibblePad)}`, withField({ kind: 'n', length: 3, encoding: 'bcd', nibblePad }));
  for (const [key, value] of [['description', 1], ['description', null], ['sensitive', 'yes'], ['sensitive', 'pan'], ['sensitive', false], ['subfields', null]] as const) {
    add(`${key} ${String(value)}`, withField({ kind: 'n', length: 4, encoding: 'ascii', [key]: value }));
  }
  // Layouts on every converter and kind, padded or not.
  const layouts: Record<string, unknown> = {
    positional: { type: 'positional', fields: { 1: { kind: 'ans', length: 4, prefix: 'LL/ascii', encoding: 'ascii' } } },
    bitmapped: { type: 'bitmapped', bitmap: { format: 'binary' }, fields: { 1: { kind: 'ans', length: 4, prefix: 'LL/ascii', encoding: 'ascii' } } },
    tlv: { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: 'ascii' },
    'ber-tlv': { type: 'ber-tlv' },
    dataset: { type: 'dataset', tagBytes: 1, lengthBytes: 2 },
    track2: { type: 'track2' },
    track1: { type: 'track1' },
    nested: { type: 'nested' },
  };
  for (const [type, subfields] of Object.entries(layouts)) {
    for (const encoding of ENCODINGS) {
      for (const kind of [kindFor(encoding), 'z', 'n']) {
        add(`${type} in ${kind} through ${encoding}`, withField({ kind, length: 999, prefix: 'LLL/ascii', encoding, subfields }, 48));
        add(`${type} in a padded ${kind} through ${encoding}`, withField({ kind, length: 37, encoding, pad: { side: 'left', char: '0' }, subfields }, 48));
      }
    }
  }
  for (const separator of ['=', 'D', 'd', '^', null, 1]) {
    for (const encoding of ['ascii', 'ebcdic037', 'bcd', 'binary']) {
      add(`track2 separator ${String(separator)} through ${encoding}`, withField({ kind: 'z', length: 37, prefix: 'LL/ascii', encoding, subfields: { type: 'track2', separator } }, 35));
    }
  }
  // Nesting depth: a layout on a field `depth` levels deep (1: a data element), inside positional layouts.
  const sub = { kind: 'ans', length: 4, prefix: 'LL/ascii', encoding: 'ascii' };
  const wrap = (inner: unknown, times: number): unknown =>
    times === 0 ? inner : wrap({ kind: 'ans', length: 99, prefix: 'LL/ascii', encoding: 'ascii', subfields: { type: 'positional', fields: { 1: inner } } }, times - 1);
  for (let depth = 1; depth <= 6; depth++) {
    add(`a positional layout ${depth} deep`, withField(wrap({ ...sub, length: 99, subfields: { type: 'positional', fields: { 1: sub } } }, depth - 1)));
    add(`a track2 layout ${depth} deep`, withField(wrap({ kind: 'z', length: 37, prefix: 'LL/ascii', encoding: 'ascii', subfields: { type: 'track2' } }, depth - 1)));
  }
  for (const key of ['0', '1', '2', '64', '65', '128', '129', '999', '1000', '01', 'a', '']) {
    add(`positional subfield ${key}`, withField({ kind: 'ans', length: 999, prefix: 'LLL/ascii', encoding: 'ascii', subfields: { type: 'positional', fields: { [key]: sub } } }));
    for (const secondary of [undefined, false, true, 'yes']) {
      add(`bitmapped subfield ${key}, secondary ${String(secondary)}`, withField({ kind: 'b', length: 999, prefix: 'LLL/ascii', encoding: 'binary', subfields: { type: 'bitmapped', bitmap: { format: 'hex' }, secondary, fields: { [key]: sub } } }));
    }
  }
  for (const fields of [{}, null, []]) add(`positional fields ${JSON.stringify(fields)}`, withField({ kind: 'ans', length: 99, prefix: 'LL/ascii', encoding: 'ascii', subfields: { type: 'positional', fields } }));
  for (const format of ['binary', 'hex', 'octal']) {
    for (const encoding of [undefined, ...ENCODINGS]) {
      add(`sub-bitmap ${format} through ${String(encoding)}`, withField({ kind: 'b', length: 999, prefix: 'LLL/ascii', encoding: 'binary', subfields: { type: 'bitmapped', bitmap: { format, encoding }, fields: { 2: sub } } }));
    }
  }
  for (const [outer, inner] of [[6, [2, 4]], [6, [2, 3]], [6, [2, 5]]] as const) {
    const fields = Object.fromEntries(inner.map((length, i) => [i + 1, { kind: 'n', length, encoding: 'ascii' }]));
    add(`fixed ${outer} holding ${inner.join('+')}`, withField({ kind: 'n', length: outer, encoding: 'ascii', subfields: { type: 'positional', fields } }));
  }
  // Datasets: widths, identifiers, entries.
  const datasetField = (layout: object): unknown => withField({ kind: 'b', length: 999, prefix: 'LLL/ascii', encoding: 'binary', subfields: { type: 'dataset', tagBytes: 1, lengthBytes: 2, ...layout } }, 62);
  for (const n of [0, 1, 2, 3, 1.5, '1']) {
    add(`dataset tagBytes ${String(n)}`, datasetField({ tagBytes: n }));
    add(`dataset lengthBytes ${String(n)}`, datasetField({ lengthBytes: n }));
  }
  for (const id of ['71', '0A', 'FF', '0a', '7', '710', 'G1', '']) add(`dataset id ${JSON.stringify(id)}`, datasetField({ datasets: { [id]: {} } }));
  for (const entry of [{}, { description: 'x', sensitive: true }, { sensitive: 'yes' }, { description: 1 }, { kind: 'b' }, null, 'x']) {
    add(`dataset entry ${JSON.stringify(entry)}`, datasetField({ datasets: { 71: entry } }));
  }
  for (const unknownDatasets of ['keep', 'reject', 'drop', null]) add(`unknownDatasets ${String(unknownDatasets)}`, datasetField({ unknownDatasets }));
  add('dataset without tagBytes', withField({ kind: 'b', length: 999, prefix: 'LLL/ascii', encoding: 'binary', subfields: { type: 'dataset', lengthBytes: 2 } }, 62));
  // TLV: sizes, tags, values.
  const tlvField = (layout: object): unknown => withField({ kind: 'ans', length: 999, prefix: 'LLL/ascii', encoding: 'ascii', subfields: { type: 'tlv', encoding: 'ascii', tagLength: 2, lengthDigits: 2, ...layout } }, 48);
  for (const n of [0, 1, 4, 5, 2.5, '2']) {
    add(`tagLength ${n}`, tlvField({ tagLength: n }));
    add(`lengthDigits ${n}`, tlvField({ lengthDigits: n }));
  }
  for (const encoding of ENCODINGS) add(`TLV through ${encoding}`, tlvField({ encoding }));
  for (const unknownTags of ['keep', 'reject', 'drop', null]) add(`unknownTags ${String(unknownTags)}`, tlvField({ unknownTags }));
  const value = { kind: 'ans', length: 9, encoding: 'ascii' };
  for (const encoding of ['ascii', 'ebcdic037']) {
    for (const char of CHARS) add(`TLV tag A${JSON.stringify(char)} through ${encoding}`, tlvField({ encoding, tags: { [`A${char}`]: value } }));
  }
  for (const tagLength of [1, 2, 3, 4]) for (const tag of ['A', 'AB', 'ABC', 'ABCD', 'ABCDE']) add(`tag ${tag} of ${tagLength}`, tlvField({ tagLength, tags: { [tag]: value } }));
  for (const lengthDigits of [1, 2, 3, 4]) {
    for (const length of [10 ** lengthDigits - 1, 10 ** lengthDigits]) add(`TLV value ${length} under ${lengthDigits} digits`, tlvField({ lengthDigits, tags: { AB: { ...value, length } } }));
  }
  for (const [key, v] of [['prefix', 'fixed'], ['prefix', 'LL/ascii'], ['encoding', 'bcd'], ['encoding', 'hex'], ['subfields', { type: 'track2' }], ['pad', { side: 'left', char: ' ' }], ['length', 0]] as const) {
    add(`TLV value with ${key} ${JSON.stringify(v)}`, tlvField({ tags: { AB: { ...value, kind: key === 'encoding' && v === 'hex' ? 'b' : key === 'encoding' ? 'n' : 'ans', [key]: v } } }));
  }
  add('TLV tags null', tlvField({ tags: null }));
  // BER-TLV dictionaries.
  const berField = (layout: object): unknown => withField({ kind: 'b', length: 999, prefix: 'LLL/ascii', encoding: 'binary', subfields: { type: 'ber-tlv', ...layout } }, 55);
  const hex = (n: number): string => n.toString(16).toUpperCase().padStart(2, '0');
  for (let b = 0; b < 256; b++) {
    add(`BER tag ${hex(b)}`, berField({ tags: { [hex(b)]: {} } }));
    add(`BER tag 9F${hex(b)}`, berField({ tags: { [`9F${hex(b)}`]: {} } }));
    add(`BER tag DF${hex(b)}01`, berField({ tags: { [`DF${hex(b)}01`]: {} } }));
    add(`BER tag DF81${hex(b)}`, berField({ tags: { [`DF81${hex(b)}`]: {} } }));
  }
  for (const tag of ['9f02', '9F0', '9F8181', '9F818101', '', 'GG']) add(`BER tag ${tag}`, berField({ tags: { [tag]: {} } }));
  for (const entry of [null, 'x', { description: 1 }, { sensitive: 'pan' }, { description: 'x', sensitive: true }]) add(`BER entry ${JSON.stringify(entry)}`, berField({ tags: { '9F02': entry } }));
  for (const unknownTags of ['keep', 'reject', 'drop']) add(`BER unknownTags ${unknownTags}`, berField({ unknownTags }));
  // Header, MTI, bitmap, name, field numbers, unknown keys.
  for (const encoding of ENCODINGS) {
    for (const length of [0, 1, 2, 3, 4, 2.5]) add(`header ${length} through ${encoding}`, { ...base, header: { length, encoding }, fields: {} });
    add(`MTI through ${encoding}`, { ...base, mti: { encoding }, fields: {} });
    for (const format of ['binary', 'hex']) add(`${format} bitmap through ${encoding}`, { ...base, bitmap: { format, encoding }, fields: {} });
  }
  for (const flag of ['tertiary', 'alwaysSecondary', 'lenient']) for (const v of [true, false, 'yes', null]) add(`bitmap.${flag} ${String(v)}`, { ...base, bitmap: { format: 'binary', [flag]: v }, fields: {} });
  for (const name of ['', 'x', 1, null]) add(`name ${String(name)}`, { ...base, name, fields: {} });
  for (const $schema of ['x', 1, null]) add(`$schema ${String($schema)}`, { ...base, $schema, fields: {} });
  for (const tertiary of [false, true]) {
    for (const key of [...Array.from({ length: 200 }, (_, n) => String(n)), '01', '2.0', '-2', '1e2', 'x', '']) {
      add(`field ${key}, tertiary ${tertiary}`, { ...base, bitmap: { format: 'binary', tertiary }, fields: { [key]: { kind: 'n', length: 4, encoding: 'ascii' } } });
    }
  }
  for (const [part, doc] of [
    ['top level', { ...base, fields: {}, lenght: 1 }],
    ['header', { ...base, header: { length: 2, encoding: 'ascii', lenght: 2 }, fields: {} }],
    ['mti', { ...base, mti: { encoding: 'ascii', encodng: 'ascii' }, fields: {} }],
    ['bitmap', { ...base, bitmap: { format: 'binary', tertary: true }, fields: {} }],
    ['field', withField({ kind: 'n', length: 4, encoding: 'ascii', lenghtUnit: 'bytes' })],
    ['pad', withField({ kind: 'n', length: 4, encoding: 'ascii', pad: { side: 'left', char: '0', sid: 'x' } })],
    ['layout', tlvField({ tagLenght: 2 })],
    ['BER entry', berField({ tags: { '9F02': { sensitve: true } } })],
  ] as const) {
    add(`an unknown key in the ${part}`, doc);
  }
  for (const spec of [null, [], 'x', {}, { ...base }, { ...base, fields: null }, { ...base, mti: null, fields: {} }, { ...base, bitmap: 'binary', fields: {} }]) add(`spec ${JSON.stringify(spec)}`, spec);
  return out;
}

describe('docs/spec.schema.json', () => {
  it('is what scripts/spec-schema.ts writes (from the converters, kinds and field rules the codec runs on)', () => {
    // On a difference: `node --import tsx scripts/spec-schema.ts` rewrites the file.
    expect(text).toBe(specSchemaText());
  });

  it('and validateSpec say the same at the edge of every rule', () => {
    const documents = edgeDocuments();
    const disagreements = documents
      .map(({ what, doc }) => ({ what, bySchema: validate(JSON.parse(JSON.stringify(doc)) as unknown), bySpec: accepted(doc) }))
      .filter((r) => r.bySchema !== r.bySpec && !(r.what === 'fixed 6 holding 2+3' || r.what === 'fixed 6 holding 2+5'))
      .map((r) => `${r.what}: schema ${r.bySchema ? 'accepts' : 'refuses'}, validateSpec ${r.bySpec ? 'accepts' : 'refuses'}`);
    expect(disagreements).toEqual([]);
    // The table reaches both sides of the rules, not only one.
    const verdicts = documents.map(({ doc }) => accepted(doc));
    expect(verdicts.filter(Boolean).length).toBeGreaterThan(documents.length / 10);
    expect(verdicts.filter((v) => !v).length).toBeGreaterThan(documents.length / 10);
  });

  it('pins the verdicts of the rules it spells out', () => {
    const field = (f: object, n = 2, extra: object = {}) => validate(withField(f, n, extra));
    expect(field({ kind: 'n', length: 99, prefix: 'LL/ascii', encoding: 'ascii' })).toBe(true);
    expect(field({ kind: 'n', length: 100, prefix: 'LL/ascii', encoding: 'ascii' })).toBe(false);
    expect(field({ kind: 'n', length: 4, encoding: 'ascii', lenghtUnit: 'bytes' })).toBe(false);
    expect(field({ kind: 'b', length: 7, encoding: 'hex', lengthUnit: 'chars' })).toBe(false);
    expect(field({ kind: 'n', length: 4, encoding: 'bcd', pad: { side: 'left', char: 'F' } })).toBe(false);
    expect(field({ kind: 'z', length: 4, encoding: 'bcd', pad: { side: 'left', char: 'F' } })).toBe(true);
    expect(field({ kind: 'b', length: 8, encoding: 'binary', subfields: { type: 'ber-tlv', tags: { '9F02': {}, '9F': {} } } })).toBe(false);
    expect(field({ kind: 'n', length: 4, encoding: 'ascii' }, 150)).toBe(false);
    expect(field({ kind: 'n', length: 4, encoding: 'ascii' }, 150, { bitmap: { format: 'binary', tertiary: true } })).toBe(true);
    expect(validate({ ...base, $schema: './node_modules/iso8583-codec/spec.schema.json', fields: {} })).toBe(true);
  });

  it('describes the one rule it cannot state, and that converters you register are outside it', () => {
    const { description } = schema as { description: string };
    expect(description).toContain('the fixed subfields of a fixed positional field must add up to its size');
    expect(description).toContain('A spec naming a converter you register is outside this schema');
    const twoPlusThree = withField({ kind: 'n', length: 6, encoding: 'ascii', subfields: { type: 'positional', fields: { 1: { kind: 'n', length: 2, encoding: 'ascii' }, 2: { kind: 'n', length: 3, encoding: 'ascii' } } } });
    expect([validate(twoPlusThree), accepted(twoPlusThree)]).toEqual([true, false]);
  });

  it('leaves out a converter you register, which validateSpec accepts once it is registered', () => {
    const spec = withField({ kind: 'ans', length: 8, encoding: 'schema-latin1' });
    expect([validate(spec), accepted(spec)]).toEqual([false, false]);
    registerConverter({ ...getConverter('ebcdic037'), name: 'schema-latin1' });
    expect([validate(spec), accepted(spec)]).toEqual([false, true]);
  });

  it('accepts every preset, structured preset and fixture spec, as specToJSON writes them', () => {
    const specs = [...Object.values(presets), ...Object.values(presets).map((p) => structuredPreset(p)), ...loadFixtures().map((f) => f.spec)];
    for (const spec of specs) {
      const ok = validate(JSON.parse(specToJSON(spec)));
      expect(validate.errors ?? [], spec.name).toEqual([]);
      expect(ok).toBe(true);
    }
  });

  it('accepts every random valid spec (bitmap options, hex and BCD headers, subfields included)', () => {
    fc.assert(
      fc.property(arbitrarySpec(), (spec) => {
        const ok = validate(JSON.parse(specToJSON(spec)));
        expect(validate.errors ?? []).toEqual([]);
        expect(ok).toBe(true);
      }),
      { numRuns: 200 },
    );
  });

  it('describes the bitmap options and refuses other types for them', () => {
    const base = { name: 'x', mti: { encoding: 'ascii' }, fields: {} };
    expect(validate({ ...base, bitmap: { format: 'hex', tertiary: true, alwaysSecondary: true, lenient: true } })).toBe(true);
    expect(validate({ ...base, bitmap: { format: 'binary', lenient: 'yes' } })).toBe(false);
    expect(validate({ ...base, bitmap: { format: 'binary', alwaysSecondary: 1 } })).toBe(false);
  });

  it('rejects a spec with an unknown kind or a stray property', () => {
    expect(validate({ name: 'x', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' }, fields: { 2: { kind: 'q', length: 1, encoding: 'ascii' } } })).toBe(false);
    expect(validate({ name: 'x', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' }, fields: {}, extra: 1 })).toBe(false);
  });
});
