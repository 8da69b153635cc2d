import { hexOrUndefined } from '../codecs/hex-digits.js';
import { getConverter } from '../codecs/registry.js';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import type { BerTlv, Dataset, DatasetLayout, FieldSpec, FieldValue, Message, MessageSpec, ScalarValue, TlvEntry, TlvLayout } from '../spec/types.js';
import { BER_TAG_TEXT } from '../subfields/ber-tag.js';
import { checkedFieldSpec } from './json.js';
import {
  berTag,
  checkedSpec,
  guarded,
  isNumberKey,
  isRecord,
  MAX_BER_DEPTH,
  own,
  readDatasets,
  readList,
  readValue,
  subPath,
  typeName,
} from './read-message.js';

function hexOrFail(hex: unknown, field: string): Uint8Array {
  const bytes = typeof hex === 'string' ? hexOrUndefined(hex) : undefined;
  if (bytes === undefined) {
    throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, 'binary values must be written as hex', { field });
  }
  return bytes;
}

function berFromJSON(json: unknown, field: string, depth: number): BerTlv[] {
  if (depth > MAX_BER_DEPTH) throw new Iso8583Error(ErrorCode.INVALID_TLV, 'constructed tags nested too deep', { field });
  return readList(json, field, 'BER-TLV').map((e) => {
    const { tag: rawTag, value } = e;
    const tag = berTag(rawTag);
    if (tag === undefined) throw new Iso8583Error(ErrorCode.INVALID_TLV, BER_TAG_TEXT, { field });
    const tagPath = subPath(field, tag.tag);
    if (!tag.constructed) return { tag: tag.tag, value: hexOrFail(value, tagPath) };
    if (!Array.isArray(value)) {
      throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, `a constructed tag holds an array of children, got ${typeName(value)}`, { field: tagPath });
    }
    return { tag: tag.tag, value: berFromJSON(value, tagPath, depth + 1) };
  });
}

/** Datasets from JSON: element values are hex; ids, tags and the layout's rules are checked as for a message. */
function datasetsFromJSON(json: unknown, layout: DatasetLayout, field: string): Dataset[] {
  if (!Array.isArray(json)) throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, `dataset value must be an array of { id, elements }, got ${typeName(json)}`, { field });
  const withBytes = (json as unknown[]).map((d) => {
    if (!isRecord(d)) return d;
    const { elements } = d;
    if (!Array.isArray(elements)) return d;
    // Ids and tags enter an error's path only once they are hex of their width: other text could be card data.
    const hex = (text: unknown, bytes: number): string | undefined =>
      typeof text === 'string' && text.length === 2 * bytes && /^[0-9A-Fa-f]+$/.test(text) ? text.toUpperCase() : undefined;
    const id = hex(d.id, 1);
    return {
      id: d.id,
      elements: (elements as unknown[]).map((e) => {
        if (!isRecord(e)) return e;
        const tag = hex(e.tag, layout.tagBytes);
        return { tag: e.tag, value: hexOrFail(e.value, id === undefined || tag === undefined ? field : `${field}.${id}.${tag}`) };
      }),
    };
  });
  return readDatasets(withBytes, layout, field);
}

/** TLV entries from JSON: tags of the layout's length, known tags' values by their specs, unknown ones as text. */
function tlvFromJSON(json: unknown, layout: TlvLayout, field: string): TlvEntry[] {
  return readList(json, field, 'TLV').map((e) => {
    const { tag, value } = e;
    if (typeof tag !== 'string' || tag.length !== layout.tagLength) {
      throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, `each TLV tag must be a string of ${layout.tagLength} characters`, { field });
    }
    const tagPath = subPath(field, tag);
    const tagSpec = own(layout.tags, tag);
    // A TLV tag's spec never has subfields (validateSpec), so its value reads as a string or bytes.
    if (tagSpec !== undefined) return { tag, value: fromJSONValue(value, tagSpec, tagPath) as ScalarValue };
    if (layout.unknownTags === 'reject') throw new Iso8583Error(ErrorCode.UNKNOWN_TAG, 'tag is not in the layout', { field: tagPath });
    if (typeof value !== 'string') {
      throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, `an unknown tag holds a string, got ${typeName(value)}`, { field: tagPath });
    }
    return { tag, value };
  });
}

function fromJSONValue(json: unknown, spec: FieldSpec, field: string): FieldValue {
  const layout = spec.subfields;
  switch (layout?.type) {
    case undefined:
      if (typeof json !== 'string') {
        throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, `value must be a string, got ${typeName(json)}`, { field });
      }
      return spec.kind === 'b' ? hexOrFail(json, field) : json;
    case 'ber-tlv':
      return berFromJSON(json, field, 0);
    case 'dataset':
      return datasetsFromJSON(json, layout, field);
    case 'tlv': {
      if (layout.leading === undefined) return tlvFromJSON(json, layout, field);
      if (!isRecord(json)) throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, `TLV value with a leading part must be an object { leading, entries }, got ${typeName(json)}`, { field });
      const { leading, entries } = json;
      if (typeof leading !== 'string') throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, `the leading part must be a string, got ${typeName(leading)}`, { field: subPath(field, 'leading') });
      return { leading, entries: tlvFromJSON(entries, layout, field) };
    }
    case 'track2':
    case 'track1':
      return readValue(json, spec, field);
    case 'positional':
    case 'bitmapped': {
      if (!isRecord(json)) {
        throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, `subfields must be an object, got ${typeName(json)}`, { field });
      }
      const out: Record<number, FieldValue> = {};
      for (const k of Object.keys(json)) {
        const v = json[k];
        if (v === undefined) continue;
        if (!isNumberKey(k)) throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, 'subfield keys must be subfield numbers', { field });
        const sub = own(layout.fields as Record<string, FieldSpec>, k);
        if (sub === undefined) throw new Iso8583Error(ErrorCode.UNKNOWN_FIELD, 'the layout does not define this subfield', { field: `${field}.${k}` });
        out[Number(k)] = fromJSONValue(v, sub, `${field}.${k}`);
      }
      return out;
    }
    default:
      throw new Iso8583Error(ErrorCode.INVALID_SPEC, 'unknown subfield layout', { field });
  }
}

/**
 * Reads the JSON form of one field value back, guided by its spec.
 *
 * Why: the inverse of `valueToJSON`; `field` names the field in the `Iso8583Error` thrown for bad input,
 * the only error it throws.
 *
 * @example
 * ```ts
 * valueFromJSON('0102', presets.iso87ascii.fields[52], '52'); // Uint8Array [0x01, 0x02]
 * ```
 */
export function valueFromJSON(json: unknown, spec: FieldSpec, field: string): FieldValue {
  return guarded(ErrorCode.INVALID_MESSAGE, () => {
    if (typeof field !== 'string') throw new Iso8583Error(ErrorCode.INVALID_OPTION, `valueFromJSON: field must be a string naming the field, got ${typeName(field)}`);
    return fromJSONValue(json, checkedFieldSpec(spec, field), field);
  });
}

/**
 * Reads the JSON form of a message back into a message the codec can encode (hex → bytes where the spec says
 * binary).
 *
 * Why: the inverse of `messageToJSON`; used by the CLI's `encode` and by fixture tests. Masked JSON
 * (`"masked": true`, from `messageToMaskedJSON` or `iso8583 decode` without `--unmask`) is refused with
 * `INVALID_MESSAGE`: its card data is gone. Any other `masked` value (`false` included) is refused too, with a text
 * saying the key must be absent: only `true` is ever written, and a flipped marker cannot make masks card data
 * again. Throws only `Iso8583Error`, for any input.
 *
 * @example
 * ```ts
 * const bytes = codec.encode(messageFromJSON(JSON.parse(text), presets.iso87ascii));
 * ```
 */
export function messageFromJSON(json: unknown, spec: MessageSpec): Message {
  return guarded(ErrorCode.INVALID_MESSAGE, () => {
    const checked = checkedSpec(spec);
    if (!isRecord(json)) throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, `message must be an object, got ${typeName(json)}`);
    const { masked, mti, header, fields } = json;
    // The marker is written only as `true`, by messageToMaskedJSON. Any other value was written by someone else,
    // who cannot say whether the values are masks: "[hidden, 76 chars]" would encode as text in an ans field.
    if (masked === true) {
      throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, 'masked JSON cannot be encoded: its card data was replaced by masks');
    }
    if (masked !== undefined) {
      throw new Iso8583Error(
        ErrorCode.INVALID_MESSAGE,
        `"masked" must be absent: JSON in clear has no "masked" key, and masked JSON ("masked": true) cannot be encoded; got ${typeName(masked)}`,
      );
    }
    if (typeof mti !== 'string') throw new Iso8583Error(ErrorCode.INVALID_MTI, 'mti must be a string', { field: 'mti' });
    if (!isRecord(fields)) throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, `fields must be an object, got ${typeName(fields)}`);
    const out: Message = { mti, fields: {} };
    if (header !== undefined) {
      if (checked.header === undefined) throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, 'the spec defines no header', { field: 'header' });
      if (typeof header !== 'string') throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, 'header must be a string', { field: 'header' });
      out.header = getConverter(checked.header.encoding).valueType === 'bytes' ? hexOrFail(header, 'header') : header;
    }
    for (const key of Object.keys(fields)) {
      const value = fields[key];
      if (value === undefined) continue;
      if (!isNumberKey(key) || Number(key) > 192) throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, 'field keys must be data element numbers');
      const fieldSpec = own(checked.fields as Record<string, FieldSpec>, key);
      if (fieldSpec === undefined) throw new Iso8583Error(ErrorCode.UNKNOWN_FIELD, 'the spec does not define this field', { field: key });
      out.fields[Number(key)] = fromJSONValue(value, fieldSpec, key);
    }
    return out;
  });
}
