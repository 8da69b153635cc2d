import type { ConverterName } from './names.js';
import type { BerTlv, Dataset, FieldSpec, FieldValue, LeadingTlv, MessageSpec, ScalarValue, TlvEntry, Track1, Track2 } from './types.js';

/**
 * The static value type of one field spec: `Uint8Array` for kind `b`, `string` for any other literal kind, and
 * `FieldValue` when the kind is not known statically (a spec typed as plain `FieldSpec`, e.g. loaded from JSON).
 */
export type InferField<F> = F extends { readonly subfields: infer L }
  ? InferLayout<L>
  : F extends { readonly kind: infer K }
  ? [K] extends ['b']
    ? Uint8Array
    : 'b' extends K
      ? FieldValue
      : string
  : FieldValue;

/**
 * The value type of a subfield layout: objects for positional and bitmapped layouts, lists for TLV (`{ leading,
 * entries }` with a leading part, either when the layout's type does not say whether it has one).
 */
export type InferLayout<L> = L extends { readonly type: 'positional'; readonly fields: infer Fs }
  ? { -readonly [K in keyof Fs]: InferField<Fs[K]> }
  : L extends { readonly type: 'bitmapped'; readonly fields: infer Fs }
    ? { -readonly [K in keyof Fs]?: InferField<Fs[K]> | undefined }
    : L extends { readonly type: 'tlv' }
      ? L extends { readonly leading: object }
        ? LeadingTlv
        : L extends { readonly type: 'tlv'; readonly leading?: undefined }
          ? TlvEntry[]
          : TlvEntry[] | LeadingTlv
      : L extends { readonly type: 'ber-tlv' }
        ? BerTlv[]
        : L extends { readonly type: 'dataset' }
          ? Dataset[]
          : L extends { readonly type: 'track2' }
            ? Track2
            : L extends { readonly type: 'track1' }
              ? Track1
              : FieldValue;

/**
 * The value type of a header spec: bytes for the bytes converters (`binary`, `nop`, `hex`), text for the text and
 * BCD ones, either when the converter is not known statically.
 */
export type HeaderValue<H> = H extends { readonly encoding: infer E }
  ? [E] extends [ConverterName<'bytes'>]
    ? Uint8Array
    : [E] extends [ConverterName<'text' | 'digits'>]
      ? string
      : ScalarValue
  : ScalarValue;

/** The static type of a header: required when the spec declares one, absent when it has none. */
export type InferHeader<S> = 'header' extends keyof S
  ? undefined extends S['header' & keyof S]
    ? { header?: ScalarValue }
    : { header: HeaderValue<S['header' & keyof S]> }
  : { header?: never };

/**
 * The decoded message type of a spec, derived from the same value that drives the codec.
 *
 * Why: one declaration gives both the runtime layout and the static type, so they cannot drift apart; numeric
 * fields stay strings because leading zeros matter and amounts must never become floats.
 *
 * @example
 * ```ts
 * const spec = defineSpec({ name: 'tiny', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' },
 *   fields: { 2: { kind: 'n', length: 19, prefix: 'LL/ascii', encoding: 'ascii' } } });
 * type Tiny = Infer<typeof spec>; // { mti: string; fields: { 2?: string } }
 * ```
 */
export type Infer<S extends MessageSpec> = {
  mti: string;
  fields: { -readonly [K in keyof S['fields']]?: InferField<S['fields'][K]> | undefined };
} & InferHeader<S>;

/** Narrows a field table to its literal types; used by {@link defineSpec}. */
export type FieldTable = { readonly [field: number]: FieldSpec };
