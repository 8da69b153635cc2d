import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isIso8583Error, presets, specToJSON, structuredPreset, validateSpec } from '../../src/index.js';
import { arbitrarySpec } from '../../src/testing/index.js';
import { loadFixtures } from '../helpers/fixtures.js';

/**
 * docs/spec.schema.json and validateSpec accept the same documents. Documents are drawn as valid specs (random
 * ones, every preset and fixture spec, and a hand-made spec using every part of the format), then mutated: keys
 * added (typos among them), keys removed, values replaced by others of the right or the wrong type, in or out of
 * range, parts moved elsewhere in the document. On every one, the schema and validateSpec must say the same, but
 * for the one rule the schema has no form for (fixed subfields adding up to their fixed positional field), which
 * its description names.
 */
type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const schema = JSON.parse(readFileSync(new URL('../../docs/spec.schema.json', import.meta.url), 'utf8')) as object;
const validate = new Ajv2020({ strict: true, allErrors: true }).compile(schema);
const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const SEED = Number(process.env.FUZZ_SEED ?? 8583);

/** A spec that uses every part of the format at least once: header, TLV tags, a BER-TLV dictionary, nested layouts. */
const everyPart = {
  $schema: './node_modules/iso8583-codec/spec.schema.json',
  name: 'every-part',
  header: { length: 4, encoding: 'hex' },
  mti: { encoding: 'bcd' },
  bitmap: { format: 'hex', encoding: 'ebcdic037', tertiary: true, alwaysSecondary: true, lenient: false },
  fields: {
    2: { kind: 'n', length: 19, prefix: 'LL/bcd', encoding: 'bcd', lengthUnit: 'digits', nibblePad: { side: 'right', nibble: 'F' }, sensitive: 'pan' },
    4: { kind: 'n', length: 12, encoding: 'ascii', pad: { side: 'left', char: '0' }, description: 'amount' },
    35: { kind: 'z', length: 37, prefix: 'LL/ascii', encoding: 'ascii', sensitive: true, subfields: { type: 'track2' } },
    43: {
      kind: 'ans',
      length: 40,
      encoding: 'ebcdic500',
      subfields: {
        type: 'positional',
        fields: {
          1: { kind: 'ans', length: 25, encoding: 'ebcdic500' },
          2: {
            kind: 'ans',
            length: 15,
            encoding: 'ebcdic500',
            subfields: {
              type: 'positional',
              fields: {
                1: { kind: 'ans', length: 13, encoding: 'ebcdic500' },
                2: { kind: 'a', length: 2, encoding: 'ebcdic500', subfields: { type: 'positional', fields: { 1: { kind: 'a', length: 2, encoding: 'ebcdic500' } } } },
              },
            },
          },
        },
      },
    },
    48: {
      kind: 'ans',
      length: 999,
      prefix: 'LLL/ascii',
      encoding: 'ascii',
      subfields: {
        type: 'tlv',
        tagLength: 2,
        lengthDigits: 2,
        encoding: 'ascii',
        unknownTags: 'reject',
        tags: { '01': { kind: 'an', length: 10, encoding: 'ascii' }, AB: { kind: 'b', length: 4, encoding: 'hex', lengthUnit: 'chars' } },
      },
    },
    52: { kind: 'b', length: 8, encoding: 'binary' },
    55: {
      kind: 'b',
      length: 255,
      prefix: 'B1',
      encoding: 'nop',
      subfields: { type: 'ber-tlv', unknownTags: 'keep', tags: { '9F02': { description: 'amount', sensitive: false }, '5A': { sensitive: true }, DF8101: {} } },
    },
    127: {
      kind: 'b',
      length: 9999,
      prefix: 'LLLL/ebcdic1047',
      encoding: 'binary',
      subfields: {
        type: 'bitmapped',
        bitmap: { format: 'hex', encoding: 'ebcdic1047' },
        secondary: true,
        fields: { 2: { kind: 'b', length: 99, prefix: 'LL/ascii', encoding: 'binary' }, 70: { kind: 'n', length: 3, encoding: 'bcd', lengthUnit: 'bytes' } },
      },
    },
    150: { kind: 'x+n', length: 9, encoding: 'ascii', prefix: 'B2' },
  },
  rules: {
    '0100': {
      mandatory: [2, 4],
      forbidden: [150],
      conditional: [
        { when: { field: 4, startsWith: '00' }, mandatory: [48] },
        { when: [{ field: 35, present: false }, { field: 52, present: true }], forbidden: [55] },
      ],
    },
    '08x0': { mandatory: [127] },
  },
};

const seeds: Json[] = [
  everyPart,
  ...[...Object.values(presets), ...Object.values(presets).map((p) => structuredPreset(p)), ...loadFixtures().map((f) => f.spec)].map(
    (spec) => JSON.parse(specToJSON(spec)) as Json,
  ),
];

const KEYS = ['lenghtUnit', 'feilds', 'Kind', 'extra', '$schema', 'type', 'tags', 'pad', 'secondary', 'encoding', 'length', 'subfields', 'prefix', 'lengthUnit', 'leading', '1', '2', '65', '129', '0', '01', '9F02'];
const VALUES: Json[] = [
  ...[null, true, false, 0, -1, 1, 2, 3, 4, 5, 7, 8, 9, 10, 12, 19, 64, 65, 99, 100, 128, 255, 256, 999, 1000, 9999, 10000, 65535, 65536, 99999, 100000, 999999, 1000000, 2.5],
  ...['n', 'a', 'an', 'ans', 'as', 'ns', 'anp', 'z', 'x+n', 'b', 'q'],
  ...['ascii', 'binary', 'nop', 'hex', 'bcd', 'ebcdic037', 'ebcdic500', 'ebcdic1047', 'morse'],
  ...['fixed', 'B1', 'B2', 'B3', 'B4', 'B5', 'L/ascii', 'LL/ascii', 'LLL/bcd', 'LLLL/ebcdic037', 'LLLLL/ascii', 'LLLLLL/bcd', 'LLLLLLL/ascii', 'LL/hex', 'LL/binary', 'LX/ascii', 'L/'],
  ...['chars', 'digits', 'bytes', 'left', 'right', '0', 'F', '5', ' ', '00', '', 'pan', 'keep', 'reject'],
  ...['positional', 'bitmapped', 'tlv', 'ber-tlv', 'track2', 'nested', '9F02', '9F', 'DF8101', 'DF818101', '9F8002', 'DF8181818181818101', '5f2a', '02', 'é'],
  {},
  [],
  { type: 'track2' },
  { type: 'positional', fields: { 1: { kind: 'n', length: 2, encoding: 'ascii' } } },
  { side: 'left', char: '0' },
  { side: 'right', char: ' ' },
  { side: 'left', nibble: 'F' },
  { format: 'hex' },
  { format: 'binary', encoding: 'ascii' },
  { kind: 'n', length: 6, encoding: 'ascii' },
];

/** Every place in a document, as the path of keys (object keys, array indices) that leads to it. */
function places(doc: Json, at: (string | number)[] = []): (string | number)[][] {
  const out = [at];
  if (Array.isArray(doc)) doc.forEach((v, i) => out.push(...places(v, [...at, i])));
  else if (doc !== null && typeof doc === 'object') for (const [k, v] of Object.entries(doc)) out.push(...places(v, [...at, k]));
  return out;
}

function get(doc: Json, path: readonly (string | number)[]): Json {
  return path.reduce<Json>((node, key) => (node as Record<string | number, Json>)[key]!, doc);
}

function set(doc: Json, path: readonly (string | number)[], value: Json): Json {
  if (path.length === 0) return value;
  (get(doc, path.slice(0, -1)) as Record<string | number, Json>)[path[path.length - 1]!] = value;
  return doc;
}

/** Values for the places named by their key: the edges of each rule, and values of other types. */
const BY_KEY: Record<string, readonly Json[]> = {
  length: [0, 1, 2, 7, 8, 9, 10, 12, 16, 19, 99, 100, 255, 256, 999, 1000, 9999, 10000, 65535, 65536, 99999, 100000, 999999, 1000000, -1, 2.5, '5', null],
  kind: ['n', 'a', 'an', 'ans', 'as', 'ns', 'anp', 'z', 'x+n', 'b', 'q', null],
  encoding: ['ascii', 'binary', 'nop', 'hex', 'bcd', 'ebcdic037', 'ebcdic500', 'ebcdic1047', 'morse', 1],
  prefix: ['fixed', 'B1', 'B2', 'B3', 'B4', 'B5', 'L/ascii', 'LL/ascii', 'LLL/bcd', 'LLLL/ebcdic037', 'LLLLL/ascii', 'LLLLLL/bcd', 'LLLLLLL/ascii', 'LL/hex', 'LL/binary', 'LX/ascii', 'L/', null],
  lengthUnit: ['chars', 'digits', 'bytes', 'bits', null],
  char: [' ', '0', 'F', 'A', 'a', 'C', '=', '?', '~', '\u007f', '\u00e9', '\u00ff', '\u0100', '00', '', '\u{1f600}'],
  side: ['left', 'right', 'up'],
  nibble: ['0', 'F', '5', 0],
  type: ['positional', 'bitmapped', 'tlv', 'ber-tlv', 'track2', 'nested'],
  tagLength: [0, 1, 2, 3, 4, 5, 2.5, '2'],
  lengthDigits: [0, 1, 2, 3, 4, 5, 2.5, '2'],
  format: ['binary', 'hex', 'octal'],
  secondary: [true, false, 'yes', null],
  tertiary: [true, false, 'yes', null],
  unknownTags: ['keep', 'reject', 'drop'],
  leading: [{ length: 1, kind: 'a' }, { length: 2, kind: 'n' }, { length: 0, kind: 'n' }, { length: 100, kind: 'an' }, { length: 1, kind: 'b' }, { length: 1 }, 'R', null],
  sensitive: [true, false, 'pan', 'yes'],
  name: ['x', '', 1],
  $schema: ['x', 1],
  field: [2, 3, 4, 35, 52, 70, 129, 150, 192, 193, 1, 2.5, '4', null],
  present: [true, false, 'yes', null],
  startsWith: ['00', '0', '', 0],
  mandatory: [[], [2], [4, 4], [2, 48], [1], [70], 2],
  forbidden: [[], [150], [2], [55, 55], [3], 150],
  when: [{ field: 2, present: true }, { field: 4 }, { field: 52, startsWith: '00' }, [], [{ field: 2, present: false }], null],
};

type Mutation =
  | { readonly op: 'add'; readonly place: number; readonly key: string; readonly value: Json }
  | { readonly op: 'remove'; readonly place: number; readonly which: number }
  | { readonly op: 'rename'; readonly place: number; readonly which: number; readonly typo: number }
  | { readonly op: 'replace'; readonly place: number; readonly value: Json; readonly keyed: number | undefined }
  | { readonly op: 'move'; readonly place: number; readonly from: number };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('add' as const), place: fc.nat(), key: fc.constantFrom(...KEYS), value: fc.constantFrom(...VALUES) }),
  fc.record({ op: fc.constant('remove' as const), place: fc.nat(), which: fc.nat() }),
  fc.record({ op: fc.constant('rename' as const), place: fc.nat(), which: fc.nat(), typo: fc.nat() }),
  {
    weight: 6,
    arbitrary: fc.record({
      op: fc.constant('replace' as const),
      place: fc.nat(),
      value: fc.oneof(fc.constantFrom(...VALUES), fc.string({ maxLength: 3 })),
      // Mostly a value for the key of the place (when there is a list for it), else any value.
      keyed: fc.option(fc.nat(), { nil: undefined, freq: 4 }),
    }),
  },
  fc.record({ op: fc.constant('move' as const), place: fc.nat(), from: fc.nat() }),
);

/** A misspelling of `key`: a letter dropped, two swapped, or the case of the first changed. */
function misspell(key: string, typo: number): string {
  if (key.length < 2) return `${key}x`;
  const i = typo % (key.length - 1);
  switch (typo % 3) {
    case 0:
      return key.slice(0, i) + key.slice(i + 1);
    case 1:
      return key.slice(0, i) + key[i + 1]! + key[i]! + key.slice(i + 2);
    default:
      return key[0] === key[0]!.toUpperCase() ? key[0]!.toLowerCase() + key.slice(1) : key[0]!.toUpperCase() + key.slice(1);
  }
}

/** Applies a mutation to (a copy of) the document; each picks its place by index among the places of a kind. */
function mutate(doc: Json, m: Mutation): Json {
  const all = places(doc);
  const objects = all.filter((p) => {
    const v = get(doc, p);
    return v !== null && typeof v === 'object' && !Array.isArray(v);
  });
  switch (m.op) {
    case 'add': {
      if (objects.length === 0) return doc;
      const path = objects[m.place % objects.length]!;
      (get(doc, path) as Record<string, Json>)[m.key] = structuredClone(m.value);
      return doc;
    }
    case 'remove':
    case 'rename': {
      // A key of an object that has one: removed, or renamed to a misspelling of itself.
      const withKeys = objects.filter((p) => Object.keys(get(doc, p) as object).length > 0);
      if (withKeys.length === 0) return doc;
      const node = get(doc, withKeys[m.place % withKeys.length]!) as Record<string, Json>;
      const keys = Object.keys(node);
      const key = keys[m.which % keys.length]!;
      const value = node[key]!;
      delete node[key];
      if (m.op === 'rename') node[misspell(key, m.typo)] = value;
      return doc;
    }
    case 'replace': {
      const path = all[m.place % all.length]!;
      const pool = BY_KEY[String(path[path.length - 1])];
      const value = m.keyed !== undefined && pool !== undefined ? pool[m.keyed % pool.length]! : m.value;
      return set(doc, path, structuredClone(value));
    }
    case 'move':
      return set(doc, all[m.place % all.length]!, structuredClone(get(doc, all[m.from % all.length]!)));
  }
}

const documents: fc.Arbitrary<Json> = fc
  .tuple(
    // Random specs are small, so a mutation often lands on a field; the seeds bring every part of the format.
    fc.oneof(
      { weight: 3, arbitrary: arbitrarySpec().map((spec) => JSON.parse(specToJSON(spec)) as Json) },
      { weight: 2, arbitrary: fc.constant(everyPart as Json) },
      { weight: 1, arbitrary: fc.constantFrom(...seeds) },
    ),
    fc.array(mutation, { minLength: 0, maxLength: 3 }),
  )
  .map(([doc, mutations]) => mutations.reduce(mutate, structuredClone(doc)));

/** What validateSpec says: `'accepted'`, or the detail of its INVALID_SPEC. */
function verdict(doc: Json): string {
  try {
    validateSpec(doc);
    return 'accepted';
  } catch (e) {
    if (!isIso8583Error(e) || e.code !== 'INVALID_SPEC') throw e;
    return e.detail;
  }
}

/** The rule of validateSpec that the schema cannot state (a sum over sibling subfields). */
const beyondSchema = (detail: string): boolean =>
  /^fixed subfields take \d+ bytes but the field holds \d+$/.test(detail) ||
  // The rules by MTI: a field the spec defines, startsWith on a string field, no field both required and forbidden.
  /^rules\.\S+ names field \d+, which the spec does not define$/.test(detail) ||
  /^rules\.\S+ tests field \d+, whose value is not a string \(binary, or with subfields\)$/.test(detail) ||
  /^rules\.\S+( and rules\.\S+ match a common MTI)?: field \d+ is both mandatory and forbidden$/.test(detail);

describe('docs/spec.schema.json and validateSpec', () => {
  it('accept and refuse the same documents (valid specs and mutations of them)', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(documents, (doc) => {
        const bySchema = validate(doc);
        const bySpec = verdict(doc);
        // The document can be a whole preset: the report shows where the schema complains, and what validateSpec said.
        const context = { schema: validate.errors?.slice(0, 3).map((e) => `${e.instancePath} ${e.message ?? ''}`), validateSpec: bySpec };
        if (bySchema) expect(bySpec === 'accepted' || beyondSchema(bySpec), JSON.stringify(context)).toBe(true);
        else expect(bySpec, JSON.stringify(context)).not.toBe('accepted');
        if (bySpec === 'accepted') accepted++;
        else refused++;
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // Both outcomes are reached often, so the agreement is tested on both sides.
    expect(accepted).toBeGreaterThan(RUNS / 10);
    expect(refused).toBeGreaterThan(RUNS / 10);
    // The timeout is a hang guard only: the time grows with FUZZ_RUNS, about 5 ms a run.
  }, Math.max(120_000, RUNS * 100));

  it('differ only on fixed subfields that do not add up to their fixed positional field, which the schema accepts', () => {
    const doc = structuredClone(everyPart) as unknown as { fields: Record<string, { subfields: { fields: Record<string, { length: number }> } }> };
    doc.fields['43']!.subfields.fields['1']!.length = 24;
    expect(validate(doc)).toBe(true);
    expect(beyondSchema(verdict(doc as unknown as Json))).toBe(true);
    expect(validate(everyPart)).toBe(true);
    expect(verdict(everyPart as unknown as Json)).toBe('accepted');
  });
});
