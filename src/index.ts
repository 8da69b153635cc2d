/**
 * iso8583-codec: ISO 8583 message codec driven by a declarative, JSON-serialisable spec table.
 *
 * @module iso8583-codec
 */
export { ErrorCode } from './errors/codes.js';
export { type ErrorLocation, Iso8583Error, isIso8583Error } from './errors/iso8583-error.js';
export type {
  BitmapSpec,
  FieldKind,
  FieldSpec,
  FieldValue,
  FixedPad,
  HeaderSpec,
  LengthUnit,
  Message,
  MessageSpec,
  MtiSpec,
  NibblePad,
  PadSide,
  ScalarValue,
  StructuredValue,
  SubfieldLayout,
  PositionalLayout,
  BitmappedLayout,
  TlvLayout,
  TlvLeading,
  BerTlvLayout,
  DatasetLayout,
  Track2Layout,
  Track1Layout,
  TlvEntry,
  LeadingTlv,
  BerTlv,
  Dataset,
  DatasetElement,
  Track2,
  MessageRules,
  MtiRule,
  ConditionalRule,
  RuleCondition,
} from './spec/types.js';
export type { ConverterClass, ConverterName, ConverterRegistry, PrefixName } from './spec/names.js';
export type { Only, StrictField, StrictFields, StrictLayout, StrictConditionals, StrictLayoutTable, StrictMtiRule, StrictRules, StrictSpec, StrictTags, StrictWhen } from './spec/strict.js';
export { specFromJSON, specToJSON } from './spec/spec-json.js';
export { importJposPackager, type JposImportOptions } from './import/jpos-packager.js';
export { importMoovSpec, type MoovEbcdicCodePage, type MoovImportOptions } from './import/moov-spec.js';
export { importPyiso8583Spec, type Pyiso8583ImportOptions } from './import/pyiso8583-spec.js';
export { describe, type DescribeOptions } from './describe/describe.js';
export { hidden, maskPan } from './describe/mask.js';
export { type MaskedJSONOptions, messageToMaskedJSON } from './describe/masked-json.js';
export { EMV_TAGS } from './subfields/emv-tags.js';
export { formatTrack1, parseTrack1, type Track1 } from './subfields/track1.js';
export { formatTrack2, parseTrack2 } from './subfields/track2.js';
export type { HeaderValue, Infer, InferField, InferHeader, InferLayout } from './spec/infer.js';
export { defineSpec } from './spec/define-spec.js';
export { validateSpec, validateFieldSpec } from './spec/validate-spec.js';
export { FIELD_KINDS, KIND_ALPHABETS, type CharTable } from './spec/kinds.js';
export {
  asciiConverter,
  bcdConverter,
  binaryConverter,
  type ConvertContext,
  type Converter,
  type SpecializedConverter,
  type PackedNibbles,
  converterNames,
  ebcdic037Converter,
  ebcdic1047Converter,
  ebcdic500Converter,
  getConverter,
  hasConverter,
  hexConverter,
  registerConverter,
} from './codecs/index.js';
export { parsePrefix, type PrefixShape } from './prefixes/length-prefix.js';
export { type Codec, createCodec, type DecodeOptions, type FieldsOf, type PeekResult } from './message/codec.js';
export { checkRules, type RuleViolation } from './rules/check-rules.js';
export { ISO03_RULES } from './rules/iso03-rules.js';
export { ISO87_RULES } from './rules/iso87-rules.js';
export { ISO93_RULES } from './rules/iso93-rules.js';
export { type WithoutRules, type WithRules, withoutRules, withRules } from './rules/with-rules.js';
export {
  type CodecSet,
  type CodecSetOptions,
  createCodecSet,
  type InferSet,
  type MtiOfKey,
  type SpecsByMti,
} from './message/codec-set.js';
export {
  adviceMti,
  isRepeatMti,
  isResponseMti,
  type MtiParts,
  mtiParts,
  type MtiVersionYear,
  repeatMti,
  responseMti,
} from './message/mti.js';
export { RESPONSE_ECHO_FIELDS, type ResponseOptions, responseTo } from './message/response.js';
export { type FieldPaths, fieldPaths } from './paths/field-paths.js';
export type { PathArg, PathOf, PathTarget, PathTargetOf, RemovablePathArg, ValueAt } from './paths/path-types.js';
export { fromHex, toHex } from './codecs/hex-digits.js';
export { type JSONValue, type MessageJSON, messageToJSON, valueToJSON } from './message/json.js';
export { messageFromJSON, valueFromJSON } from './message/json-from.js';
export { parseHexText } from './message/hex-text.js';
export {
  buildIso87Preset,
  type Iso87Dialect,
  type Iso87Encoding,
  type Iso87Element,
  type Iso87Fields,
  type Iso87Kinds,
  type Iso87Preset,
  ISO87_ELEMENTS,
  iso87ascii,
  iso87binary,
  iso87ebcdic,
  type DataElement,
  type PresetFields,
  type Iso93Kinds,
  type Iso93Preset,
  ISO93_ELEMENTS,
  iso93ascii,
  iso93binary,
  type Iso03Kinds,
  type Iso03Preset,
  ISO03_ELEMENTS,
  iso03ascii,
  iso03binary,
  presets,
  type StructuredPresetOptions,
  type StructuredOptionChecks,
  structuredPreset,
  withSubfields,
  type Carrying,
  type De127DefaultFields,
  type De127Layout,
  type De127Subfield,
  type LayoutOf,
  type LayoutTable,
  type OnlyFieldsOf,
  type OptionOf,
  type StructuredLayouts,
  type StructuredPreset,
  type WithLayouts,
  type WithSubfields,
} from './presets/index.js';
