import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BerTlv,
  type Codec,
  createCodec,
  EMV_TAGS,
  type FieldSpec,
  isIso8583Error,
  type Message,
  type MessageSpec,
  type PrefixName,
  presets,
  structuredPreset,
  type TlvEntry,
  toHex,
} from '../../src/index.js';
import { arbitraryFieldSpec, arbitraryFieldValue, arbitraryMessage, arbitraryStructuredFieldSpec } from '../../src/testing/index.js';
import { loadFixtures } from '../helpers/fixtures.js';
import { FUZZ_RUNS } from '../properties/budget.js';

/*
 * The arbitraries' promise (docs/testing.md): every value they generate is valid for its field, so it encodes, and
 * decoding the encoding gives it back. Validity is checked here by a model of the spec's rules written from the
 * spec vocabulary and the standards (docs/spec-tables.md, docs/subfields.md, X.690 for BER tags), not by the codec
 * under test; the codec is then asked to accept every value. An encoder that wrongly refuses a valid value fails
 * the second check instead of having the value filtered away.
 */

// ---------------------------------------------------------------------------------------------------------------
// A model of the spec's rules, for the built-in converters.

/** Wire bytes of `units` value units through a built-in converter. */
function wireBytes(encoding: string, units: number): number {
  if (encoding === 'bcd') return Math.ceil(units / 2);
  if (encoding === 'hex') return units * 2;
  if (['ascii', 'binary', 'ebcdic037', 'ebcdic500', 'ebcdic1047'].includes(encoding)) return units;
  throw new Error(`no model of ${encoding}`);
}

/** Bytes a length prefix takes. */
function prefixBytes(prefix: string | undefined): number {
  if (prefix === undefined || prefix === 'fixed') return 0;
  // B1 ... B4: a big-endian count of 1 to 4 bytes (docs/spec-tables.md).
  const binary = /^B([1-4])$/.exec(prefix);
  if (binary !== null) return Number(binary[1]);
  const [ls, encoding] = prefix.split('/');
  return wireBytes(encoding!, ls!.length);
}

/** The unit a field's length counts: its own, or the converter's natural one. */
function unitOf(field: FieldSpec): string {
  return field.lengthUnit ?? (field.encoding === 'bcd' ? 'digits' : field.encoding === 'binary' || field.encoding === 'hex' ? 'bytes' : 'chars');
}

/** What the length of a value of `units` value units counts (spec-tables.md: characters, digits or bytes). */
function countOf(field: FieldSpec, units: number): number {
  const unit = unitOf(field);
  if (field.encoding === 'bcd' && unit === 'bytes') return Math.ceil(units / 2);
  if (field.encoding === 'hex' && unit === 'chars') return units * 2;
  return units;
}

const isFixed = (field: FieldSpec): boolean => field.prefix === undefined || field.prefix === 'fixed';

// The kinds as docs/spec-tables.md lists them (ISO 8583's character classes), written here rather than taken from
// the library's own tables, which the arbitraries generate from: letters are A-Z and a-z, printable characters
// 0x20-0x7E and 0xA0-0xFF, specials the printable characters that are neither letters nor digits (space included).
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isLetter = (c: number): boolean => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
const isPrintable = (c: number): boolean => (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff);
const isSpecial = (c: number): boolean => isPrintable(c) && !isLetter(c) && !isDigit(c);
const KINDS: Readonly<Record<Exclude<FieldSpec['kind'], 'b'>, (c: number) => boolean>> = {
  n: isDigit,
  a: (c) => isLetter(c) || c === 0x20,
  an: (c) => isLetter(c) || isDigit(c) || c === 0x20,
  anp: (c) => isLetter(c) || isDigit(c) || c === 0x20,
  ans: isPrintable,
  as: (c) => isLetter(c) || isSpecial(c),
  ns: (c) => isDigit(c) || isSpecial(c),
  // The track code set: digits and : ; < = > ? (0x30-0x3F), and A-F (BCD track data's nibble names).
  z: (c) => (c >= 0x30 && c <= 0x3f) || (c >= 0x41 && c <= 0x46),
  // A sign C or D, then digits (the positions are checked below).
  'x+n': (c) => isDigit(c) || c === 0x43 || c === 0x44,
};

/** Characters a text converter can carry (every code page here carries ASCII printables; EBCDIC also Latin-1). */
function carries(encoding: string, c: number): boolean {
  if (encoding === 'ascii') return c < 0x80;
  if (encoding === 'bcd') return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x46);
  return c < 0x100;
}

/** What is wrong with `value` as a value of `field` (empty when nothing is), and the bytes it takes on the wire. */
function check(field: FieldSpec, value: unknown, path: string, problems: string[]): number {
  const bad = (what: string): number => {
    problems.push(`${path}: ${what}`);
    return 0;
  };
  const layout = field.subfields;
  if (layout === undefined || layout.type === 'track2') {
    let text: unknown = value;
    if (layout?.type === 'track2') {
      const t = value as { pan?: unknown; expiry?: unknown; serviceCode?: unknown; discretionary?: unknown };
      if (typeof t !== 'object' || t === null) return bad('track 2 is not an object');
      if (typeof t.pan !== 'string' || !/^\d{1,19}$/.test(t.pan)) return bad('track 2 PAN is not 1-19 digits');
      if (typeof t.expiry !== 'string' || !/^\d{4}$/.test(t.expiry)) return bad('track 2 expiry is not YYMM');
      if (typeof t.serviceCode !== 'string' || !/^\d{3}$/.test(t.serviceCode)) return bad('track 2 service code is not 3 digits');
      if (typeof t.discretionary !== 'string') return bad('track 2 discretionary data is not a string');
      text = `${t.pan}${field.encoding === 'bcd' ? 'D' : '='}${t.expiry}${t.serviceCode}${t.discretionary}`;
    }
    let units: number;
    if (field.kind === 'b') {
      if (!(text instanceof Uint8Array)) return bad('a binary value is not a Uint8Array');
      units = text.length;
    } else {
      if (typeof text !== 'string') return bad('a text value is not a string');
      units = text.length;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (!KINDS[field.kind](c) || !carries(field.encoding, c)) bad(`character ${i} is outside kind ${field.kind} or ${field.encoding}`);
      }
      if (field.kind === 'x+n' && !/^[CD]\d*$/.test(text)) bad('x+n is not a sign and digits');
    }
    const count = countOf(field, units);
    if (isFixed(field) ? count !== field.length : count > field.length) bad(`length ${count} breaks ${isFixed(field) ? 'fixed' : 'max'} ${field.length}`);
    return prefixBytes(field.prefix) + wireBytes(field.encoding, units);
  }
  let content = 0;
  const record = (v: unknown): Record<string, unknown> | undefined =>
    typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Uint8Array) ? (v as Record<string, unknown>) : undefined;
  switch (layout.type) {
    case 'positional': {
      const obj = record(value);
      if (obj === undefined) return bad('positional subfields are not an object');
      const keys = Object.keys(layout.fields).sort();
      if (JSON.stringify(Object.keys(obj).sort()) !== JSON.stringify(keys)) bad('positional subfields are not exactly the layout\'s');
      for (const k of keys) content += check(layout.fields[Number(k)]!, obj[k], `${path}.${k}`, problems);
      break;
    }
    case 'bitmapped': {
      const obj = record(value);
      if (obj === undefined) return bad('bitmapped subfields are not an object');
      const bitmap = layout.bitmap.format === 'binary' ? 8 : 16;
      content += bitmap;
      for (const [k, v] of Object.entries(obj)) {
        const n = Number(k);
        const sub = layout.fields[n];
        if (sub === undefined) bad(`subfield ${k} is not in the layout`);
        else content += check(sub, v, `${path}.${k}`, problems);
        if (layout.secondary === true && n === 1) bad('subfield 1 is the second sub-bitmap');
      }
      if (layout.secondary === true && Object.keys(obj).some((k) => Number(k) > 64)) content += bitmap;
      break;
    }
    case 'tlv': {
      let entries = value;
      if (layout.leading !== undefined) {
        // A leading part first: that many characters of its kind, one byte each, then the entries.
        const obj = record(value);
        if (obj === undefined || typeof obj.leading !== 'string') return bad('TLV with a leading part is not { leading, entries }');
        const leading = obj.leading;
        if (leading.length !== layout.leading.length) bad(`the leading part is ${leading.length} long`);
        for (let i = 0; i < leading.length; i++) {
          const c = leading.charCodeAt(i);
          if (!KINDS[layout.leading.kind](c) || !carries(layout.encoding, c)) bad(`leading character ${i} is outside kind ${layout.leading.kind}`);
        }
        content += leading.length;
        entries = obj.entries;
      }
      if (!Array.isArray(entries)) return bad('TLV is not an array');
      const maxLength = 10 ** layout.lengthDigits - 1;
      for (const entry of entries as TlvEntry[]) {
        const { tag, value: v } = entry;
        if (typeof tag !== 'string' || tag.length !== layout.tagLength) {
          bad('a TLV tag has the wrong length');
          continue;
        }
        for (let i = 0; i < tag.length; i++) if (!KINDS.ans(tag.charCodeAt(i)) || !carries(layout.encoding, tag.charCodeAt(i))) bad('a TLV tag is not ans text');
        const known = layout.tags?.[tag];
        if (known === undefined && layout.unknownTags === 'reject') bad(`tag ${tag} is unknown and the layout rejects unknown tags`);
        const spec: FieldSpec = known ?? { kind: 'ans', length: maxLength, encoding: layout.encoding };
        // Inside TLV a value takes its length from the TLV, at most the tag's maximum and what the digits write.
        const units = (v as { length: number }).length;
        if (units > Math.min(spec.length, maxLength)) bad(`TLV value ${tag} is ${units} long`);
        // lengthDigits is 1 to 4 (validateSpec), so the prefix is one of L/ascii … LLLL/ascii.
        const sub: FieldSpec = { ...spec, prefix: `${'L'.repeat(layout.lengthDigits)}/ascii` as PrefixName, length: Math.min(spec.length, maxLength) };
        content += layout.tagLength + check(sub, v, `${path}.${tag}`, problems);
      }
      break;
    }
    case 'ber-tlv': {
      const dictionary = layout.tags ?? EMV_TAGS;
      const walk = (list: unknown, depth: number): number => {
        if (!Array.isArray(list)) return bad('BER-TLV is not an array');
        if (depth > 8) bad('BER-TLV nests deeper than 8');
        let bytes = 0;
        for (const { tag, value: v } of list as BerTlv[]) {
          const tagBytes = berTag(tag);
          if (tagBytes === undefined) {
            bad(`tag ${String(tag)} is not a BER tag in uppercase hex`);
            continue;
          }
          if (layout.unknownTags === 'reject' && dictionary[tag] === undefined) bad(`tag ${tag} is not in the dictionary`);
          const inner = (tagBytes[0]! & 0x20) !== 0 ? walk(v, depth + 1) : v instanceof Uint8Array ? v.length : bad(`primitive tag ${tag} holds no Uint8Array`);
          bytes += tagBytes.length + (inner < 0x80 ? 1 : inner < 0x100 ? 2 : inner < 0x10000 ? 3 : 4) + inner;
        }
        return bytes;
      };
      content += walk(value, 0);
      break;
    }
    case 'dataset': {
      // ISO 8583:2003 datasets: id (1 byte), length (2 bytes, at most 65,535), elements of fixed-width binary
      // tags and lengths (a length of 1 byte counts at most 255).
      if (!Array.isArray(value)) return bad('datasets are not an array');
      for (const { id, elements } of value as { id: unknown; elements: unknown }[]) {
        if (typeof id !== 'string' || !/^[0-9A-F]{2}$/.test(id)) bad('a dataset id is not one byte in uppercase hex');
        else if (layout.unknownDatasets === 'reject' && layout.datasets?.[id] === undefined) bad(`dataset ${id} is not in the layout`);
        if (!Array.isArray(elements)) {
          bad('dataset elements are not an array');
          continue;
        }
        let inner = 0;
        for (const { tag, value: v } of elements as { tag: unknown; value: unknown }[]) {
          if (typeof tag !== 'string' || !new RegExp(`^(?:[0-9A-F]{2}){${layout.tagBytes}}$`).test(tag)) bad('an element tag has the wrong width');
          if (!(v instanceof Uint8Array)) {
            bad('an element holds no Uint8Array');
            continue;
          }
          if (v.length > 256 ** layout.lengthBytes - 1) bad(`an element of ${v.length} bytes overflows its length`);
          inner += layout.tagBytes + layout.lengthBytes + v.length;
        }
        if (inner > 0xffff) bad(`a dataset of ${inner} bytes overflows its length`);
        content += 3 + inner;
      }
      break;
    }
  }
  // The container's length rule, over its content bytes (a BCD container counts two digits a byte).
  const units = field.encoding === 'bcd' ? content * 2 : content;
  const count = countOf(field, units);
  if (isFixed(field) ? count !== field.length : count > field.length) bad(`content of ${content} bytes breaks ${isFixed(field) ? 'fixed' : 'max'} ${field.length}`);
  return prefixBytes(field.prefix) + content;
}

/** X.690 8.1.2 tag bytes of an uppercase hex tag (1-8 bytes, the codec's documented maximum), or undefined. */
function berTag(tag: unknown): number[] | undefined {
  if (typeof tag !== 'string' || !/^(?:[0-9A-F]{2}){1,8}$/.test(tag)) return undefined;
  const b = tag.match(/../g)!.map((h) => parseInt(h, 16));
  const multi = (b[0]! & 0x1f) === 0x1f;
  if (!multi) return b.length === 1 ? b : undefined;
  if (b.length === 1 || b[1] === 0x80) return undefined;
  return b.every((x, i) => i === 0 || (i < b.length - 1 ? (x & 0x80) !== 0 : (x & 0x80) === 0)) ? b : undefined;
}

function problemsOf(field: FieldSpec, value: unknown): string[] {
  const problems: string[] = [];
  check(field, value, 'field', problems);
  return problems;
}

/** A codec carrying `field` as DE2, to ask the codec to encode one value. */
const probes = new WeakMap<FieldSpec, Codec<Message>>();
function probe(field: FieldSpec): Codec<Message> {
  let codec = probes.get(field);
  if (codec === undefined) {
    codec = createCodec({ name: 'probe', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' }, fields: { 2: field } }) as unknown as Codec<Message>;
    probes.set(field, codec);
  }
  return codec;
}

/** The codec encodes the value, decodes the frame back to it, and re-encodes the same bytes. */
function expectEncodes(field: FieldSpec, value: unknown): void {
  const codec = probe(field);
  const frame = codec.encode({ mti: '0100', fields: { 2: value as never } });
  const back = codec.decode(frame);
  expect(back.fields[2]).toEqual(value);
  expect(toHex(codec.encode(back))).toBe(toHex(frame));
}

// ---------------------------------------------------------------------------------------------------------------
// Fields that are hard to fill: the sizes that fit are few, or the content must add up exactly.

const EDGE_FIELDS: Record<string, FieldSpec> = {
  // Only 2 + (2 + 2) = 6 bytes fill it: the LLVAR subfield must be exactly 2 digits long.
  'fixed positional with a variable subfield': {
    kind: 'n', length: 6, encoding: 'ascii',
    subfields: { type: 'positional', fields: { 1: { kind: 'n', length: 2, encoding: 'ascii' }, 2: { kind: 'n', length: 4, prefix: 'LL/ascii', encoding: 'ascii' } } },
  },
  // A fixed 20-byte TLV: entries of 4 + 0..5 bytes must add up to exactly 20.
  'fixed TLV': {
    kind: 'ans', length: 20, encoding: 'ascii',
    subfields: { type: 'tlv', tagLength: 2, lengthDigits: 2, encoding: 'ascii', tags: { T1: { kind: 'n', length: 5, encoding: 'ascii' } }, unknownTags: 'reject' },
  },
  // Track 2 of up to 37 characters: a 19-digit PAN leaves 10 for expiry, service code and discretionary data.
  'Track 2 LLVAR 37': { kind: 'z', length: 37, prefix: 'LL/ascii', encoding: 'ascii', subfields: { type: 'track2' } },
  'Track 2 fixed 24 in BCD': { kind: 'z', length: 24, encoding: 'bcd', nibblePad: { side: 'right', nibble: 'F' }, subfields: { type: 'track2' } },
  // BER-TLV in 40 bytes, dictionary only: a primitive and a constructed tag (validateSpec refuses keys that are no
  // BER tag as decode writes it, such as 9F alone or 5a in lowercase).
  'small BER-TLV, own dictionary': {
    kind: 'b', length: 40, prefix: 'LL/ascii', encoding: 'binary',
    subfields: { type: 'ber-tlv', unknownTags: 'reject', tags: { '9F02': { description: 'amount', sensitive: false }, '70': { description: 'template', sensitive: false } } },
  },
  'DE55 with unknown tags kept': { kind: 'b', length: 255, prefix: 'B1', encoding: 'binary', subfields: { type: 'ber-tlv' } },
  // Two sub-bitmaps: a subfield above 64 needs the second one (16 more bytes of hex).
  'bitmapped with a secondary sub-bitmap in 60 bytes': {
    kind: 'ans', length: 60, prefix: 'LLL/ascii', encoding: 'ascii',
    subfields: { type: 'bitmapped', bitmap: { format: 'hex' }, secondary: true, fields: { 2: { kind: 'an', length: 10, prefix: 'LL/ascii', encoding: 'ascii' }, 70: { kind: 'n', length: 3, encoding: 'ascii' } } },
  },
  // A BCD container counted in digits holds whole bytes only (an even number of digits): 3 to 5 bytes of 6.
  'positional in BCD': {
    kind: 'n', length: 11, prefix: 'LL/bcd', encoding: 'bcd',
    subfields: { type: 'positional', fields: { 1: { kind: 'n', length: 4, encoding: 'bcd' }, 2: { kind: 'n', length: 4, prefix: 'LL/bcd', encoding: 'bcd' } } },
  },
  // Hex text counted in characters with an odd maximum: values of up to 3 bytes (6 characters).
  'hex LLVAR of 7 characters': { kind: 'b', length: 7, prefix: 'LL/ascii', encoding: 'hex', lengthUnit: 'chars' },
  'x+n LLVAR': { kind: 'x+n', length: 9, prefix: 'LL/ascii', encoding: 'ascii' },
  'TLV with one-character tags, unknown kept': {
    kind: 'ans', length: 99, prefix: 'LL/ebcdic037', encoding: 'ebcdic037',
    subfields: { type: 'tlv', tagLength: 1, lengthDigits: 1, encoding: 'ebcdic037', tags: { A: { kind: 'b', length: 4, encoding: 'binary' } } },
  },
};

/** Every field of the presets, the structured presets and the fixture specs, with subfields or without. */
function specFields(): FieldSpec[] {
  const specs: MessageSpec[] = [
    ...Object.values(presets),
    ...Object.values(presets).map((p) => structuredPreset(p, { de48: { type: 'tlv', tagLength: 2, lengthDigits: 3, encoding: p.fields[48].encoding } })),
    ...loadFixtures().map((f) => f.spec),
  ];
  return [...new Set(specs.flatMap((s) => Object.values(s.fields)))];
}

const fields = fc.oneof(
  fc.constantFrom(...specFields()),
  fc.constantFrom(...Object.values(EDGE_FIELDS)),
  arbitraryFieldSpec(),
  arbitraryStructuredFieldSpec(),
);

describe('the arbitraries of iso8583-codec/testing', () => {
  it('generate only values the spec allows: alphabet, length, subfields and the container\'s length rule', () => {
    fc.assert(
      fc.property(fields.chain((f) => fc.tuple(fc.constant(f), arbitraryFieldValue(f))), ([field, value]) => {
        expect(problemsOf(field, value)).toEqual([]);
      }),
      { numRuns: FUZZ_RUNS * 4 },
    );
  });

  it('generate valid values for the B3 and B4 prefixes too (seed -1444915012: a B3 field the model did not know)', () => {
    for (const prefix of ['B3', 'B4'] as const) {
      const field: FieldSpec = { kind: 'b', length: 1, encoding: 'hex', lengthUnit: 'bytes', prefix };
      expect(problemsOf(field, new Uint8Array(0))).toEqual([]);
      for (const v of fc.sample(arbitraryFieldValue(field), { numRuns: 50, seed: 8583 })) {
        expect(problemsOf(field, v)).toEqual([]);
        expectEncodes(field, v);
      }
    }
  });

  it('generate only values encode accepts, and decoding the encoding gives each back', () => {
    fc.assert(
      fc.property(fields.chain((f) => fc.tuple(fc.constant(f), arbitraryFieldValue(f))), ([field, value]) => {
        expectEncodes(field, value);
      }),
      { numRuns: FUZZ_RUNS * 4 },
    );
  });

  for (const [name, field] of Object.entries(EDGE_FIELDS)) {
    it(`fill a hard field (${name}) with valid values of every size it allows`, () => {
      const values = fc.sample(arbitraryFieldValue(field), { numRuns: 300, seed: 8583 });
      const sizes = new Set<number>();
      for (const v of values) {
        expect(problemsOf(field, v)).toEqual([]);
        expectEncodes(field, v);
        sizes.add(probe(field).encode({ mti: '0100', fields: { 2: v as never } }).length);
      }
      // Not one size only: a variable field meets several, a fixed one its one size.
      expect(sizes.size).toBeGreaterThanOrEqual(isFixed(field) ? 1 : 3);
    });
  }

  it('give EMV data dictionary tags, multi-byte unknown tags, constructed tags and long-form lengths', () => {
    const de55 = structuredPreset(presets.iso87binary).fields[55];
    const seen = { dictionary: 0, unknownMultiByte: 0, constructed: 0, longForm: 0 };
    const visit = (list: BerTlv[]): void => {
      for (const { tag, value } of list) {
        if (tag in EMV_TAGS) seen.dictionary++;
        else if (tag.length > 2) seen.unknownMultiByte++;
        if (Array.isArray(value)) {
          seen.constructed++;
          visit(value);
        } else if (value.length >= 0x80) seen.longForm++;
      }
    };
    for (const v of fc.sample(arbitraryFieldValue(de55), { numRuns: 500, seed: 8583 }) as unknown[]) {
      expect(Array.isArray(v)).toBe(true);
      visit(v as BerTlv[]);
    }
    expect(Object.values(seen).every((n) => n > 0), JSON.stringify(seen)).toBe(true);
  });

  it('refuse a field no value fits with INVALID_SPEC naming it, instead of searching forever', () => {
    // 5 bytes fixed, but its one subfield takes 2 to 4 bytes: no value of the field exists.
    const impossible: FieldSpec = {
      kind: 'n', length: 5, encoding: 'ascii',
      subfields: { type: 'positional', fields: { 1: { kind: 'n', length: 2, prefix: 'LL/ascii', encoding: 'ascii' } } },
    };
    const refusal = (fn: () => unknown): unknown => {
      try {
        fn();
      } catch (e) {
        return e;
      }
      return undefined;
    };
    const e1 = refusal(() => arbitraryFieldValue(impossible));
    expect(isIso8583Error(e1) && [e1.code, e1.field]).toEqual(['INVALID_SPEC', 'field']);
    const spec: MessageSpec = { name: 'impossible', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' }, fields: { 3: { kind: 'n', length: 6, encoding: 'ascii' }, 48: impossible } };
    const e2 = refusal(() => arbitraryMessage(spec));
    expect(isIso8583Error(e2) && [e2.code, e2.field]).toEqual(['INVALID_SPEC', '48']);
  });
});

describe('arbitraryMessage options (docs/testing.md)', () => {
  it('keep the MTI given and the fields given in every message, and draw the others from only, at most maxFields of them', () => {
    const only = [4, 37, 41, 52];
    const codec = createCodec(presets.iso87ascii);
    const counts = new Set<number>();
    const drawn = new Set<number>();
    for (const m of fc.sample(arbitraryMessage(presets.iso87ascii, { mti: '0200', fields: [2, 11], only, maxFields: 2 }), { numRuns: 200, seed: 8583 })) {
      expect(m.mti).toBe('0200');
      expect(m.fields[2]).toBeDefined();
      expect(m.fields[11]).toBeDefined();
      const others = Object.keys(m.fields).map(Number).filter((n) => n !== 2 && n !== 11);
      for (const n of others) expect(only).toContain(n);
      expect(others.length).toBeLessThanOrEqual(2);
      counts.add(others.length);
      for (const n of others) drawn.add(n);
      expect(codec.decode(codec.encode(m))).toEqual(m);
    }
    // Not a fixed subset: every count up to maxFields, and every field of only, turn up.
    expect([...counts].sort()).toEqual([0, 1, 2]);
    expect([...drawn].sort((a, b) => a - b)).toEqual(only);
  });

  it('draw from every field of the spec without only, and none at all with maxFields 0', () => {
    const drawn = new Set<number>();
    for (const m of fc.sample(arbitraryMessage(presets.iso87ascii, { maxFields: 3 }), { numRuns: 300, seed: 8583 })) {
      expect(Object.keys(m.fields).length).toBeLessThanOrEqual(3);
      for (const n of Object.keys(m.fields)) drawn.add(Number(n));
    }
    expect(drawn.size).toBeGreaterThan(64); // fields of the secondary bitmap too, not a few favourites
    for (const m of fc.sample(arbitraryMessage(presets.iso87ascii, { fields: [41], maxFields: 0 }), { numRuns: 20, seed: 8583 })) {
      expect(Object.keys(m.fields)).toEqual(['41']);
    }
  });
});
