import { describeType } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { guard, unreadable } from '../errors/guard.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import type { Message, MessageSpec } from '../spec/types.js';
import { validateSpec } from '../spec/validate-spec.js';
import { type CompiledRules, compileRules, type RuleViolation } from './compile-rules.js';

export type { RuleViolation } from './compile-rules.js';

const cache = new WeakMap<MessageSpec, CompiledRules | null>();

/**
 * The compiled rules of a spec (validated once, cached per spec object), or `null` when it has none.
 *
 * Why: `checkRules` is called per message; the spec is validated and its rules compiled on the first call only.
 */
export function rulesOf(spec: MessageSpec): CompiledRules | null {
  const cached = cache.get(spec);
  if (cached !== undefined) return cached;
  const checked = validateSpec(spec);
  const compiled = checked.rules === undefined ? null : compileRules(checked.rules);
  cache.set(spec, compiled);
  return compiled;
}

/**
 * Lists every rule of `spec.rules` that `message` breaks for its MTI (an empty list when it breaks none, or when
 * the spec has no rules), without encoding it.
 *
 * Why: a gateway checking a partner's messages, a test or a simulator wants all the broken rules at once, each
 * with its field and the rule that says so; `encode` throws the first of the same list (the lowest field number).
 * It looks only at which fields are present (a field whose value is `undefined` is absent, as encode treats it)
 * and, for `startsWith` conditions, at string values; it does not check values against their field specs (encode
 * does). Throws `INVALID_SPEC` for a bad spec, `INVALID_MESSAGE` for a message that is not an object with a
 * `fields` object (or whose reading throws), `INVALID_MTI` for an MTI that is not a string of four characters.
 *
 * @example
 * ```ts
 * for (const v of checkRules(withRules(spec, ISO87_RULES), reply)) console.warn(v.code, v.field, v.rule);
 * // e.g. MANDATORY_FIELD_MISSING 39 rules.0110.mandatory
 * ```
 */
export function checkRules(spec: MessageSpec, message: Message): RuleViolation[] {
  const rules = guard(ErrorCode.INVALID_SPEC, unreadable('the spec'), () => rulesOf(spec));
  return guard(ErrorCode.INVALID_MESSAGE, unreadable('the message'), () => {
    if (typeof message !== 'object' || message === null) {
      throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, `message must be an object, got ${describeType(message)}`);
    }
    const { mti, fields } = message;
    if (typeof fields !== 'object' || fields === null || Array.isArray(fields) || fields instanceof Uint8Array) {
      throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, `message.fields must be an object, got ${describeType(fields)}`);
    }
    if (typeof mti !== 'string' || mti.length !== 4) throw new Iso8583Error(ErrorCode.INVALID_MTI, 'MTI must be a string of four digits', { field: 'mti' });
    return rules === null ? [] : rules.check(mti, fields);
  });
}
