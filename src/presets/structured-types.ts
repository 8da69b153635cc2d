import type { ConverterName } from '../spec/names.js';
import type { BerTlvLayout, FieldSpec, MessageSpec, SubfieldLayout, Track2Layout } from '../spec/types.js';

/** Subfield layouts by field number, as {@link withSubfields} takes them. */
export type LayoutTable = { readonly [field: number]: SubfieldLayout };

/** The layout `L` gives field `K` (keyed by number or by its decimal text), `undefined` when it gives none. */
export type LayoutOf<L, K> = K extends keyof L ? L[K] : `${K & number}` extends keyof L ? L[`${K & number}` & keyof L] : undefined;

/**
 * Field spec `F` as it is once it carries layout `Y` (each member of a union of layouts in turn; `undefined` is no
 * layout): its `subfields` replaced by `Y` and, except for Track 2, no `pad`.
 *
 * Wire fact: subfields are never padded. `withSubfields` drops the pad of a fixed field that fixed positional
 * subfields fill exactly (it could never apply) and refuses a padded field for any other layout; Track 2 keeps the
 * field as it is.
 */
export type Carrying<F, Y> = Y extends undefined
  ? F
  : Y extends Track2Layout
    ? Omit<F, 'subfields'> & { readonly subfields: Y }
    : Omit<F, 'subfields' | 'pad'> & { readonly subfields: Y };

/**
 * A field table with the layouts of `L` set on the fields it names. A table with an index signature (a spec typed
 * as plain `MessageSpec`, e.g. loaded from JSON) keeps it and gains the named fields with their layouts.
 */
export type WithLayouts<F, L> = number extends keyof F
  ? F & { readonly [K in keyof L]: Carrying<F[number & keyof F], L[K]> }
  : { readonly [K in keyof F]: Carrying<F[K], LayoutOf<L, K>> };

/**
 * The spec {@link withSubfields} returns: `S` with the layouts of `L` on their fields and `+subfields` after its
 * name, so `Infer` types those fields by their layouts (`BerTlv[]`, `Track2`, objects of subfields …).
 */
export type WithSubfields<S extends MessageSpec, L> = {
  readonly [K in keyof S]: K extends 'fields' ? WithLayouts<S['fields'], L> : K extends 'name' ? `${S['name']}+subfields` : S[K];
};

/**
 * Keys of a layout table that name no field of `S`, each typed `never`: a layout for a field the spec does not
 * define is a type error at its key (and `INVALID_SPEC` at run time). A table typed with an index signature (its
 * keys computed) is left to the run-time check.
 */
export type OnlyFieldsOf<S extends MessageSpec, L> = number extends keyof L
  ? unknown
  : { readonly [K in Exclude<keyof L, keyof S['fields'] | `${keyof S['fields'] & number}`>]: never };

/** The subfield numbers of DE127's default layout: 1 to 64, one sub-bitmap. */
export type De127Subfield =
  | 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8 | 9 | 10 | 11 | 12 | 13 | 14 | 15 | 16 | 17 | 18 | 19 | 20 | 21 | 22
  | 23 | 24 | 25 | 26 | 27 | 28 | 29 | 30 | 31 | 32 | 33 | 34 | 35 | 36 | 37 | 38 | 39 | 40 | 41 | 42 | 43
  | 44 | 45 | 46 | 47 | 48 | 49 | 50 | 51 | 52 | 53 | 54 | 55 | 56 | 57 | 58 | 59 | 60 | 61 | 62 | 63 | 64;

/** DE127's default subfields: every one of 1–64 an LLLVAR `ans` text through the preset's text converter. */
export type De127DefaultFields = {
  readonly [N in De127Subfield]: FieldSpec & { readonly kind: 'ans'; readonly encoding: ConverterName<'text'> };
};

/** What option `K` of `O` holds: its value when given, `undefined` when absent, either when it is optional. */
export type OptionOf<O, K extends string> = O extends { readonly [P in K]: infer V }
  ? V
  : K extends keyof O
    ? Exclude<O[K], undefined> | undefined
    : undefined;

/** DE127 as bitmapped subfields `Fs` under one binary sub-bitmap (each member of a union of tables in turn). */
export type De127Layout<Fs> = Fs extends unknown ? { readonly type: 'bitmapped'; readonly bitmap: { readonly format: 'binary' }; readonly fields: Fs } : never;

/** The layouts {@link structuredPreset} sets for options `O`: DE35 Track 2, DE55 BER-TLV, DE127 bitmapped, DE48 when given. */
export type StructuredLayouts<O> = {
  readonly 35: Track2Layout;
  readonly 48: OptionOf<O, 'de48'>;
  readonly 55: BerTlvLayout;
  readonly 127: De127Layout<Exclude<OptionOf<O, 'de127'>, undefined> | (undefined extends OptionOf<O, 'de127'> ? De127DefaultFields : never)>;
};

/**
 * The spec {@link structuredPreset} returns for preset `S` and options `O`: the fields of `StructuredLayouts<O>`
 * that `S` has carry their layouts, so `Infer` gives `Track2` for DE35, `BerTlv[]` for DE55, an object of
 * subfields for DE127 and `TlvEntry[]` for DE48 when `de48` is given.
 */
export type StructuredPreset<S extends MessageSpec, O = Record<never, never>> = WithSubfields<S, StructuredLayouts<O>>;

