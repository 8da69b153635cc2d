import { describeType, invalidOption } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { guard, unreadable } from '../errors/guard.js';
import { checkedAs } from '../spec/checked.js';
import type { ConverterName, PrefixName } from '../spec/names.js';
import type { BitmapSpec, FieldKind, FieldSpec, FixedPad, MessageSpec } from '../spec/types.js';
import type { DataElement } from './data-element.js';
import { ISO87_ELEMENTS, type Iso87Kinds } from './iso87-elements.js';

/**
 * The converters a 1987 preset gives an element of kind `K`, as the dialect's types allow them: `binary` for `b`,
 * the numeric or track converter (text or BCD) for `n` and `z`, the text converter for the other kinds.
 */
export type Iso87Encoding<K extends FieldKind> = K extends 'b'
  ? 'binary'
  : K extends 'n' | 'z'
    ? ConverterName<'text' | 'digits'>
    : ConverterName<'text'>;

/**
 * The field table of an ISO 8583:1987 preset, keeping each element's literal `kind` (for `Infer`) and the class
 * of converter that kind gets (so a layout built on a field, e.g. TLV on DE48, can take its text converter).
 */
export type Iso87Fields = {
  readonly [K in keyof Iso87Kinds]: FieldSpec & { readonly kind: Iso87Kinds[K]; readonly encoding: Iso87Encoding<Iso87Kinds[K]> };
};

/**
 * The field table of a preset built from a version's element table whose kinds are `Kinds`: each element keeps its
 * literal `kind` (for `Infer`) and the class of converter that kind gets, as in {@link Iso87Fields}.
 */
export type PresetFields<Kinds extends { readonly [n: number]: FieldKind }> = {
  readonly [K in keyof Kinds]: FieldSpec & { readonly kind: Kinds[K]; readonly encoding: Iso87Encoding<Extract<Kinds[K], FieldKind>> };
};

/** A preset message spec over the 1987 element table. */
export interface Iso87Preset extends MessageSpec {
  readonly fields: Iso87Fields;
}

/**
 * How one preset dialect writes each kind of element.
 *
 * Why: the three 1987 presets share kinds and lengths and differ only in converters and prefix encodings.
 */
export interface Iso87Dialect {
  /** Spec name. */
  readonly name: string;
  /** Converter for MTI digits. */
  readonly mtiEncoding: ConverterName<'text' | 'digits'>;
  /** Converter for text kinds (`a`, `an`, `ans`, `ns`, `x+n` …). */
  readonly textEncoding: ConverterName<'text'>;
  /** Converter for numeric (`n`) elements. */
  readonly numericEncoding: ConverterName<'text' | 'digits'>;
  /** Converter for track (`z`) elements. */
  readonly trackEncoding: ConverterName<'text' | 'digits'>;
  /** Converter for the digits of LL/LLL prefixes. */
  readonly prefixEncoding: ConverterName<'text' | 'digits'>;
}

/** Every property of a dialect; each is required. */
const DIALECT_KEYS = ['name', 'mtiEncoding', 'textEncoding', 'numericEncoding', 'trackEncoding', 'prefixEncoding'] as const satisfies readonly (keyof Iso87Dialect)[];

const ZERO_LEFT: FixedPad = { side: 'left', char: '0' };
const SPACE_RIGHT: FixedPad = { side: 'right', char: ' ' };

/** LL, LLL and LLLL prefixes by the number of length digits an element carries. */
const PREFIX_DIGITS = { 2: 'LL', 3: 'LLL', 4: 'LLLL' } as const;

function fieldFor(el: DataElement, d: Iso87Dialect): FieldSpec {
  const encoding =
    el.kind === 'b' ? 'binary' : el.kind === 'n' ? d.numericEncoding : el.kind === 'z' ? d.trackEncoding : d.textEncoding;
  const isBcd = encoding === 'bcd';
  const spec: {
    -readonly [K in keyof FieldSpec]: FieldSpec[K];
  } = {
    kind: el.kind,
    length: el.length,
    encoding,
    lengthUnit: el.kind === 'b' ? 'bytes' : isBcd ? 'digits' : 'chars',
    description: el.description,
  };
  if (el.lengthDigits !== 0) spec.prefix = `${PREFIX_DIGITS[el.lengthDigits]}/${d.prefixEncoding}` satisfies PrefixName;
  else if (el.kind === 'n') spec.pad = ZERO_LEFT;
  else if (el.kind !== 'b' && el.kind !== 'z' && el.kind !== 'x+n') spec.pad = SPACE_RIGHT;
  // Packed track data ends on an F nibble when its digit count is odd; packed numbers start with a 0 nibble.
  if (isBcd) spec.nibblePad = el.kind === 'z' ? { side: 'right', nibble: 'F' } : { side: 'left', nibble: '0' };
  if (el.sensitive !== undefined) spec.sensitive = el.sensitive;
  return spec;
}

/**
 * Reads each property of a dialect once into a plain record; throws `INVALID_OPTION` naming the property, also
 * when a getter or proxy trap of the dialect throws (its text is not kept).
 */
function readDialect(dialect: unknown): Iso87Dialect {
  return guard(ErrorCode.INVALID_OPTION, unreadable('buildIso87Preset: the dialect'), () => {
    if (describeType(dialect) !== 'an object') throw invalidOption('buildIso87Preset', 'dialect', 'an object', dialect);
    const d: Record<string, string> = {};
    for (const key of DIALECT_KEYS) {
      const value: unknown = (dialect as Record<string, unknown>)[key];
      if (typeof value !== 'string' || value === '') {
        throw invalidOption('buildIso87Preset', `dialect.${key}`, key === 'name' ? 'a non-empty string' : 'a converter name', value);
      }
      d[key] = value;
    }
    // Converter names are only strings here: an unknown one is INVALID_SPEC when the spec is validated (validateSpec,
    // createCodec), as for any spec.
    return checkedAs<Iso87Dialect>(d);
  });
}

/**
 * Builds a preset from the 1987 element table and a dialect.
 *
 * Why: a network that writes the 1987 elements in its own mix of encodings needs one dialect record, not a
 * hand-copied table of 128 elements.
 *
 * @example
 * ```ts
 * const packedEbcdic = buildIso87Preset({
 *   name: 'iso87-packed-ebcdic', mtiEncoding: 'bcd', numericEncoding: 'bcd', trackEncoding: 'bcd',
 *   textEncoding: 'ebcdic037', prefixEncoding: 'bcd',
 * });
 * ```
 */
export function buildIso87Preset(dialect: Iso87Dialect): Iso87Preset {
  return presetFromTable(ISO87_ELEMENTS, readDialect(dialect), { format: 'binary' }) as Iso87Preset;
}

/**
 * A preset from a version's element table written in a dialect (already read): one field per element, binary
 * bitmaps shaped by `bitmap`. The caller states the field table's type, which the table's kinds decide.
 */
export function presetFromTable(elements: Readonly<Record<number, DataElement>>, d: Iso87Dialect, bitmap: BitmapSpec): MessageSpec {
  const fields: Record<number, FieldSpec> = {};
  for (const [key, el] of Object.entries(elements)) fields[Number(key)] = fieldFor(el, d);
  return { name: d.name, mti: { encoding: d.mtiEncoding }, bitmap, fields };
}
