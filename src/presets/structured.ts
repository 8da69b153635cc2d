import { describeType, invalidOption, readOptions } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { guard, unreadable } from '../errors/guard.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import type { PrefixName } from '../spec/names.js';
import type { StrictFields, StrictLayout, StrictLayoutTable } from '../spec/strict.js';
import type { BitmappedLayout, FieldSpec, MessageSpec, SubfieldLayout, TlvLayout } from '../spec/types.js';
import type { LayoutTable, OnlyFieldsOf, StructuredPreset, WithSubfields } from './structured-types.js';

/** What {@link readSpecArgument} keeps of a spec: each part read once, the field table copied. */
interface SpecParts {
  /** The spec's own enumerable properties, read once. */
  readonly rest: Record<string, unknown>;
  /** A copy of its field table. */
  readonly fields: Record<number, FieldSpec>;
}

/**
 * Reads `spec` once: an object with a field table (the rest is `validateSpec`'s job, at `createCodec`); throws
 * `INVALID_SPEC` otherwise, also when a getter or proxy trap of the spec throws (its text is not kept).
 */
function readSpecArgument(where: string, spec: unknown): SpecParts {
  return guard(ErrorCode.INVALID_SPEC, unreadable(`${where}: the spec`), () => {
    const type = describeType(spec);
    const fields: unknown = type === 'an object' ? (spec as { fields?: unknown }).fields : undefined;
    if (describeType(fields) !== 'an object') {
      throw new Iso8583Error(ErrorCode.INVALID_SPEC, `${where}: spec must be a message spec with a field table, got ${type}`);
    }
    return { rest: { ...(spec as Record<string, unknown>) }, fields: { ...(fields as Record<number, FieldSpec>) } };
  });
}

/** The name of the derived spec: `<name>+subfields`, or the name left as it is when it is not a string. */
function derivedName(name: unknown): unknown {
  return typeof name === 'string' ? `${name}+subfields` : name;
}

const isLayout = (v: unknown): v is SubfieldLayout =>
  describeType(v) === 'an object' && typeof (v as { type?: unknown }).type === 'string';

/** True when every subfield of a positional layout is fixed (no prefix), which is all a padded field can carry. */
function allFixed(layout: SubfieldLayout): boolean {
  if (layout.type !== 'positional') return false;
  const subfields: unknown = layout.fields;
  // A malformed table is validateSpec's to name (at createCodec); here it only must not look variable.
  if (describeType(subfields) !== 'an object') return true;
  return Object.values(subfields as Record<string, unknown>).every((f) => {
    const prefix: unknown = describeType(f) === 'an object' ? (f as { prefix?: unknown }).prefix : undefined;
    return prefix === undefined || prefix === 'fixed';
  });
}

/**
 * Field `n` (a copy) carrying `layout`. A pad exists only on a fixed field and fills what a short value leaves;
 * fixed subfields fill the field exactly (validateSpec checks their sum), so there the pad never applies and is
 * dropped. Track 2 keeps the field as it is (it has its own padding rules). Any other layout would leave part of a
 * padded field to be filled, and subfields are never padded: refused, naming the field.
 */
function carrying(n: number, field: FieldSpec, layout: SubfieldLayout): FieldSpec {
  if (field.pad === undefined || layout.type === 'track2') return { ...field, subfields: layout };
  if (!allFixed(layout)) {
    throw new Iso8583Error(
      ErrorCode.INVALID_SPEC,
      `withSubfields: field ${n} is a padded fixed field and subfields are never padded; only a positional layout of fixed subfields that fill it fits`,
      { field: String(n) },
    );
  }
  const { pad: _dropped, ...unpadded } = field;
  return { ...unpadded, subfields: layout };
}

/**
 * Returns a copy of `spec` with subfield layouts set on some fields, leaving everything else unchanged.
 *
 * Why: presets keep DE55 and DE127 flat so existing code sees bytes; a network's structure is added on top, by
 * field number, without rewriting the table. The presets pad their fixed fields, and subfields are never padded:
 * a positional layout of fixed subfields fills its field exactly, so the field's pad is dropped (it could never
 * apply); any other layout on a padded field is `INVALID_SPEC` naming the field, as is a layout for a field the
 * spec does not define. A `layouts` that is not an object of layouts is `INVALID_OPTION`; the layouts themselves
 * are validated with the whole spec by `createCodec` (which checks that fixed subfields add up to their field).
 * The returned type carries the layouts too (see {@link WithSubfields}), so `Infer` and the codec type those
 * fields by their layouts; a layout key the spec format lacks, or a field number the spec does not define, is a
 * type error.
 *
 * @example
 * ```ts
 * const spec = withSubfields(presets.iso87ascii, { 55: { type: 'ber-tlv' } });
 * const emv = createCodec(spec).decode(frame).fields[55]; // BerTlv[] | undefined
 * ```
 */
export function withSubfields<S extends MessageSpec, const L extends LayoutTable>(
  spec: S,
  layouts: L & StrictLayoutTable<L> & OnlyFieldsOf<S, L>,
): WithSubfields<S, L>;
// The signature above is what the copy is, in types; this one is what the code can vouch for: a copy of an object
// it has not validated (createCodec does), with the layouts added. An overload states the step between them once,
// with no cast; the type tests (spec/presets/*.spec-d.ts) check that the declared types match what is built.
export function withSubfields(spec: unknown, layouts: LayoutTable): unknown {
  const { rest, fields } = readSpecArgument('withSubfields', spec);
  return guard(ErrorCode.INVALID_OPTION, unreadable('withSubfields: layouts'), () => {
    if (describeType(layouts) !== 'an object') {
      throw invalidOption('withSubfields', 'layouts', 'an object of subfield layouts by field number', layouts);
    }
    for (const [key, layout] of Object.entries(layouts)) {
      const n = Number(key);
      // Only a data element number (up to 192) is ever quoted back: a longer run of digits could be a PAN.
      if (!Number.isInteger(n) || String(n) !== key || n > 192) {
        throw new Iso8583Error(ErrorCode.INVALID_OPTION, 'withSubfields: the keys of layouts must be field numbers');
      }
      const base = fields[n];
      if (base === undefined) {
        throw new Iso8583Error(ErrorCode.INVALID_SPEC, `withSubfields: layouts[${n}] is for a field the spec does not define`, { field: String(n) });
      }
      if (!isLayout(layout)) throw invalidOption('withSubfields', `layouts[${n}]`, 'a subfield layout ({ type: … })', layout);
      // The base field is the caller's object: spreading it reads its getters, so a throw here is the spec's.
      const field = guard(ErrorCode.INVALID_SPEC, unreadable(`withSubfields: field ${n} of the spec`), () => ({ ...base }));
      fields[n] = carrying(n, field, layout);
    }
    return { ...rest, name: derivedName(rest.name), fields };
  });
}

/** Options of {@link structuredPreset}. */
export interface StructuredPresetOptions {
  /** DE48 as simple TLV (default: left as text). */
  readonly de48?: TlvLayout;
  /** DE127's subfields (default: every subfield 1–64 an LLLVAR `ans` through the preset's text encoding). */
  readonly de127?: BitmappedLayout['fields'];
}

/**
 * The checks {@link structuredPreset} applies to its options' types: no key the options lack, none inside the
 * layouts, and `de48` / `de127` only for a preset that has that field.
 */
export type StructuredOptionChecks<S extends MessageSpec, O> = {
  readonly [K in keyof O]: K extends 'de48'
    ? 48 extends keyof S['fields'] ? StrictLayout<O[K]> : never
    : K extends 'de127'
      ? 127 extends keyof S['fields'] ? StrictFields<O[K]> : never
      : never;
};

/**
 * A preset with its structured fields switched on: DE35 as Track 2, DE55 as EMV BER-TLV, DE127 as bitmapped
 * subfields (8-byte binary sub-bitmap), and optionally DE48 as TLV.
 *
 * Why: one call away from a structured view of the usual places where ISO 8583 nests data. A preset without some of
 * these fields gets the layouts of those it has; a `preset` that is not a spec is `INVALID_SPEC`, and options that
 * are unknown, malformed or for a field the preset lacks are `INVALID_OPTION` (and type errors, as are unknown
 * keys inside the layouts). The returned type carries the layouts (see {@link StructuredPreset}), so the codec
 * types DE35 as `Track2`, DE55 as `BerTlv[]`, DE127 as an object of subfields and DE48 (with `de48`) as
 * `TlvEntry[]`.
 *
 * @example
 * ```ts
 * const codec = createCodec(structuredPreset(presets.iso87ascii));
 * const emv = codec.decode(frame).fields[55]; // BerTlv[] | undefined
 * ```
 */
export function structuredPreset<S extends MessageSpec, const O extends StructuredPresetOptions = Record<never, never>>(
  preset: S,
  options?: O & StructuredOptionChecks<S, O>,
): StructuredPreset<S, O>;
// As for withSubfields: the signature above types the result by the preset and options; the code builds it from
// values it reads defensively, so it vouches for no more than `unknown`.
export function structuredPreset(preset: MessageSpec, options?: StructuredPresetOptions): unknown {
  const { fields } = readSpecArgument('structuredPreset', preset);
  const { de48, de127 } = guard(ErrorCode.INVALID_OPTION, unreadable('structuredPreset: options'), () => {
    const o = readOptions('structuredPreset', options, ['de48', 'de127']) as StructuredPresetOptions;
    const read = { de48: o.de48, de127: o.de127 };
    if (read.de48 !== undefined && (!isLayout(read.de48) || read.de48.type !== 'tlv')) {
      throw invalidOption('structuredPreset', 'options.de48', 'a TLV layout ({ type: "tlv", … })', read.de48);
    }
    if (read.de127 !== undefined && describeType(read.de127) !== 'an object') {
      throw invalidOption('structuredPreset', 'options.de127', 'an object of subfield specs by number', read.de127);
    }
    return read;
  });
  for (const [n, given] of [[48, de48], [127, de127]] as const) {
    if (given !== undefined && fields[n] === undefined) {
      throw new Iso8583Error(ErrorCode.INVALID_OPTION, `structuredPreset: options.de${n} needs field ${n} in the preset`);
    }
  }
  // DE127's encodings, read once from the caller's field spec; anything but strings leaves the defaults.
  const de127Spec = guard(ErrorCode.INVALID_SPEC, unreadable('structuredPreset: field 127 of the spec'), () => {
    const f: unknown = fields[127];
    if (describeType(f) !== 'an object') return { encoding: undefined, prefix: undefined };
    const { encoding, prefix } = f as { encoding?: unknown; prefix?: unknown };
    return { encoding: typeof encoding === 'string' ? encoding : undefined, prefix: typeof prefix === 'string' ? prefix : undefined };
  });
  const text = de127Spec.encoding ?? 'ascii';
  const prefixEncoding = de127Spec.prefix?.split('/')[1] ?? text;
  const generic: Record<number, FieldSpec> = {};
  for (let n = 1; n <= 64; n++) {
    // The names come from the preset's own DE127 (a text field): whether they name converters is createCodec's check.
    const prefix = `LLL/${prefixEncoding}` as PrefixName;
    generic[n] = { kind: 'ans', length: 999, prefix, encoding: text as FieldSpec['encoding'], description: `Private subfield 127.${n}` };
  }
  const layouts: Record<number, SubfieldLayout> = {
    35: { type: 'track2' },
    55: { type: 'ber-tlv' },
    127: { type: 'bitmapped', bitmap: { format: 'binary' }, fields: de127 ?? generic },
  };
  if (de48 !== undefined) layouts[48] = de48;
  // A preset without some of these fields gets the layouts of the fields it has.
  for (const n of Object.keys(layouts).map(Number)) if (fields[n] === undefined) delete layouts[n];
  return withSubfields(preset, layouts);
}
