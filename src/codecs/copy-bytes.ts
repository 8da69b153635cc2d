/**
 * Genuine typed arrays, read through the typed-array internals rather than through properties.
 *
 * Why: a value nobody vouches for (a message from JSON, a user's object) may be a proxy, a subclass whose `length`
 * lies, or an object that merely looks like bytes; the intrinsic getters answer for what the value really is.
 */

const TYPED_ARRAY_PROTOTYPE = Object.getPrototypeOf(Uint8Array.prototype) as object;
const typedArrayName = Object.getOwnPropertyDescriptor(TYPED_ARRAY_PROTOTYPE, Symbol.toStringTag)!.get!;
const typedArrayLength = Object.getOwnPropertyDescriptor(TYPED_ARRAY_PROTOTYPE, 'length')!.get!;
const typedArrayBuffer = Object.getOwnPropertyDescriptor(TYPED_ARRAY_PROTOTYPE, 'buffer')!.get!;
const typedArrayByteOffset = Object.getOwnPropertyDescriptor(TYPED_ARRAY_PROTOTYPE, 'byteOffset')!.get!;

/**
 * A fresh copy of `value` if it is a genuine `Uint8Array` (a `Buffer`, or one from another realm, counts), else
 * `undefined`. The brand and the length come from the typed-array internals, not from properties.
 */
export function copyBytes(value: unknown): Uint8Array | undefined {
  if (typedArrayName.call(value) !== 'Uint8Array') return undefined;
  return copyRange(value as Uint8Array, 0, typedArrayLength.call(value) as number);
}

/**
 * A plain `Uint8Array` over the same memory as `value` if it is a genuine `Uint8Array` (a `Buffer`, or one from
 * another realm, counts), else `undefined`. Nothing is copied; the memory and the length come from the typed-array
 * internals, so the view's own `length`, indexes and methods are the real ones (a detached or out-of-bounds array
 * gives an empty view).
 *
 * Why: where a copy would cost (a frame, a socket's chunk) but the caller's object cannot be trusted to tell its length.
 */
export function viewBytes(value: unknown): Uint8Array | undefined {
  if (typedArrayName.call(value) !== 'Uint8Array') return undefined;
  const n = typedArrayLength.call(value) as number;
  if (n === 0) return new Uint8Array(0);
  return new Uint8Array(typedArrayBuffer.call(value) as ArrayBufferLike, typedArrayByteOffset.call(value) as number, n);
}

/** The typed-array kind of `value` (`"Uint8Array"`, `"Int16Array"`…) from its internals, or `undefined` for anything else. */
export function typedArrayTag(value: unknown): string | undefined {
  return typedArrayName.call(value) as string | undefined;
}

/**
 * Bytes `from` to `to` of a frame (a genuine `Uint8Array`, the caller has checked the range) as a fresh, plain
 * `Uint8Array` that shares no memory with it.
 *
 * Why: `slice` creates through the frame's own class, and `Buffer`'s `slice` is a view: a binary value decoded from
 * a `Buffer` would change when the caller reuses that buffer. The view is built from the typed-array internals.
 */
export function copyRange(src: Uint8Array, from: number, to: number): Uint8Array {
  const n = to - from;
  const out = new Uint8Array(n);
  // A loop for the short values most fields hold (faster than a view and a copy), one native copy above that.
  if (n <= 16) for (let i = 0; i < n; i++) out[i] = src[from + i]!;
  else out.set(new Uint8Array(typedArrayBuffer.call(src) as ArrayBufferLike, (typedArrayByteOffset.call(src) as number) + from, n));
  return out;
}
