import { hexOrUndefined } from '../codecs/hex-digits.js';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import { KIND_ALPHABETS } from '../spec/kinds.js';
import type { BerTlvLayout, FieldSpec, MessageSpec, SubfieldLayout, TlvLayout } from '../spec/types.js';
import { isWellFormedTag } from '../subfields/ber-tag.js';
import { EMV_TAGS } from '../subfields/emv-tags.js';

/**
 * The kind of container one step of a path indexes into: the message's field table, an object of subfields
 * (positional or bitmapped), a list of TLV or BER-TLV entries, the `{ leading, entries }` of TLV with a leading
 * part (`tlv-leading` reads its `leading`, `tlv-entries` a tag of its `entries`), or a Track 2 or Track 1 object.
 */
export type ContainerKind = 'fields' | 'positional' | 'bitmapped' | 'tlv' | 'tlv-leading' | 'tlv-entries' | 'ber-tlv' | 'track2' | 'track1';

/** One resolved segment of a path: which container it reads and the key it reads there. */
export interface PathStep {
  /** What the step reads from. */
  readonly container: ContainerKind;
  /** A field or subfield number, a TLV or BER-TLV tag, or a Track 2 part name. */
  readonly key: number | string;
  /** The path of the container the step reads from (`''` for the field table), for errors. */
  readonly parent: string;
  /** The path up to and including this step, for errors. */
  readonly path: string;
}

const TRACK2_PARTS: ReadonlySet<string> = new Set(['pan', 'expiry', 'serviceCode', 'discretionary']);
const TRACK1_PARTS: ReadonlySet<string> = new Set(['formatCode', 'pan', 'name', 'expiry', 'serviceCode', 'discretionary']);

/** Paths resolved per spec; a spec used with paths computed at run time keeps at most this many. */
const MAX_CACHED = 1024;
const cache = new WeakMap<MessageSpec, Map<string, readonly PathStep[]>>();

function unknown(detail: string, where: string): Iso8583Error {
  // `where` is the part of the path the spec knows: field numbers, tags it accepted, part names. The rest is never
  // quoted: a path is the caller's text and could hold anything.
  return new Iso8583Error(ErrorCode.UNKNOWN_PATH, detail, where === '' ? {} : { field: where });
}

/** A decimal subfield or field number spelled canonically (`"2"`, never `"02"` or `"2.0"`), else `undefined`. */
function numberKey(segment: string): number | undefined {
  const n = Number(segment);
  return segment !== '' && Number.isInteger(n) && n > 0 && String(n) === segment ? n : undefined;
}

/** What the remaining segments may still name: inside a field spec, inside constructed BER-TLV, or nothing. */
type Place = { readonly at: 'field'; readonly spec: FieldSpec } | { readonly at: 'ber'; readonly layout: BerTlvLayout } | { readonly at: 'leaf' };

function tlvTag(layout: TlvLayout, tag: string, where: string): void {
  let printable = tag.length === layout.tagLength;
  for (let i = 0; printable && i < tag.length; i++) printable = KIND_ALPHABETS.ans[tag.charCodeAt(i)] === 1;
  if (!printable) throw unknown(`a tag of this TLV layout is ${layout.tagLength} printable characters`, where);
  if (layout.unknownTags === 'reject' && (layout.tags === undefined || !Object.hasOwn(layout.tags, tag))) {
    throw unknown('the TLV layout rejects unknown tags and does not define this one', where);
  }
}

/** Checks a BER-TLV tag segment; returns whether the tag is constructed. */
function berTag(layout: BerTlvLayout, tag: string, where: string): boolean {
  const bytes = /^[0-9A-F]+$/.test(tag) ? hexOrUndefined(tag) : undefined;
  if (bytes === undefined || !isWellFormedTag(bytes)) throw unknown('a BER-TLV tag is a well-formed tag in uppercase hex', where);
  if (layout.unknownTags === 'reject' && !Object.hasOwn(layout.tags ?? EMV_TAGS, tag)) {
    throw unknown('the BER-TLV layout rejects unknown tags and does not know this one', where);
  }
  return (bytes[0]! & 0x20) !== 0;
}

/** The step for `segment` inside a field with `layout`, and what the next segment may name. */
function stepInto(layout: SubfieldLayout, segment: string, where: string): { step: Omit<PathStep, 'parent' | 'path'>; next: Place } {
  switch (layout.type) {
    case 'positional':
    case 'bitmapped': {
      const n = numberKey(segment);
      const spec = n === undefined || !Object.hasOwn(layout.fields, n) ? undefined : layout.fields[n];
      if (n === undefined || spec === undefined) throw unknown('the layout defines no subfield with this number', where);
      return { step: { container: layout.type, key: n }, next: { at: 'field', spec } };
    }
    case 'tlv':
      // A tag has at most 4 characters, so the segment `leading` names the leading part and never a tag.
      if (layout.leading !== undefined && segment === 'leading') return { step: { container: 'tlv-leading', key: segment }, next: { at: 'leaf' } };
      tlvTag(layout, segment, where);
      return { step: { container: layout.leading === undefined ? 'tlv' : 'tlv-entries', key: segment }, next: { at: 'leaf' } };
    case 'ber-tlv':
      return { step: { container: 'ber-tlv', key: segment }, next: berTag(layout, segment, where) ? { at: 'ber', layout } : { at: 'leaf' } };
    case 'dataset':
      // Datasets repeat ids and tags freely and nest two levels: no path names one of their values yet.
      throw unknown('paths do not reach inside datasets; read the list of datasets', where);
    case 'track2':
      if (!TRACK2_PARTS.has(segment)) throw unknown('Track 2 has the parts pan, expiry, serviceCode and discretionary', where);
      return { step: { container: 'track2', key: segment }, next: { at: 'leaf' } };
    case 'track1':
      if (!TRACK1_PARTS.has(segment)) throw unknown('Track 1 has the parts formatCode, pan, name, expiry, serviceCode and discretionary', where);
      return { step: { container: 'track1', key: segment }, next: { at: 'leaf' } };
  }
}

function resolve(spec: MessageSpec, path: string): readonly PathStep[] {
  const segments = path.split('.');
  const n = numberKey(segments[0]!);
  const field = n === undefined || !Object.hasOwn(spec.fields, n) ? undefined : spec.fields[n];
  if (n === undefined || field === undefined) throw unknown('the path does not start with a field number the spec defines', '');
  let where = String(n);
  const steps: PathStep[] = [{ container: 'fields', key: n, parent: '', path: where }];
  let place: Place = { at: 'field', spec: field };
  for (const segment of segments.slice(1)) {
    let layout: SubfieldLayout | undefined;
    if (place.at === 'ber') layout = place.layout;
    else if (place.at === 'field') layout = place.spec.subfields;
    if (layout === undefined) throw unknown('the value at this path has no parts', where);
    const { step, next } = stepInto(layout, segment, where);
    const parent = where;
    where = `${where}.${segment}`;
    steps.push({ ...step, parent, path: where });
    place = next;
  }
  return steps;
}

/**
 * Resolves `path` against a validated `spec` into the steps that reach its value; throws `UNKNOWN_PATH` naming the
 * part of the path the spec knows when a segment names nothing.
 *
 * Why: the path is checked against the spec, not against one message, so a misspelt path fails even on a message
 * that lacks the field; steps are cached per spec because the same few paths are used on every message.
 */
export function resolvePath(spec: MessageSpec, path: string): readonly PathStep[] {
  let table = cache.get(spec);
  if (table === undefined) {
    table = new Map();
    cache.set(spec, table);
  }
  const known = table.get(path);
  if (known !== undefined) return known;
  const steps = resolve(spec, path);
  if (table.size < MAX_CACHED) table.set(path, steps);
  return steps;
}
