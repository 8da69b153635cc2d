/**
 * The practical ceiling: a decoder and an encoder written by hand for exactly the layouts of the benchmark cases
 * (ISO 8583:1987 in ASCII, and in packed BCD), with the same validation the library performs (digits, alphabets,
 * maxima, truncation, trailing bytes). No spec table, no closures: one switch over the field number.
 */
import type { Message } from 'iso8583-codec';

const CH = Array.from({ length: 256 }, (_, c) => String.fromCharCode(c));

function fail(what: string, at: number): never {
  throw new Error(`${what} at ${at}`);
}

// Buffer's own latin1 decoder, a method Node has but does not document (so @types/node does not declare it):
// read by name, its signature stated once, and checked to be there before anything is measured.
const latin1Slice = Reflect.get(Buffer.prototype, 'latin1Slice') as (this: Uint8Array, start: number, end: number) => string;
if (typeof latin1Slice !== 'function') throw new Error('this Node has no Buffer.prototype.latin1Slice');

/** Bytes → string, assuming validated bytes below 0x80. */
function str(b: Uint8Array, at: number, n: number): string {
  switch (n) {
    case 0:
      return '';
    case 1:
      return CH[b[at]!]!;
    case 2:
      return String.fromCharCode(b[at]!, b[at + 1]!);
    case 3:
      return String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!);
    case 4:
      return String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!);
    case 5:
      return String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!, b[at + 4]!);
    case 6:
      return String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!, b[at + 4]!, b[at + 5]!);
    case 7:
      return String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!, b[at + 4]!, b[at + 5]!, b[at + 6]!);
    case 8:
      return String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!, b[at + 4]!, b[at + 5]!, b[at + 6]!, b[at + 7]!);
    default:
      return latin1Slice.call(b, at, at + n);
  }
}

function digits(b: Uint8Array, at: number, n: number, end: number): string {
  if (at + n > end) fail('truncated', at);
  for (let i = at; i < at + n; i++) if (b[i]! < 0x30 || b[i]! > 0x39) fail('digit', i);
  return str(b, at, n);
}
function printable(b: Uint8Array, at: number, n: number, end: number): string {
  if (at + n > end) fail('truncated', at);
  for (let i = at; i < at + n; i++) if (b[i]! < 0x20 || b[i]! > 0x7e) fail('char', i);
  return str(b, at, n);
}
function track(b: Uint8Array, at: number, n: number, end: number): string {
  if (at + n > end) fail('truncated', at);
  for (let i = at; i < at + n; i++) if (b[i]! < 0x30 || b[i]! > 0x3f) fail('char', i);
  return str(b, at, n);
}
function ll(b: Uint8Array, at: number, digitsCount: number, max: number, end: number): number {
  if (at + digitsCount > end) fail('truncated', at);
  let n = 0;
  for (let i = at; i < at + digitsCount; i++) {
    const d = b[i]! - 0x30;
    if (d < 0 || d > 9) fail('prefix', i);
    n = n * 10 + d;
  }
  if (n > max) fail('max', at);
  return n;
}

/** Hand-written decoder for the ASCII layout (iso87ascii) of the benchmark's fields. */
export function decodeAsciiByHand(b: Uint8Array): Message {
  const end = b.length;
  const mti = digits(b, 0, 4, end);
  let p = 4;
  if (p + 8 > end) fail('truncated', p);
  const secondary = (b[p]! & 0x80) !== 0;
  const bitmapAt = p;
  p += secondary ? 16 : 8;
  if (p > end) fail('truncated', bitmapAt);
  const fields: Record<number, string | Uint8Array> = {};
  const last = secondary ? 128 : 64;
  for (let n = 2; n <= last; n++) {
    if ((b[bitmapAt + ((n - 1) >> 3)]! & (0x80 >> ((n - 1) & 7))) === 0) continue;
    let len: number;
    switch (n) {
      case 2:
        len = ll(b, p, 2, 19, end);
        fields[2] = digits(b, p + 2, len, end);
        p += 2 + len;
        break;
      case 3: case 11: case 12:
        fields[n] = digits(b, p, 6, end);
        p += 6;
        break;
      case 4:
        fields[4] = digits(b, p, 12, end);
        p += 12;
        break;
      case 7:
        fields[7] = digits(b, p, 10, end);
        p += 10;
        break;
      case 13: case 14: case 18:
        fields[n] = digits(b, p, 4, end);
        p += 4;
        break;
      case 22: case 49:
        fields[n] = digits(b, p, 3, end);
        p += 3;
        break;
      case 25:
        fields[25] = digits(b, p, 2, end);
        p += 2;
        break;
      case 32:
        len = ll(b, p, 2, 11, end);
        fields[32] = digits(b, p + 2, len, end);
        p += 2 + len;
        break;
      case 35:
        len = ll(b, p, 2, 37, end);
        fields[35] = track(b, p + 2, len, end);
        p += 2 + len;
        break;
      case 37:
        fields[37] = printable(b, p, 12, end);
        p += 12;
        break;
      case 38:
        fields[38] = printable(b, p, 6, end);
        p += 6;
        break;
      case 39:
        fields[39] = printable(b, p, 2, end);
        p += 2;
        break;
      case 41:
        fields[41] = printable(b, p, 8, end);
        p += 8;
        break;
      case 42:
        fields[42] = printable(b, p, 15, end);
        p += 15;
        break;
      case 43:
        fields[43] = printable(b, p, 40, end);
        p += 40;
        break;
      case 55:
        len = ll(b, p, 3, 999, end);
        if (p + 3 + len > end) fail('truncated', p);
        fields[55] = b.slice(p + 3, p + 3 + len);
        p += 3 + len;
        break;
      case 90:
        fields[90] = digits(b, p, 42, end);
        p += 42;
        break;
      case 102:
        len = ll(b, p, 2, 28, end);
        fields[102] = printable(b, p + 2, len, end);
        p += 2 + len;
        break;
      default:
        fail('field', p);
    }
  }
  if (p !== end) fail('trailing', p);
  return { mti, fields };
}

const HEXCODE = Uint8Array.from('0123456789ABCDEF', (c) => c.charCodeAt(0));
const codes = new Uint8Array(64);

function packed(b: Uint8Array, at: number, n: number, end: number, allowHex: boolean, padRight: boolean): string {
  const bytes = (n + 1) >> 1;
  if (at + bytes > end) fail('truncated', at);
  const odd = (n & 1) === 1;
  let k = odd && !padRight ? 1 : 0;
  for (let i = 0; i < n; i++, k++) {
    const byte = b[at + (k >> 1)]!;
    const nib = (k & 1) === 0 ? byte >> 4 : byte & 15;
    if (nib > 9 && !allowHex) fail('nibble', at + (k >> 1));
    codes[i] = HEXCODE[nib]!;
  }
  if (odd) {
    const padNib = padRight ? b[at + bytes - 1]! & 15 : b[at]! >> 4;
    if (padNib !== (padRight ? 15 : 0)) fail('pad', at);
  }
  return str(codes, 0, n);
}
function bcdLen(b: Uint8Array, at: number, bytes: number, max: number, end: number): number {
  if (at + bytes > end) fail('truncated', at);
  let n = 0;
  for (let i = at; i < at + bytes; i++) {
    const hi = b[i]! >> 4;
    const lo = b[i]! & 15;
    if (hi > 9 || lo > 9) fail('prefix', i);
    n = n * 100 + hi * 10 + lo;
  }
  if (n > max) fail('max', at);
  return n;
}

/** Hand-written decoder for the packed layout (iso87binary) of the benchmark's fields. */
export function decodeBcdByHand(b: Uint8Array): Message {
  const end = b.length;
  const mti = packed(b, 0, 4, end, false, false);
  let p = 2;
  if (p + 8 > end) fail('truncated', p);
  const secondary = (b[p]! & 0x80) !== 0;
  const bitmapAt = p;
  p += secondary ? 16 : 8;
  const fields: Record<number, string | Uint8Array> = {};
  const last = secondary ? 128 : 64;
  for (let n = 2; n <= last; n++) {
    if ((b[bitmapAt + ((n - 1) >> 3)]! & (0x80 >> ((n - 1) & 7))) === 0) continue;
    let len: number;
    switch (n) {
      case 2:
        len = bcdLen(b, p, 1, 19, end);
        fields[2] = packed(b, p + 1, len, end, false, false);
        p += 1 + ((len + 1) >> 1);
        break;
      case 3: case 11: case 12:
        fields[n] = packed(b, p, 6, end, false, false);
        p += 3;
        break;
      case 4:
        fields[n] = packed(b, p, 12, end, false, false);
        p += 6;
        break;
      case 7:
        fields[n] = packed(b, p, 10, end, false, false);
        p += 5;
        break;
      case 13: case 14: case 18:
        fields[n] = packed(b, p, 4, end, false, false);
        p += 2;
        break;
      case 22: case 49:
        fields[n] = packed(b, p, 3, end, false, false);
        p += 2;
        break;
      case 25:
        fields[n] = packed(b, p, 2, end, false, false);
        p += 1;
        break;
      case 32:
        len = bcdLen(b, p, 1, 11, end);
        fields[32] = packed(b, p + 1, len, end, false, false);
        p += 1 + ((len + 1) >> 1);
        break;
      case 35:
        len = bcdLen(b, p, 1, 37, end);
        fields[35] = packed(b, p + 1, len, end, true, true);
        p += 1 + ((len + 1) >> 1);
        break;
      case 37:
        fields[37] = printable(b, p, 12, end);
        p += 12;
        break;
      case 41:
        fields[41] = printable(b, p, 8, end);
        p += 8;
        break;
      case 42:
        fields[42] = printable(b, p, 15, end);
        p += 15;
        break;
      case 43:
        fields[43] = printable(b, p, 40, end);
        p += 40;
        break;
      case 55:
        len = bcdLen(b, p, 2, 999, end);
        if (p + 2 + len > end) fail('truncated', p);
        fields[55] = b.slice(p + 2, p + 2 + len);
        p += 2 + len;
        break;
      default:
        fail('field', p);
    }
  }
  if (p !== end) fail('trailing', p);
  return { mti, fields };
}

/** A growable-free writer: the hand encoder sizes the frame first, then fills it. */
function put(out: Uint8Array, at: number, s: string, check: (c: number) => boolean): number {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!check(c)) fail('char', at + i);
    out[at + i] = c;
  }
  return at + s.length;
}
const isDigit = (c: number): boolean => c >= 0x30 && c <= 0x39;
const isPrintable = (c: number): boolean => c >= 0x20 && c <= 0x7e;
const isTrack = (c: number): boolean => c >= 0x30 && c <= 0x3f;

const ASCII_LAYOUT: Record<number, { len: number; prefix: 0 | 2 | 3; check: (c: number) => boolean } | undefined> = {
  2: { len: 19, prefix: 2, check: isDigit },
  3: { len: 6, prefix: 0, check: isDigit },
  4: { len: 12, prefix: 0, check: isDigit },
  7: { len: 10, prefix: 0, check: isDigit },
  11: { len: 6, prefix: 0, check: isDigit },
  12: { len: 6, prefix: 0, check: isDigit },
  13: { len: 4, prefix: 0, check: isDigit },
  14: { len: 4, prefix: 0, check: isDigit },
  18: { len: 4, prefix: 0, check: isDigit },
  22: { len: 3, prefix: 0, check: isDigit },
  25: { len: 2, prefix: 0, check: isDigit },
  32: { len: 11, prefix: 2, check: isDigit },
  35: { len: 37, prefix: 2, check: isTrack },
  37: { len: 12, prefix: 0, check: isPrintable },
  38: { len: 6, prefix: 0, check: isPrintable },
  39: { len: 2, prefix: 0, check: isPrintable },
  41: { len: 8, prefix: 0, check: isPrintable },
  42: { len: 15, prefix: 0, check: isPrintable },
  43: { len: 40, prefix: 0, check: isPrintable },
  49: { len: 3, prefix: 0, check: isDigit },
  55: { len: 999, prefix: 3, check: () => true },
  90: { len: 42, prefix: 0, check: isDigit },
  102: { len: 28, prefix: 2, check: isPrintable },
};

/** Hand-written encoder for the ASCII layout of the benchmark's fields. */
export function encodeAsciiByHand(m: Message): Uint8Array {
  const keys: number[] = [];
  // Integer-like keys enumerate in ascending order.
  for (const k in m.fields) keys.push(+k);
  const secondary = keys.some((k) => k > 64);
  let size = 4 + (secondary ? 16 : 8);
  for (const k of keys) {
    const l = ASCII_LAYOUT[k];
    if (l === undefined) fail('field', 0);
    const v = m.fields[k] as string | Uint8Array;
    if (l.prefix === 0 && v.length !== l.len) fail('length', 0);
    if (v.length > l.len) fail('max', 0);
    size += l.prefix + v.length;
  }
  const out = new Uint8Array(size);
  let p = put(out, 0, m.mti, isDigit);
  const bm = p;
  p += secondary ? 16 : 8;
  if (secondary) out[bm] = 0x80;
  for (const k of keys) {
    out[bm + ((k - 1) >> 3)]! |= 0x80 >> ((k - 1) & 7);
    const l = ASCII_LAYOUT[k]!;
    const v = m.fields[k] as string | Uint8Array;
    if (l.prefix === 2) {
      out[p++] = 0x30 + Math.floor(v.length / 10);
      out[p++] = 0x30 + (v.length % 10);
    } else if (l.prefix === 3) {
      out[p++] = 0x30 + Math.floor(v.length / 100);
      out[p++] = 0x30 + (Math.floor(v.length / 10) % 10);
      out[p++] = 0x30 + (v.length % 10);
    }
    if (typeof v === 'string') p = put(out, p, v, l.check);
    else {
      out.set(v, p);
      p += v.length;
    }
  }
  return out;
}

function putPacked(out: Uint8Array, at: number, s: string, allowHex: boolean, padRight: boolean): number {
  const n = s.length;
  const odd = (n & 1) === 1;
  const bytes = (n + 1) >> 1;
  out.fill(odd ? (padRight ? 0x0f : 0x00) : 0, at, at + bytes);
  let k = odd && !padRight ? 1 : 0;
  for (let i = 0; i < n; i++, k++) {
    const c = s.charCodeAt(i);
    const nib = c >= 0x30 && c <= 0x39 ? c - 0x30 : allowHex && c >= 0x41 && c <= 0x46 ? c - 0x37 : fail('nibble', at);
    const j = at + (k >> 1);
    out[j] = (k & 1) === 0 ? (out[j]! & 0x0f) | (nib << 4) : (out[j]! & 0xf0) | nib;
  }
  if (odd && padRight) out[at + bytes - 1] = (out[at + bytes - 1]! & 0xf0) | 0x0f;
  return at + bytes;
}

const BCD_TEXT = new Set([37, 41, 42, 43]);

/** Hand-written encoder for the packed layout of the benchmark's fields. */
export function encodeBcdByHand(m: Message): Uint8Array {
  const keys: number[] = [];
  // Integer-like keys enumerate in ascending order.
  for (const k in m.fields) keys.push(+k);
  const secondary = keys.some((k) => k > 64);
  let size = 2 + (secondary ? 16 : 8);
  for (const k of keys) {
    const l = ASCII_LAYOUT[k];
    if (l === undefined) fail('field', 0);
    const v = m.fields[k] as string | Uint8Array;
    if (v.length > l.len || (l.prefix === 0 && v.length !== l.len)) fail('length', 0);
    const prefixBytes = l.prefix === 0 ? 0 : l.prefix === 2 ? 1 : 2;
    size += prefixBytes + (typeof v === 'string' && !BCD_TEXT.has(k) ? (v.length + 1) >> 1 : v.length);
  }
  const out = new Uint8Array(size);
  let p = putPacked(out, 0, m.mti, false, false);
  const bm = p;
  p += secondary ? 16 : 8;
  if (secondary) out[bm] = 0x80;
  for (const k of keys) {
    out[bm + ((k - 1) >> 3)]! |= 0x80 >> ((k - 1) & 7);
    const l = ASCII_LAYOUT[k]!;
    const v = m.fields[k] as string | Uint8Array;
    if (l.prefix === 2) {
      out[p++] = ((Math.floor(v.length / 10) % 10) << 4) | (v.length % 10);
    } else if (l.prefix === 3) {
      out[p++] = Math.floor(v.length / 100);
      out[p++] = ((Math.floor(v.length / 10) % 10) << 4) | (v.length % 10);
    }
    if (typeof v !== 'string') {
      out.set(v, p);
      p += v.length;
    } else if (BCD_TEXT.has(k)) p = put(out, p, v, isPrintable);
    else p = putPacked(out, p, v, k === 35, k === 35);
  }
  return out;
}
