import { nameLabel } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { guard, unreadable } from '../errors/guard.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import type { ConverterName } from '../spec/names.js';
import type { FieldKind, FieldSpec, MessageSpec } from '../spec/types.js';
import { validateSpec } from '../spec/validate-spec.js';
import { readImportOptions, specDocument } from './import-options.js';
import { bitmapOf, checkKeys, FIELD_KEYS, fail, isMoovEbcdicCodePage, isObject, type Json, label, MoovContext, type MoovEbcdicCodePage, positiveLength, TOP_KEYS } from './moov-common.js';
import { compositeField } from './moov-composite.js';

export type { MoovEbcdicCodePage } from './moov-common.js';

/** Options of {@link importMoovSpec}. */
export interface MoovImportOptions {
  /** The `name` of the spec (default: the file's `name`, else `"moov-spec"`). */
  readonly name?: string;
  /**
   * The code page moov's `EBCDIC` encoding and prefixes stand for. Required when the spec uses them: moov's table
   * is its own and matches none of 037, 500 or 1047 in every punctuation character, so the importer does not pick
   * one for you. `EBCDIC1047` needs no option; a spec without `EBCDIC` ignores it. Another value is
   * `INVALID_OPTION`. On the command line: `iso8583 import moov --ebcdic ebcdic037 spec.json`.
   */
  readonly ebcdic?: MoovEbcdicCodePage;
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
  if (type === 'Composite') return describedBy(compositeField(raw, path, ctx, mapField), raw);
  if (type !== 'String' && type !== 'Numeric' && type !== 'Binary') {
    fail(`type ${label(type)} cannot be mapped here (String, Numeric, Binary or Composite)`, path);
  }
  for (const key of ['tag', 'subfields', 'bitmap'] as const) if (raw[key] !== undefined) fail(`${key} belongs to a Composite field, not a ${type}`, path);
  if (raw.disableautoexpand !== undefined) fail('disableautoexpand belongs to a Bitmap', path);
  return describedBy(scalarField(raw, path, ctx), raw);
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
  const { name, options: opts } = readImportOptions('importMoovSpec', options, ['ebcdic']);
  const ebcdic = opts.ebcdic;
  if (ebcdic !== undefined && !isMoovEbcdicCodePage(ebcdic)) {
    // Only a plain name is quoted back (nameLabel): a value typed by mistake could be card data.
    throw new Iso8583Error(ErrorCode.INVALID_OPTION, `importMoovSpec: ebcdic must be an EBCDIC code page, "ebcdic037", "ebcdic500" or "ebcdic1047", got ${nameLabel(ebcdic)}`);
  }
  return moovSpec(json, name, ebcdic);
}

function moovSpec(json: unknown, optionName: string | undefined, ebcdic: MoovEbcdicCodePage | undefined): MessageSpec {
  const data = specDocument(json, fail);
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
