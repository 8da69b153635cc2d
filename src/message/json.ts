import { getConverter } from '../codecs/registry.js';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import type { FieldValue, Message, MessageSpec } from '../spec/types.js';
import { describeType } from './compile-field.js';

/** A message in JSON form: binary values (kind `b`, binary headers) are uppercase hex strings. */
export interface MessageJSON {
  /** Four-digit MTI. */
  mti: string;
  /** Header as text, or as hex for a binary header. */
  header?: string;
  /** Field values by number; binary ones as hex. */
  fields: { [field: string]: string };
}

/** Uppercase hex of a byte array. */
export function toHex(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += (bytes[i]! < 16 ? '0' : '') + bytes[i]!.toString(16);
  return s.toUpperCase();
}

/** Parses hex text (either case, even length, no separators) into bytes; returns `undefined` if it is not hex. */
export function fromHex(hex: string): Uint8Array | undefined {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) return undefined;
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/**
 * Turns a decoded message into plain JSON data, writing binary values as uppercase hex.
 *
 * Why: JSON has no byte type; the CLI, fixtures and logs need one agreed, reversible text form.
 */
export function messageToJSON(message: Message, spec: MessageSpec): MessageJSON {
  const out: MessageJSON = { mti: message.mti, fields: {} };
  if (message.header !== undefined) {
    out.header = message.header instanceof Uint8Array ? toHex(message.header) : message.header;
  }
  for (const [key, value] of Object.entries(message.fields)) {
    if (value === undefined) continue;
    out.fields[key] = value instanceof Uint8Array ? toHex(value) : value;
    if (spec.fields[Number(key)] === undefined) {
      throw new Iso8583Error(ErrorCode.UNKNOWN_FIELD, 'the spec does not define this field', { field: key });
    }
  }
  return out;
}

/**
 * Reads the JSON form of a message back into a message the codec can encode (hex → bytes for kind `b`).
 *
 * Why: the inverse of {@link messageToJSON}; used by the CLI's `encode` and by fixture tests.
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
    if (typeof value !== 'string') {
      throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, `value must be a string, got ${describeType(value)}`, {
        field: key,
      });
    }
    const v: FieldValue = fieldSpec.kind === 'b' ? hexOrFail(value, key) : value;
    out.fields[Number(key)] = v;
  }
  return out;
}

function hexOrFail(hex: string, field: string): Uint8Array {
  const bytes = fromHex(hex);
  if (bytes === undefined) {
    throw new Iso8583Error(ErrorCode.INVALID_VALUE_TYPE, 'binary values must be written as hex', { field });
  }
  return bytes;
}
