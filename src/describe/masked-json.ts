import { ErrorCode } from '../errors/codes.js';
import { type JSONValue, type MessageJSON } from '../message/json.js';
import { checkedSpec, guarded, readMessage } from '../message/read-message.js';
import type { Message, MessageSpec } from '../spec/types.js';
import { type Group, type Leaf, show } from './display.js';
import { readDisplayOptions } from './options.js';

/** Options of {@link messageToMaskedJSON}. */
export interface MaskedJSONOptions {
  /** Leading PAN digits to show: 6 (default) or 8, which applies only to PANs of 16 digits or more. */
  readonly binLength?: 6 | 8 | undefined;
}

function toJSON(node: Leaf | Group, found: { masked: boolean }): JSONValue {
  if (node.kind === 'leaf') {
    if (node.masked) found.masked = true;
    return node.text;
  }
  const list = (entries: Group['entries']): JSONValue => entries.map((e) => ({ tag: e.key, value: toJSON(e.node, found) }));
  if (node.kind === 'list') return list(node.entries);
  // TLV with a leading part, as messageToJSON writes it: { leading, entries }.
  if (node.kind === 'led-list') return { leading: toJSON(node.entries[0]!.node, found), entries: list(node.entries.slice(1)) };
  const out: { [key: string]: JSONValue } = {};
  for (const e of node.entries) out[e.key] = toJSON(e.node, found);
  return out;
}

/**
 * The JSON form of a message (as {@link messageToJSON} gives it) with card data masked the way `describe` masks it:
 * a PAN becomes its masked digits (`"411111******1111"`), any other hidden value its size (`"[hidden, 8 bytes]"`),
 * Track 2 an object of masked parts. When anything was masked the JSON starts with `"masked": true`, and
 * `messageFromJSON` refuses it: the card data is gone, so it cannot be encoded again. A message with nothing to
 * mask gives exactly `messageToJSON`'s output.
 *
 * Why: `iso8583 decode` prints JSON that scripts and terminals keep; a PAN or a PIN block in it would be in clear
 * wherever that output ends up. Throws only `Iso8583Error`, like `describe`, for any input.
 *
 * @example
 * ```ts
 * messageToMaskedJSON(codec.decode(frame), presets.iso87ascii);
 * // { masked: true, mti: '0100', fields: { 2: '411111******1111', 52: '[hidden, 8 bytes]', … } }
 * ```
 */
export function messageToMaskedJSON(message: Message, spec: MessageSpec, options: MaskedJSONOptions = {}): MessageJSON {
  return guarded(ErrorCode.INVALID_MESSAGE, () => {
    const settings = readDisplayOptions('messageToMaskedJSON', options, ['binLength']);
    const checked = checkedSpec(spec);
    const shown = show(readMessage(message, checked), checked, settings);
    const found = { masked: shown.mti.masked };
    const fields: { [field: string]: JSONValue } = {};
    for (const e of shown.fields) fields[e.key] = toJSON(e.node, found);
    const out: MessageJSON = { mti: shown.mti.text, fields };
    if (shown.header !== undefined) out.header = shown.header.text;
    return found.masked ? { masked: true, ...out } : out;
  });
}
