import { ErrorCode } from '../errors/codes.js';
import { guard, unreadable } from '../errors/guard.js';
import type { MessageSpec } from '../spec/types.js';
import { validateSpec } from '../spec/validate-spec.js';

const checked = new WeakSet<object>();

/**
 * Validates `spec` once per spec object (as `createCodec` does), so helpers that read its tables per message can
 * trust them; throws `INVALID_SPEC` like `validateSpec`.
 */
export function checkedSpec(spec: MessageSpec): MessageSpec {
  // A WeakSet lookup runs no code of the key's; a value that cannot be a key is validateSpec's to refuse.
  if (typeof spec === 'object' && spec !== null && checked.has(spec)) return spec;
  const valid = guard(ErrorCode.INVALID_SPEC, unreadable('the spec'), () => validateSpec(spec));
  checked.add(valid);
  return valid;
}
