import type {
  BerTlvLayout,
  BitmapSpec,
  ConditionalRule,
  DatasetLayout,
  FieldSpec,
  FixedPad,
  HeaderSpec,
  MessageSpec,
  MtiRule,
  MtiSpec,
  NibblePad,
  RuleCondition,
  SubfieldLayout,
} from './types.js';

/**
 * Each subfield layout of the format, by its `type`.
 *
 * Why: derived from `SubfieldLayout`, so a layout added to the union is in both key checks' list at once.
 */
export type LayoutShapes = { readonly [T in SubfieldLayout['type']]: Extract<SubfieldLayout, { readonly type: T }> };

/**
 * The object types of the spec format, by the place they stand in a spec: the one list that the compile-time key
 * check (`StrictSpec`, src/spec/strict.ts) and the run-time one (`checkSpecKeys`, src/spec/spec-keys.ts) share.
 *
 * Why: both checks refuse a key that its object's type lacks; naming the types here once keeps the two checks over
 * the same objects, so neither can start checking a type the other has forgotten.
 */
export interface SpecShapes {
  readonly spec: MessageSpec;
  readonly header: HeaderSpec;
  readonly mti: MtiSpec;
  readonly bitmap: BitmapSpec;
  readonly field: FieldSpec;
  readonly pad: FixedPad;
  readonly nibblePad: NibblePad;
  readonly rule: MtiRule;
  readonly conditional: ConditionalRule;
  readonly condition: RuleCondition;
  readonly layout: LayoutShapes;
  /** The bitmap of a bitmapped subfield layout. */
  readonly subBitmap: LayoutShapes['bitmapped']['bitmap'];
  /** The leading part of a TLV layout that has one. */
  readonly tlvLeading: NonNullable<LayoutShapes['tlv']['leading']>;
  /** The entry of one tag in a BER-TLV layout. */
  readonly berTag: NonNullable<BerTlvLayout['tags']>[string];
  /** The entry of one dataset in a dataset layout. */
  readonly dataset: NonNullable<DatasetLayout['datasets']>[string];
}
