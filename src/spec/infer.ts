import type { FieldSpec, MessageSpec } from './types.js';

/** The static value type of one field spec: `Uint8Array` for kind `b`, otherwise `string`. */
export type InferField<F> = F extends { readonly kind: 'b' } ? Uint8Array : string;

/** The static type of a header: present only when the spec declares one. */
type InferHeader<S> = S extends { readonly header: { readonly encoding: infer E } }
  ? { header: E extends 'binary' ? Uint8Array : string }
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
  fields: { -readonly [K in keyof S['fields']]?: InferField<S['fields'][K]> };
} & InferHeader<S>;

/** Narrows a field table to its literal types; used by {@link defineSpec}. */
export type FieldTable = { readonly [field: number]: FieldSpec };
