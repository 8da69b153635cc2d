/**
 * Genuine typed arrays, read through the typed-array internals rather than through properties.
 *
 * Why: a value nobody vouches for (a message from JSON, a user's object) may be a proxy, a subclass whose `length`
 * lies, or an object that merely looks like bytes; the intrinsic getters answer for what the value really is.
 */

const TYPED_ARRAY_PROTOTYPE = Object.getPrototypeOf(Uint8Array.prototype) as object;
const typedArrayName = Object.getOwnPropertyDescriptor(TYPED_ARRAY_PROTOTYPE, Symbol.toStringTag)!.get!;
const typedArrayLength = Object.getOwnPropertyDescriptor(TYPED_ARRAY_PROTOTYPE, 'length')!.get!;

/**
 * A fresh copy of `value` if it is a genuine `Uint8Array` (a `Buffer`, or one from another realm, counts), else
 * `undefined`. The brand and the length come from the typed-array internals, not from properties.
 */
export function copyBytes(value: unknown): Uint8Array | undefined {
  if (typedArrayName.call(value) !== 'Uint8Array') return undefined;
  const source = value as Uint8Array;
  const length = typedArrayLength.call(source) as number;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = source[i]!;
  return out;
}

/** The typed-array kind of `value` (`"Uint8Array"`, `"Int16Array"`…) from its internals, or `undefined` for anything else. */
export function typedArrayTag(value: unknown): string | undefined {
  return typedArrayName.call(value) as string | undefined;
}
