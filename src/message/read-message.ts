import { copyBytes, typedArrayTag } from '../codecs/copy-bytes.js';
import { getConverter } from '../codecs/registry.js';
import { describeType } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error, isIso8583Error } from '../errors/iso8583-error.js';
import type { BerTlv, Dataset, DatasetLayout, FieldSpec, FieldValue, LeadingTlv, Message, MessageSpec, ScalarValue } from '../spec/types.js';
import type { TlvEntry, TlvLayout, Track1, Track2 } from '../spec/types.js';
import { validateSpec } from '../spec/validate-spec.js';
import { BER_TAG_TEXT, berTagFromHex } from '../subfields/ber-tag.js';

/**
 * Reading a message object that nobody vouches for: a plain copy, checked against the spec, or an `Iso8583Error`.
 *
 * Invariants of the copy: only own enumerable keys are read, each property exactly once (a getter that answers
 * differently on a second read changes nothing); strings stay strings; byte values are fresh `Uint8Array`s copied
 * through the typed-array internals (a subclass overriding `length`, or a proxy, cannot lie about them); BER-TLV
 * nests at most {@link MAX_BER_DEPTH} deep, so a cyclic array is refused instead of recursed into. Error texts
 * name types, keys that are field numbers and lengths, never a value.
 */

/** Constructed BER-TLV tags nest at most this deep, as in the codec. */
export const MAX_BER_DEPTH = 8;

/** Names a value's type for an error text, without showing the value and without running its code. */
export function typeName(value: unknown): string {
  return describeType(value);
}

/** Tells whether `value` is an object that may hold keyed data: not null, not an array, not a typed array. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && typedArrayTag(value) === undefined;
}

/** Own property lookup: a key such as `constructor` or `__proto__` never reaches `Object.prototype`. */
export function own<T>(table: { readonly [key: string]: T } | undefined, key: string): T | undefined {
  return table !== undefined && Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

/** A data element number as a message key is spelled: `"2"`…`"192"`, no sign, no leading zero. */
const FIELD_KEY = /^[1-9][0-9]{0,2}$/;

/**
 * Tells whether `key` is spelled as a field or subfield number (`"1"`…`"999"`); such a key is safe to quote in an
 * error, since it cannot hold card data.
 */
export function isNumberKey(key: string): boolean {
  return FIELD_KEY.test(key);
}

/** Parses an uppercase or lowercase hex BER tag and checks its form (`isWellFormedTag`), as the codec accepts. */
export function berTag(tag: unknown): { readonly tag: string; readonly constructed: boolean } | undefined {
  const bytes = berTagFromHex(tag, true);
  if (bytes === undefined) return undefined;
  return { tag: (tag as string).toUpperCase(), constructed: (bytes[0]! & 0x20) !== 0 };
}

/** `parent.child`, or `child` alone at the top. */
export function subPath(parent: string | undefined, child: string): string {
  return parent === undefined ? child : `${parent}.${child}`;
}

function wrongType(detail: string, field: string | undefined): Iso8583Error {
  return new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, detail, { field });
}

const validated = new WeakSet<object>();

/**
 * Validates a spec once per spec object (as `createCodec` does) and returns it; `INVALID_SPEC` otherwise.
 *
 * Why: `describe` and the JSON functions walk the spec's layouts, which must be the checked, finite kind.
 */
export function checkedSpec(spec: unknown): MessageSpec {
  if (typeof spec === 'object' && spec !== null && validated.has(spec)) return spec as MessageSpec;
  const checked = validateSpec(spec);
  validated.add(checked);
  return checked;
}

/**
 * Runs `fn`, letting an `Iso8583Error` through and replacing anything else (a throwing getter, a revoked proxy, a
 * stack overflow) by an `Iso8583Error` with `code` and no trace of the original text, which could quote a value.
 */
export function guarded<T>(code: ErrorCode, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isIso8583Error(e)) throw e;
    throw new Iso8583Error(code, 'input could not be read');
  }
}

function readScalar(value: unknown, spec: FieldSpec | undefined, path: string | undefined): string | Uint8Array {
  if (typeof value === 'string') {
    if (spec?.kind === 'b') throw wrongType('value must be a Uint8Array, got a string', path);
    return value;
  }
  const bytes = copyBytes(value);
  if (bytes === undefined) {
    throw wrongType(`value must be ${spec === undefined ? 'a string or a Uint8Array' : spec.kind === 'b' ? 'a Uint8Array' : 'a string'}, got ${typeName(value)}`, path);
  }
  if (spec !== undefined && spec.kind !== 'b') throw wrongType('value must be a string, got a Uint8Array', path);
  return bytes;
}

function readTrack2(value: unknown, path: string | undefined): Track2 {
  if (!isRecord(value)) throw wrongType(`track 2 must be an object { pan, expiry, serviceCode, discretionary }, got ${typeName(value)}`, path);
  const { pan, expiry, serviceCode, discretionary } = value;
  if (typeof pan !== 'string' || typeof expiry !== 'string' || typeof serviceCode !== 'string' || typeof discretionary !== 'string') {
    throw wrongType('track 2 parts pan, expiry, serviceCode and discretionary must be strings', path);
  }
  return { pan, expiry, serviceCode, discretionary };
}

function readTrack1(value: unknown, path: string | undefined): Track1 {
  if (!isRecord(value)) throw wrongType(`track 1 must be an object { formatCode, pan, name, expiry, serviceCode, discretionary }, got ${typeName(value)}`, path);
  const { formatCode, pan, name, expiry, serviceCode, discretionary } = value;
  if (formatCode !== 'B') throw wrongType('track 1 formatCode must be "B"', path);
  if (typeof pan !== 'string' || typeof name !== 'string' || typeof expiry !== 'string' || typeof serviceCode !== 'string' || typeof discretionary !== 'string') {
    throw wrongType('track 1 parts pan, name, expiry, serviceCode and discretionary must be strings', path);
  }
  return { formatCode, pan, name, expiry, serviceCode, discretionary };
}

/** Checks that `value` is an array of objects (TLV or BER-TLV entries) and copies the list. */
export function readList(value: unknown, path: string | undefined, what: string): Record<string, unknown>[] {
  if (!Array.isArray(value)) throw wrongType(`${what} value must be an array of { tag, value }, got ${typeName(value)}`, path);
  const list = value as unknown[];
  const out: Record<string, unknown>[] = [];
  const length = list.length;
  for (let i = 0; i < length; i++) {
    const entry = list[i];
    if (!isRecord(entry)) throw wrongType(`each ${what} entry must be an object { tag, value }, got ${typeName(entry)}`, path);
    out.push(entry);
  }
  return out;
}

function readBer(value: unknown, path: string | undefined, depth: number): BerTlv[] {
  if (depth > MAX_BER_DEPTH) throw new Iso8583Error(ErrorCode.INVALID_TLV, 'constructed tags nested too deep', { field: path });
  return readList(value, path, 'BER-TLV').map((entry) => {
    const { tag: rawTag, value: inner } = entry;
    const tag = berTag(rawTag);
    if (tag === undefined) throw new Iso8583Error(ErrorCode.INVALID_TLV, BER_TAG_TEXT, { field: path });
    const tagPath = subPath(path, tag.tag);
    if (tag.constructed) return { tag: tag.tag, value: readBer(inner, tagPath, depth + 1) };
    const bytes = copyBytes(inner);
    if (bytes === undefined) throw wrongType(`a primitive tag holds a Uint8Array, got ${typeName(inner)}`, tagPath);
    return { tag: tag.tag, value: bytes };
  });
}

/** A checked copy of TLV data: the list of entries, or `{ leading, entries }` for a layout with a leading part. */
function readTlvValue(value: unknown, layout: TlvLayout, path: string | undefined): TlvEntry[] | LeadingTlv {
  if (layout.leading === undefined) return readTlv(value, layout, path);
  if (!isRecord(value)) throw wrongType(`TLV value with a leading part must be an object { leading, entries }, got ${typeName(value)}`, path);
  const { leading, entries } = value;
  if (typeof leading !== 'string') throw wrongType(`the leading part must be a string, got ${typeName(leading)}`, subPath(path, 'leading'));
  return { leading, entries: readTlv(entries, layout, path) };
}

function readTlv(value: unknown, layout: TlvLayout, path: string | undefined): TlvEntry[] {
  return readList(value, path, 'TLV').map((entry) => {
    const { tag, value: inner } = entry;
    if (typeof tag !== 'string' || tag.length !== layout.tagLength) {
      throw wrongType(`each TLV tag must be a string of ${layout.tagLength} characters`, path);
    }
    const tagPath = subPath(path, tag);
    const tagSpec = own(layout.tags, tag);
    if (tagSpec === undefined && layout.unknownTags === 'reject') {
      throw new Iso8583Error(ErrorCode.UNKNOWN_TAG, 'tag is not in the layout', { field: tagPath });
    }
    if (tagSpec === undefined && typeof inner !== 'string') throw wrongType(`an unknown tag holds a string, got ${typeName(inner)}`, tagPath);
    // A TLV tag's spec never has subfields (validateSpec), so its value reads as a string or bytes.
    return { tag, value: tagSpec === undefined ? (inner as string) : (readValue(inner, tagSpec, tagPath) as ScalarValue) };
  });
}

/** The uppercase form of `text` when it is `bytes` bytes of hex (either case), else undefined. */
function hexName(text: unknown, bytes: number): string | undefined {
  return typeof text === 'string' && text.length === 2 * bytes && /^[0-9A-Fa-f]+$/.test(text) ? text.toUpperCase() : undefined;
}

/** A checked copy of a list of datasets: ids of one byte and tags of `tagBytes` bytes in hex, values as bytes. */
export function readDatasets(value: unknown, layout: DatasetLayout, path: string | undefined): Dataset[] {
  if (!Array.isArray(value)) throw wrongType(`dataset value must be an array of { id, elements }, got ${typeName(value)}`, path);
  const list = value as unknown[];
  const out: Dataset[] = [];
  const length = list.length;
  for (let i = 0; i < length; i++) {
    const entry = list[i];
    if (!isRecord(entry)) throw wrongType(`each dataset must be an object { id, elements }, got ${typeName(entry)}`, path);
    const { id: rawId, elements } = entry;
    const id = hexName(rawId, 1);
    if (id === undefined) throw wrongType('each dataset id must be one byte in hex', path);
    const datasetPath = subPath(path, id);
    if (layout.unknownDatasets === 'reject' && own(layout.datasets, id) === undefined) {
      throw new Iso8583Error(ErrorCode.UNKNOWN_TAG, 'dataset is not in the layout', { field: datasetPath });
    }
    const copied = readList(elements, datasetPath, 'dataset element').map((element) => {
      const tag = hexName(element.tag, layout.tagBytes);
      if (tag === undefined) throw wrongType(`each element tag must be ${layout.tagBytes} byte(s) in hex`, datasetPath);
      const bytes = copyBytes(element.value);
      if (bytes === undefined) throw wrongType(`an element holds a Uint8Array, got ${typeName(element.value)}`, subPath(datasetPath, tag));
      return { tag, value: bytes };
    });
    out.push({ id, elements: copied });
  }
  return out;
}

function readSubfields(value: unknown, fields: { readonly [n: number]: FieldSpec }, path: string | undefined): Record<number, FieldValue> {
  if (!isRecord(value)) throw wrongType(`value must be an object of subfields, got ${typeName(value)}`, path);
  const out: Record<number, FieldValue> = {};
  for (const key of Object.keys(value)) {
    const inner = value[key];
    if (inner === undefined) continue;
    if (!isNumberKey(key)) throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, 'subfield keys must be subfield numbers', { field: path });
    const sub = own(fields as { readonly [key: string]: FieldSpec }, key);
    if (sub === undefined) throw new Iso8583Error(ErrorCode.UNKNOWN_FIELD, 'the layout does not define this subfield', { field: subPath(path, key) });
    out[Number(key)] = readValue(inner, sub, subPath(path, key));
  }
  return out;
}

/**
 * A checked copy of one field value, shaped as `spec` says (its layout, and a string or bytes by its kind); with no
 * spec, a string or bytes. `path` names the field in errors.
 */
export function readValue(value: unknown, spec: FieldSpec | undefined, path: string | undefined): FieldValue {
  const layout = spec?.subfields;
  switch (layout?.type) {
    case undefined:
      return readScalar(value, spec, path);
    case 'track2':
      return readTrack2(value, path);
    case 'track1':
      return readTrack1(value, path);
    case 'ber-tlv':
      return readBer(value, path, 0);
    case 'tlv':
      return readTlvValue(value, layout, path);
    case 'dataset':
      return readDatasets(value, layout, path);
    case 'positional':
    case 'bitmapped':
      return readSubfields(value, layout.fields, path);
    default:
      throw new Iso8583Error(ErrorCode.INVALID_SPEC, 'unknown subfield layout', { field: path });
  }
}

/**
 * A checked copy of a whole message against a validated spec: `mti` a string, a header only where the spec has
 * one (a string or bytes as its encoding says), field keys that are data element numbers the spec defines, and
 * each value shaped as its field spec says. Fields set to `undefined` are left out.
 */
export function readMessage(message: unknown, spec: MessageSpec): Message {
  if (!isRecord(message)) throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, `message must be an object, got ${typeName(message)}`);
  const { mti, header, fields } = message;
  if (typeof mti !== 'string') throw new Iso8583Error(ErrorCode.INVALID_MTI, `MTI must be a string, got ${typeName(mti)}`, { field: 'mti' });
  if (!isRecord(fields)) throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, `message.fields must be an object, got ${typeName(fields)}`);
  const out: Message = { mti, fields: {} };
  if (header !== undefined) {
    if (spec.header === undefined) throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, 'the spec defines no header', { field: 'header' });
    const headerIsBytes = getConverter(spec.header.encoding).valueType === 'bytes';
    const copy = headerIsBytes ? copyBytes(header) : typeof header === 'string' ? header : undefined;
    if (copy === undefined) throw wrongType(`header must be ${headerIsBytes ? 'a Uint8Array' : 'a string'}, got ${typeName(header)}`, 'header');
    out.header = copy;
  }
  for (const key of Object.keys(fields)) {
    const value = fields[key];
    if (value === undefined) continue;
    if (!isNumberKey(key) || Number(key) > 192) throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, 'field keys must be data element numbers');
    const fieldSpec = own(spec.fields as { readonly [key: string]: FieldSpec }, key);
    if (fieldSpec === undefined) throw new Iso8583Error(ErrorCode.UNKNOWN_FIELD, 'the spec does not define this field', { field: key });
    out.fields[Number(key)] = readValue(value, fieldSpec, key);
  }
  return out;
}
