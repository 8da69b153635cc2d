import fc from 'fast-check';
import { compileRules, type CompiledRules } from '../rules/compile-rules.js';
import type { FieldValue, Message, MessageRules, MessageSpec } from '../spec/types.js';
import { stringOf } from './scalar-shape.js';

/** Rounds of repair before a message is given up (filtered out): each round adds or removes the fields one check names. */
const MAX_ROUNDS = 8;

/** The fields any rule of `rules` can make mandatory: the ones a repair may have to add. */
function mandatoryFields(rules: MessageRules): number[] {
  const out = new Set<number>();
  for (const rule of Object.values(rules)) {
    for (const n of rule.mandatory ?? []) out.add(n);
    for (const c of rule.conditional ?? []) for (const n of c.mandatory ?? []) out.add(n);
  }
  return [...out].sort((a, b) => a - b);
}

/**
 * MTIs for a spec with rules: now any four digits, now one that a rule's pattern matches (its `x` drawn), so the
 * rules are exercised and not only the MTIs no rule names.
 */
export function ruleMtis(rules: MessageRules, any: fc.Arbitrary<string>): fc.Arbitrary<string> {
  const digits = '0123456789'.split('');
  const patterns = Object.keys(rules);
  if (patterns.length === 0) return any;
  const instance = (pattern: string): fc.Arbitrary<string> =>
    fc.tuple(...[...pattern].map((c) => (c === 'x' ? stringOf(digits, 1) : fc.constant(c)))).map((parts) => parts.join(''));
  return fc.oneof(any, ...patterns.map(instance));
}

/**
 * Makes the messages of `messages` keep the spec's rules: a missing mandatory field is added (with a value drawn
 * from its own field spec), a forbidden one removed, until the check finds nothing; a message still breaking a
 * rule after {@link MAX_ROUNDS} rounds (rules that undo each other) is filtered out.
 *
 * Why: `arbitraryMessage` promises messages that encode, and a spec with rules refuses the others; repairing
 * keeps every field choice the generator made that the rules allow.
 */
export function keepingRules(
  spec: MessageSpec & { readonly rules: MessageRules },
  messages: fc.Arbitrary<Message>,
  valuesOf: (n: number) => fc.Arbitrary<FieldValue>,
): fc.Arbitrary<Message> {
  const rules: CompiledRules = compileRules(spec.rules);
  const reserve = mandatoryFields(spec.rules);
  return fc
    .tuple(messages, fc.tuple(...reserve.map(valuesOf)))
    .map(([message, spare]) => {
      const fields: Record<number, FieldValue | undefined> = { ...message.fields };
      for (let round = 0; round < MAX_ROUNDS; round++) {
        const broken = rules.check(message.mti, fields);
        if (broken.length === 0) break;
        for (const v of broken) {
          if (v.code === 'MANDATORY_FIELD_MISSING') fields[v.field] = spare[reserve.indexOf(v.field)];
          else delete fields[v.field];
        }
      }
      return { ...message, fields };
    })
    .filter((m) => rules.check(m.mti, m.fields).length === 0);
}
