/**
 * The floor: a decoder and an encoder per benchmark case, straight-line, with no validation at all. Each knows its
 * case's layout and field set (so it never looks at the bitmap), reads the frame once natively (latin1; hex as well
 * for the packed case) and takes every field as a slice of that string; the encoder writes the same bytes from the
 * message with native latin1 writes. It produces the same JavaScript object and the same bytes as the library
 * (checked once by run.ts before anything is timed, and by spec/bench.spec.ts): the cost of producing that
 * object, not a decoder anyone should use.
 *
 * Why: bench/ceiling.ts validates as much as the library and builds strings the same way, so it measures today's
 * technique; this measures the machine.
 */
import type { Message } from 'iso8583-codec';

type Slice = (this: Uint8Array, start: number, end: number) => string;
type Write = (this: Uint8Array, text: string, offset: number) => number;

// Buffer's own latin1 and hex codecs, methods Node has but does not document (so @types/node does not declare
// them): read by name, their signatures stated once, and checked to be there before anything is measured.
const latin1Slice = Reflect.get(Buffer.prototype, 'latin1Slice') as Slice;
const hexSlice = Reflect.get(Buffer.prototype, 'hexSlice') as Slice;
const latin1Write = Reflect.get(Buffer.prototype, 'latin1Write') as Write;
if (typeof latin1Slice !== 'function' || typeof hexSlice !== 'function' || typeof latin1Write !== 'function') {
  throw new Error('this Node has no Buffer.prototype.latin1Slice, hexSlice or latin1Write');
}

/** ASCII digits of a count: two-digit and three-digit prefix texts. */
const LL = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
const LLL = Array.from({ length: 1000 }, (_, n) => String(n).padStart(3, '0'));

/** An ASCII LL/LLL count at `p`, unchecked. */
const ll = (b: Uint8Array, p: number): number => (b[p]! - 48) * 10 + b[p + 1]! - 48;
const lll = (b: Uint8Array, p: number): number => (b[p]! - 48) * 100 + (b[p + 1]! - 48) * 10 + b[p + 2]! - 48;

type Fields = Record<number, string | Uint8Array>;

/**
 * Reads the request fields of cases (a) and (b), DE2 to DE55, from `p` (the first byte after the bitmaps) into
 * `f`; returns the offset after DE55.
 */
function readRequest(b: Uint8Array, s: string, p: number, f: Fields): number {
  const n2 = ll(b, p);
  f[2] = s.slice(p + 2, p + 2 + n2);
  p += 2 + n2;
  f[3] = s.slice(p, p + 6);
  f[4] = s.slice(p + 6, p + 18);
  f[7] = s.slice(p + 18, p + 28);
  f[11] = s.slice(p + 28, p + 34);
  f[12] = s.slice(p + 34, p + 40);
  f[13] = s.slice(p + 40, p + 44);
  f[14] = s.slice(p + 44, p + 48);
  f[18] = s.slice(p + 48, p + 52);
  f[22] = s.slice(p + 52, p + 55);
  f[25] = s.slice(p + 55, p + 57);
  p += 57;
  const n32 = ll(b, p);
  f[32] = s.slice(p + 2, p + 2 + n32);
  p += 2 + n32;
  const n35 = ll(b, p);
  f[35] = s.slice(p + 2, p + 2 + n35);
  p += 2 + n35;
  f[37] = s.slice(p, p + 12);
  f[41] = s.slice(p + 12, p + 20);
  f[42] = s.slice(p + 20, p + 35);
  f[43] = s.slice(p + 35, p + 75);
  f[49] = s.slice(p + 75, p + 78);
  p += 78;
  const n55 = lll(b, p);
  f[55] = b.slice(p + 3, p + 3 + n55);
  return p + 3 + n55;
}

/** Floor decoder of case (a): the 0100 request in iso87ascii. */
export function decodeFloorA(b: Uint8Array): Message {
  const s = latin1Slice.call(b, 0, b.length);
  const fields: Fields = {};
  readRequest(b, s, 12, fields);
  return { mti: s.slice(0, 4), fields };
}

/** Floor decoder of case (b): case (a) with a secondary bitmap, DE90 and DE102. */
export function decodeFloorB(b: Uint8Array): Message {
  const s = latin1Slice.call(b, 0, b.length);
  const fields: Fields = {};
  let p = readRequest(b, s, 20, fields);
  fields[90] = s.slice(p, p + 42);
  p += 42;
  const n102 = ll(b, p);
  fields[102] = s.slice(p + 2, p + 2 + n102);
  return { mti: s.slice(0, 4), fields };
}

/** Floor decoder of case (c): the 0110 response in iso87ascii. */
export function decodeFloorC(b: Uint8Array): Message {
  const s = latin1Slice.call(b, 0, b.length);
  const mti = s.slice(0, 4);
  let p = 12;
  const n2 = ll(b, p);
  const f2 = s.slice(p + 2, p + 2 + n2);
  p += 2 + n2;
  return {
    mti,
    fields: {
      2: f2,
      3: s.slice(p, p + 6),
      4: s.slice(p + 6, p + 18),
      7: s.slice(p + 18, p + 28),
      11: s.slice(p + 28, p + 34),
      37: s.slice(p + 34, p + 46),
      38: s.slice(p + 46, p + 52),
      39: s.slice(p + 52, p + 54),
      41: s.slice(p + 54, p + 62),
      49: s.slice(p + 62, p + 65),
    },
  };
}

/** A packed LL count (one byte), unchecked. */
const bcd1 = (b: Uint8Array, p: number): number => (b[p]! >> 4) * 10 + (b[p]! & 15);

/** Floor decoder of case (d): the 0100 request in iso87binary (packed BCD, ASCII text, binary bitmap). */
export function decodeFloorD(b: Uint8Array): Message {
  // Hex of the whole frame for the packed digits, latin1 of it for the ASCII text fields: two native reads.
  const h = hexSlice.call(b, 0, b.length);
  const s = latin1Slice.call(b, 0, b.length);
  const mti = h.slice(0, 4);
  let p = 10;
  const n2 = bcd1(b, p);
  // An odd count sits right after a 0 pad nibble (padded left).
  const f2 = h.slice(2 * p + 2 + (n2 & 1), 2 * p + 2 + (n2 & 1) + n2);
  p += 1 + ((n2 + 1) >> 1);
  const q = 2 * p;
  const f3 = h.slice(q, q + 6);
  const f4 = h.slice(q + 6, q + 18);
  const f7 = h.slice(q + 18, q + 28);
  const f11 = h.slice(q + 28, q + 34);
  const f12 = h.slice(q + 34, q + 40);
  const f13 = h.slice(q + 40, q + 44);
  const f14 = h.slice(q + 44, q + 48);
  const f18 = h.slice(q + 48, q + 52);
  const f22 = h.slice(q + 53, q + 56);
  const f25 = h.slice(q + 56, q + 58);
  p += 29;
  const n32 = bcd1(b, p);
  const f32 = h.slice(2 * p + 2 + (n32 & 1), 2 * p + 2 + (n32 & 1) + n32);
  p += 1 + ((n32 + 1) >> 1);
  const n35 = bcd1(b, p);
  // Track data: padded right with F, its separator the nibble D (hex reads it lowercase).
  const f35 = h.slice(2 * p + 2, 2 * p + 2 + n35).toUpperCase();
  p += 1 + ((n35 + 1) >> 1);
  const f37 = s.slice(p, p + 12);
  const f41 = s.slice(p + 12, p + 20);
  const f42 = s.slice(p + 20, p + 35);
  const f43 = s.slice(p + 35, p + 75);
  const f49 = h.slice(2 * p + 151, 2 * p + 154);
  p += 77;
  const n55 = (b[p]! & 15) * 100 + bcd1(b, p + 1);
  const f55 = b.slice(p + 2, p + 2 + n55);
  return {
    mti,
    fields: { 2: f2, 3: f3, 4: f4, 7: f7, 11: f11, 12: f12, 13: f13, 14: f14, 18: f18, 22: f22, 25: f25, 32: f32, 35: f35, 37: f37, 41: f41, 42: f42, 43: f43, 49: f49, 55: f55 },
  };
}

/** The binary bitmaps of the cases' field sets (the floor knows its case's fields). */
const BITMAP_REQUEST = Uint8Array.from(Buffer.from('723c448128e08200', 'hex'));
const BITMAP_REQUEST_SECONDARY = Uint8Array.from(Buffer.from('f23c448128e082000000004004000000', 'hex'));
const BITMAP_RESPONSE = Uint8Array.from(Buffer.from('722000000e808000', 'hex'));

/** The text of case (a)'s request fields from DE2 to DE55's prefix, in wire order. */
function requestText(f: Fields): string {
  const f2 = f[2] as string;
  const f32 = f[32] as string;
  const f35 = f[35] as string;
  return (
    LL[f2.length]! + f2 + (f[3] as string) + (f[4] as string) + (f[7] as string) + (f[11] as string) + (f[12] as string) +
    (f[13] as string) + (f[14] as string) + (f[18] as string) + (f[22] as string) + (f[25] as string) +
    LL[f32.length]! + f32 + LL[f35.length]! + f35 + (f[37] as string) + (f[41] as string) + (f[42] as string) +
    (f[43] as string) + (f[49] as string) + LLL[(f[55] as Uint8Array).length]!
  );
}

/** Floor encoder of case (a). */
export function encodeFloorA(m: Message): Uint8Array {
  const f = m.fields as Fields;
  const text = requestText(f);
  const f55 = f[55] as Uint8Array;
  const out = new Uint8Array(12 + text.length + f55.length);
  latin1Write.call(out, m.mti, 0);
  out.set(BITMAP_REQUEST, 4);
  latin1Write.call(out, text, 12);
  out.set(f55, 12 + text.length);
  return out;
}

/** Floor encoder of case (b). */
export function encodeFloorB(m: Message): Uint8Array {
  const f = m.fields as Fields;
  const text = requestText(f);
  const f55 = f[55] as Uint8Array;
  const f102 = f[102] as string;
  const tail = (f[90] as string) + LL[f102.length]! + f102;
  const at55 = 20 + text.length;
  const out = new Uint8Array(at55 + f55.length + tail.length);
  latin1Write.call(out, m.mti, 0);
  out.set(BITMAP_REQUEST_SECONDARY, 4);
  latin1Write.call(out, text, 20);
  out.set(f55, at55);
  latin1Write.call(out, tail, at55 + f55.length);
  return out;
}

/** Floor encoder of case (c). */
export function encodeFloorC(m: Message): Uint8Array {
  const f = m.fields as Fields;
  const f2 = f[2] as string;
  const text =
    LL[f2.length]! + f2 + (f[3] as string) + (f[4] as string) + (f[7] as string) + (f[11] as string) + (f[37] as string) +
    (f[38] as string) + (f[39] as string) + (f[41] as string) + (f[49] as string);
  const out = new Uint8Array(12 + text.length);
  latin1Write.call(out, m.mti, 0);
  out.set(BITMAP_RESPONSE, 4);
  latin1Write.call(out, text, 12);
  return out;
}

/** Nibble of a hex digit character (0–9, A–F), unchecked. */
const NIBBLE = new Uint8Array(128);
for (let i = 0; i < 16; i++) NIBBLE['0123456789ABCDEF'.charCodeAt(i)] = i;

/**
 * Packs the digits of `s` at `at`, the spare nibble (odd counts) on the left as 0 or, with `padF`, on the right as F;
 * returns the next offset.
 */
function pack(out: Uint8Array, at: number, s: string, padF: boolean): number {
  const n = s.length;
  let i = 0;
  let p = at;
  if ((n & 1) === 1 && !padF) out[p++] = NIBBLE[s.charCodeAt(i++)]!;
  for (; i + 1 < n; i += 2) out[p++] = (NIBBLE[s.charCodeAt(i)]! << 4) | NIBBLE[s.charCodeAt(i + 1)]!;
  if (i < n) out[p++] = (NIBBLE[s.charCodeAt(i)]! << 4) | 15;
  return p;
}

/** Floor encoder of case (d): packed digits nibble by nibble (Node has no hex writer that packs odd counts). */
export function encodeFloorD(m: Message): Uint8Array {
  const f = m.fields as Fields;
  const f2 = f[2] as string;
  const f32 = f[32] as string;
  const f35 = f[35] as string;
  const f55 = f[55] as Uint8Array;
  const out = new Uint8Array(
    10 + 1 + ((f2.length + 1) >> 1) + 29 + 1 + ((f32.length + 1) >> 1) + 1 + ((f35.length + 1) >> 1) + 77 + 2 + f55.length,
  );
  let p = pack(out, 0, m.mti, false);
  out.set(BITMAP_REQUEST, p);
  p += 8;
  out[p++] = ((f2.length / 10) << 4) | f2.length % 10;
  p = pack(out, p, f2, false);
  p = pack(out, p, (f[3] as string) + (f[4] as string) + (f[7] as string) + (f[11] as string) + (f[12] as string) + (f[13] as string) + (f[14] as string) + (f[18] as string), false);
  p = pack(out, p, f[22] as string, false);
  p = pack(out, p, f[25] as string, false);
  out[p++] = ((f32.length / 10) << 4) | f32.length % 10;
  p = pack(out, p, f32, false);
  out[p++] = ((f35.length / 10) << 4) | f35.length % 10;
  p = pack(out, p, f35, true);
  p += latin1Write.call(out, (f[37] as string) + (f[41] as string) + (f[42] as string) + (f[43] as string), p);
  p = pack(out, p, f[49] as string, false);
  out[p++] = (f55.length / 100) | 0;
  out[p++] = ((((f55.length / 10) | 0) % 10) << 4) | f55.length % 10;
  out.set(f55, p);
  return out;
}

/** The floor's decoder and encoder of each case, by the case's letter. */
export const FLOOR: Readonly<Record<string, { decode(b: Uint8Array): Message; encode(m: Message): Uint8Array }>> = {
  a: { decode: decodeFloorA, encode: encodeFloorA },
  b: { decode: decodeFloorB, encode: encodeFloorB },
  c: { decode: decodeFloorC, encode: encodeFloorC },
  d: { decode: decodeFloorD, encode: encodeFloorD },
};
