import { ErrorCode } from '../errors/codes.js';
import type { FieldValue, MessageRules, RuleCondition } from '../spec/types.js';

/**
 * One broken rule: a field missing that the MTI's rules make mandatory, or present that they forbid.
 *
 * Why: a validator of messages (a test, a simulator, a gateway checking its partners) wants every broken rule at
 * once, with the rule that says so; the codec throws the first as an `Iso8583Error` of the same `code`.
 */
export interface RuleViolation {
  /** `MANDATORY_FIELD_MISSING` or `FORBIDDEN_FIELD_PRESENT`, the code encode and decode throw for it. */
  readonly code: typeof ErrorCode.MANDATORY_FIELD_MISSING | typeof ErrorCode.FORBIDDEN_FIELD_PRESENT;
  /** The data element concerned. */
  readonly field: number;
  /** Path of the rule in the spec: `rules.0100.mandatory`, `rules.01x0.forbidden`, `rules.0200.conditional.1`. */
  readonly rule: string;
  /** A sentence naming the field, the MTI and the rule, never a value. */
  readonly detail: string;
}

/** A conditional entry, its conditions as a list. */
interface CompiledConditional {
  readonly rule: string;
  readonly when: readonly RuleCondition[];
  readonly mandatory: readonly number[];
  readonly forbidden: readonly number[];
}

/** The rules of one pattern, as the checks read them. */
interface CompiledRule {
  readonly pattern: string;
  readonly mandatory: readonly number[];
  readonly forbidden: readonly number[];
  readonly conditional: readonly CompiledConditional[];
}

/** The fields of a message, by number; `undefined` is an absent field (as encode treats it). */
export type FieldTable = { readonly [field: number]: FieldValue | undefined };

/**
 * The rules of a validated spec, compiled: `check(mti, fields)` lists the broken ones, in field-number order.
 *
 * Why: the codec runs it on every encode, so the patterns that match an MTI are found once per MTI and kept.
 */
export interface CompiledRules {
  /** The broken rules of a message with this MTI and these fields: sorted by field, a missing one before a forbidden one. */
  check(mti: string, fields: FieldTable): RuleViolation[];
}

/** Tells whether `mti` (four characters) matches `pattern` (digits and `x`, any digit). */
function matches(pattern: string, mti: string): boolean {
  for (let i = 0; i < 4; i++) {
    const p = pattern.charCodeAt(i);
    const c = mti.charCodeAt(i);
    if (c < 0x30 || c > 0x39 || (p !== 0x78 && p !== c)) return false;
  }
  return true;
}

/** What a condition says, for an error text: the field and the test, not the characters tested for. */
function describeCondition(c: RuleCondition): string {
  if (c.startsWith !== undefined) return `field ${c.field} starts with the rule's characters`;
  return `field ${c.field} is ${c.present === true ? 'present' : 'absent'}`;
}

function holds(c: RuleCondition, fields: FieldTable): boolean {
  const value = fields[c.field];
  if (c.startsWith !== undefined) return typeof value === 'string' && value.startsWith(c.startsWith);
  return (value !== undefined) === (c.present === true);
}

/**
 * Compiles the `rules` of a spec that `validateSpec` accepted (a copy of the lists is kept: what was validated is
 * what runs).
 */
export function compileRules(rules: MessageRules): CompiledRules {
  const compiled: CompiledRule[] = Object.keys(rules).map((pattern) => {
    const r = rules[pattern]!;
    return {
      pattern,
      mandatory: [...(r.mandatory ?? [])],
      forbidden: [...(r.forbidden ?? [])],
      conditional: (r.conditional ?? []).map((c, i) => ({
        rule: `rules.${pattern}.conditional.${i}`,
        when: Array.isArray(c.when) ? [...(c.when as readonly RuleCondition[])] : [c.when as RuleCondition],
        mandatory: [...(c.mandatory ?? [])],
        forbidden: [...(c.forbidden ?? [])],
      })),
    };
  });
  // At most 10,000 MTIs of four digits, so the cache is bounded; any other MTI matches no pattern.
  const byMti = new Map<string, readonly CompiledRule[]>();
  const applicable = (mti: string): readonly CompiledRule[] => {
    let list = byMti.get(mti);
    if (list === undefined) {
      list = compiled.filter((r) => matches(r.pattern, mti));
      if (/^[0-9]{4}$/.test(mti)) byMti.set(mti, list);
    }
    return list;
  };

  return {
    check(mti, fields) {
      const out: RuleViolation[] = [];
      const seen = new Set<string>();
      const add = (code: RuleViolation['code'], field: number, rule: string, why: string): void => {
        const key = `${code}:${field}`;
        if (seen.has(key)) return;
        seen.add(key);
        const what = code === ErrorCode.MANDATORY_FIELD_MISSING ? 'mandatory' : 'forbidden';
        out.push({ code, field, rule, detail: `field ${field} is ${what} in MTI ${mti}${why} (${rule})` });
      };
      for (const r of applicable(mti)) {
        for (const n of r.mandatory) if (fields[n] === undefined) add(ErrorCode.MANDATORY_FIELD_MISSING, n, `rules.${r.pattern}.mandatory`, '');
        for (const n of r.forbidden) if (fields[n] !== undefined) add(ErrorCode.FORBIDDEN_FIELD_PRESENT, n, `rules.${r.pattern}.forbidden`, '');
        for (const c of r.conditional) {
          if (!c.when.every((w) => holds(w, fields))) continue;
          const why = ` when ${c.when.map(describeCondition).join(' and ')}`;
          for (const n of c.mandatory) if (fields[n] === undefined) add(ErrorCode.MANDATORY_FIELD_MISSING, n, c.rule, why);
          for (const n of c.forbidden) if (fields[n] !== undefined) add(ErrorCode.FORBIDDEN_FIELD_PRESENT, n, c.rule, why);
        }
      }
      return out.sort((a, b) => a.field - b.field || (a.code === b.code ? 0 : a.code === ErrorCode.MANDATORY_FIELD_MISSING ? -1 : 1));
    },
  };
}
