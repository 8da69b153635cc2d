import type { SpecShapes } from './spec-shapes.js';

/**
 * `T` with every key that `Shape` lacks typed `never`, so a value written there is a compile error at that key.
 *
 * Why: a generic `const` parameter takes an object literal as it is, extra keys included (no excess-property
 * check), so a typo such as `lenghtUnit` would pass silently; intersecting the parameter with this type puts the
 * error back where the typo is.
 */
export type Only<T, Shape> = T extends object ? { readonly [K in keyof T]: K extends keyof Shape ? T[K] : never } : T;

/** A field table whose keys must be field (or subfield) numbers, each row a {@link StrictField}. */
export type StrictFields<F> = {
  readonly [N in keyof F]: N extends number | `${number}` ? StrictField<F[N]> : never;
};

/** A field spec with only the keys of {@link FieldSpec}, its pad, nibble pad and layout checked the same way. */
export type StrictField<F> = F extends object
  ? {
      readonly [K in keyof F]: K extends 'pad'
        ? Only<F[K], SpecShapes['pad']>
        : K extends 'nibblePad'
          ? Only<F[K], SpecShapes['nibblePad']>
          : K extends 'subfields'
            ? StrictLayout<F[K]>
            : K extends keyof SpecShapes['field']
              ? F[K]
              : never;
    }
  : F;

/** TLV tag specs by tag, each a {@link StrictField}. */
export type StrictTags<T> = { readonly [K in keyof T]: StrictField<T[K]> };

/** A subfield layout with only the keys its `type` defines, its subfields and tags checked the same way. */
export type StrictLayout<L> = L extends { readonly type: 'positional' }
  ? { readonly [K in keyof L]: K extends 'fields' ? StrictFields<L[K]> : K extends keyof SpecShapes['layout']['positional'] ? L[K] : never }
  : L extends { readonly type: 'bitmapped' }
    ? {
        readonly [K in keyof L]: K extends 'fields'
          ? StrictFields<L[K]>
          : K extends 'bitmap'
            ? Only<L[K], SpecShapes['subBitmap']>
            : K extends keyof SpecShapes['layout']['bitmapped']
              ? L[K]
              : never;
      }
    : L extends { readonly type: 'tlv' }
      ? {
          readonly [K in keyof L]: K extends 'tags'
            ? StrictTags<L[K]>
            : K extends 'leading'
              ? Only<L[K], SpecShapes['tlvLeading']>
              : K extends keyof SpecShapes['layout']['tlv']
                ? L[K]
                : never;
        }
      : L extends { readonly type: 'ber-tlv' }
        ? {
            readonly [K in keyof L]: K extends 'tags'
              ? { readonly [T in keyof L[K]]: Only<L[K][T], SpecShapes['berTag']> }
              : K extends keyof SpecShapes['layout']['ber-tlv']
                ? L[K]
                : never;
          }
        : L extends { readonly type: 'dataset' }
          ? {
              readonly [K in keyof L]: K extends 'datasets'
                ? { readonly [T in keyof L[K]]: Only<L[K][T], SpecShapes['dataset']> }
                : K extends keyof SpecShapes['layout']['dataset']
                  ? L[K]
                  : never;
            }
          : L extends { readonly type: 'track2' }
            ? Only<L, SpecShapes['layout']['track2']>
            : L extends { readonly type: 'track1' }
              ? Only<L, SpecShapes['layout']['track1']>
              : L;

/**
 * A message spec with only the keys of {@link MessageSpec} at every level: the spec, its header, MTI, bitmap,
 * fields, each field's pads and layout, and the subfields and tags inside layouts.
 *
 * Why: `defineSpec` and the other functions that take a spec literal intersect their parameter with it, so a
 * misspelt key (`lenghtUnit`, `tertiery`) is a type error at the key instead of a setting silently ignored. The
 * one key allowed besides the format's is a top-level `$schema` (a string), where a JSON file names its schema, as
 * at run time.
 */
export type StrictSpec<S> = {
  readonly [K in keyof S]: K extends 'fields'
    ? StrictFields<S[K]>
    : K extends 'header'
      ? Only<S[K], SpecShapes['header']>
      : K extends 'mti'
        ? Only<S[K], SpecShapes['mti']>
        : K extends 'bitmap'
          ? Only<S[K], SpecShapes['bitmap']>
          : K extends 'rules'
            ? StrictRules<S[K]>
            : K extends keyof SpecShapes['spec']
              ? S[K]
              : K extends '$schema'
                ? string
                : never;
};

/** A condition (or list of conditions) with only the keys of {@link RuleCondition}. */
export type StrictWhen<W> = W extends readonly unknown[] ? { readonly [I in keyof W]: Only<W[I], SpecShapes['condition']> } : Only<W, SpecShapes['condition']>;

/**
 * Rules by MTI pattern with only the keys of {@link MtiRule}, each conditional entry with only the keys of
 * {@link ConditionalRule} and each condition with only those of {@link RuleCondition}.
 *
 * Why: `mandatroy: [11]` would otherwise type-check and leave DE11 unchecked until `validateSpec` runs.
 */
export type StrictRules<R> = { readonly [P in keyof R]: StrictMtiRule<R[P]> };

/** The rule of one MTI pattern with only the keys of {@link MtiRule}, its conditional entries checked. */
export type StrictMtiRule<M> = {
  readonly [K in keyof M]: K extends 'conditional' ? StrictConditionals<M[K]> : K extends keyof SpecShapes['rule'] ? M[K] : never;
};

/** Conditional entries with only the keys of {@link ConditionalRule}, their conditions checked. */
export type StrictConditionals<L> = {
  readonly [I in keyof L]: { readonly [C in keyof L[I]]: C extends 'when' ? StrictWhen<L[I][C]> : C extends keyof SpecShapes['conditional'] ? L[I][C] : never };
};

/** Subfield layouts by field number, each a {@link StrictLayout}. */
export type StrictLayoutTable<L> = { readonly [K in keyof L]: StrictLayout<L[K]> };
