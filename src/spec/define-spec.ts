import type { MessageSpec } from './types.js';

/**
 * Declares a message spec and keeps every literal type in it, so `Infer<typeof spec>` is exact.
 *
 * Why: without a `const` type parameter TypeScript widens `kind: 'b'` to `string` and the decoded type is lost.
 * The value is returned unchanged; validation happens when a codec is created (or via `validateSpec`).
 *
 * @example
 * ```ts
 * const spec = defineSpec({
 *   name: 'demo', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' },
 *   fields: { 4: { kind: 'n', length: 12, encoding: 'ascii' }, 52: { kind: 'b', length: 8, encoding: 'binary' } },
 * });
 * ```
 */
export function defineSpec<const S extends MessageSpec>(spec: S): S {
  return spec;
}
