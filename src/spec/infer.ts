import type { FieldSpec, FieldValue, MessageSpec } from './types.js';

/**
 * The static value type of one field spec: `Uint8Array` for kind `b`, `string` for any other literal kind, and
 * `FieldValue` when the kind is not known statically (a spec typed as plain `FieldSpec`, e.g. loaded from JSON).
 */
export type InferField<F> = F extends { readonly kind: infer K }
  ? [K] extends ['b']
    ? Uint8Array
    : 'b' extends K
      ? FieldValue
      : string
  : FieldValue;

/** The value type of a header spec: bytes for the binary converters, text otherwise. */
type HeaderValue<H> = H extends { readonly encoding: infer E }
  ? [E] extends ['binary' | 'nop']
    ? Uint8Array
    : 'binary' extends E
      ? FieldValue
      : string
  : FieldValue;

/** The static type of a header: required when the spec declares one, absent when it has none. */
type InferHeader<S> = 'header' extends keyof S
  ? undefined extends S['header' & keyof S]
    ? { header?: FieldValue }
    : { header: HeaderValue<S['header' & keyof S]> }
  : { header?: never };

/**
 * The decoded message type of a spec, derived from the same value that drives the codec.
 *
 * Why: one declaration gives both the runtime layout and the static type, so they cannot drift apart; numeric
 * fields stay strings because leading zeros matter and amounts must never become floats.
 *
 * @example
 * ```ts
 * const spec = defineSpec({ name: 'tiny', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' },
 *   fields: { 2: { kind: 'n', length: 19, prefix: 'LL/ascii', encoding: 'ascii' } } });
 * type Tiny = Infer<typeof spec>; // { mti: string; fields: { 2?: string } }
 * ```
 */
export type Infer<S extends MessageSpec> = {
  mti: string;
  fields: { -readonly [K in keyof S['fields']]?: InferField<S['fields'][K]> | undefined };
} & InferHeader<S>;

/** Narrows a field table to its literal types; used by {@link defineSpec}. */
export type FieldTable = { readonly [field: number]: FieldSpec };
