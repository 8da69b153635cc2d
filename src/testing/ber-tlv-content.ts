import fc from 'fast-check';
import type { BerTlv, BerTlvLayout } from '../spec/types.js';
import { berTagFromHex } from '../subfields/ber-tag.js';
import { EMV_TAGS } from '../subfields/emv-tags.js';
import type { Content } from './scalar-shape.js';
import { has, normalize, repeated, type Sizes, union } from './sizes.js';
import { type EntryKind, listOfSize } from './tape.js';

/** Bytes of a BER length: one below 0x80, else 0x81–0x84 and the length's own bytes. */
function berLengthBytes(n: number): number {
  if (n < 0x80) return 1;
  let bytes = 0;
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes++;
  return 1 + bytes;
}

/** The wire sizes of one entry with a `tagBytes`-byte tag whose value takes any size of `values`. */
function berEntrySizes(tagBytes: number, values: Sizes): Sizes {
  const out: [number, number][] = [];
  // berLengthBytes is constant between these bounds, so each piece of each interval maps to one interval.
  const bounds = [0, 0x80, 0x100, 0x10000, 0x1000000, 0x100000000];
  for (const [lo, hi] of values) {
    for (let k = 0; k < bounds.length - 1; k++) {
      const a = Math.max(lo, bounds[k]!);
      const b = Math.min(hi, bounds[k + 1]! - 1);
      if (a <= b) out.push([tagBytes + berLengthBytes(a) + a, tagBytes + berLengthBytes(b) + b]);
    }
  }
  return normalize(out);
}

/** The value size of an entry of `bytes` bytes with a `tagBytes`-byte tag, if one fits exactly and is in `values`. */
function berValueSize(tagBytes: number, bytes: number, values: Sizes): number {
  for (let l = 1; l <= 5; l++) {
    const n = bytes - tagBytes - l;
    if (n >= 0 && berLengthBytes(n) === l && has(values, n)) return n;
  }
  throw new RangeError(`no entry of ${bytes} bytes`);
}

/**
 * Primitive tags beyond any dictionary (two to eight bytes, the longest the codec reads), tried when the layout
 * keeps unknown tags.
 */
const UNKNOWN_PRIMITIVE = ['DF01', 'DF8101', '9F7F', '1F20', 'DF818101', '5F8180808001', 'DFFFFFFFFFFFFF7F'];
/** Constructed tags beyond any dictionary, tried when the layout keeps unknown tags. */
const UNKNOWN_CONSTRUCTED = ['E1', 'BF0C', 'FF818101'];

/**
 * BER-TLV (EMV DE55): primitive entries holding bytes, and constructed entries holding a list of primitive ones;
 * dictionary tags, and when the layout keeps them, tags beyond it.
 */
export function berTlvContent(layout: BerTlvLayout, cap: number): Content {
  const dictionary = Object.keys(layout.tags ?? EMV_TAGS);
  const tags = layout.unknownTags === 'reject' ? dictionary : [...dictionary, ...UNKNOWN_PRIMITIVE, ...UNKNOWN_CONSTRUCTED];
  // Tags grouped by their byte length and form: entries of one group take the same sizes.
  const groups = new Map<string, { tagBytes: number; constructed: boolean; tags: string[] }>();
  for (const tag of new Set(tags)) {
    const bytes = berTagFromHex(tag);
    if (bytes === undefined) continue;
    const constructed = (bytes[0]! & 0x20) !== 0;
    const key = `${bytes.length}${constructed ? 'c' : 'p'}`;
    const group = groups.get(key) ?? { tagBytes: bytes.length, constructed, tags: [] };
    group.tags.push(tag);
    groups.set(key, group);
  }
  const all = [...groups.values()];
  const anyBytes = normalize([[0, cap]]);
  const primitive: EntryKind<BerTlv>[] = all
    .filter((g) => !g.constructed)
    .map((g) => ({
      sizes: berEntrySizes(g.tagBytes, anyBytes),
      ofSize: (bytes) => {
        const n = berValueSize(g.tagBytes, bytes, anyBytes);
        return fc.record({ tag: fc.constantFrom(...g.tags), value: fc.uint8Array({ minLength: n, maxLength: n }) });
      },
    }));
  const inner = repeated(union(...primitive.map((k) => k.sizes)), cap);
  const constructed: EntryKind<BerTlv>[] = all
    .filter((g) => g.constructed)
    .map((g) => ({
      sizes: berEntrySizes(g.tagBytes, inner),
      ofSize: (bytes) => {
        const n = berValueSize(g.tagBytes, bytes, inner);
        return fc.record({ tag: fc.constantFrom(...g.tags), value: listOfSize(primitive, inner, n) });
      },
    }));
  const kinds = [...primitive, ...constructed];
  const reachable = repeated(union(...kinds.map((k) => k.sizes)), cap);
  return { sizes: reachable, ofSize: (bytes) => listOfSize(kinds, reachable, bytes) };
}
