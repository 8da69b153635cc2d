/**
 * Valid values of any field, built from its spec: scalars of an allowed length over the allowed characters, and
 * values with subfields assembled to a wire size the field can hold.
 *
 * Why: the arbitraries must only ever produce values the spec allows, without asking the codec under test (an
 * encoder that wrongly refused valid values would otherwise have them filtered away, and one that refused all of
 * them would make generation spin). Every value here is valid by construction: each field knows the set of wire
 * sizes it can take ({@link Shape}), a container picks a content size its length rule allows, then builds
 * subfields of exactly that size.
 */
import fc from 'fast-check';
import { getConverter } from '../codecs/registry.js';
import { unitMapping } from '../codecs/units.js';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import { parsePrefix } from '../prefixes/length-prefix.js';
import { KIND_ALPHABETS } from '../spec/kinds.js';
import type { PrefixName } from '../spec/names.js';
import type {
  BerTlv,
  BerTlvLayout,
  BitmappedLayout,
  FieldSpec,
  FieldValue,
  LengthUnit,
  PositionalLayout,
  ScalarValue,
  TlvEntry,
  TlvLayout,
} from '../spec/types.js';
import { EMV_TAGS } from '../subfields/emv-tags.js';
import { countOf, has, leaving, NONE, normalize, nth, ofCounts, plus, repeated, shift, type Sizes, union, where, ZERO } from './sizes.js';

/** A field's valid values, by the number of bytes their encoding takes. */
export interface Shape {
  /** Every wire size (in bytes, length prefix included) a valid value of the field can take. */
  readonly sizes: Sizes;
  /** Valid values whose encoding takes exactly `bytes` bytes; `bytes` must be one of {@link Shape.sizes}. */
  ofSize(bytes: number): fc.Arbitrary<FieldValue>;
}

/** Characters (as one-char strings) a field may hold: its kind's alphabet that its converter can also carry. */
export function alphabetOf(field: FieldSpec): string[] {
  if (field.kind === 'b') return [];
  return charsOf(KIND_ALPHABETS[field.kind], field.encoding);
}

function charsOf(kind: Uint8Array, encoding: string): string[] {
  const charset = getConverter(encoding).charset;
  const out: string[] = [];
  for (let c = 0; c < 256; c++) if (kind[c] === 1 && (charset === undefined || charset[c] === 1)) out.push(String.fromCharCode(c));
  return out;
}

/** Lengths biased toward short values, reaching the maximum now and then. */
export function lengthArbitrary(min: number, max: number): fc.Arbitrary<number> {
  if (max <= min) return fc.constant(min);
  return fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min, max: Math.min(max, min + 24) }) },
    { weight: 2, arbitrary: fc.integer({ min, max }) },
    { weight: 1, arbitrary: fc.constant(max) },
    { weight: 1, arbitrary: fc.constant(min) },
  );
}

/** Strings of exactly `length` characters drawn from `chars`. */
export function stringOf(chars: readonly string[], length: number): fc.Arbitrary<string> {
  if (length === 0) return fc.constant('');
  return fc.array(fc.constantFrom(...chars), { minLength: length, maxLength: length }).map((a) => a.join(''));
}

/** A count of the set, biased toward its smallest counts, reaching its largest now and then. */
export function sizeArbitrary(s: Sizes): fc.Arbitrary<number> {
  return lengthArbitrary(0, countOf(s) - 1).map((i) => nth(s, i));
}

/** Bytes a length prefix takes on the wire (0 for a fixed field). */
function prefixBytesOf(field: FieldSpec): number {
  const shape = parsePrefix(field.prefix);
  if (shape === undefined || shape.type === 'fixed') return 0;
  return shape.type === 'binary' ? shape.bytes : getConverter(shape.encoding).byteLength(shape.digits);
}

/** The value lengths a field without subfields allows, and how to build a value of one of them. */
interface ScalarRules {
  /** Value lengths (characters, digits or bytes, as the value counts them) that encode and decode back. */
  readonly lengths: Sizes;
  /** The same lengths, biased toward short ones. */
  readonly lengthArbitrary: fc.Arbitrary<number>;
  /** Values of exactly `n` units. */
  valueOfLength(n: number): fc.Arbitrary<ScalarValue>;
}

function scalarRules(field: FieldSpec): ScalarRules {
  const shape = parsePrefix(field.prefix);
  const fixed = shape === undefined || shape.type === 'fixed';
  const converter = getConverter(field.encoding);
  const unit: LengthUnit = field.lengthUnit ?? converter.lengthUnits[0] ?? converter.unit;
  const mapping = unitMapping(converter, unit);
  // A variable field holds values whose written count is at most its maximum: for hex text counted in characters
  // and an odd maximum, that is one character fewer (two characters a byte).
  let maxUnits = mapping.toUnits(field.length);
  if (!fixed && maxUnits < 0) maxUnits = mapping.toUnits(field.length - 1);
  // Packed digits counted in bytes with an F pad drop a trailing/leading F on decode: keep values round-trippable.
  const padF = !fixed && converter.unit === 'digits' && unit === 'bytes' && field.nibblePad?.nibble === 'F';
  // Packed digits counted in bytes without an F pad cannot tell "123" from "0123": such values have even lengths.
  const evenOnly = !fixed && converter.unit === 'digits' && unit === 'bytes' && !padF;
  // x+n is a sign (C or D) and digits: at least one character.
  const min = field.kind === 'x+n' ? 1 : 0;
  let lengths: Sizes;
  let lengthArb: fc.Arbitrary<number>;
  if (fixed) {
    lengths = ofCounts([maxUnits]);
    lengthArb = fc.constant(maxUnits);
  } else if (evenOnly) {
    const top = maxUnits >> 1;
    const low = (min + 1) >> 1;
    lengths = where(normalize([[low * 2, top * 2]]), (n) => n % 2 === 0);
    lengthArb = lengthArbitrary(low, top).map((n) => n * 2);
  } else {
    const top = padF ? maxUnits - 1 : maxUnits;
    lengths = normalize([[min, top]]);
    lengthArb = lengthArbitrary(min, top);
  }
  const chars = alphabetOf(field);
  const safe = padF ? chars.filter((c) => c !== 'F') : chars;
  const digits = safe.filter((c) => c >= '0' && c <= '9');
  const signs = safe.filter((c) => c === 'C' || c === 'D');
  const valueOfLength = (n: number): fc.Arbitrary<ScalarValue> => {
    if (field.kind === 'b') return fc.uint8Array({ minLength: n, maxLength: n });
    if (field.kind === 'x+n') return fc.tuple(fc.constantFrom(...signs), stringOf(digits, n - 1)).map(([s, d]) => s + d);
    return stringOf(safe, n);
  };
  return { lengths, lengthArbitrary: lengthArb, valueOfLength };
}

/** An Arbitrary of valid values of a field without subfields, typed as the field infers. */
export function scalarArbitrary(field: FieldSpec): fc.Arbitrary<ScalarValue> {
  const rules = scalarRules(field);
  return rules.lengthArbitrary.chain((n) => rules.valueOfLength(n));
}

/** Groups value lengths by the wire size (prefix included) a value of that length takes. */
function byWireSize(lengths: Sizes, wire: (n: number) => number): { sizes: Sizes; lengthsOf(bytes: number): number[] } {
  const map = new Map<number, number[]>();
  for (const [lo, hi] of lengths) {
    for (let n = lo; n <= hi; n++) {
      const s = wire(n);
      const list = map.get(s);
      if (list === undefined) map.set(s, [n]);
      else list.push(n);
    }
  }
  return { sizes: ofCounts(map.keys()), lengthsOf: (bytes) => map.get(bytes) ?? [] };
}

function scalarShape(field: FieldSpec): Shape {
  const rules = scalarRules(field);
  const converter = getConverter(field.encoding);
  const prefixBytes = prefixBytesOf(field);
  const wire = byWireSize(rules.lengths, (n) => prefixBytes + converter.byteLength(n));
  return {
    sizes: wire.sizes,
    ofSize: (bytes) => fc.constantFrom(...wire.lengthsOf(bytes)).chain((n) => rules.valueOfLength(n)),
  };
}

const DIGITS = '0123456789'.split('');

/** Track 2 is text of a PAN (1–19 digits), a separator, YYMM, a 3-digit service code and discretionary data. */
function track2Shape(field: FieldSpec): Shape {
  const rules = scalarRules(field);
  const converter = getConverter(field.encoding);
  const prefixBytes = prefixBytesOf(field);
  // At least a 1-digit PAN, the separator, the expiry and the service code.
  const lengths = normalize(rules.lengths.map(([lo, hi]) => [Math.max(lo, 9), hi] as const));
  const wire = byWireSize(lengths, (n) => prefixBytes + converter.byteLength(n));
  return {
    sizes: wire.sizes,
    ofSize: (bytes) =>
      fc
        .constantFrom(...wire.lengthsOf(bytes))
        .chain((n) => fc.tuple(fc.constant(n), fc.integer({ min: Math.min(12, n - 8), max: Math.min(19, n - 8) })))
        .chain(([n, panLength]) =>
          fc.record({
            pan: stringOf(DIGITS, panLength),
            expiry: stringOf(DIGITS, 4),
            serviceCode: stringOf(DIGITS, 3),
            discretionary: stringOf(DIGITS, n - 8 - panLength),
          }),
        ),
  };
}

const shapes = new WeakMap<FieldSpec, Shape>();

/** The {@link Shape} of any field (computed once per field object). The field must have passed validation. */
export function fieldShape(field: FieldSpec): Shape {
  let shape = shapes.get(field);
  if (shape === undefined) {
    const layout = field.subfields;
    shape = layout === undefined ? scalarShape(field) : layout.type === 'track2' ? track2Shape(field) : containerShape(field);
    shapes.set(field, shape);
  }
  return shape;
}

/** A container's content: the sizes its subfields can fill, and values of each. */
interface Content {
  readonly sizes: Sizes;
  ofSize(bytes: number): fc.Arbitrary<FieldValue>;
}

/**
 * A field whose bytes hold subfields: its length rule (fixed, or a prefix with a maximum, counted in the field's
 * unit) decides which content sizes fit; the layout decides which it can fill.
 */
function containerShape(field: FieldSpec): Shape {
  const layout = field.subfields!;
  const converter = getConverter(field.encoding);
  const unit: LengthUnit = field.lengthUnit ?? converter.lengthUnits[0] ?? converter.unit;
  const mapping = unitMapping(converter, unit);
  const prefix = parsePrefix(field.prefix);
  const fixed = prefix === undefined || prefix.type === 'fixed';
  // Content travels as whole bytes; a packed-digit container counts two digits a byte.
  const unitsOf = (bytes: number): number => (converter.unit === 'digits' ? bytes * 2 : bytes);
  const fits = fixed ? (c: number) => unitsOf(c) === mapping.toUnits(field.length) : (c: number) => mapping.toCount(unitsOf(c)) <= field.length;
  // Every length rule counts at least one unit a byte, so no content longer than the maximum fits.
  const cap = field.length;
  const content = layoutContent(layout as Exclude<typeof layout, { type: 'track2' }>, cap);
  const prefixBytes = prefixBytesOf(field);
  const sizes = shift(where(content.sizes, fits), prefixBytes);
  return { sizes, ofSize: (bytes) => content.ofSize(bytes - prefixBytes) };
}

function layoutContent(layout: PositionalLayout | BitmappedLayout | TlvLayout | BerTlvLayout, cap: number): Content {
  switch (layout.type) {
    case 'positional':
      return positionalContent(layout, cap);
    case 'bitmapped':
      return bitmappedContent(layout, cap);
    case 'tlv':
      return tlvContent(layout, cap);
    case 'ber-tlv':
      return berTlvContent(layout, cap);
  }
}

/**
 * Choices read from a tape of random numbers, so one flat Arbitrary (the tape) decides a whole structure and
 * shrinks with it; once the tape runs out, each choice falls back to a fixed one (smallest, or absent).
 */
class Tape {
  private at = 0;
  constructor(private readonly numbers: readonly number[]) {}

  /** The next number, or undefined when the tape is spent. */
  next(): number | undefined {
    return this.numbers[this.at++];
  }

  /** A count of `s` (non-empty): mostly one of its 25 smallest, a quarter of the time any; `fallback` once spent. */
  pick(s: Sizes, fallback: 'smallest' | 'largest'): number {
    const total = countOf(s);
    const v = this.next();
    if (v === undefined) return nth(s, fallback === 'smallest' ? 0 : total - 1);
    return nth(s, (v >> 2) % (v % 4 === 0 ? total : Math.min(total, 25)));
  }

  /** One of `n` options; `fallback` once spent. */
  choose(n: number, fallback = 0): number {
    const v = this.next();
    return v === undefined ? fallback : v % n;
  }
}

const TAPE = fc.array(fc.nat(), { maxLength: 24 });

/** Positional subfields, all present, in number order. */
function positionalContent(layout: PositionalLayout, cap: number): Content {
  const keys = Object.keys(layout.fields).map(Number).sort((a, b) => a - b);
  const parts = keys.map((n) => fieldShape(layout.fields[n]!));
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

/**
 * Optional items in order, each absent or present with one of its sizes: `any[i]` the totals items i… can make,
 * `some[i]` those with at least one of them present.
 */
function optionalSums(items: readonly Shape[], cap: number): { any: Sizes[]; some: Sizes[] } {
  const any: Sizes[] = new Array(items.length + 1);
  const some: Sizes[] = new Array(items.length + 1);
  any[items.length] = ZERO;
  some[items.length] = NONE;
  for (let i = items.length - 1; i >= 0; i--) {
    const present = plus(items[i]!.sizes, any[i + 1]!, cap);
    any[i] = union(any[i + 1]!, present);
    some[i] = union(some[i + 1]!, present);
  }
  return { any, some };
}

/** Decides which optional items are present, and their sizes, to make exactly `total` (at least one if `oneAtLeast`). */
function chooseOptional(items: readonly Shape[], sums: { any: Sizes[]; some: Sizes[] }, total: number, oneAtLeast: boolean, tape: Tape): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  let left = total;
  let needOne = oneAtLeast;
  for (let i = 0; i < items.length; i++) {
    const canSkip = has(needOne ? sums.some[i + 1]! : sums.any[i + 1]!, left);
    const present = leaving(items[i]!.sizes, left, sums.any[i + 1]!);
    // Absent two times in three while both are possible (and once the tape is spent), so a few subfields of many
    // are present.
    if (present.length === 0 || (canSkip && tape.choose(3, 1) !== 0)) {
      out.push(undefined);
      continue;
    }
    const x = tape.pick(present, 'smallest');
    out.push(x);
    left -= x;
    needOne = false;
  }
  return out;
}

/** Bitmapped subfields: a sub-bitmap, a second one when a subfield above 64 is present, then the subfields. */
function bitmappedContent(layout: BitmappedLayout, cap: number): Content {
  const bitmapBytes = layout.bitmap.format === 'binary' ? 8 : getConverter(layout.bitmap.encoding ?? 'ascii').byteLength(16);
  const keys = Object.keys(layout.fields).map(Number).sort((a, b) => a - b);
  const lowKeys = keys.filter((n) => n <= 64);
  const highKeys = layout.secondary === true ? keys.filter((n) => n > 64) : [];
  const low = lowKeys.map((n) => fieldShape(layout.fields[n]!));
  const high = highKeys.map((n) => fieldShape(layout.fields[n]!));
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

/** One kind of list entry (a tag, or a group of tags alike in size): its wire sizes and entries of each. */
interface EntryKind<E> {
  readonly sizes: Sizes;
  ofSize(bytes: number): fc.Arbitrary<E>;
}

/**
 * A list of entries of the given kinds filling exactly `total` bytes, where `reachable` is every total such
 * lists can fill: each entry's size leaves a total the rest can still fill.
 */
function listOfSize<E>(kinds: readonly EntryKind<E>[], reachable: Sizes, total: number): fc.Arbitrary<E[]> {
  return TAPE.chain((numbers) => {
    const tape = new Tape(numbers);
    const plan: [EntryKind<E>, number][] = [];
    // Every entry takes at least one byte, so the walk ends; once the tape is spent, the largest entries end it soon.
    for (let left = total; left > 0; ) {
      const open = kinds.map((k) => leaving(k.sizes, left, reachable)).map((s, i) => [s, i] as const).filter(([s]) => s.length > 0);
      const [sizes, i] = open[tape.choose(open.length, open.length - 1)]!;
      const x = tape.pick(sizes, 'largest');
      plan.push([kinds[i]!, x]);
      left -= x;
    }
    return fc.tuple(...plan.map(([k, x]) => k.ofSize(x)));
  });
}

/** Text TLV: tags of `tagLength` characters, lengths of `lengthDigits` digits, values of the tag's spec. */
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
  const reachable = repeated(union(...kinds.map((k) => k.sizes)), cap);
  return { sizes: reachable, ofSize: (bytes) => listOfSize(kinds, reachable, bytes) };
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

/**
 * The bytes of a BER tag written as uppercase hex, or undefined when it is not one (X.690 8.1.2): one byte whose
 * low five bits are not all set, or such a first byte followed by bytes with the top bit set except the last,
 * the first of them not 0x80; at most three bytes, as the codec reads.
 */
export function berTagBytes(tag: string): number[] | undefined {
  if (!/^(?:[0-9A-F]{2}){1,3}$/.test(tag)) return undefined;
  const b = (tag.match(/../g) ?? []).map((h) => parseInt(h, 16));
  if (b.length === 1) return (b[0]! & 0x1f) === 0x1f ? undefined : b;
  if ((b[0]! & 0x1f) !== 0x1f || b[1] === 0x80) return undefined;
  for (let i = 1; i < b.length - 1; i++) if ((b[i]! & 0x80) === 0) return undefined;
  return (b[b.length - 1]! & 0x80) === 0 ? b : undefined;
}

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

/** Primitive tags beyond any dictionary (two and three bytes), tried when the layout keeps unknown tags. */
const UNKNOWN_PRIMITIVE = ['DF01', 'DF8101', '9F7F', '1F20'];
/** Constructed tags beyond any dictionary, tried when the layout keeps unknown tags. */
const UNKNOWN_CONSTRUCTED = ['E1', 'BF0C'];

/**
 * BER-TLV (EMV DE55): primitive entries holding bytes, and constructed entries holding a list of primitive ones;
 * dictionary tags, and when the layout keeps them, tags beyond it.
 */
function berTlvContent(layout: BerTlvLayout, cap: number): Content {
  const dictionary = Object.keys(layout.tags ?? EMV_TAGS);
  const tags = layout.unknownTags === 'reject' ? dictionary : [...dictionary, ...UNKNOWN_PRIMITIVE, ...UNKNOWN_CONSTRUCTED];
  // Tags grouped by their byte length and form: entries of one group take the same sizes.
  const groups = new Map<string, { tagBytes: number; constructed: boolean; tags: string[] }>();
  for (const tag of new Set(tags)) {
    const bytes = berTagBytes(tag);
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

/** The error for a field no valid value fits (its subfields cannot fill any length its prefix or size allows). */
export function noValueFits(path: string): Iso8583Error {
  return new Iso8583Error(ErrorCode.INVALID_SPEC, 'no value fits the field: its subfields cannot fill any length it allows', { field: path });
}
