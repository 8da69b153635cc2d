import { ErrorCode } from '../errors/codes.js';
import { guard, unreadable } from '../errors/guard.js';
import type { StrictRules } from '../spec/strict.js';
import type { MessageRules, MessageSpec } from '../spec/types.js';
import { validateSpec } from '../spec/validate-spec.js';

/** Spec `S` with its rules replaced by `R`. */
export type WithRules<S extends MessageSpec, R extends MessageRules> = Omit<S, 'rules'> & { readonly rules: R };

/** Spec `S` without rules. */
export type WithoutRules<S extends MessageSpec> = Omit<S, 'rules'>;

/**
 * A copy of `spec` whose `rules` are `rules` (replacing any it had), validated; throws `INVALID_SPEC` for rules
 * that name a field the spec does not define or that both require and forbid a field.
 *
 * Why: the presets carry no rules, so existing messages keep encoding; a link that follows the standard's table
 * opts in with `withRules(presets.iso87ascii, ISO87_RULES)`, and a network that differs writes its own table, or
 * changes one MTI with `{ ...ISO87_RULES, '0100': mine }`. The field table is kept, so the messages' type is too.
 * A key the rules format does not have (`mandatroy`) is a type error at the key in a literal.
 *
 * @example
 * ```ts
 * const spec = withRules(presets.iso87ascii, { ...ISO87_RULES, '0200': { mandatory: [3, 4, 11, 41] } });
 * ```
 */
export function withRules<const S extends MessageSpec, const R extends MessageRules>(spec: S, rules: R & StrictRules<R>): WithRules<S, R> {
  return guard(ErrorCode.INVALID_SPEC, unreadable('the spec'), () => {
    const copy: WithRules<S, R> = { ...spec, rules };
    validateSpec(copy);
    return copy;
  });
}

/**
 * A copy of `spec` without `rules`: encode and decode then check no message type's fields.
 *
 * Why: a spec read from a partner's file may carry rules a test harness or a simulator must break on purpose
 * (a request without DE11, to see the peer answer 30).
 *
 * @example
 * ```ts
 * const loose = createCodec(withoutRules(specFromJSON(text)));
 * ```
 */
export function withoutRules<const S extends MessageSpec>(spec: S): WithoutRules<S> {
  return guard(ErrorCode.INVALID_SPEC, unreadable('the spec'), () => {
    const { rules: _dropped, ...rest } = spec;
    validateSpec(rest);
    return rest;
  });
}
