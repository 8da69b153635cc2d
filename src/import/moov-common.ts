import { isPlainName } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import type { ConverterName, PrefixName } from '../spec/names.js';
import type { BitmapSpec } from '../spec/types.js';

/** The EBCDIC code pages a moov `EBCDIC` encoding may be taken as. */
export type MoovEbcdicCodePage = 'ebcdic037' | 'ebcdic500' | 'ebcdic1047';

/**
 * The EBCDIC code pages a moov `EBCDIC` encoding may be taken as: the EBCDIC converters here.
 *
 * Why: one list for the `ebcdic` option of `importMoovSpec` and the `--ebcdic` of `iso8583 import moov`.
 */
export const MOOV_EBCDIC_CODE_PAGES: readonly MoovEbcdicCodePage[] = ['ebcdic037', 'ebcdic500', 'ebcdic1047'];

/** Tells whether `v` names one of {@link MOOV_EBCDIC_CODE_PAGES}. */
export const isMoovEbcdicCodePage = (v: unknown): v is MoovEbcdicCodePage => (MOOV_EBCDIC_CODE_PAGES as readonly unknown[]).includes(v);

/** A JSON object of a moov spec. */
export type Json = Record<string, unknown>;

/** The keys a moov field has (moov's fieldDummy). */
export const FIELD_KEYS = ['type', 'length', 'description', 'enc', 'prefix', 'padding', 'tag', 'subfields', 'bitmap', 'disableautoexpand'];
/** The keys a moov spec has. */
export const TOP_KEYS = ['name', 'fields'];

/** Tells whether a JSON value is an object (not null, not an array). */
export const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
/** A name from the file as an error shows it: quoted when it is a plain name, else not shown. */
export const label = (v: unknown): string => (isPlainName(v) ? `"${v}"` : typeof v === 'string' ? '(a name not shown)' : 'a value that is not a string');

/** Throws the `INVALID_SPEC` error of a moov import, located at `field`. */
export function fail(detail: string, field?: string): never {
  throw new Iso8583Error(ErrorCode.INVALID_SPEC, `moov spec: ${detail}`, { field });
}

/** Refuses a key `obj` has that is not in `allowed`. */
export function checkKeys(obj: Json, allowed: readonly string[], what: string, path?: string): void {
  for (const key of Object.keys(obj)) if (!allowed.includes(key)) fail(`${what} has no key ${label(key)} (it takes ${allowed.join(', ')})`, path);
}

/** Reads moov `enc` names and prefix encodings as converter names; `EBCDIC` only with the option. */
export class MoovContext {
  constructor(private readonly ebcdic: MoovEbcdicCodePage | undefined) {}

  textEncoding(name: string, path: string, what: string): ConverterName<'text'> | undefined {
    if (name === 'ASCII') return 'ascii';
    if (name === 'EBCDIC1047') return 'ebcdic1047';
    if (name === 'EBCDIC') {
      if (this.ebcdic === undefined) {
        fail(`${what} EBCDIC is moov's own table, which matches no single code page: say which one it is with the ebcdic option (iso8583 import moov --ebcdic): "ebcdic037", "ebcdic500" or "ebcdic1047"`, path);
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

/** The `length` of a field, a positive whole number. */
export function positiveLength(raw: Json, path: string): number {
  const length = raw.length;
  if (!Number.isInteger(length) || (length as number) < 1) fail('length must be a positive whole number', path);
  return length as number;
}

/** A Bitmap (the message's, or a composite's): 8 bytes per bitmap, raw or as ASCII hex, with a fixed prefix. */
export function bitmapOf(raw: unknown, path: string): { readonly spec: BitmapSpec; readonly autoExpand: boolean } {
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

