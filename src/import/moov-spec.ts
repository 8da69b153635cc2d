import { invalidOption, isPlainName, readOptions } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import type { ConverterName, PrefixName } from '../spec/names.js';
import type { BerTlvLayout, BitmapSpec, BitmappedLayout, FieldKind, FieldSpec, MessageSpec, PositionalLayout, TlvLayout } from '../spec/types.js';
import { guard, unreadable } from '../errors/guard.js';
import { MAX_NESTING } from '../spec/spec-keys.js';
import { validateSpec } from '../spec/validate-spec.js';

/** The EBCDIC code pages a moov `EBCDIC` encoding may be taken as. */
export type MoovEbcdicCodePage = 'ebcdic037' | 'ebcdic500' | 'ebcdic1047';

/** Options of {@link importMoovSpec}. */
export interface MoovImportOptions {
  /** The `name` of the spec (default: the file's `name`, else `"moov-spec"`). */
  readonly name?: string;
  /**
   * The code page moov's `EBCDIC` encoding and prefixes stand for. Required when the spec uses them: moov's table
   * is its own and matches none of 037, 500 or 1047 in every punctuation character, so the importer does not pick
   * one for you. `EBCDIC1047` needs no option.
   */
  readonly ebcdic?: MoovEbcdicCodePage;
}

type Json = Record<string, unknown>;

const FIELD_KEYS = ['type', 'length', 'description', 'enc', 'prefix', 'padding', 'tag', 'subfields', 'bitmap', 'disableautoexpand'];
const TOP_KEYS = ['name', 'fields'];

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const label = (v: unknown): string => (isPlainName(v) ? `"${v}"` : typeof v === 'string' ? '(a name not shown)' : 'a value that is not a string');

function fail(detail: string, field?: string): never {
  throw new Iso8583Error(ErrorCode.INVALID_SPEC, `moov spec: ${detail}`, { field });
}

function checkKeys(obj: Json, allowed: readonly string[], what: string, path?: string): void {
  for (const key of Object.keys(obj)) if (!allowed.includes(key)) fail(`${what} has no key ${label(key)} (it takes ${allowed.join(', ')})`, path);
}

/** Reads moov `enc` names and prefix encodings as converter names; `EBCDIC` only with the option. */
class MoovContext {
  constructor(private readonly ebcdic: MoovEbcdicCodePage | undefined) {}

  textEncoding(name: string, path: string, what: string): ConverterName<'text'> | undefined {
    if (name === 'ASCII') return 'ascii';
    if (name === 'EBCDIC1047') return 'ebcdic1047';
    if (name === 'EBCDIC') {
      if (this.ebcdic === undefined) {
        fail(`${what} EBCDIC is moov's own table, which matches no single code page: say which one it is with the option ebcdic ("ebcdic037", "ebcdic500" or "ebcdic1047")`, path);
      }
      return this.ebcdic;
    }
    return undefined;
  }

  /** A moov prefix (`ASCII.LL`, `Binary.L`, `BCD.Fixed` …) as ours; `Hex.L…` and `BerTLV` have no equivalent. */
  prefix(value: unknown, path: string): PrefixName {
    if (typeof value !== 'string') fail('prefix must be a string such as "ASCII.LL"', path);
    const m = /^(ASCII|BCD|EBCDIC|EBCDIC1047|Binary|Hex)\.(Fixed|L{1,4})$/.exec(value);
    if (m === null) fail(`prefix ${label(value)} cannot be mapped (ASCII, BCD, EBCDIC, EBCDIC1047, Binary or Hex, then .Fixed or .L to .LLLL)`, path);
    const enc = m[1]!;
    const ls = m[2]!;
    if (ls === 'Fixed') return 'fixed';
    if (enc === 'Binary') return `B${ls.length as 1 | 2 | 3 | 4}`;
    if (enc === 'Hex') fail(`prefix ${value} cannot be mapped: it packs the decimal length digits as hex bytes, which no prefix here writes`, path);
    const digits = ls as 'L' | 'LL' | 'LLL' | 'LLLL';
    if (enc === 'BCD') return `${digits}/bcd`;
    return `${digits}/${this.textEncoding(enc, path, 'prefix')!}`;
  }
}

function positiveLength(raw: Json, path: string): number {
  const length = raw.length;
  if (!Number.isInteger(length) || (length as number) < 1) fail('length must be a positive whole number', path);
  return length as number;
}

/** A String, Numeric or Binary field: kind from the type (and BCD), converter from `enc`, pad from `padding`. */
function scalarField(raw: Json, path: string, ctx: MoovContext): FieldSpec {
  const type = raw.type;
  const enc = raw.enc;
  if (typeof enc !== 'string') fail('enc must be a string such as "ASCII"', path);
  const length = positiveLength(raw, path);
  const prefix = ctx.prefix(raw.prefix, path);
  let kind: FieldKind;
  let encoding: ConverterName;
  let extra: Partial<FieldSpec> = {};
  if (type === 'Binary') {
    kind = 'b';
    if (enc === 'Binary') encoding = 'binary';
    else if (enc === 'HexToASCII') {
      // moov counts a Binary field's length in bytes of the value, however it is written.
      encoding = 'hex';
      extra = { lengthUnit: 'bytes' };
    } else fail(`a Binary field with enc ${label(enc)} cannot be mapped (Binary or HexToASCII can)`, path);
  } else {
    if (enc === 'BCD' || enc === 'LBCD') {
      kind = 'n';
      encoding = 'bcd';
      // moov's BCD puts the spare nibble of an odd count on the left, LBCD (left-aligned) on the right; both 0.
      extra = { nibblePad: { side: enc === 'BCD' ? 'left' : 'right', nibble: '0' } };
    } else {
      const text = ctx.textEncoding(enc, path, 'enc');
      if (text === undefined) fail(`a ${String(type)} field with enc ${label(enc)} cannot be mapped (ASCII, EBCDIC, EBCDIC1047, BCD or LBCD can)`, path);
      encoding = text;
      kind = type === 'Numeric' ? 'n' : 'ans';
    }
  }
  const spec: FieldSpec = { kind, length, ...(prefix === 'fixed' ? {} : { prefix }), encoding, ...extra };
  return withPadding(spec, raw, path);
}

function withPadding(spec: FieldSpec, raw: Json, path: string): FieldSpec {
  const padding = raw.padding;
  if (padding === undefined) return spec;
  if (!isObject(padding)) fail('padding must be an object { type, pad }', path);
  checkKeys(padding, ['type', 'pad'], 'padding', path);
  if (padding.type === 'None') return spec;
  if (padding.type !== 'Left' && padding.type !== 'Right') fail('padding.type must be Left, Right or None', path);
  if (spec.prefix !== undefined) fail('padding on a variable-length field fills it to its maximum in moov, which no spec here does', path);
  if (spec.kind === 'b') fail('padding on a binary field cannot be mapped: binary fields are never padded here', path);
  if (typeof padding.pad !== 'string' || [...padding.pad].length !== 1) fail('padding.pad must be one character', path);
  return { ...spec, pad: { side: padding.type === 'Left' ? 'left' : 'right', char: padding.pad } };
}

function describedBy(spec: FieldSpec, raw: Json): FieldSpec {
  return typeof raw.description === 'string' && raw.description !== '' ? { ...spec, description: raw.description } : spec;
}

function mapField(raw: unknown, path: string, ctx: MoovContext): FieldSpec {
  if (!isObject(raw)) fail('a field must be an object', path);
  checkKeys(raw, FIELD_KEYS, 'a field', path);
  if (raw.description !== undefined && typeof raw.description !== 'string') fail('description must be a string', path);
  const type = raw.type;
  if (type === 'Composite') return describedBy(compositeField(raw, path, ctx), raw);
  if (type !== 'String' && type !== 'Numeric' && type !== 'Binary') {
    fail(`type ${label(type)} cannot be mapped here (String, Numeric, Binary or Composite)`, path);
  }
  for (const key of ['tag', 'subfields', 'bitmap'] as const) if (raw[key] !== undefined) fail(`${key} belongs to a Composite field, not a ${type}`, path);
  if (raw.disableautoexpand !== undefined) fail('disableautoexpand belongs to a Bitmap', path);
  return describedBy(scalarField(raw, path, ctx), raw);
}

/** A Bitmap (the message's, or a composite's): 8 bytes per bitmap, raw or as ASCII hex, with a fixed prefix. */
function bitmapOf(raw: unknown, path: string): { readonly spec: BitmapSpec; readonly autoExpand: boolean } {
  if (!isObject(raw)) fail('a bitmap must be an object', path);
  checkKeys(raw, FIELD_KEYS, 'a bitmap', path);
  if (raw.type !== 'Bitmap') fail(`type ${label(raw.type)} cannot be a bitmap (Bitmap can)`, path);
  if (typeof raw.prefix !== 'string' || !raw.prefix.endsWith('.Fixed')) fail('a bitmap has a fixed prefix (ASCII.Fixed, Binary.Fixed, Hex.Fixed …)', path);
  // moov reads and writes 8 bytes a bitmap whatever `length` says, adding the next one when bit 1 is set.
  if (raw.length !== undefined && (!Number.isInteger(raw.length) || (raw.length as number) < 0)) fail('length must be a whole number', path);
  if (raw.padding !== undefined) fail('a bitmap is never padded', path);
  const autoExpand = raw.disableautoexpand !== true;
  if (raw.disableautoexpand !== undefined && typeof raw.disableautoexpand !== 'boolean') fail('disableautoexpand must be a boolean', path);
  if (raw.enc === 'Binary') return { spec: { format: 'binary' }, autoExpand };
  if (raw.enc === 'HexToASCII') return { spec: { format: 'hex', encoding: 'ascii' }, autoExpand };
  return fail(`a bitmap with enc ${label(raw.enc)} cannot be mapped (Binary or HexToASCII can)`, path);
}

function subfieldEntries(raw: Json, path: string): [string, unknown][] {
  if (!isObject(raw.subfields) || Object.keys(raw.subfields).length === 0) fail('a Composite field needs subfields', path);
  return Object.entries(raw.subfields);
}

/** A subfield key as a number from 1 (positional and bitmapped composites key their subfields "1", "2" …). */
function subfieldNumber(key: string, path: string): number {
  if (!/^[1-9][0-9]{0,2}$/.test(key)) fail(`subfield key ${label(key)} is not a number from 1 to 999`, path);
  return Number(key);
}

function compositeField(raw: Json, path: string, ctx: MoovContext): FieldSpec {
  if (path.split('.').length > MAX_NESTING) fail(`Composite fields nest deeper than a spec's subfields may (${MAX_NESTING} levels)`, path);
  if (raw.enc !== undefined) fail('a Composite field has no enc: its subfields have theirs', path);
  if (raw.padding !== undefined) fail('padding on a Composite field cannot be mapped: subfields are never padded', path);
  const length = positiveLength(raw, path);
  const tag = raw.tag;
  // The container is bytes: its prefix counts the bytes its subfields take.
  const prefix = raw.prefix === 'BerTLV' ? fail('prefix BerTLV belongs to the subfields of a BER-TLV composite', path) : ctx.prefix(raw.prefix, path);
  const container = { kind: 'b', length, ...(prefix === 'fixed' ? {} : { prefix }), encoding: 'binary' } as const;
  const entries = subfieldEntries(raw, path);
  if (tag !== undefined) {
    if (raw.bitmap !== undefined) fail('a Composite field has a tag or a bitmap, not both', path);
    return { ...container, subfields: taggedLayout(tag, entries, path, ctx) };
  }
  if (raw.bitmap !== undefined) {
    const { spec, autoExpand } = bitmapOf(raw.bitmap, `${path}.bitmap`);
    const fields: Record<number, FieldSpec> = {};
    for (const [key, sub] of entries) {
      const n = subfieldNumber(key, path);
      const at = `${path}.${n}`;
      if (autoExpand && n === 1) fail('bit 1 of the sub-bitmap announces the next one and cannot be a subfield', at);
      if (autoExpand && n === 65) fail('moov reads bit 65 of a sub-bitmap as the third one, so it cannot be a subfield', at);
      if (n > (autoExpand ? 128 : 64)) fail(`subfield ${n} is beyond what the sub-bitmap announces`, at);
      fields[n] = mapField(sub, at, ctx);
    }
    const layout: BitmappedLayout = { type: 'bitmapped', bitmap: spec.encoding === undefined ? { format: spec.format } : { format: spec.format, encoding: spec.encoding }, ...(autoExpand ? { secondary: true } : {}), fields };
    return { ...container, subfields: layout };
  }
  const fields: Record<number, FieldSpec> = {};
  for (const [key, sub] of entries) {
    const n = subfieldNumber(key, path);
    fields[n] = mapField(sub, `${path}.${n}`, ctx);
  }
  const layout: PositionalLayout = { type: 'positional', fields };
  return { ...container, subfields: layout };
}

/** A composite with a `tag`: BER-TLV when the tag is `BerTLVTag`, else simple TLV with text tags and lengths. */
function taggedLayout(tag: unknown, entries: [string, unknown][], path: string, ctx: MoovContext): TlvLayout | BerTlvLayout {
  if (!isObject(tag)) fail('tag must be an object { length, enc }', path);
  checkKeys(tag, ['length', 'enc', 'padding', 'sort'], 'tag', path);
  if (tag.padding !== undefined && !(isObject(tag.padding) && tag.padding.type === 'None')) fail('tag padding cannot be mapped: tags are written as they are here', path);
  if (tag.enc === 'BerTLVTag') {
    const tags: Record<string, { description?: string }> = {};
    for (const [key, sub] of entries) {
      if (!/^(?:[0-9A-F]{2}){1,8}$/.test(key)) fail(`BER-TLV tag key ${label(key)} is not uppercase hex of whole bytes`, path);
      if (!isObject(sub) || sub.prefix !== 'BerTLV') fail('every subfield of a BER-TLV composite has the prefix BerTLV', `${path}.${key}`);
      tags[key] = typeof sub.description === 'string' && sub.description !== '' ? { description: sub.description } : {};
    }
    return { type: 'ber-tlv', tags, unknownTags: 'reject' };
  }
  if (typeof tag.enc !== 'string') fail('tag.enc must be a string such as "ASCII"', path);
  const encoding = ctx.textEncoding(tag.enc, path, 'tag.enc');
  if (encoding === undefined) fail(`tag.enc ${label(tag.enc)} cannot be mapped (ASCII, EBCDIC, EBCDIC1047 or BerTLVTag can)`, path);
  const tagLength = tag.length;
  if (!Number.isInteger(tagLength)) fail('tag.length must be a whole number', path);
  let lengthDigits: number | undefined;
  const tags: Record<string, FieldSpec> = {};
  for (const [key, sub] of entries) {
    const at = `${path}.${isPlainName(key) ? key : '?'}`;
    if (key.length !== tagLength) fail(`tag ${label(key)} is not ${String(tagLength)} characters`, path);
    const spec = mapField(sub, at, ctx);
    const shape = /^(L{1,4})\/(.+)$/.exec(spec.prefix ?? '');
    if (shape === null || shape[2] !== encoding) {
      fail(`a subfield of a tagged composite needs a digit prefix in the tag's encoding (e.g. ${tag.enc}.LL) to become simple TLV`, at);
    }
    if (lengthDigits !== undefined && shape[1]!.length !== lengthDigits) fail('the subfields of a tagged composite must share one prefix length to become simple TLV', at);
    lengthDigits = shape[1]!.length;
    const { prefix: _prefix, ...value } = spec;
    tags[key] = value;
  }
  return { type: 'tlv', tagLength: tagLength as number, lengthDigits: lengthDigits!, encoding, tags, unknownTags: 'reject' };
}

function mapMti(raw: unknown, ctx: MoovContext): MessageSpec['mti'] {
  if (!isObject(raw)) fail('field 0 (the MTI) must be an object', '0');
  checkKeys(raw, FIELD_KEYS, 'a field', '0');
  if (raw.type !== 'String' && raw.type !== 'Numeric') fail('field 0 (the MTI) is a String or Numeric field', '0');
  if (raw.length !== 4) fail('the MTI has 4 digits: length must be 4', '0');
  if (typeof raw.prefix !== 'string' || !raw.prefix.endsWith('.Fixed')) fail('the MTI has a fixed prefix', '0');
  if (raw.enc === 'BCD') return { encoding: 'bcd' };
  const text = typeof raw.enc === 'string' ? ctx.textEncoding(raw.enc, '0', 'enc') : undefined;
  if (text === undefined) fail(`an MTI with enc ${label(raw.enc)} cannot be mapped (ASCII, EBCDIC, EBCDIC1047 or BCD can)`, '0');
  return { encoding: text };
}

/**
 * Imports a moov-io/iso8583 spec in moov's JSON form (`specs.Builder.ExportJSON`): field 0 gives the MTI
 * encoding, field 1 (a Bitmap) the bitmap, the others String / Numeric / Binary fields through their `enc`,
 * `prefix` and `padding`, and Composite fields subfields: positional (keys `"1"`, `"2"` …), bitmapped (with a
 * `bitmap`), simple TLV (a `tag` in ASCII or EBCDIC, every subfield with the same digit prefix) or BER-TLV (`tag.enc`
 * `BerTLVTag`). moov reads bit 65 as the tertiary bitmap's flag, so the spec has `bitmap.tertiary` on.
 *
 * Why: teams moving from Go keep their tables; anything whose wire form has no exact equivalent here (a `Hex.LL`
 * prefix, padding on a variable field, `ASCIIToHex`, moov's own EBCDIC table without the `ebcdic` option) is
 * refused with `INVALID_SPEC` naming the field, never approximated. The result is validated.
 *
 * @example
 * ```ts
 * const spec = importMoovSpec(readFileSync('spec87ascii.json', 'utf8'));
 * ```
 */
export function importMoovSpec(json: string | unknown, options?: MoovImportOptions): MessageSpec {
  return guard(ErrorCode.INVALID_SPEC, unreadable('the moov spec or its options'), () => importMoovSpecUnguarded(json, options));
}

function importMoovSpecUnguarded(json: string | unknown, options?: MoovImportOptions): MessageSpec {
  const opts = readOptions('importMoovSpec', options, ['name', 'ebcdic']);
  if (opts.name !== undefined && (typeof opts.name !== 'string' || opts.name === '')) throw invalidOption('importMoovSpec', 'name', 'a non-empty string', opts.name);
  const ebcdic = opts.ebcdic;
  if (ebcdic !== undefined && ebcdic !== 'ebcdic037' && ebcdic !== 'ebcdic500' && ebcdic !== 'ebcdic1047') {
    throw invalidOption('importMoovSpec', 'ebcdic', '"ebcdic037", "ebcdic500" or "ebcdic1047"', ebcdic);
  }
  return moovSpec(json, opts.name as string | undefined, ebcdic);
}

function moovSpec(json: unknown, optionName: string | undefined, ebcdic: MoovEbcdicCodePage | undefined): MessageSpec {
  let data: unknown = json;
  if (typeof json === 'string') {
    try {
      data = JSON.parse(json);
    } catch {
      fail('the text is not valid JSON');
    }
  }
  if (!isObject(data)) fail('a moov spec is an object { name, fields }');
  checkKeys(data, TOP_KEYS, 'the spec');
  const fields = data.fields;
  if (!isObject(fields)) fail('fields must be an object keyed by field number');
  const ctx = new MoovContext(ebcdic);
  for (const key of Object.keys(fields)) if (!/^(0|[1-9][0-9]{0,2})$/.test(key)) fail(`field key ${label(key)} is not a field number`);
  if (fields['0'] === undefined) fail('field 0 (the MTI) is not defined', '0');
  if (fields['1'] === undefined) fail('field 1 (the bitmap) is not defined', '1');
  const mti = mapMti(fields['0'], ctx);
  const { spec: bitmap, autoExpand } = bitmapOf(fields['1'], '1');
  if (!autoExpand) fail('disableautoexpand on the message bitmap (one bitmap, bit 1 as data) cannot be mapped', '1');
  const out: Record<number, FieldSpec> = {};
  for (const key of Object.keys(fields).sort((a, b) => Number(a) - Number(b))) {
    const n = Number(key);
    if (n < 2) continue;
    if (n === 65) fail('moov reads bit 65 as the tertiary bitmap flag, so field 65 cannot be a data element', '65');
    out[n] = mapField(fields[key], key, ctx);
  }
  const fileName = typeof data.name === 'string' && data.name !== '' ? data.name : undefined;
  const name = optionName ?? fileName ?? 'moov-spec';
  return validateSpec({ name, mti, bitmap: { ...bitmap, tertiary: true }, fields: out });
}
