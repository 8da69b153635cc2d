import { isPlainName } from '../errors/arguments.js';
import { isSpecObject as isObject, specProblem } from './spec-problem.js';
import type { SpecShapes } from './spec-shapes.js';

/** What a key list lacks of `T`'s keys: nothing (`unknown`), or a `missing` member naming them in the compile error. */
type Complete<T, L extends readonly PropertyKey[]> = [Exclude<keyof T, L[number]>] extends [never] ? unknown : { missing: Exclude<keyof T, L[number]> };

/** The keys of `T`, listed once at run time; the list fails to compile when it lacks a key of the type. */
const keys =
  <T>() =>
  <const L extends readonly (keyof T & string)[]>(list: L & Complete<T, L>): readonly string[] =>
    list;

/**
 * The keys a spec's top level may hold. `$schema` is where a JSON file names its schema
 * (`"$schema": "./node_modules/iso8583-codec/spec.schema.json"`), so an editor checks it as it is typed.
 */
const SPEC_KEYS: readonly string[] = ['$schema', ...keys<SpecShapes['spec']>()(['name', 'header', 'mti', 'bitmap', 'fields', 'rules'])];
/** The keys of a field spec (a data element, a subfield, or the value of a TLV tag). */
const FIELD_KEYS = keys<SpecShapes['field']>()(['kind', 'length', 'prefix', 'encoding', 'lengthUnit', 'pad', 'nibblePad', 'description', 'sensitive', 'subfields']);
const HEADER_KEYS = keys<SpecShapes['header']>()(['length', 'encoding', 'prefix', 'lengthUnit']);
const MTI_KEYS = keys<SpecShapes['mti']>()(['encoding']);
const BITMAP_KEYS = keys<SpecShapes['bitmap']>()(['format', 'encoding', 'tertiary', 'alwaysSecondary', 'lenient']);
const RULE_KEYS = keys<SpecShapes['rule']>()(['mandatory', 'forbidden', 'conditional']);
const CONDITIONAL_KEYS = keys<SpecShapes['conditional']>()(['when', 'mandatory', 'forbidden']);
const CONDITION_KEYS = keys<SpecShapes['condition']>()(['field', 'present', 'startsWith']);
const PAD_KEYS = keys<SpecShapes['pad']>()(['side', 'char']);
const NIBBLE_PAD_KEYS = keys<SpecShapes['nibblePad']>()(['side', 'nibble']);
/** A subfield layout's `type`. */
type LayoutType = keyof SpecShapes['layout'];
type Layout<T extends LayoutType> = SpecShapes['layout'][T];
/** The keys of each subfield layout, by its `type`. */
const LAYOUT_KEYS: Readonly<Record<LayoutType, readonly string[]>> = {
  positional: keys<Layout<'positional'>>()(['type', 'fields']),
  bitmapped: keys<Layout<'bitmapped'>>()(['type', 'bitmap', 'secondary', 'fields']),
  tlv: keys<Layout<'tlv'>>()(['type', 'tagLength', 'lengthDigits', 'encoding', 'tags', 'unknownTags', 'leading']),
  'ber-tlv': keys<Layout<'ber-tlv'>>()(['type', 'tags', 'unknownTags']),
  dataset: keys<Layout<'dataset'>>()(['type', 'tagBytes', 'lengthBytes', 'datasets', 'unknownDatasets']),
  track2: keys<Layout<'track2'>>()(['type', 'separator']),
  track1: keys<Layout<'track1'>>()(['type']),
};
const SUB_BITMAP_KEYS = keys<SpecShapes['subBitmap']>()(['format', 'encoding']);
const TLV_LEADING_KEYS = keys<SpecShapes['tlvLeading']>()(['length', 'kind']);
const BER_TAG_KEYS = keys<SpecShapes['berTag']>()(['description', 'sensitive']);
const DATASET_KEYS = keys<SpecShapes['dataset']>()(['description', 'sensitive']);

/** Fields and subfields hold layouts at most this deep; `validateSpec` refuses deeper ones, so the walk stops there. */
export const MAX_NESTING = 4;

/** A field or subfield key that an error may name: a number of at most 3 digits (a longer one could be a PAN). */
const isNumberKey = (key: string): boolean => /^[1-9][0-9]{0,2}$/.test(key);

/**
 * Edit distance with adjacent transpositions (`lenght` → `length` is one edit), capped: returns `cap + 1` as soon
 * as the distance is known to exceed `cap`.
 */
function distance(a: string, b: string, cap: number): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  const rows: number[][] = [Array.from({ length: b.length + 1 }, (_, j) => j)];
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(rows[i - 1]![j]! + 1, row[j - 1]! + 1, rows[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, rows[i - 2]![j - 2]! + 1);
      row.push(d);
    }
    rows.push(row);
  }
  return rows[a.length]![b.length]!;
}

/** The allowed key a misspelt `key` most likely meant: at most two edits away (one for short keys), case aside. */
function nearest(key: string, allowed: readonly string[]): string | undefined {
  const cap = key.length <= 4 ? 1 : 2;
  let best: string | undefined;
  let bestDistance = cap + 1;
  for (const candidate of allowed) {
    const d = distance(key.toLowerCase(), candidate.toLowerCase(), cap);
    if (d < bestDistance) [best, bestDistance] = [candidate, d];
  }
  return best;
}

/**
 * Throws `INVALID_SPEC` for the first key of `object` that `allowed` lacks (keys whose value is `undefined` are
 * absent, as in JSON). `field` locates the error; `at` is the path of `object` inside the spec (`2.pad`,
 * `48.subfields`, `bitmap`, `''` for the top level), so the text gives the full path of the key.
 */
function refuseUnknownKeys(object: Record<string, unknown>, allowed: readonly string[], field: string | undefined, at: string): void {
  for (const key of Object.keys(object)) {
    if (object[key] === undefined || allowed.includes(key)) continue;
    // The key is quoted only when it is a plain name: a key could be anything a user pasted, a PAN included.
    if (!isPlainName(key)) {
      specProblem(`unknown key in ${at === '' ? 'the spec' : at} (not shown: not a plain name); allowed: ${allowed.join(', ')}`, field);
    }
    const near = nearest(key, allowed);
    const path = at === '' ? key : `${at}.${key}`;
    specProblem(`unknown key "${key}" at ${path}${near === undefined ? `; allowed: ${allowed.join(', ')}` : `: did you mean "${near}"?`}`, field);
  }
}

/**
 * Refuses an unknown key anywhere in one field spec: the field itself, its `pad` and `nibblePad`, its subfield
 * layout (by the layout's `type`), the sub-bitmap, and every subfield, TLV tag and BER-TLV tag entry below it.
 *
 * Why: an unknown key is a typo the codec would otherwise ignore (`lenghtUnit: 'bytes'` leaves the field counting
 * digits), so it is refused before any other check, whose complaint it would explain. Only objects are looked
 * into; every other shape is left to `validateSpec`. `path` is the field's path, as errors name it (`2`, `48.1`).
 */
export function checkFieldKeys(field: unknown, path: string): void {
  if (!isObject(field)) return;
  refuseUnknownKeys(field, FIELD_KEYS, path, path);
  if (isObject(field.pad)) refuseUnknownKeys(field.pad, PAD_KEYS, path, `${path}.pad`);
  if (isObject(field.nibblePad)) refuseUnknownKeys(field.nibblePad, NIBBLE_PAD_KEYS, path, `${path}.nibblePad`);
  const layout = field.subfields;
  // validateSpec refuses a layout nested deeper than MAX_NESTING before reading it, so the walk stops there too.
  if (!isObject(layout) || path.split('.').length > MAX_NESTING) return;
  const type = layout.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(LAYOUT_KEYS, type)) return;
  const at = `${path}.subfields`;
  refuseUnknownKeys(layout, LAYOUT_KEYS[type as LayoutType], path, at);
  if (type === 'bitmapped' && isObject(layout.bitmap)) refuseUnknownKeys(layout.bitmap, SUB_BITMAP_KEYS, path, `${at}.bitmap`);
  if ((type === 'positional' || type === 'bitmapped') && isObject(layout.fields)) {
    for (const key of Object.keys(layout.fields)) if (isNumberKey(key)) checkFieldKeys(layout.fields[key], `${path}.${key}`);
  }
  if (type === 'tlv' && isObject(layout.leading)) refuseUnknownKeys(layout.leading, TLV_LEADING_KEYS, path, `${at}.leading`);
  if (type === 'tlv' && isObject(layout.tags)) {
    // Tags are at most 4 characters (validateSpec refuses longer ones), so the path that names one holds no card data.
    for (const tag of Object.keys(layout.tags)) if (tag.length <= 4) checkFieldKeys(layout.tags[tag], `${path}.${tag}`);
  }
  if (type === 'dataset' && isObject(layout.datasets)) {
    for (const id of Object.keys(layout.datasets)) {
      const entry = layout.datasets[id];
      if (isObject(entry)) refuseUnknownKeys(entry, DATASET_KEYS, path, isPlainName(id) ? `${at}.datasets.${id}` : `${at}.datasets`);
    }
  }
  if (type === 'ber-tlv' && isObject(layout.tags)) {
    for (const tag of Object.keys(layout.tags)) {
      const entry = layout.tags[tag];
      if (isObject(entry)) refuseUnknownKeys(entry, BER_TAG_KEYS, path, isPlainName(tag) ? `${at}.tags.${tag}` : `${at}.tags`);
    }
  }
}

/**
 * Refuses an unknown key anywhere in a message spec: the top level, `header`, `mti`, `bitmap`, and every field
 * (see {@link checkFieldKeys}). Field keys that are not field numbers are left to `validateSpec`.
 *
 * Why: `defineSpec` runs it (a spec may name converters registered later, so it cannot validate more), and
 * `validateSpec` runs it first, so a typo is reported as a typo wherever it is.
 */
export function checkSpecKeys(spec: unknown): void {
  if (!isObject(spec)) return;
  refuseUnknownKeys(spec, SPEC_KEYS, undefined, '');
  if (isObject(spec.header)) refuseUnknownKeys(spec.header, HEADER_KEYS, 'header', 'header');
  if (isObject(spec.mti)) refuseUnknownKeys(spec.mti, MTI_KEYS, 'mti', 'mti');
  if (isObject(spec.bitmap)) refuseUnknownKeys(spec.bitmap, BITMAP_KEYS, 'bitmap', 'bitmap');
  const fields = spec.fields;
  if (isObject(fields)) for (const key of Object.keys(fields)) if (isNumberKey(key)) checkFieldKeys(fields[key], key);
  if (isObject(spec.rules)) checkRuleKeys(spec.rules);
}

/**
 * Refuses an unknown key in the rules of a spec: in each MTI's rule, its conditional entries and their conditions.
 * Only patterns that are four digits or `x` are looked into (and named); other keys are left to `validateSpec`.
 */
function checkRuleKeys(rules: Record<string, unknown>): void {
  for (const pattern of Object.keys(rules)) {
    const rule = rules[pattern];
    if (!/^[0-9x]{4}$/.test(pattern) || !isObject(rule)) continue;
    const at = `rules.${pattern}`;
    refuseUnknownKeys(rule, RULE_KEYS, 'rules', at);
    if (!Array.isArray(rule.conditional)) continue;
    rule.conditional.forEach((entry: unknown, i: number) => {
      if (!isObject(entry)) return;
      refuseUnknownKeys(entry, CONDITIONAL_KEYS, 'rules', `${at}.conditional.${i}`);
      const when: unknown = entry.when;
      const list: unknown[] = Array.isArray(when) ? when : [when];
      list.forEach((condition, j) => {
        if (isObject(condition)) refuseUnknownKeys(condition, CONDITION_KEYS, 'rules', `${at}.conditional.${i}.when${Array.isArray(when) ? `.${j}` : ''}`);
      });
    });
  }
}
