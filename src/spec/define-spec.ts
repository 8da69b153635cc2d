import { describeType } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { guard, unreadable } from '../errors/guard.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import { checkSpecKeys } from './spec-keys.js';
import type { StrictSpec } from './strict.js';
import type { MessageSpec } from './types.js';

/**
 * Declares a message spec and keeps every literal type in it, so `Infer<typeof spec>` is exact.
 *
 * Why: without a `const` type parameter TypeScript widens `kind: 'b'` to `string` and the decoded type is lost.
 * The value is returned unchanged once it is seen to be an object whose keys, at every level, are keys of the spec
 * format (`INVALID_SPEC` otherwise, naming the path of an unknown key such as `2.lenghtUnit`); the full validation
 * happens when a codec is created (or via `validateSpec`), so a spec may name a converter registered later.
 * A key the spec format does not have, at any level (`lenghtUnit`, `tertiery`, a layout's `tagLenght`), is a type
 * error at that key: ignored, it would silently leave the default in force.
 *
 * @example
 * ```ts
 * const spec = defineSpec({
 *   name: 'demo', mti: { encoding: 'ascii' }, bitmap: { format: 'binary' },
 *   fields: { 4: { kind: 'n', length: 12, encoding: 'ascii' }, 52: { kind: 'b', length: 8, encoding: 'binary' } },
 * });
 * ```
 */
export function defineSpec<const S extends MessageSpec>(spec: S & StrictSpec<S>): S {
  // describeType runs no code of the value's: a proxy or a revoked proxy is named, not read.
  const type = describeType(spec);
  if (type !== 'an object') throw new Iso8583Error(ErrorCode.INVALID_SPEC, `defineSpec: spec must be an object, got ${type}`);
  guard(ErrorCode.INVALID_SPEC, unreadable('defineSpec: the spec'), () => checkSpecKeys(spec));
  return spec;
}
