import { toHex } from '../codecs/hex-digits.js';
import { isRecord, own } from '../message/read-message.js';
import type { BerTlv, Dataset, DatasetLayout, FieldSpec, FieldValue, LeadingTlv, Message, MessageSpec, TlvEntry, TlvLayout, Track1, Track2 } from '../spec/types.js';
import { EMV_TAGS } from '../subfields/emv-tags.js';
import { hidden, maskPan } from './mask.js';
import type { DisplaySettings } from './options.js';

/**
 * What a message looks like once masked: a tree of display nodes that `describe` prints as lines and
 * `messageToMaskedJSON` writes as JSON, so the two can never disagree about what is hidden.
 *
 * The rule: a value is shown in clear when its own spec says `sensitive: false`, or when it says nothing and no
 * field around it is sensitive; `sensitive: 'pan'` shows the PAN's first 6 (or 8) and last 4 digits; anything
 * else is replaced by its size. Inside a sensitive field, then, every TLV entry, BER-TLV tag (by the layout's
 * dictionary, else the EMV dictionary) and subfield is hidden unless declared non-sensitive. Track 2 (the
 * `track2` layout and EMV tags 57 and 9F6B), Track 1 (the `track1` layout) and the EMV PAN (5A) are card data by
 * definition: they are masked whatever a spec declares (a track's PAN by the PAN rule, its other parts by size;
 * Track 1's format code `B` says nothing of the card and shows).
 */

/** A value as shown: its text (a mask, or the value with bytes in hex) and whether it was masked. */
export interface Leaf {
  readonly kind: 'leaf';
  /** The mask, or the value itself (bytes as uppercase hex). */
  readonly text: string;
  /** `describe` quotes clear text values so that spaces and control characters show. */
  readonly quoted: boolean;
  /** True when `text` replaces the value. */
  readonly masked: boolean;
}

/**
 * A structure: `record` (subfields by number, Track 2 by part), `list` (TLV and BER-TLV entries by tag), or
 * `led-list` (TLV with a leading part: the entry `leading` first, then the entries by tag, so paths read `48.01`).
 */
export interface Group {
  readonly kind: 'record' | 'list' | 'led-list';
  /** What `describe` prints on the structure's own line, e.g. `(BER-TLV, 3 objects)`. */
  readonly summary: string;
  readonly entries: readonly Entry[];
}

/** One member of a structure, or one field of the message. */
export interface Entry {
  /** Subfield number, Track 2 part or tag. */
  readonly key: string;
  readonly description: string | undefined;
  readonly node: Leaf | Group;
}

/** A whole message as shown. */
export interface Shown {
  readonly mti: Leaf;
  readonly header: Leaf | undefined;
  readonly fields: readonly Entry[];
}

/** EMV tags holding a PAN, shown like a PAN field whatever the dictionary says. */
const PAN_TAGS = new Set(['5A']);
/** EMV tags holding Track 2 (equivalent data, contactless track 2), always hidden. */
const TRACK_TAGS = new Set(['57', '9F6B']);

type Display = 'clear' | 'pan' | 'hidden';

/** How a value with sensitivity `declared` shows, inside a sensitive field or not. */
function displayOf(declared: unknown, inSensitive: boolean): Display {
  if (declared === false) return 'clear';
  if (declared === undefined) return inSensitive ? 'hidden' : 'clear';
  return declared === 'pan' ? 'pan' : 'hidden';
}

/** Whether the members of a structure with sensitivity `declared` are inside a sensitive field. */
function innerSensitive(declared: unknown, inSensitive: boolean): boolean {
  return inSensitive || (declared !== undefined && declared !== false);
}

function clear(text: string, quoted: boolean): Leaf {
  return { kind: 'leaf', text, quoted, masked: false };
}

function masked(text: string): Leaf {
  return { kind: 'leaf', text, quoted: false, masked: true };
}

function hide(value: string | Uint8Array): Leaf {
  return masked(hidden(value.length, typeof value === 'string' ? 'chars' : 'bytes'));
}

function scalar(value: string | Uint8Array, display: Display, settings: DisplaySettings, quoted = true): Leaf {
  if (settings.unmask || display === 'clear') return typeof value === 'string' ? clear(value, quoted) : clear(toHex(value), false);
  if (display === 'pan' && typeof value === 'string') return masked(maskPan(value, settings.bin));
  return hide(value);
}

/** One part of a track: clear when unmasked, the PAN by the PAN rule, every other part hidden by size. */
function trackPart(settings: DisplaySettings) {
  return (key: string, description: string, value: string, quoted: boolean, pan = false): Entry => ({
    key,
    description,
    node: settings.unmask ? clear(value, quoted) : pan ? masked(maskPan(value, settings.bin)) : hide(value),
  });
}

function track2(t: Track2, settings: DisplaySettings): Group {
  const part = trackPart(settings);
  return {
    kind: 'record',
    summary: '(track 2)',
    entries: [
      part('pan', 'PAN', t.pan, false, true),
      part('expiry', 'Expiry (YYMM)', t.expiry, false),
      part('serviceCode', 'Service code', t.serviceCode, false),
      part('discretionary', 'Discretionary data', t.discretionary, true),
    ],
  };
}

function track1(t: Track1, settings: DisplaySettings): Group {
  const part = trackPart(settings);
  return {
    kind: 'record',
    summary: '(track 1)',
    entries: [
      { key: 'formatCode', description: 'Format code', node: clear(t.formatCode, false) },
      part('pan', 'PAN', t.pan, false, true),
      part('name', 'Cardholder name', t.name, true),
      part('expiry', 'Expiry (YYMM)', t.expiry, false),
      part('serviceCode', 'Service code', t.serviceCode, false),
      part('discretionary', 'Discretionary data', t.discretionary, true),
    ],
  };
}

/** A dictionary entry's declarations, read defensively: BER-TLV dictionaries are not checked by `validateSpec`. */
function tagInfo(dictionary: unknown, tag: string): { description: string | undefined; sensitive: unknown } {
  const entry = (isRecord(dictionary) ? own(dictionary, tag) : undefined) ?? own(EMV_TAGS, tag);
  if (!isRecord(entry)) return { description: undefined, sensitive: undefined };
  return { description: typeof entry.description === 'string' ? entry.description : undefined, sensitive: entry.sensitive };
}

function ber(list: readonly BerTlv[], dictionary: unknown, inSensitive: boolean, settings: DisplaySettings): Entry[] {
  return list.map(({ tag, value }) => {
    const info = tagInfo(dictionary, tag);
    if (Array.isArray(value)) {
      const entries = ber(value, dictionary, innerSensitive(info.sensitive, inSensitive), settings);
      return { key: tag, description: info.description, node: { kind: 'list', summary: `(constructed, ${value.length} objects)`, entries } };
    }
    let node: Leaf;
    if (settings.unmask) node = clear(toHex(value), false);
    else if (PAN_TAGS.has(tag)) node = masked(maskPan(toHex(value).replace(/F+$/, ''), settings.bin));
    else if (TRACK_TAGS.has(tag)) node = hide(value);
    else node = scalar(value, displayOf(info.sensitive, inSensitive), settings);
    return { key: tag, description: info.description, node };
  });
}

/**
 * Datasets: each dataset a list of its elements, shown as bytes. A dataset's `sensitive` in the layout's
 * `datasets` is the declaration of each of its elements: `true` hides them, `false` shows them even inside a
 * sensitive field, none leaves them to the field.
 */
function datasets(list: readonly Dataset[], layout: DatasetLayout, inSensitive: boolean, settings: DisplaySettings): Entry[] {
  return list.map(({ id, elements }) => {
    const info = own(layout.datasets, id);
    const display = displayOf(info?.sensitive, inSensitive);
    const entries = elements.map(({ tag, value }) => ({ key: tag, description: undefined, node: scalar(value, display, settings) }));
    return { key: id, description: info?.description, node: { kind: 'list', summary: `(dataset, ${elements.length} elements)`, entries } };
  });
}

function tlv(list: readonly TlvEntry[], layout: TlvLayout, inSensitive: boolean, settings: DisplaySettings): Entry[] {
  return list.map(({ tag, value }) => {
    const spec = own(layout.tags, tag);
    return { key: tag, description: spec?.description, node: node(value, spec, inSensitive, settings) };
  });
}

/** The display node of a checked value (a copy from `readValue`), under the masking rule. */
function node(value: FieldValue, spec: FieldSpec | undefined, inSensitive: boolean, settings: DisplaySettings): Leaf | Group {
  const declared = spec?.sensitive;
  const layout = spec?.subfields;
  const inner = innerSensitive(declared, inSensitive);
  switch (layout?.type) {
    case undefined:
      return scalar(value as string | Uint8Array, displayOf(declared, inSensitive), settings);
    case 'track2':
      return track2(value as Track2, settings);
    case 'track1':
      return track1(value as Track1, settings);
    case 'ber-tlv': {
      const list = value as BerTlv[];
      return { kind: 'list', summary: `(BER-TLV, ${list.length} objects)`, entries: ber(list, layout.tags, inner, settings) };
    }
    case 'tlv': {
      if (layout.leading === undefined) {
        const list = value as TlvEntry[];
        return { kind: 'list', summary: `(TLV, ${list.length} entries)`, entries: tlv(list, layout, inner, settings) };
      }
      // The leading part is data of the field: hidden inside a sensitive one, like an entry that declares nothing.
      const { leading, entries: list } = value as LeadingTlv;
      const first: Entry = { key: 'leading', description: 'Leading part', node: scalar(leading, displayOf(undefined, inner), settings) };
      return { kind: 'led-list', summary: `(TLV, leading part and ${list.length} entries)`, entries: [first, ...tlv(list, layout, inner, settings)] };
    }
    case 'dataset': {
      const list = value as Dataset[];
      return { kind: 'list', summary: `(datasets, ${list.length})`, entries: datasets(list, layout, inner, settings) };
    }
    case 'positional':
    case 'bitmapped': {
      const fields = layout.fields as Record<string, FieldSpec>;
      const entries = Object.entries(value as Record<string, FieldValue>).map(([key, v]) => {
        const sub = own(fields, key);
        return { key, description: sub?.description, node: node(v, sub, inner, settings) };
      });
      return { kind: 'record', summary: '', entries };
    }
  }
}

/**
 * Shows a message that `readMessage` has checked and copied against `spec`.
 *
 * The MTI is shown in clear when it is four digits (it cannot hold card data then), else by its size; the header
 * is routing data, shown in clear.
 */
export function show(message: Message, spec: MessageSpec, settings: DisplaySettings): Shown {
  const mti = settings.unmask || /^[0-9]{4}$/.test(message.mti) ? clear(message.mti, false) : hide(message.mti);
  const header = message.header === undefined ? undefined : scalar(message.header, 'clear', settings);
  const fields = Object.entries(message.fields).map(([key, value]) => {
    const fieldSpec = own(spec.fields as Record<string, FieldSpec>, key);
    return { key, description: fieldSpec?.description, node: node(value!, fieldSpec, false, settings) };
  });
  return { mti, header, fields };
}
