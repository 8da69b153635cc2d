import type { BitmappedLayout, FieldSpec, MessageSpec, SubfieldLayout, TlvLayout } from '../spec/types.js';

/**
 * Returns a copy of `spec` with subfield layouts set on some fields, leaving everything else unchanged.
 *
 * Why: presets keep DE55 and DE127 flat so existing code sees bytes; a network's structure is added on top, by
 * field number, without rewriting the table.
 *
 * @example
 * ```ts
 * const spec = withSubfields(presets.iso87ascii, { 55: { type: 'ber-tlv' } });
 * ```
 */
export function withSubfields<S extends MessageSpec>(spec: S, layouts: { readonly [field: number]: SubfieldLayout }): S {
  const fields: Record<number, FieldSpec> = { ...spec.fields };
  for (const [key, layout] of Object.entries(layouts)) {
    const n = Number(key);
    const base = fields[n];
    if (base === undefined) continue;
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
 * Why: one call away from a structured view of the usual places where ISO 8583 nests data.
 *
 * @example
 * ```ts
 * const codec = createCodec(structuredPreset(presets.iso87ascii));
 * const emv = codec.decode(frame).fields[55]; // BerTlv[]
 * ```
 */
export function structuredPreset<S extends MessageSpec>(preset: S, options: StructuredPresetOptions = {}): S {
  const text = preset.fields[127]?.encoding ?? 'ascii';
  const prefixEncoding = preset.fields[127]?.prefix?.split('/')[1] ?? text;
  const generic: Record<number, FieldSpec> = {};
  for (let n = 1; n <= 64; n++) {
    generic[n] = { kind: 'ans', length: 999, prefix: `LLL/${prefixEncoding}`, encoding: text, description: `Private subfield 127.${n}` };
  }
  const layouts: Record<number, SubfieldLayout> = {
    35: { type: 'track2' },
    55: { type: 'ber-tlv' },
    127: { type: 'bitmapped', bitmap: { format: 'binary' }, fields: options.de127 ?? generic },
  };
  if (options.de48 !== undefined) layouts[48] = options.de48;
  return withSubfields(preset, layouts);
}
