import { getConverter } from '../codecs/registry.js';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import type { BerTlv, FieldSpec, FieldValue, Message, MessageSpec, TlvEntry } from '../spec/types.js';
import { describeType } from './compile-field.js';

/** JSON form of a field value: binary as uppercase hex, structures as objects and arrays of the same. */
export type JSONValue = string | { [key: string]: JSONValue } | JSONValue[];

/** A message in JSON form: binary values (kind `b`, binary headers, BER-TLV primitives) are uppercase hex strings. */
export interface MessageJSON {
  /** Four-digit MTI. */
  mti: string;
  /** Header as text, or as hex for a binary header. */
  header?: string;
  /** Field values by number. */
  fields: { [field: string]: JSONValue };
}

/**
 * Uppercase hex of a byte array.
 *
 * Why: binary fields travel through JSON and logs as hex; this needs no `Buffer`, so it runs in any runtime.
 *
 * @example
 * ```ts
 * toHex(new Uint8Array([0x9f, 0x02])); // '9F02'
 * ```
 */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += (bytes[i]! < 16 ? '0' : '') + bytes[i]!.toString(16);
  return s.toUpperCase();
}

/**
 * Parses hex text (either case, even length, no separators) into bytes; returns `undefined` if it is not hex.
 *
 * Why: returning `undefined` rather than throwing lets each caller raise the error its own input deserves.
 *
 * @example
 * ```ts
 * fromHex('9f02'); // Uint8Array [0x9f, 0x02]
 * fromHex('9f0');  // undefined
 * ```
 */
export function fromHex(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function berToJSON(list: BerTlv[]): JSONValue {
  return list.map((e) => ({ tag: e.tag, value: e.value instanceof Uint8Array ? toHex(e.value) : berToJSON(e.value) }));
}

/**
 * The JSON form of one field value, guided by its spec.
 *
 * Why: logs or stores a single field (DE55, say) in the same form `messageToJSON` gives the whole message.
 *
 * @example
 * ```ts
 * valueToJSON(new Uint8Array([0x01, 0x02]), presets.iso87ascii.fields[52]); // '0102'
 * ```
 */
export function valueToJSON(value: FieldValue, spec: FieldSpec | undefined): JSONValue {
  if (value instanceof Uint8Array) return toHex(value);
  if (typeof value === 'string') return value;
  const layout = spec?.subfields;
  if (layout?.type === 'ber-tlv') return berToJSON(value as BerTlv[]);
  if (layout?.type === 'tlv') {
    return (value as TlvEntry[]).map((e) => ({ tag: e.tag, value: valueToJSON(e.value, layout.tags?.[e.tag]) }));
  }
  if (layout?.type === 'positional' || layout?.type === 'bitmapped') {
    const out: { [key: string]: JSONValue } = {};
    for (const [k, v] of Object.entries(value as Record<string, FieldValue | undefined>)) {
      if (v !== undefined) out[k] = valueToJSON(v, layout.fields[Number(k)]);
    }
    return out;
  }
  return { ...(value as unknown as Record<string, string>) };
}

/**
 * Turns a decoded message into plain JSON data, writing binary values as uppercase hex.
 *
 * Why: JSON has no byte type; the CLI, fixtures and logs need one agreed, reversible text form.
 *
 * @example
 * ```ts
 * console.log(JSON.stringify(messageToJSON(codec.decode(frame), presets.iso87ascii)));
 * ```
 */
export function messageToJSON(message: Message, spec: MessageSpec): MessageJSON {
  const out: MessageJSON = { mti: message.mti, fields: {} };
  if (message.header !== undefined) {
    out.header = message.header instanceof Uint8Array ? toHex(message.header) : message.header;
  }
  for (const [key, value] of Object.entries(message.fields)) {
    if (value === undefined) continue;
    const fieldSpec = spec.fields[Number(key)];
    if (fieldSpec === undefined) {
      throw new Iso8583Error(ErrorCode.UNKNOWN_FIELD, 'the spec does not define this field', { field: key });
    }
    out.fields[key] = valueToJSON(value, fieldSpec);
  }
  return out;
}

function hexOrFail(hex: unknown, field: string): Uint8Array {
  const bytes = typeof hex === 'string' ? fromHex(hex) : undefined;
  if (bytes === undefined) {
    throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, 'binary values must be written as hex', { field });
  }
  return bytes;
}

function arrayOrFail(json: unknown, field: string): { tag?: unknown; value?: unknown }[] {
  if (!Array.isArray(json)) throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, `expected an array of { tag, value }, got ${describeType(json)}`, { field });
  return json as { tag?: unknown; value?: unknown }[];
}

function berFromJSON(json: unknown, field: string): BerTlv[] {
  return arrayOrFail(json, field).map((e) => ({
    tag: String(e?.tag),
    value: Array.isArray(e?.value) ? berFromJSON(e.value, `${field}.${String(e?.tag)}`) : hexOrFail(e?.value, `${field}.${String(e?.tag)}`),
  }));
}

/**
 * Reads the JSON form of one field value back, guided by its spec.
 *
 * Why: the inverse of {@link valueToJSON}; `field` names the field in the `Iso8583Error` thrown for bad input.
 *
 * @example
 * ```ts
 * valueFromJSON('0102', presets.iso87ascii.fields[52], '52'); // Uint8Array [0x01, 0x02]
 * ```
 */
export function valueFromJSON(json: unknown, spec: FieldSpec, field: string): FieldValue {
  const layout = spec.subfields;
  if (layout === undefined) {
    if (typeof json !== 'string') {
      throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, `value must be a string, got ${describeType(json)}`, { field });
    }
    return spec.kind === 'b' ? hexOrFail(json, field) : json;
  }
  switch (layout.type) {
    case 'ber-tlv':
      return berFromJSON(json, field);
    case 'tlv':
      return arrayOrFail(json, field).map((e) => {
        const tag = String(e?.tag);
        const tagSpec = layout.tags?.[tag];
        return { tag, value: tagSpec === undefined ? String(e?.value) : valueFromJSON(e?.value, tagSpec, `${field}.${tag}`) };
      });
    case 'track2':
      if (typeof json !== 'object' || json === null) {
        throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, 'track 2 must be an object', { field });
      }
      return { ...(json as { pan: string; expiry: string; serviceCode: string; discretionary: string }) };
    case 'positional':
    case 'bitmapped': {
      if (typeof json !== 'object' || json === null || Array.isArray(json)) {
        throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, `subfields must be an object, got ${describeType(json)}`, { field });
      }
      const out: Record<number, FieldValue> = {};
      for (const [k, v] of Object.entries(json as Record<string, unknown>)) {
        const sub = layout.fields[Number(k)];
        if (sub === undefined) throw new Iso8583Error(ErrorCode.UNKNOWN_FIELD, 'the layout does not define this subfield', { field: `${field}.${k}` });
        out[Number(k)] = valueFromJSON(v, sub, `${field}.${k}`);
      }
      return out;
    }
  }
}

/**
 * Reads the JSON form of a message back into a message the codec can encode (hex → bytes where the spec says
 * binary).
 *
 * Why: the inverse of {@link messageToJSON}; used by the CLI's `encode` and by fixture tests.
 *
 * @example
 * ```ts
 * const bytes = codec.encode(messageFromJSON(JSON.parse(text), presets.iso87ascii));
 * ```
 */
export function messageFromJSON(json: unknown, spec: MessageSpec): Message {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) {
    throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, `message must be an object, got ${describeType(json)}`);
  }
  const { mti, header, fields } = json as Record<string, unknown>;
  if (typeof mti !== 'string') throw new Iso8583Error(ErrorCode.INVALID_MTI, 'mti must be a string', { field: 'mti' });
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, 'fields must be an object');
  }
  const out: Message = { mti, fields: {} };
  if (header !== undefined) {
    if (typeof header !== 'string') {
      throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, 'header must be a string', { field: 'header' });
    }
    const binaryHeader = spec.header !== undefined && getConverter(spec.header.encoding).valueType === 'bytes';
    out.header = binaryHeader ? hexOrFail(header, 'header') : header;
  }
  for (const [key, value] of Object.entries(fields as Record<string, unknown>)) {
    const fieldSpec = spec.fields[Number(key)];
    if (fieldSpec === undefined) {
      throw new Iso8583Error(ErrorCode.UNKNOWN_FIELD, 'the spec does not define this field', { field: key });
    }
    out.fields[Number(key)] = valueFromJSON(value, fieldSpec, key);
  }
  return out;
}
