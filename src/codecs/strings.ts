/**
 * Fast byte-to-string building for decoded text.
 *
 * Why: building a field's string one character at a time makes a rope that V8 must flatten later; for the short
 * fields ISO 8583 is made of, one `String.fromCharCode` call with the bytes as arguments is several times faster,
 * and for longer ASCII runs Node's native latin1 slice is. Measured in bench/ (decode of case a).
 */

type Latin1Slice = (this: Uint8Array, start: number, end: number) => string;

/** Node's native latin1 slice, when present and behaving as expected; otherwise undefined (browsers). */
const latin1Slice: Latin1Slice | undefined = (() => {
  const B = (globalThis as { Buffer?: { prototype?: { latin1Slice?: unknown } } }).Buffer;
  const fn = B?.prototype?.latin1Slice;
  if (typeof fn !== 'function') return undefined;
  try {
    const probe = new Uint8Array([0x41, 0x42, 0x7e, 0x20, 0x30]);
    return (fn as Latin1Slice).call(probe, 1, 4) === 'B~ ' ? (fn as Latin1Slice) : undefined;
  } catch {
    return undefined;
  }
})();

/**
 * Whether {@link wholeLatin1} can read a buffer natively (Node's latin1 slice is there and behaves as expected).
 *
 * Why: the decoder reads a frame's text once and slices fields from it only where that read is native; elsewhere
 * (browsers) it builds each field's string as before.
 */
export const hasNativeLatin1 = latin1Slice !== undefined;

/**
 * The largest buffer, in bytes, whose Latin-1 text or hex is read whole; a larger one is read a field at a time.
 *
 * Why: one native read of the whole frame pays for itself on frames of a few KiB, but a string has a largest length
 * (in V8 about 2^29 characters: no hex of a buffer above 256 MiB, no text above 512 MiB), and reading hundreds of
 * MiB to refuse a frame after its first bytes wastes the time.
 */
export const WHOLE_READ_MAX_BYTES = 1 << 20;

/** Bytes `from` to `to` of `src` as Latin-1 text, in one native read; only where {@link hasNativeLatin1}. */
export function latin1Range(src: Uint8Array, from: number, to: number): string {
  return latin1Slice!.call(src, from, to);
}

/** Bytes `from` to `to` of `src` as hex digits, lowercase, in one native read; only where {@link hasNativeHex}. */
export function hexRange(src: Uint8Array, from: number, to: number): string {
  return hexSlice!.call(src, from, to);
}

/** The whole of `src` as Latin-1 text, in one native read; only where {@link hasNativeLatin1}. */
export function wholeLatin1(src: Uint8Array): string {
  return latin1Slice!.call(src, 0, src.length);
}

/** Node's native hex slice (lowercase digits), when present and behaving as expected; otherwise undefined. */
const hexSlice: Latin1Slice | undefined = (() => {
  const B = (globalThis as { Buffer?: { prototype?: { hexSlice?: unknown } } }).Buffer;
  const fn = B?.prototype?.hexSlice;
  if (typeof fn !== 'function') return undefined;
  try {
    const probe = new Uint8Array([0x01, 0x2d, 0xf9, 0x30]);
    return (fn as Latin1Slice).call(probe, 1, 3) === '2df9' ? (fn as Latin1Slice) : undefined;
  } catch {
    return undefined;
  }
})();

/**
 * Whether {@link wholeHex} can read a buffer natively (Node's hex slice is there and behaves as expected).
 *
 * Why: packed digits are sliced from one hex read of the frame only where that read is native.
 */
export const hasNativeHex = hexSlice !== undefined;

/** The whole of `src` as hex digits, two per byte, lowercase, in one native read; only where {@link hasNativeHex}. */
export function wholeHex(src: Uint8Array): string {
  return hexSlice!.call(src, 0, src.length);
}

/** One-character strings for char codes 0–255. */
const CHAR = Array.from({ length: 256 }, (_, c) => String.fromCharCode(c));

/**
 * The string of `n` bytes from `src[at]`, each byte taken as a char code 0–255 (Latin-1).
 * Callers have validated the bytes already.
 */
export function latin1String(src: Uint8Array, at: number, n: number): string {
  switch (n) {
    case 0:
      return '';
    case 1:
      return CHAR[src[at]!]!;
    case 2:
      return String.fromCharCode(src[at]!, src[at + 1]!);
    case 3:
      return String.fromCharCode(src[at]!, src[at + 1]!, src[at + 2]!);
    case 4:
      return String.fromCharCode(src[at]!, src[at + 1]!, src[at + 2]!, src[at + 3]!);
    case 5:
      return String.fromCharCode(src[at]!, src[at + 1]!, src[at + 2]!, src[at + 3]!, src[at + 4]!);
    case 6:
      return String.fromCharCode(src[at]!, src[at + 1]!, src[at + 2]!, src[at + 3]!, src[at + 4]!, src[at + 5]!);
    case 7:
      return String.fromCharCode(src[at]!, src[at + 1]!, src[at + 2]!, src[at + 3]!, src[at + 4]!, src[at + 5]!, src[at + 6]!);
    case 8:
      return String.fromCharCode(
        src[at]!, src[at + 1]!, src[at + 2]!, src[at + 3]!, src[at + 4]!, src[at + 5]!, src[at + 6]!, src[at + 7]!,
      );
    default:
      if (latin1Slice !== undefined) return latin1Slice.call(src, at, at + n);
      if (n <= 16) {
        let s = '';
        for (let i = at; i < at + n; i++) s += CHAR[src[i]!]!;
        return s;
      }
      return Reflect.apply(String.fromCharCode, null, src.subarray(at, at + n)) as string;
  }
}

/** A scratch array for mapped char codes (EBCDIC, BCD digits); grown on demand, never shrunk. */
let scratch = new Uint8Array(256);

/** Returns the shared scratch array with room for `n` codes. Callers fill it, then call {@link scratchString}. */
export function scratchFor(n: number): Uint8Array {
  if (scratch.length < n) scratch = new Uint8Array(Math.max(n, scratch.length * 2));
  return scratch;
}

/** The string of the first `n` codes in the scratch array. */
export function scratchString(n: number): string {
  return latin1String(scratch, 0, n);
}
