import { isPlainName } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import type { ConverterName, PrefixName } from '../spec/names.js';
import type { BitmapSpec, FieldSpec, HeaderSpec, MessageSpec, NibblePad } from '../spec/types.js';
import { guard, unreadable } from '../errors/guard.js';
import { validateSpec } from '../spec/validate-spec.js';
import { readImportOptions, specDocument } from './import-options.js';

/** Options of {@link importPyiso8583Spec}. */
export interface Pyiso8583ImportOptions {
  /** The `name` of the spec it returns (default `"pyiso8583-spec"`). */
  readonly name?: string;
}

type Json = Record<string, unknown>;

const FIELD_KEYS = ['data_enc', 'len_enc', 'len_type', 'max_len', 'desc', 'len_count', 'left_pad', 'right_pad'];
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const label = (v: unknown): string => (isPlainName(v) ? `"${v}"` : typeof v === 'string' ? '(a name not shown)' : 'a value that is not a string');

function fail(detail: string, field?: string): never {
  throw new Iso8583Error(ErrorCode.INVALID_SPEC, `pyiso8583 spec: ${detail}`, { field });
}

/** Python codec names (case and `_`/`-` as Python folds them) that have a converter here. */
const TEXT_CODECS: Readonly<Record<string, ConverterName<'text'>>> = {
  ascii: 'ascii',
  'us-ascii': 'ascii',
  cp037: 'ebcdic037',
  ibm037: 'ebcdic037',
  cp500: 'ebcdic500',
  ibm500: 'ebcdic500',
};

function textCodec(name: unknown, key: string, field: string): ConverterName<'text'> {
  const folded = typeof name === 'string' ? name.toLowerCase().replace(/_/g, '-') : undefined;
  if (folded === undefined || !Object.prototype.hasOwnProperty.call(TEXT_CODECS, folded)) {
    fail(`${key} ${label(name)} has no converter here (ascii, cp037, cp500 have; "b" is binary)`, field);
  }
  return TEXT_CODECS[folded]!;
}

function wholeNumber(raw: Json, key: string, field: string, min: number, max: number): number {
  const v = raw[key];
  if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) fail(`${key} must be a whole number from ${min} to ${max}`, field);
  return v as number;
}

/** The digit prefixes by digit count minus one. */
const DIGITS = ['L', 'LL', 'LLL', 'LLLL', 'LLLLL', 'LLLLLL'] as const;

/** A pyiso8583 length (`len_type` bytes through `len_enc`) as a prefix here; `undefined` for a fixed field. */
function prefixOf(raw: Json, field: string): PrefixName | undefined {
  const lenType = wholeNumber(raw, 'len_type', field, 0, 6);
  if (lenType === 0) return undefined;
  if (raw.len_enc === 'b') {
    if (lenType > 4) fail('a binary length (len_enc "b") is 1 to 4 bytes here', field);
    return `B${lenType as 1 | 2 | 3 | 4}`;
  }
  if (raw.len_enc === 'bcd') {
    // len_type counts bytes: one BCD byte holds two length digits.
    if (lenType > 3) fail('a BCD length is 1 to 3 bytes (2 to 6 digits) here', field);
    return `${DIGITS[lenType * 2 - 1]!}/bcd`;
  }
  return `${DIGITS[lenType - 1]!}/${textCodec(raw.len_enc, 'len_enc', field)}`;
}

function nibblePadOf(raw: Json, field: string): NibblePad | undefined {
  // left_pad takes precedence when both are given, as in pyiso8583.
  const side = raw.left_pad !== undefined ? 'left' : raw.right_pad !== undefined ? 'right' : undefined;
  if (side === undefined) return undefined;
  const pad = side === 'left' ? raw.left_pad : raw.right_pad;
  if (pad !== '0' && pad !== 'F' && pad !== 'f') fail(`${side}_pad ${label(pad)} cannot be mapped: the spare nibble is 0 or F here`, field);
  return { side, nibble: pad === '0' ? '0' : 'F' };
}

function mapField(raw: unknown, field: string): FieldSpec {
  if (!isObject(raw)) fail('a field must be a dict', field);
  for (const key of Object.keys(raw)) if (!FIELD_KEYS.includes(key)) fail(`a field has no key ${label(key)} (it takes ${FIELD_KEYS.join(', ')})`, field);
  if (raw.desc !== undefined && typeof raw.desc !== 'string') fail('desc must be a string', field);
  const length = wholeNumber(raw, 'max_len', field, 1, 999_999);
  const prefix = prefixOf(raw, field);
  const lenCount = raw.len_count ?? 'bytes';
  if (lenCount !== 'bytes' && lenCount !== 'nibbles') fail('len_count must be "bytes" or "nibbles"', field);
  let spec: FieldSpec;
  if (raw.data_enc === 'b') {
    if (lenCount === 'bytes') spec = { kind: 'b', length, encoding: 'binary' };
    else {
      const nibblePad = nibblePadOf(raw, field);
      // pyiso8583 refuses an odd number of nibbles without a pad; a spec here always has a spare-nibble rule.
      if (nibblePad === undefined && (prefix !== undefined || length % 2 === 1)) {
        fail('a field counted in nibbles that may be odd needs left_pad or right_pad (pyiso8583 refuses odd values without one)', field);
      }
      // Nibbles are hex digits in pyiso8583 (BCD is their subset): kind z reads all sixteen through BCD.
      spec = { kind: 'z', length, encoding: 'bcd', lengthUnit: 'digits', ...(nibblePad === undefined ? {} : { nibblePad }) };
    }
  } else {
    if (lenCount === 'nibbles') fail('len_count "nibbles" applies to binary data (data_enc "b") only', field);
    spec = { kind: 'ans', length, encoding: textCodec(raw.data_enc, 'data_enc', field) };
  }
  if (prefix !== undefined) spec = { ...spec, prefix };
  return typeof raw.desc === 'string' && raw.desc !== '' ? { ...spec, description: raw.desc } : spec;
}

function fixedPart(raw: unknown, key: string): { readonly enc: unknown; readonly length: number } {
  if (!isObject(raw)) fail(`"${key}" must be a dict`, key);
  for (const k of Object.keys(raw)) if (!FIELD_KEYS.includes(k)) fail(`"${key}" has no key ${label(k)}`, key);
  if (raw.len_type !== 0) fail(`"${key}" is fixed here: len_type must be 0`, key);
  if (raw.len_count !== undefined && raw.len_count !== 'bytes') fail(`"${key}" is counted in bytes`, key);
  return { enc: raw.data_enc, length: wholeNumber(raw, 'max_len', key, 0, 999_999) };
}

function bitmapOf(raw: unknown, key: string): BitmapSpec {
  const { enc, length } = fixedPart(raw, key);
  if (enc === 'b') {
    if (length !== 8) fail(`a binary bitmap ("${key}") is 8 bytes`, key);
    return { format: 'binary' };
  }
  if (length !== 16) fail(`a hex bitmap ("${key}") is 16 characters`, key);
  const encoding = textCodec(enc, 'data_enc', key);
  return encoding === 'ascii' ? { format: 'hex' } : { format: 'hex', encoding };
}

/**
 * Imports a pyiso8583 specification (its spec dict as JSON: `"h"`, `"t"`, `"p"`, `"1"`, `"2"` … `"128"`): `t`
 * gives the MTI encoding, `p` and `1` the bitmap (binary of 8 bytes, or 16 hex characters), `h` the header, and each
 * field's `data_enc`, `len_enc`, `len_type`, `max_len`, `len_count` and `left_pad`/`right_pad` its field spec.
 * Binary data counted in bytes becomes kind `b`; counted in nibbles, hex digits through BCD (kind `z`).
 *
 * Why: a Python team's table carries over without retyping. A codec without a converter here (`latin-1`,
 * `cp1140` …), a pad nibble other than 0 or F, or an odd nibble field without a pad is refused with
 * `INVALID_SPEC` naming the field, never approximated; the result is validated.
 *
 * @example
 * ```ts
 * const spec = importPyiso8583Spec(readFileSync('spec.json', 'utf8'), { name: 'pos' });
 * ```
 */
export function importPyiso8583Spec(json: string | unknown, options?: Pyiso8583ImportOptions): MessageSpec {
  return guard(ErrorCode.INVALID_SPEC, unreadable('the pyiso8583 spec or its options'), () => importPyiso8583SpecUnguarded(json, options));
}

function importPyiso8583SpecUnguarded(json: string | unknown, options?: Pyiso8583ImportOptions): MessageSpec {
  const { name } = readImportOptions('importPyiso8583Spec', options);
  return pyiso8583Spec(json, name ?? 'pyiso8583-spec');
}

function pyiso8583Spec(json: unknown, name: string): MessageSpec {
  const data = specDocument(json, fail);
  if (!isObject(data)) fail('a pyiso8583 spec is a dict of fields');
  for (const key of Object.keys(data)) {
    if (!/^(h|t|p|[1-9][0-9]?|1[01][0-9]|12[0-8])$/.test(key)) fail(`key ${label(key)} is not h, t, p or a field number 1 to 128`);
  }
  const t = fixedPart(data.t, 't');
  let mti: MessageSpec['mti'];
  if (t.enc === 'b') {
    if (t.length !== 2) fail('a binary MTI ("t") is 2 bytes of BCD', 't');
    mti = { encoding: 'bcd' };
  } else {
    if (t.length !== 4) fail('the MTI ("t") is 4 characters', 't');
    mti = { encoding: textCodec(t.enc, 'data_enc', 't') };
  }
  const bitmap = bitmapOf(data.p, 'p');
  if (data['1'] !== undefined && JSON.stringify(bitmapOf(data['1'], '1')) !== JSON.stringify(bitmap)) fail('the secondary bitmap ("1") is written like the primary ("p") here', '1');
  let header: HeaderSpec | undefined;
  if (data.h !== undefined) {
    const h = fixedPart(data.h, 'h');
    if (h.length > 0) header = { length: h.length, encoding: h.enc === 'b' ? 'binary' : textCodec(h.enc, 'data_enc', 'h') };
  }
  const fields: Record<number, FieldSpec> = {};
  for (const key of Object.keys(data).filter((k) => /^[0-9]+$/.test(k) && k !== '1').sort((a, b) => Number(a) - Number(b))) {
    const n = Number(key);
    if (n > 64 && data['1'] === undefined) fail(`field ${n} needs the secondary bitmap, and the spec has no "1"`, key);
    fields[n] = mapField(data[key], key);
  }
  return validateSpec({ name, ...(header === undefined ? {} : { header }), mti, bitmap, fields });
}
