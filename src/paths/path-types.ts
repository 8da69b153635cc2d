import type { InferField } from '../spec/infer.js';
import type { BerTlv, FieldKind, FieldValue, MessageSpec, SubfieldLayout, Track1, Track2 } from '../spec/types.js';

/**
 * What a path leads to, statically: the type of the value there and whether `remove` may take it out (a part of a
 * positional field or of Track 2 is required, so it can only be replaced).
 */
export interface PathTarget<V = FieldValue, R extends boolean = boolean> {
  /** The value's type. */
  readonly value: V;
  /** `true` when the value is optional where it sits. */
  readonly removable: R;
}

/**
 * The layout a field spec carries, read as {@link InferField} reads it: the layout a spec states, none for a field
 * whose type states none (a scalar), and any layout for a field whose kind is not known statically (a spec typed
 * as plain `MessageSpec`, e.g. loaded from JSON), where the run time decides.
 */
type FieldLayout<F> = F extends { readonly subfields: infer L }
  ? L
  : F extends { readonly kind: infer K }
    ? FieldKind extends K ? SubfieldLayout : never
    : SubfieldLayout;

/** The characters of an uppercase hex digit, the form BER-TLV tags take in values and paths. */
type HexDigit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | 'A' | 'B' | 'C' | 'D' | 'E' | 'F';

/** `true` when `T` is one or more whole bytes of uppercase hex. */
type IsHexBytes<T extends string> = T extends `${HexDigit}${HexDigit}${infer R}` ? (R extends '' ? true : IsHexBytes<R>) : false;

/** Wire fact: bit 6 (0x20) of a BER tag's first byte marks it constructed; it sits in the first hex digit. */
type IsConstructed<T extends string> = T extends `${'2' | '3' | '6' | '7' | 'A' | 'B' | 'E' | 'F'}${string}` ? true : false;

/** `true` when `T` has exactly `N` characters (`N` a literal 1–3), `boolean` when `N` is not a literal. */
type HasLength<T extends string, N> = number extends N
  ? boolean
  : N extends 1
    ? T extends `${string}${infer R}` ? (R extends '' ? true : false) : false
    : N extends 2
      ? T extends `${string}${infer R}` ? HasLength<R, 1> : false
      : N extends 3
        ? T extends `${string}${infer R}` ? HasLength<R, 2> : false
        : boolean;

/** A tag this BER-TLV layout accepts: well-formed hex, and in its `tags` when it rejects unknown ones. */
type BerTagOk<L, T extends string> = IsHexBytes<T> extends true
  ? L extends { readonly unknownTags: 'reject'; readonly tags: infer Tags }
    ? T extends keyof Tags ? true : false
    : true
  : false;

/** Where `Rest` leads inside BER-TLV data: a primitive tag's bytes, a constructed tag's children, or deeper. */
type InBerTlv<L, Rest extends string> = Rest extends `${infer T}.${infer More}`
  ? BerTagOk<L, T> extends true ? (IsConstructed<T> extends true ? InBerTlv<L, More> : never) : never
  : BerTagOk<L, Rest> extends true
    ? PathTarget<IsConstructed<Rest> extends true ? BerTlv[] : Uint8Array, true>
    : never;

/** Where a tag leads inside simple TLV data: a known tag's value by its spec, an unknown tag's text (when kept). */
type InTlv<L, Tag extends string> = Tag extends `${string}.${string}`
  ? never
  : L extends { readonly tags: infer Tags }
    ? Tag extends keyof Tags
      ? PathTarget<InferField<Tags[Tag]>, true>
      : UnknownTlvTag<L, Tag>
    : UnknownTlvTag<L, Tag>;

/** An unknown TLV tag: refused by a layout that rejects them or when its length is not the layout's. */
type UnknownTlvTag<L, Tag extends string> = L extends { readonly unknownTags: 'reject' }
  ? never
  : HasLength<Tag, L extends { readonly tagLength: infer N } ? N : number> extends false
    ? never
    : PathTarget<string, true>;

/** Where `Rest` leads inside subfields keyed by number (positional ones are required, bitmapped ones optional). */
type InKeyed<Fs, Rest extends string, R extends boolean> = Rest extends `${infer K extends number}.${infer More}`
  ? K extends keyof Fs ? InLayout<FieldLayout<Fs[K]>, More> : never
  : Rest extends `${infer K extends number}`
    ? K extends keyof Fs ? PathTarget<InferField<Fs[K]>, R> : never
    : never;

/** Where `Rest` leads inside a field with layout `L` (each member of a union of layouts in turn). */
type InLayout<L, Rest extends string> = L extends { readonly type: 'positional'; readonly fields: infer Fs }
  ? InKeyed<Fs, Rest, false>
  : L extends { readonly type: 'bitmapped'; readonly fields: infer Fs }
    ? InKeyed<Fs, Rest, true>
    : L extends { readonly type: 'tlv'; readonly leading: object }
      ? Rest extends 'leading' ? PathTarget<string, false> : InTlv<L, Rest>
      : L extends { readonly type: 'tlv' }
      ? InTlv<L, Rest>
      : L extends { readonly type: 'ber-tlv' }
        ? InBerTlv<L, Rest>
        : L extends { readonly type: 'track2' }
          ? Rest extends keyof Track2 ? PathTarget<string, false> : never
          : L extends { readonly type: 'track1' }
            ? Rest extends keyof Track1 ? PathTarget<Track1[Rest], false> : never
            : never;

/**
 * What the literal path `P` leads to in a message of spec `S`, `never` when `S` has no such path: `'55.9F26'` on
 * a spec with DE55 as BER-TLV gives `PathTarget<Uint8Array, true>`, `'35.pan'` on Track 2 `PathTarget<string, false>`.
 *
 * Why: the value type of `get` and `set` follows the spec, and an unknown literal path is a type error.
 */
export type PathTargetOf<S extends MessageSpec, P extends string> = P extends `${infer K extends number}.${infer Rest}`
  ? K extends keyof S['fields'] ? InLayout<FieldLayout<S['fields'][K]>, Rest> : never
  : P extends `${infer K extends number}`
    ? K extends keyof S['fields'] ? PathTarget<InferField<S['fields'][K]>, true> : never
    : never;

/** The paths inside layout `L`, spelled out where the spec names them (`${string}` where tags are open). */
type LayoutPaths<L> = L extends { readonly type: 'positional' | 'bitmapped'; readonly fields: infer Fs }
  ? number extends keyof Fs
    ? `${number}` | `${number}.${string}`
    : { [K in keyof Fs & number]: `${K}` | `${K}.${LayoutPaths<FieldLayout<Fs[K]>>}` }[keyof Fs & number]
  : L extends { readonly type: 'tlv' }
    ? (L extends { readonly leading: object } ? 'leading' : never) | (L extends { readonly unknownTags: 'reject'; readonly tags: infer Tags } ? keyof Tags & string : string)
    : L extends { readonly type: 'ber-tlv' }
      ? string
      : L extends { readonly type: 'track2' }
        ? keyof Track2
        : L extends { readonly type: 'track1' }
          ? keyof Track1
          : never;

/**
 * Every path of spec `S`: each data element number, and inside structured fields their subfields, tags, a TLV's
 * leading part and Track 2 parts (`'127.2'`, `'48.01'`, `'48.leading'`, `` `55.${string}` ``, `'35.pan'`).
 *
 * Why: a union to name paths by in user code; {@link PathTargetOf} is the exact check (BER-TLV tags are hex).
 */
export type PathOf<S extends MessageSpec> = number extends keyof S['fields']
  ? `${number}` | `${number}.${string}`
  : { [K in keyof S['fields'] & number]: `${K}` | `${K}.${LayoutPaths<FieldLayout<S['fields'][K]>>}` }[keyof S['fields'] & number];

/**
 * The type a path argument takes: a literal path of `S` as it is, any `string` (a path computed at run time,
 * checked then), and for a literal that is no path of `S` a text type naming the mistake, so the call does not
 * compile.
 */
export type PathArg<S extends MessageSpec, P extends string> = string extends P
  ? P
  : [PathTargetOf<S, P>] extends [never]
    ? `${P} is not a path of the spec`
    : P;

/** Like {@link PathArg}, also refusing a literal path to a required part (a positional subfield, a Track 2 part). */
export type RemovablePathArg<S extends MessageSpec, P extends string> = string extends P
  ? P
  : [PathTargetOf<S, P>] extends [never]
    ? `${P} is not a path of the spec`
    : true extends PathTargetOf<S, P>['removable']
      ? P
      : `${P} is a required part: set its field whole instead`;

/** The value type at path `P` of spec `S`: by the spec for a literal path, any {@link FieldValue} for a `string`. */
export type ValueAt<S extends MessageSpec, P extends string> = string extends P ? FieldValue : PathTargetOf<S, P>['value'];
