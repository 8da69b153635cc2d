import { describeType, invalidOption, readOptions } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import type { BitmappedLayout, FieldSpec, MessageSpec, SubfieldLayout, TlvLayout } from '../spec/types.js';

/** Checks that `spec` is an object with a field table (the rest is `validateSpec`'s job, at `createCodec`). */
function checkSpecArgument(where: string, spec: unknown): asserts spec is MessageSpec {
  const fields = (spec as { fields?: unknown } | null)?.fields;
  if (typeof spec !== 'object' || spec === null || typeof fields !== 'object' || fields === null) {
    throw new Iso8583Error(ErrorCode.INVALID_SPEC, `${where}: spec must be a message spec with a field table, got ${describeType(spec)}`);
  }
}

const isLayout = (v: unknown): v is SubfieldLayout =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { type?: unknown }).type === 'string';

/**
 * Returns a copy of `spec` with subfield layouts set on some fields, leaving everything else unchanged.
 *
 * Why: presets keep DE55 and DE127 flat so existing code sees bytes; a network's structure is added on top, by
 * field number, without rewriting the table. A layout for a field the spec does not define is a mistake and
 * throws `INVALID_OPTION`, as does a `layouts` that is not an object of layouts; the layouts themselves are
 * validated with the whole spec by `createCodec`.
 *
 * @example
 * ```ts
 * const spec = withSubfields(presets.iso87ascii, { 55: { type: 'ber-tlv' } });
 * ```
 */
export function withSubfields<S extends MessageSpec>(spec: S, layouts: { readonly [field: number]: SubfieldLayout }): S {
  checkSpecArgument('withSubfields', spec);
  if (typeof layouts !== 'object' || layouts === null || Array.isArray(layouts)) {
    throw invalidOption('withSubfields', 'layouts', 'an object of subfield layouts by field number', layouts);
  }
  const fields: Record<number, FieldSpec> = { ...spec.fields };
  for (const [key, layout] of Object.entries(layouts)) {
    const n = Number(key);
    if (!Number.isInteger(n) || String(n) !== key) {
      throw new Iso8583Error(ErrorCode.INVALID_OPTION, 'withSubfields: the keys of layouts must be field numbers');
    }
    const base = fields[n];
    if (base === undefined) {
      throw new Iso8583Error(ErrorCode.INVALID_OPTION, `withSubfields: layouts[${n}] is for a field the spec does not define`);
    }
    if (!isLayout(layout)) throw invalidOption('withSubfields', `layouts[${n}]`, 'a subfield layout ({ type: … })', layout);
    fields[n] = { ...base, subfields: layout };
  }
  return { ...spec, name: `${spec.name}+subfields`, fields } as S;
}

/** Options of {@link structuredPreset}. */
export interface StructuredPresetOptions {
  /** DE48 as simple TLV (default: left as text). */
  readonly de48?: TlvLayout;
  /** DE127's subfields (default: every subfield 1–64 an LLLVAR `ans` through the preset's text encoding). */
  readonly de127?: BitmappedLayout['fields'];
}

/**
 * A preset with its structured fields switched on: DE35 as Track 2, DE55 as EMV BER-TLV, DE127 as bitmapped
 * subfields (8-byte binary sub-bitmap), and optionally DE48 as TLV.
 *
 * Why: one call away from a structured view of the usual places where ISO 8583 nests data. A preset without some of
 * these fields gets the layouts of those it has; a `preset` that is not a spec is `INVALID_SPEC`, and options that
 * are unknown, malformed or for a field the preset lacks are `INVALID_OPTION`.
 *
 * @example
 * ```ts
 * const codec = createCodec(structuredPreset(presets.iso87ascii));
 * const emv = codec.decode(frame).fields[55]; // BerTlv[]
 * ```
 */
export function structuredPreset<S extends MessageSpec>(preset: S, options: StructuredPresetOptions = {}): S {
  checkSpecArgument('structuredPreset', preset);
  const { de48, de127 } = readOptions('structuredPreset', options, ['de48', 'de127']) as StructuredPresetOptions;
  if (de48 !== undefined && (!isLayout(de48) || de48.type !== 'tlv')) {
    throw invalidOption('structuredPreset', 'options.de48', 'a TLV layout ({ type: "tlv", … })', de48);
  }
  if (de127 !== undefined && (typeof de127 !== 'object' || de127 === null || Array.isArray(de127))) {
    throw invalidOption('structuredPreset', 'options.de127', 'an object of subfield specs by number', de127);
  }
  for (const [n, given] of [[48, de48], [127, de127]] as const) {
    if (given !== undefined && preset.fields[n] === undefined) {
      throw new Iso8583Error(ErrorCode.INVALID_OPTION, `structuredPreset: options.de${n} needs field ${n} in the preset`);
    }
  }
  const text = preset.fields[127]?.encoding ?? 'ascii';
  const prefixEncoding = preset.fields[127]?.prefix?.split('/')[1] ?? text;
  const generic: Record<number, FieldSpec> = {};
  for (let n = 1; n <= 64; n++) {
    generic[n] = { kind: 'ans', length: 999, prefix: `LLL/${prefixEncoding}`, encoding: text, description: `Private subfield 127.${n}` };
  }
  const layouts: Record<number, SubfieldLayout> = {
    35: { type: 'track2' },
    55: { type: 'ber-tlv' },
    127: { type: 'bitmapped', bitmap: { format: 'binary' }, fields: de127 ?? generic },
  };
  if (de48 !== undefined) layouts[48] = de48;
  // A preset without some of these fields gets the layouts of the fields it has.
  for (const n of Object.keys(layouts).map(Number)) if (preset.fields[n] === undefined) delete layouts[n];
  return withSubfields(preset, layouts);
}
