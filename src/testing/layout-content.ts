import fc from 'fast-check';
import { getConverter } from '../codecs/registry.js';
import { KIND_ALPHABETS } from '../spec/kinds.js';
import type { PrefixName } from '../spec/names.js';
import type { BerTlvLayout, BitmappedLayout, DatasetLayout, FieldSpec, FieldValue, PositionalLayout, TlvEntry, TlvLayout } from '../spec/types.js';
import { berTlvContent } from './ber-tlv-content.js';
import { datasetContent } from './dataset-content.js';
import { byWireSize, charsOf, type Content, scalarRules, type Shape, stringOf } from './scalar-shape.js';
import { has, leaving, normalize, plus, repeated, shift, type Sizes, union, ZERO } from './sizes.js';
import { chooseOptional, type EntryKind, listOfSize, optionalSums, Tape, TAPE } from './tape.js';

/**
 * The content of a container with this layout, up to `cap` bytes. Positional and bitmapped subfields are fields
 * again, shaped by `shapeOf` (the field shaper, passed in so this module never imports it back).
 */
export function layoutContent(
  layout: PositionalLayout | BitmappedLayout | TlvLayout | BerTlvLayout | DatasetLayout,
  cap: number,
  shapeOf: (field: FieldSpec) => Shape,
): Content {
  switch (layout.type) {
    case 'positional':
      return positionalContent(layout, cap, shapeOf);
    case 'bitmapped':
      return bitmappedContent(layout, cap, shapeOf);
    case 'tlv':
      return tlvContent(layout, cap);
    case 'ber-tlv':
      return berTlvContent(layout, cap);
    case 'dataset':
      return datasetContent(layout, cap);
  }
}

/** Positional subfields, all present, in number order. */
function positionalContent(layout: PositionalLayout, cap: number, shapeOf: (field: FieldSpec) => Shape): Content {
  const keys = Object.keys(layout.fields).map(Number).sort((a, b) => a - b);
  const parts = keys.map((n) => shapeOf(layout.fields[n]!));
  // rest[i]: the sizes subfields i… can fill together.
  const rest: Sizes[] = new Array(parts.length + 1);
  rest[parts.length] = ZERO;
  for (let i = parts.length - 1; i >= 0; i--) rest[i] = plus(parts[i]!.sizes, rest[i + 1]!, cap);
  return {
    sizes: rest[0]!,
    ofSize: (bytes) =>
      TAPE.chain((numbers) => {
        const tape = new Tape(numbers);
        const sizes: number[] = [];
        let left = bytes;
        for (let i = 0; i < parts.length; i++) {
          const x = tape.pick(leaving(parts[i]!.sizes, left, rest[i + 1]!), 'smallest');
          sizes.push(x);
          left -= x;
        }
        return fc.tuple(...parts.map((p, i) => p.ofSize(sizes[i]!))).map((values) => {
          const out: Record<number, FieldValue> = {};
          keys.forEach((k, i) => (out[k] = values[i]!));
          return out;
        });
      }),
  };
}

/** Bitmapped subfields: a sub-bitmap, a second one when a subfield above 64 is present, then the subfields. */
function bitmappedContent(layout: BitmappedLayout, cap: number, shapeOf: (field: FieldSpec) => Shape): Content {
  const bitmapBytes = layout.bitmap.format === 'binary' ? 8 : getConverter(layout.bitmap.encoding ?? 'ascii').byteLength(16);
  const keys = Object.keys(layout.fields).map(Number).sort((a, b) => a - b);
  const lowKeys = keys.filter((n) => n <= 64);
  const highKeys = layout.secondary === true ? keys.filter((n) => n > 64) : [];
  const low = lowKeys.map((n) => shapeOf(layout.fields[n]!));
  const high = highKeys.map((n) => shapeOf(layout.fields[n]!));
  const lowSums = optionalSums(low, cap);
  const highSums = optionalSums(high, cap);
  // Without a subfield above 64: one sub-bitmap; with one: two.
  const primaryOnly = shift(lowSums.any[0]!, bitmapBytes);
  const extended = shift(plus(lowSums.any[0]!, highSums.some[0]!, cap), 2 * bitmapBytes);
  return {
    sizes: normalize(union(primaryOnly, extended), cap),
    ofSize: (bytes) =>
      TAPE.chain((numbers) => {
        const tape = new Tape(numbers);
        const options = [has(primaryOnly, bytes), has(extended, bytes)];
        const ext = options[0] && options[1] ? tape.choose(2) === 1 : options[1] === true;
        const inner = bytes - (ext ? 2 : 1) * bitmapBytes;
        const highTotal = ext ? tape.pick(leaving(highSums.some[0]!, inner, lowSums.any[0]!), 'smallest') : 0;
        const lowSizes = chooseOptional(low, lowSums, inner - highTotal, false, tape);
        const highSizes = ext ? chooseOptional(high, highSums, highTotal, true, tape) : [];
        const picked: [number, fc.Arbitrary<FieldValue>][] = [];
        lowSizes.forEach((x, i) => x !== undefined && picked.push([lowKeys[i]!, low[i]!.ofSize(x)]));
        highSizes.forEach((x, i) => x !== undefined && picked.push([highKeys[i]!, high[i]!.ofSize(x)]));
        return fc.tuple(...picked.map(([, a]) => a)).map((values) => {
          const out: Record<number, FieldValue> = {};
          picked.forEach(([k], i) => (out[k] = values[i]!));
          return out;
        });
      }),
  };
}

/**
 * Text TLV: tags of `tagLength` characters, lengths of `lengthDigits` digits, values of the tag's spec; with a
 * leading part, `{ leading, entries }` of its characters first.
 */
function tlvContent(layout: TlvLayout, cap: number): Content {
  const maxLength = 10 ** layout.lengthDigits - 1;
  // Tags, lengths and unknown tags' values travel as `ans` text through the layout's converter, one byte each.
  const text = charsOf(KIND_ALPHABETS.ans, layout.encoding);
  const head = layout.tagLength + layout.lengthDigits;
  const canWrite = (tag: string): boolean => [...tag].every((c) => text.includes(c));
  const known = Object.entries(layout.tags ?? {});
  const kinds: EntryKind<TlvEntry>[] = [];
  for (const [tag, spec] of known) {
    if (!canWrite(tag)) continue;
    // A value inside TLV takes its length from the TLV: at most the tag's maximum and what the digits can write
    // (lengthDigits is 1 to 4, checked by validateSpec, so the prefix is one of L/ascii … LLLL/ascii).
    const rules = scalarRules({ ...spec, prefix: `${'L'.repeat(layout.lengthDigits)}/ascii` as PrefixName, length: Math.min(spec.length, maxLength) });
    const converter = getConverter(spec.encoding);
    const wire = byWireSize(rules.lengths, (n) => head + converter.byteLength(n));
    kinds.push({
      sizes: wire.sizes,
      ofSize: (bytes) => fc.constantFrom(...wire.lengthsOf(bytes)).chain((n) => rules.valueOfLength(n).map((value) => ({ tag, value }))),
    });
  }
  const knownTags = new Set(known.map(([t]) => t));
  const unknownTag = unknownTextTags(text, layout.tagLength, knownTags);
  if (layout.unknownTags !== 'reject' && unknownTag !== undefined) {
    kinds.push({
      sizes: normalize([[head, head + maxLength]]),
      ofSize: (bytes) => fc.record({ tag: unknownTag, value: stringOf(text, bytes - head) }),
    });
  }
  const leading = layout.leading;
  if (leading === undefined) {
    const reachable = repeated(union(...kinds.map((k) => k.sizes)), cap);
    return { sizes: reachable, ofSize: (bytes) => listOfSize(kinds, reachable, bytes) };
  }
  // The leading part takes its fixed number of bytes (one a character) before the entries.
  const reachable = repeated(union(...kinds.map((k) => k.sizes)), Math.max(0, cap - leading.length));
  const leadingChars = charsOf(KIND_ALPHABETS[leading.kind], layout.encoding);
  return {
    sizes: leading.length > cap ? [] : shift(reachable, leading.length),
    ofSize: (bytes) =>
      fc.record({ leading: stringOf(leadingChars, leading.length), entries: listOfSize(kinds, reachable, bytes - leading.length) }),
  };
}

/**
 * Tags of `length` characters over `chars` that are not in `known`, or undefined when every such tag is known: a
 * random tag, moved to the next unknown one (in the order of `chars`) when it is known.
 */
function unknownTextTags(chars: readonly string[], length: number, known: ReadonlySet<string>): fc.Arbitrary<string> | undefined {
  const writable = [...known].filter((t) => [...t].every((c) => chars.includes(c))).length;
  if (chars.length ** length <= writable) return undefined;
  const next = (tag: string): string => {
    const digits = [...tag].map((c) => chars.indexOf(c));
    for (let i = digits.length - 1; i >= 0; i--) {
      digits[i] = (digits[i]! + 1) % chars.length;
      if (digits[i] !== 0) break;
    }
    return digits.map((d) => chars[d]!).join('');
  };
  return stringOf(chars, length).map((tag) => {
    let t = tag;
    while (known.has(t)) t = next(t);
    return t;
  });
}
