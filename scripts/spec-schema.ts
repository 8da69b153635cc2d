/**
 * Writes docs/spec.schema.json, the JSON Schema of a spec file, from the same tables the codec runs on: the
 * built-in converters (what each carries, which characters, which length units), the kind alphabets and the field
 * number rules. `node --import tsx scripts/spec-schema.ts` rewrites the file; spec/spec/schema.spec.ts fails when
 * the file differs from what this script writes, and spec/spec/schema.prop.spec.ts checks on random documents that
 * the schema and `validateSpec` accept the same ones.
 *
 * Some rules of `validateSpec` have no JSON Schema form, as they compare values across the document: the fixed
 * subfields of a fixed positional field must add up to its size (a sum over sibling values), and the message-type
 * rules (`rules`) must name fields the spec defines, test with `startsWith` only a field whose value is a string,
 * and never make one field both mandatory and forbidden for an MTI. The schema's description says so.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { converterNames, getConverter } from '../src/codecs/registry.js';
import type { Converter } from '../src/codecs/converter.js';
import { FIELD_KINDS, KIND_ALPHABETS } from '../src/spec/kinds.js';
import { MAX_NESTING } from '../src/spec/spec-keys.js';
import { MAX_BER_TAG_BYTES } from '../src/subfields/ber-tag.js';
import type { FieldKind } from '../src/spec/types.js';
import { headerValueUnits, isFieldNumberAllowed } from '../src/spec/validate-spec.js';

type Schema = { [key: string]: unknown } | boolean;

const converters: readonly Converter[] = converterNames().map(getConverter);
const names = (pred: (c: Converter) => boolean): string[] => converters.filter(pred).map((c) => c.name);

/** The characters a converter can write that `allowed` admits, by char code (every built-in maps onto 0–255). */
function charsOf(c: Converter, allowed: Uint8Array): number[] {
  const out: number[] = [];
  for (let code = 0; code < 256; code++) if (allowed[code] === 1 && (c.charset === undefined || c.charset[code] === 1)) out.push(code);
  return out;
}

/** A regular-expression character class of `codes`, with ranges; letters and digits as they are, the rest as `\uXXXX`. */
function charClass(codes: readonly number[]): string {
  // Printable ASCII as itself (but the characters a class gives a meaning to); the rest as \uXXXX.
  const ch = (n: number): string => (n > 0x20 && n < 0x7f && !'\\]^-['.includes(String.fromCharCode(n)) ? String.fromCharCode(n) : `\\u${n.toString(16).padStart(4, '0')}`);
  let out = '';
  for (let i = 0; i < codes.length; ) {
    let j = i;
    while (j + 1 < codes.length && codes[j + 1] === codes[j]! + 1) j++;
    out += i === j ? ch(codes[i]!) : j === i + 1 ? ch(codes[i]!) + ch(codes[j]!) : `${ch(codes[i]!)}-${ch(codes[j]!)}`;
    i = j + 1;
  }
  return `[${out}]`;
}

const ALL = new Uint8Array(256).fill(1);
/** The characters of converter `c`'s character set, or `undefined` when it writes every char code 0–255. */
function charsetClass(c: Converter): string | undefined {
  const codes = charsOf(c, ALL);
  return codes.length === 256 ? undefined : charClass(codes);
}

/** The kinds a field may have through converter `c`, by the rules of `validateFieldSpec`. */
function kindsOf(c: Converter): FieldKind[] {
  return FIELD_KINDS.filter((k) => {
    if ((k === 'b') !== (c.valueType === 'bytes')) return false;
    if (c.unit === 'digits' && k !== 'n' && k !== 'z' && k !== 'x+n') return false;
    return k === 'b' || charsOf(c, KIND_ALPHABETS[k]).length > 0;
  });
}

/** A class of decimal digits (`[0-46-9]`), or the digit alone. */
function digitClass(digits: readonly number[]): string {
  if (digits.length === 1) return String(digits[0]);
  let out = '';
  for (let i = 0; i < digits.length; ) {
    let j = i;
    while (j + 1 < digits.length && digits[j + 1] === digits[j]! + 1) j++;
    out += j === i ? `${digits[i]}` : j === i + 1 ? `${digits[i]}${digits[j]}` : `${digits[i]}-${digits[j]}`;
    i = j + 1;
  }
  return `[${out}]`;
}

/**
 * A regular expression matching exactly the numbers from 0 to 999 that `ok` admits, written in decimal without
 * a sign or leading zero (as `validateSpec` requires a field or subfield key). Each number starts as one
 * alternative of single digits; neighbours that differ in one position merge into a class there, until none do.
 */
function numberPattern(ok: (n: number) => boolean): string {
  let alternatives: number[][][] = [];
  for (let n = 0; n <= 999; n++) if (ok(n)) alternatives.push([...String(n)].map((d) => [Number(d)]));
  const same = (a: number[], b: number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
  for (let merged = true; merged; ) {
    merged = false;
    const out: number[][][] = [];
    for (const alt of alternatives) {
      const prev = out[out.length - 1];
      const diff = prev !== undefined && prev.length === alt.length ? alt.map((set, i) => !same(set, prev[i]!)) : undefined;
      if (prev !== undefined && diff !== undefined && diff.filter(Boolean).length === 1) {
        const i = diff.indexOf(true);
        prev[i] = [...new Set([...prev[i]!, ...alt[i]!])].sort((a, b) => a - b);
        merged = true;
      } else out.push(alt.map((set) => [...set]));
    }
    alternatives = out;
  }
  return `^(?:${alternatives.map((alt) => alt.map(digitClass).join('')).join('|')})$`;
}

const kindEnum = { enum: [...FIELD_KINDS] };
const unitEnum = ['chars', 'digits', 'bytes'];
const digitWriters = names((c) => c.valueType === 'string' && (c.charset === undefined || c.charset[0x30] === 1));
const textConverters = names((c) => c.valueType === 'string' && c.unit === 'chars');
const singleByteText = names((c) => c.valueType === 'string' && c.unit === 'chars' && c.byteLength(1) === 1);
const layoutCarriers = names((c) => c.name !== 'hex' && (c.unit !== 'chars' || singleByteText.includes(c.name)));
const berCarriers = layoutCarriers.filter((n) => getConverter(n).valueType === 'bytes');
const tlvValueConverters = names((c) => c.unit !== 'digits');
const prefixes = ['fixed', 'B1', 'B2', 'B3', 'B4', ...[1, 2, 3, 4, 5, 6].flatMap((d) => digitWriters.map((e) => `${'L'.repeat(d)}/${e}`))];
if (converters.some((c) => kindsOf(c).length === 0)) throw new Error('a built-in converter carries no kind');

// Every schema says the type its keywords apply to (ajv's strict mode asks for it, and it reads better).
const props = (properties: Record<string, Schema>): Schema => ({ type: 'object', properties });
const has = (key: string, schema: Schema): Schema => ({ type: 'object', required: [key], properties: { [key]: schema } });
const int = (rules: Record<string, number>): Schema => ({ type: 'integer', ...rules });
const str = (pattern: string): Schema => ({ type: 'string', pattern });
const keysMatch = (pattern: string): Schema => ({ type: 'object', propertyNames: str(pattern) });
const encodingIs = (name: string): Schema => has('encoding', { const: name });
/** `then`/`else` only where needed, so the schema stays readable. */
const when = (condition: Schema, then: Schema, otherwise?: Schema): Schema => (otherwise === undefined ? { if: condition, then } : { if: condition, then, else: otherwise });
/** A fixed field: no prefix, or `"fixed"`. */
const isFixed: Schema = props({ prefix: { const: 'fixed' } });
/** `lengthUnit` is `unit` for converter `c`, given or by default. */
const unitIs = (c: Converter, unit: string): Schema =>
  c.lengthUnits[0] === unit ? props({ lengthUnit: { const: unit } }) : has('lengthUnit', { const: unit });

/** Rules of a field spec that tie its members together (the same at every depth). */
function fieldRules(): Schema[] {
  const perConverter = converters.map((c) => {
    const members: Record<string, Schema> = { kind: { enum: kindsOf(c) }, lengthUnit: { enum: [...c.lengthUnits] } };
    if (c.unit !== 'digits') members.nibblePad = false;
    // A pad character must be one of the kind's (below) and one the converter writes.
    const charset = charsetClass(c);
    if (c.valueType === 'bytes') members.pad = false;
    else if (charset !== undefined) members.pad = props({ char: str(`^${charset}$`) });
    // Hex text counted in characters: two characters a byte, so a fixed length is even.
    const evenHex = c.unit === 'bytes' && c.lengthUnits.includes('chars');
    const then: Schema = {
      ...(props(members) as object),
      ...(evenHex ? { allOf: [when({ allOf: [isFixed, unitIs(c, 'chars')] }, props({ length: int({ multipleOf: 2 }) }))] } : {}),
    };
    return when(encodingIs(c.name), then);
  });
  const padPerKind = FIELD_KINDS.filter((k): k is Exclude<FieldKind, 'b'> => k !== 'b').map((k) =>
    when(has('kind', { const: k }), props({ pad: props({ char: str(`^${charClass(charsOf(getConverter('binary'), KIND_ALPHABETS[k]))}$`) }) })),
  );
  const capacity = [1, 2, 3, 4, 5, 6].map((d) =>
    when(has('prefix', { enum: digitWriters.map((e) => `${'L'.repeat(d)}/${e}`) }), props({ length: int({ maximum: 10 ** d - 1 }) })),
  );
  const notTrack2: Schema = { not: has('type', { const: 'track2' }) };
  return [
    ...perConverter,
    ...padPerKind,
    ...capacity,
    when(has('prefix', { const: 'B1' }), props({ length: int({ maximum: 0xff }) })),
    when(has('prefix', { const: 'B2' }), props({ length: int({ maximum: 0xffff }) })),
    // B3 (16,777,215) and B4 (4,294,967,295) carry more than any field may declare (999,999 above).
    when(isFixed, props({ length: int({ minimum: 1 }) }), props({ pad: false })),
    when(has('subfields', has('type', { const: 'track2' })), props({ kind: { const: 'z' } })),
    // Track 1 is ans text of one byte a character.
    when(has('subfields', has('type', { const: 'track1' })), props({ kind: { const: 'ans' }, encoding: { enum: singleByteText } })),
    // Packed digits have no = (nibble 13 is D).
    when(has('subfields', has('separator', { const: '=' })), props({ encoding: { enum: names((c) => c.unit !== 'digits') } })),
    when(has('subfields', notTrack2), props({ pad: false, encoding: { enum: layoutCarriers } })),
    when(has('subfields', has('type', { const: 'ber-tlv' })), props({ encoding: { enum: berCarriers } })),
    when(has('subfields', has('type', { const: 'dataset' })), props({ encoding: { enum: berCarriers } })),
  ];
}

function fieldProperties(subfields: Schema): Record<string, Schema> {
  return {
    kind: { ...kindEnum, description: 'n digits, a letters, an, ans, as, ns, anp, z track data, x+n a C/D sign and digits, b binary' },
    length: { type: 'integer', minimum: 0, maximum: 999999, description: 'exact length (fixed) or maximum (variable), counted in lengthUnit' },
    prefix: { enum: prefixes, description: 'fixed (default), L/…LLLLLL/ digits through a converter, B1…B4 binary counts' },
    encoding: { enum: names(() => true), description: 'the converter of the value' },
    lengthUnit: { enum: unitEnum, description: "what length and the prefix count; default: the converter's own unit" },
    pad: {
      type: 'object',
      required: ['side', 'char'],
      additionalProperties: false,
      properties: { side: { enum: ['left', 'right'] }, char: { type: 'string', minLength: 1, maxLength: 1 } },
      description: 'fixed text or BCD fields only: fills a short value on encode',
    },
    nibblePad: {
      type: 'object',
      required: ['side', 'nibble'],
      additionalProperties: false,
      properties: { side: { enum: ['left', 'right'] }, nibble: { enum: ['0', 'F'] } },
      description: 'BCD only: where the spare nibble of an odd digit count goes (default left, 0)',
    },
    description: { type: 'string' },
    sensitive: { oneOf: [{ type: 'boolean' }, { const: 'pan' }], description: "card data: true hides the value, 'pan' shows 6 + 4 digits" },
    subfields,
  };
}

/** A field spec's members; `subfields` is constrained by depth in `field1`…`field5`. */
const fieldShape: Schema = {
  type: 'object',
  required: ['kind', 'length', 'encoding'],
  additionalProperties: false,
  properties: fieldProperties(true),
  allOf: [{ $ref: '#/$defs/fieldRules' }],
};

/** A field at `depth` (1 for a data element): a layout below it up to the deepest nesting, none deeper. */
const field = (depth: number): Schema => ({
  type: 'object',
  allOf: [{ $ref: '#/$defs/field' }],
  properties: { subfields: depth <= MAX_NESTING ? { $ref: `#/$defs/layout${depth}` } : false },
});

/** The value of a known TLV tag: a fixed field, text or binary, without subfields. */
const tlvValue: Schema = {
  type: 'object',
  allOf: [{ $ref: '#/$defs/field' }],
  properties: {
    prefix: { const: 'fixed', description: 'TLV values take their length from the TLV' },
    encoding: { enum: tlvValueConverters, description: 'text or binary (not BCD)' },
    subfields: false,
  },
};

/** A well-formed BER tag of 1 to MAX_BER_TAG_BYTES bytes (X.690 8.1.2), as `isWellFormedTag` says. */
const berTag = (() => {
  const single = '[0-9A-F][0-9A-E]|[02468ACE]F';
  const lead = '[13579BDF]F';
  const last = '[0-7][0-9A-F]';
  // The first subsequent byte has its top bit set and is not 0x80; the ones after it only have the top bit set.
  const firstMore = '(?:8[1-9A-F]|[9A-F][0-9A-F])';
  const more = `(?:[89A-F][0-9A-F]){0,${MAX_BER_TAG_BYTES - 3}}`;
  return `^(?:${single}|${lead}(?:${last}|${firstMore}${more}${last}))$`;
})();

/** A layout at `depth`: its subfields are fields one level deeper. */
const layout = (depth: number): Schema => ({
  type: 'object',
  allOf: [{ $ref: '#/$defs/layout' }],
  properties: { fields: { type: 'object', additionalProperties: { $ref: `#/$defs/field${depth + 1}` } } },
});

/** A subfield layout by its `type`, whatever its depth. */
function layoutShape(): Schema {
  const table = (pattern: string | undefined): Schema => ({
    type: 'object',
    minProperties: 1,
    ...(pattern === undefined ? {} : { propertyNames: str(pattern) }),
  });
  // Tags are ans text of tagLength characters that the layout's encoding writes.
  const tagRules = [
    ...[1, 2, 3, 4].map((n) =>
      when(has('tagLength', { const: n }), props({ tags: keysMatch(`^${charClass(charsOf(getConverter('binary'), KIND_ALPHABETS.ans))}{${n}}$`) })),
    ),
    ...singleByteText.flatMap((e) => {
      const charset = charsetClass(getConverter(e));
      return charset === undefined ? [] : [when(encodingIs(e), props({ tags: keysMatch(`^${charset}*$`) }))];
    }),
  ];
  const valueRules = [1, 2, 3, 4].map((d) =>
    when(has('lengthDigits', { const: d }), props({ tags: { type: 'object', additionalProperties: props({ length: int({ maximum: 10 ** d - 1 }) }) } })),
  );
  // The leading part's kind must have a character the layout's encoding writes.
  const textKinds = FIELD_KINDS.filter((k) => k !== 'b');
  const leadingRules = singleByteText.flatMap((e) => {
    const kinds = textKinds.filter((k) => charsOf(getConverter(e), KIND_ALPHABETS[k]).length > 0);
    return kinds.length === textKinds.length ? [] : [when(encodingIs(e), props({ leading: props({ kind: { enum: kinds } }) }))];
  });
  const byType: Record<string, Schema> = {
    positional: { type: 'object', required: ['fields'], additionalProperties: false, properties: { type: true, fields: table(numberPattern((n) => n >= 1)) } },
    bitmapped: {
      type: 'object',
      required: ['bitmap', 'fields'],
      additionalProperties: false,
      properties: {
        type: true,
        bitmap: {
          type: 'object',
          required: ['format'],
          additionalProperties: false,
          properties: { format: { enum: ['binary', 'hex'] }, encoding: { enum: singleByteText, description: 'hex sub-bitmaps only (default ascii)' } },
          allOf: [when(has('format', { const: 'binary' }), props({ encoding: false }))],
        },
        secondary: { type: 'boolean', description: 'bit 1 announces a second sub-bitmap (subfields 65-128)' },
        fields: table(undefined),
      },
      allOf: [
        when(
          has('secondary', { const: true }),
          props({ fields: keysMatch(numberPattern((n) => n >= 2 && n <= 128)) }),
          props({ fields: keysMatch(numberPattern((n) => n >= 1 && n <= 64)) }),
        ),
      ],
    },
    tlv: {
      type: 'object',
      required: ['tagLength', 'lengthDigits', 'encoding'],
      additionalProperties: false,
      properties: {
        type: true,
        tagLength: { type: 'integer', minimum: 1, maximum: 4, description: 'characters in a tag' },
        lengthDigits: { type: 'integer', minimum: 1, maximum: 4, description: 'digits in a length' },
        encoding: { enum: singleByteText, description: 'text converter of tags, lengths and unknown values' },
        tags: { type: 'object', additionalProperties: { $ref: '#/$defs/tlvValue' }, description: 'known tags: ans characters the encoding writes' },
        unknownTags: { enum: ['keep', 'reject'] },
        leading: {
          type: 'object',
          required: ['length', 'kind'],
          additionalProperties: false,
          properties: {
            length: { type: 'integer', minimum: 1, maximum: 99, description: 'characters before the first entry' },
            kind: { enum: FIELD_KINDS.filter((k) => k !== 'b'), description: 'the kind of those characters (text)' },
          },
          description: 'a fixed-length part before the entries (a tag-class or dataset-type character); the value is then { leading, entries }',
        },
      },
      allOf: [...tagRules, ...valueRules, ...leadingRules],
    },
    'ber-tlv': {
      type: 'object',
      additionalProperties: false,
      properties: {
        type: true,
        tags: {
          type: 'object',
          propertyNames: str(berTag),
          additionalProperties: {
            type: 'object',
            additionalProperties: false,
            properties: { description: { type: 'string' }, sensitive: { type: 'boolean' } },
          },
          description: `tags (1-${MAX_BER_TAG_BYTES} bytes, uppercase hex) to describe and mask; the EMV dictionary when absent`,
        },
        unknownTags: { enum: ['keep', 'reject'] },
      },
    },
    dataset: {
      type: 'object',
      required: ['tagBytes', 'lengthBytes'],
      additionalProperties: false,
      properties: {
        type: true,
        tagBytes: { enum: [1, 2], description: 'bytes of each element tag (binary)' },
        lengthBytes: { enum: [1, 2], description: 'bytes of each element length (binary, counts bytes)' },
        datasets: {
          type: 'object',
          propertyNames: str('^[0-9A-F]{2}$'),
          additionalProperties: {
            type: 'object',
            additionalProperties: false,
            properties: { description: { type: 'string' }, sensitive: { type: 'boolean' } },
          },
          description: 'known datasets by identifier (one byte, uppercase hex): description and masking',
        },
        unknownDatasets: { enum: ['keep', 'reject'] },
      },
    },
    track2: {
      type: 'object',
      additionalProperties: false,
      properties: { type: true, separator: { enum: ['=', 'D'], description: 'the separator on the wire: = (default for text) or D (packed BCD, or text that uses the letter)' } },
    },
    track1: { type: 'object', additionalProperties: false, properties: { type: true }, description: 'Track 1 format B (ISO/IEC 7813) in ans text' },
  };
  return {
    type: 'object',
    required: ['type'],
    properties: { type: { enum: Object.keys(byType) } },
    allOf: Object.entries(byType).map(([type, schema]) => when(has('type', { const: type }), schema)),
  };
}

/**
 * Header rules. A fixed header (no prefix, or `fixed`): lengths each converter can fill (every length, or even ones
 * only for hex text, checked against the codec), and no `lengthUnit`. A header with a prefix: a maximum of at most
 * 999,999 that its prefix carries, counted in a unit of its converter.
 */
function headerRules(): Schema[] {
  const fixedLengths = converters.flatMap((c) => {
    const fits = (n: number): boolean => headerValueUnits(c, n) !== undefined;
    const all = [1, 2, 3, 4, 5, 6, 7, 8].every(fits);
    const even = [1, 3, 5, 7].every((n) => !fits(n)) && [2, 4, 6, 8].every(fits);
    if (!all && !even) throw new Error(`header lengths of ${c.name} follow no rule this script knows`);
    return all ? [] : [when(encodingIs(c.name), props({ length: int({ multipleOf: 2 }) }))];
  });
  const units = converters.map((c) => when(encodingIs(c.name), props({ lengthUnit: { enum: [...c.lengthUnits] } })));
  const capacity = [1, 2, 3, 4, 5, 6].map((d) =>
    when(has('prefix', { enum: digitWriters.map((e) => `${'L'.repeat(d)}/${e}`) }), props({ length: int({ maximum: 10 ** d - 1 }) })),
  );
  return [
    when(isFixed, { type: 'object', properties: { lengthUnit: false }, allOf: fixedLengths }, { type: 'object', properties: { length: int({ maximum: 999999 }) }, allOf: units }),
    ...capacity,
    when(has('prefix', { const: 'B1' }), props({ length: int({ maximum: 0xff }) })),
    when(has('prefix', { const: 'B2' }), props({ length: int({ maximum: 0xffff }) })),
  ];
}

/** A list of data element numbers in a rule: distinct integers 2-192 (that the spec defines them is beyond a schema). */
const ruleFieldList: Schema = { type: 'array', uniqueItems: true, items: { type: 'integer', minimum: 2, maximum: 192 } };

/** The definitions of `rules`: a condition, a conditional entry and the rule of one MTI pattern. */
const ruleDefs: Record<string, Schema> = {
  ruleCondition: {
    type: 'object',
    required: ['field'],
    additionalProperties: false,
    properties: {
      field: { type: 'integer', minimum: 2, maximum: 192, description: 'the data element tested' },
      present: { type: 'boolean', description: 'true: the field is present; false: absent' },
      startsWith: { type: 'string', minLength: 1, description: "the field's string value starts with these characters" },
    },
    oneOf: [
      { type: 'object', required: ['present'], properties: { present: true } },
      { type: 'object', required: ['startsWith'], properties: { startsWith: true } },
    ],
  },
  conditionalRule: {
    type: 'object',
    required: ['when'],
    additionalProperties: false,
    properties: {
      when: { oneOf: [{ $ref: '#/$defs/ruleCondition' }, { type: 'array', minItems: 1, items: { $ref: '#/$defs/ruleCondition' } }], description: 'a condition, or conditions that must all hold' },
      mandatory: ruleFieldList,
      forbidden: ruleFieldList,
    },
    anyOf: [
      { type: 'object', required: ['mandatory'], properties: { mandatory: true } },
      { type: 'object', required: ['forbidden'], properties: { forbidden: true } },
    ],
  },
  mtiRule: {
    type: 'object',
    additionalProperties: false,
    properties: {
      mandatory: { ...(ruleFieldList as object), description: 'fields every message of the type carries' },
      forbidden: { ...(ruleFieldList as object), description: 'fields no message of the type carries' },
      conditional: { type: 'array', items: { $ref: '#/$defs/conditionalRule' }, description: 'fields mandatory or forbidden when a condition holds' },
    },
  },
};

/** The schema, as docs/spec.schema.json holds it. */
export function specSchema(): Schema {
  const defs: Record<string, Schema> = { field: fieldShape, fieldRules: { allOf: fieldRules() }, layout: layoutShape(), tlvValue, ...ruleDefs };
  for (let d = 1; d <= MAX_NESTING + 1; d++) defs[`field${d}`] = field(d);
  for (let d = 1; d <= MAX_NESTING; d++) defs[`layout${d}`] = layout(d);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: 'https://github.com/iso8583-codec/iso8583-codec/docs/spec.schema.json',
    title: 'iso8583-codec message spec',
    description:
      'A message layout for iso8583-codec, over its built-in converters: a document is valid here exactly when validateSpec accepts it, but for the rules JSON Schema cannot state, which compare values across the document: the fixed subfields of a fixed positional field must add up to its size, and the rules by MTI must name fields the spec defines, test with startsWith only a field whose value is a string, and never make a field both mandatory and forbidden for one MTI. A spec naming a converter you register is outside this schema (validateSpec accepts it once the converter is registered). Written by scripts/spec-schema.ts.',
    type: 'object',
    required: ['name', 'mti', 'bitmap', 'fields'],
    additionalProperties: false,
    properties: {
      $schema: { type: 'string', description: 'the address of this schema, for editors' },
      name: { type: 'string', minLength: 1 },
      header: {
        type: 'object',
        required: ['length', 'encoding'],
        additionalProperties: false,
        properties: {
          length: {
            type: 'integer',
            minimum: 1,
            description: 'fixed: bytes on the wire, even for hex (two characters per value byte); with a prefix: the maximum, counted in lengthUnit',
          },
          encoding: { enum: names(() => true) },
          prefix: { enum: prefixes, description: 'a length prefix of the header\'s own (as a field\'s); fixed (default): length bytes' },
          lengthUnit: { enum: unitEnum, description: "with a prefix: what length and the prefix count; default: the converter's own unit" },
        },
        allOf: headerRules(),
      },
      mti: {
        type: 'object',
        required: ['encoding'],
        additionalProperties: false,
        properties: { encoding: { enum: digitWriters, description: 'the converter of the four MTI digits' } },
      },
      bitmap: {
        type: 'object',
        required: ['format'],
        additionalProperties: false,
        properties: {
          format: { enum: ['binary', 'hex'] },
          encoding: { enum: textConverters, description: 'text converter for hex bitmaps (default ascii)' },
          tertiary: { type: 'boolean', description: 'bit 65 announces a third bitmap (fields 130-192)' },
          alwaysSecondary: {
            type: 'boolean',
            description:
              'encode writes the secondary bitmap on every message (all zeros when no field 65-128 is present) and decode expects it; default false: written only when needed',
          },
          lenient: {
            type: 'boolean',
            description:
              'decode also accepts bitmaps encode never writes (lowercase hex digits, an extension bitmap announced but empty, a missing secondary with alwaysSecondary), which re-encode to other bytes; default false: refused with NON_CANONICAL_BITMAP',
          },
        },
        allOf: [when(has('format', { const: 'binary' }), props({ encoding: false }))],
      },
      fields: { type: 'object', additionalProperties: { $ref: '#/$defs/field1' }, description: 'data elements by number' },
      rules: {
        type: 'object',
        propertyNames: str('^[0-9x]{4}$'),
        additionalProperties: { $ref: '#/$defs/mtiRule' },
        description: 'presence rules by MTI pattern (four digits or x, any digit): every pattern matching the MTI applies',
      },
    },
    allOf: [
      when(
        has('bitmap', has('tertiary', { const: true })),
        props({ fields: keysMatch(numberPattern((n) => isFieldNumberAllowed(n, true))) }),
        props({ fields: keysMatch(numberPattern((n) => isFieldNumberAllowed(n, false))) }),
      ),
    ],
    $defs: defs,
  };
}

/** JSON on one line, spaced as people write it: `{ "type": "string" }`, `["a", "b"]`. */
function oneLine(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(oneLine).join(', ')}]`;
  if (typeof value !== 'object' || value === null) return JSON.stringify(value);
  const members = Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${oneLine(v)}`);
  return members.length === 0 ? '{}' : `{ ${members.join(', ')} }`;
}

/** JSON indented by two spaces, with every array or object that fits in `width` columns (from `column`) on one line. */
function stringify(value: unknown, indent = '', column = 0, width = 120): string {
  const flat = oneLine(value);
  if (typeof value !== 'object' || value === null || column + flat.length <= width) return flat;
  const inner = `${indent}  `;
  const lines = Array.isArray(value)
    ? value.map((v) => inner + stringify(v, inner, inner.length))
    : Object.entries(value).map(([k, v]) => {
        const head = `${inner}${JSON.stringify(k)}: `;
        return head + stringify(v, inner, head.length);
      });
  return `${Array.isArray(value) ? '[' : '{'}\n${lines.join(',\n')}\n${indent}${Array.isArray(value) ? ']' : '}'}`;
}

/** The file's text: the schema as indented JSON and a final newline. */
export function specSchemaText(): string {
  return `${stringify(specSchema())}\n`;
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(new URL('../docs/spec.schema.json', import.meta.url), specSchemaText());
}
