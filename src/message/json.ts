import { toHex } from '../codecs/hex-digits.js';
import { ErrorCode } from '../errors/codes.js';
import type { BerTlv, Dataset, FieldSpec, FieldValue, LeadingTlv, Message, MessageSpec, TlvEntry, Track1, Track2 } from '../spec/types.js';
import { validateFieldSpec } from '../spec/validate-spec.js';
import { checkedSpec, guarded, own, readMessage, readValue } from './read-message.js';

/** JSON form of a field value: binary as uppercase hex, structures as objects and arrays of the same. */
export type JSONValue = string | { [key: string]: JSONValue } | JSONValue[];

/**
 * A message in JSON form: binary values (kind `b`, binary headers, BER-TLV primitives) are uppercase hex strings.
 * `masked: true` marks JSON whose card data was replaced by masks (`messageToMaskedJSON`): it cannot be encoded.
 */
export interface MessageJSON {
  /**
   * Present (and `true`) only when values were replaced by masks; `messageFromJSON` refuses such JSON, and JSON
   * whose `masked` is anything else (`false` included): JSON in clear has no `masked` key.
   */
  masked?: true;
  /** Four-digit MTI. */
  mti: string;
  /** Header as text, or as hex for a binary header. */
  header?: string;
  /** Field values by number. */
  fields: { [field: string]: JSONValue };
}

function berToJSON(list: BerTlv[]): JSONValue {
  return list.map((e) => ({ tag: e.tag, value: e.value instanceof Uint8Array ? toHex(e.value) : berToJSON(e.value) }));
}

/** The JSON form of a checked value (a copy made by `readValue`, so no user code runs here). */
function toJSONValue(value: FieldValue, spec: FieldSpec | undefined): JSONValue {
  if (value instanceof Uint8Array) return toHex(value);
  if (typeof value === 'string') return value;
  const layout = spec?.subfields;
  switch (layout?.type) {
    case 'ber-tlv':
      return berToJSON(value as BerTlv[]);
    case 'tlv': {
      const entries = (list: TlvEntry[]): JSONValue => list.map((e) => ({ tag: e.tag, value: toJSONValue(e.value, own(layout.tags, e.tag)) }));
      if (layout.leading === undefined) return entries(value as TlvEntry[]);
      const led = value as LeadingTlv;
      return { leading: led.leading, entries: entries(led.entries) };
    }
    case 'dataset':
      return (value as Dataset[]).map((d) => ({ id: d.id, elements: d.elements.map((e) => ({ tag: e.tag, value: toHex(e.value) })) }));
    case 'track2': {
      const t = value as Track2;
      return { pan: t.pan, expiry: t.expiry, serviceCode: t.serviceCode, discretionary: t.discretionary };
    }
    case 'track1': {
      const t = value as Track1;
      return { formatCode: t.formatCode, pan: t.pan, name: t.name, expiry: t.expiry, serviceCode: t.serviceCode, discretionary: t.discretionary };
    }
    default: {
      const fields = layout?.type === 'positional' || layout?.type === 'bitmapped' ? layout.fields : {};
      const out: { [key: string]: JSONValue } = {};
      for (const [k, v] of Object.entries(value as Record<string, FieldValue>)) out[k] = toJSONValue(v, own(fields as Record<string, FieldSpec>, k));
      return out;
    }
  }
}

const checkedFieldSpecs = new WeakSet<object>();

/** A field spec that passed `validateFieldSpec` (once per object: later calls find it in a weak set). */
export function checkedFieldSpec(spec: unknown, path: string): FieldSpec {
  if (typeof spec === 'object' && spec !== null && checkedFieldSpecs.has(spec)) return spec as FieldSpec;
  validateFieldSpec(spec, path);
  checkedFieldSpecs.add(spec);
  return spec;
}

/**
 * The JSON form of one field value, guided by its spec.
 *
 * Why: logs or stores a single field (DE55, say) in the same form `messageToJSON` gives the whole message. Like
 * it, it throws only `Iso8583Error` (`INVALID_VALUE_TYPE` for a value of the wrong shape), for any input.
 *
 * @example
 * ```ts
 * valueToJSON(new Uint8Array([0x01, 0x02]), presets.iso87ascii.fields[52]); // '0102'
 * ```
 */
export function valueToJSON(value: FieldValue, spec: FieldSpec | undefined): JSONValue {
  return guarded(ErrorCode.INVALID_MESSAGE, () => {
    const checked = spec === undefined ? undefined : checkedFieldSpec(spec, 'value');
    return toJSONValue(readValue(value, checked, undefined), checked);
  });
}

/**
 * The JSON form of a message that `readMessage` has checked and copied.
 *
 * Why: `messageToJSON` and `messageToMaskedJSON` share it, so the two forms differ only by their masks.
 */
export function checkedMessageToJSON(message: Message, spec: MessageSpec): MessageJSON {
  const out: MessageJSON = { mti: message.mti, fields: {} };
  if (message.header !== undefined) out.header = message.header instanceof Uint8Array ? toHex(message.header) : message.header;
  for (const [key, value] of Object.entries(message.fields)) {
    if (value !== undefined) out.fields[key] = toJSONValue(value, own(spec.fields as Record<string, FieldSpec>, key));
  }
  return out;
}

/**
 * Turns a decoded message into plain JSON data, writing binary values as uppercase hex.
 *
 * Why: JSON has no byte type; the CLI, fixtures and logs need one agreed, reversible text form. Every value is
 * in clear: for logs use `describe` or `messageToMaskedJSON`. Throws only `Iso8583Error`, for any input: a value
 * of the wrong shape for its field spec is `INVALID_VALUE_TYPE`, a key that is not a data element number
 * `INVALID_MESSAGE`, a field the spec lacks `UNKNOWN_FIELD`, an object whose getters or proxy traps throw
 * `INVALID_MESSAGE` (their text is not kept).
 *
 * @example
 * ```ts
 * console.log(JSON.stringify(messageToJSON(codec.decode(frame), presets.iso87ascii)));
 * ```
 */
export function messageToJSON(message: Message, spec: MessageSpec): MessageJSON {
  return guarded(ErrorCode.INVALID_MESSAGE, () => {
    const checked = checkedSpec(spec);
    return checkedMessageToJSON(readMessage(message, checked), checked);
  });
}
