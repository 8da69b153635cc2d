import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkRules,
  type Codec,
  createCodec as createTypedCodec,
  ErrorCode,
  ISO87_RULES,
  isIso8583Error,
  type Message,
  type MessageRules,
  type MessageSpec,
  type MtiRule,
  presets,
  type RuleCondition,
  withoutRules,
  withRules,
} from '../../src/index.js';
import { arbitraryMessage, arbitrarySpec } from '../../src/testing/index.js';

const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 300);
const createCodec = (s: MessageSpec): Codec<Message> => createTypedCodec(s);

/**
 * Random rules for a spec: its fields are split at random into ones rules may require, ones they may forbid and
 * ones they leave alone, so the rules are valid (no field both required and forbidden for any MTI) whatever their
 * patterns; conditions test any field's presence, and the first digit of a numeric field.
 */
function arbitraryRules(spec: MessageSpec): fc.Arbitrary<MessageRules> {
  const numbers = Object.keys(spec.fields).map(Number);
  const digitFields = numbers.filter((n) => spec.fields[n]!.kind === 'n' && spec.fields[n]!.subfields === undefined);
  return fc.array(fc.constantFrom('m', 'f', '-'), { minLength: numbers.length, maxLength: numbers.length }).chain((roles) => {
    const may = (role: string): number[] => numbers.filter((_, i) => roles[i] === role);
    const list = (pool: number[]): fc.Arbitrary<number[]> => fc.subarray(pool, { maxLength: Math.min(3, pool.length) });
    const condition: fc.Arbitrary<RuleCondition> = fc.oneof(
      fc.record({ field: fc.constantFrom(...numbers), present: fc.boolean() }),
      ...(digitFields.length === 0 ? [] : [fc.record({ field: fc.constantFrom(...digitFields), startsWith: fc.constantFrom('0', '1', '5') })]),
    );
    const rule: fc.Arbitrary<MtiRule> = fc.record({
      mandatory: list(may('m')),
      forbidden: list(may('f')),
      conditional: fc.array(
        fc.record({ when: fc.oneof(condition, fc.array(condition, { minLength: 1, maxLength: 2 })), mandatory: list(may('m')), forbidden: list(may('f')) }),
        { maxLength: 3 },
      ),
    });
    const pattern = fc.array(fc.constantFrom('0', '1', 'x', 'x'), { minLength: 4, maxLength: 4 }).map((cs) => cs.join(''));
    return fc.dictionary(pattern, rule, { maxKeys: 3 });
  });
}

/** An MTI one of the spec's rule patterns matches (its `x` drawn), or any MTI for a spec with no rules. */
const mtiFor = (spec: MessageSpec): fc.Arbitrary<string> => {
  const patterns = Object.keys(spec.rules ?? {});
  const digit = fc.constantFrom(...'0123456789'.split(''));
  const pattern = patterns.length === 0 ? fc.constant('xxxx') : fc.constantFrom(...patterns);
  return pattern.chain((p) => fc.tuple(...[...p].map((c) => (c === 'x' ? digit : fc.constant(c)))).map((cs) => cs.join('')));
};

const specsWithRules: fc.Arbitrary<MessageSpec> = arbitrarySpec().chain((spec) => arbitraryRules(spec).map((rules) => withRules(spec, rules)));

describe('rules and the arbitraries', () => {
  it('messages drawn for a spec with rules keep them, encode, and decode back with the check on', () => {
    let checked = 0;
    fc.assert(
      fc.property(
        specsWithRules.chain((spec) => fc.tuple(fc.constant(spec), arbitraryMessage(spec, { maxFields: 6 }))),
        ([spec, message]) => {
          expect(checkRules(spec, message)).toEqual([]);
          const codec = createCodec(spec);
          expect(codec.decode(codec.encode(message), { rules: true })).toEqual(message);
          if (Object.keys(spec.rules ?? {}).some((p) => [...p].every((c, i) => c === 'x' || c === message.mti[i]))) checked++;
        },
      ),
      { numRuns: FUZZ_RUNS, seed: 8583 },
    );
    // The MTIs are often ones the rules name, so the rules are exercised, not only skipped.
    expect(checked).toBeGreaterThan(FUZZ_RUNS / 4);
  });

  it('a message that breaks a rule is refused by encode with the first broken rule checkRules lists', () => {
    let refused = 0;
    fc.assert(
      fc.property(
        specsWithRules.chain((spec) =>
          mtiFor(spec).chain((mti) => fc.tuple(fc.constant(spec), arbitraryMessage(withoutRules(spec), { mti, maxFields: 6 }))),
        ),
        ([spec, message]) => {
          const broken = checkRules(spec, message);
          let thrown: unknown;
          try {
            createCodec(spec).encode(message);
          } catch (e) {
            thrown = e;
          }
          if (broken.length === 0) {
            expect(thrown).toBeUndefined();
            return;
          }
          refused++;
          expect(isIso8583Error(thrown) && [thrown.code, thrown.field, thrown.offset]).toEqual([broken[0]!.code, String(broken[0]!.field), undefined]);
          // The same frame, written without the rules, is refused by decode with the check on, at the same field.
          const frame = createCodec(withoutRules(spec)).encode(message);
          let onDecode: unknown;
          try {
            createCodec(spec).decode(frame, { rules: true });
          } catch (e) {
            onDecode = e;
          }
          expect(isIso8583Error(onDecode) && [onDecode.code, onDecode.field]).toEqual([broken[0]!.code, String(broken[0]!.field)]);
          expect([ErrorCode.MANDATORY_FIELD_MISSING, ErrorCode.FORBIDDEN_FIELD_PRESENT]).toContain(broken[0]!.code);
        },
      ),
      { numRuns: FUZZ_RUNS, seed: 8583 },
    );
    expect(refused).toBeGreaterThan(FUZZ_RUNS / 10);
  });

  it('messages drawn for a 1987 preset with ISO87_RULES keep them and encode', () => {
    for (const preset of [presets.iso87ascii, presets.iso87binary, presets.iso87ebcdic]) {
      const spec = withRules(preset, ISO87_RULES);
      const codec = createCodec(spec);
      fc.assert(
        fc.property(arbitraryMessage(spec, { maxFields: 10 }), (message) => {
          expect(checkRules(spec, message as Message)).toEqual([]);
          expect(codec.decode(codec.encode(message as Message), { rules: true })).toEqual(message);
        }),
        { numRuns: Math.max(20, FUZZ_RUNS >> 2), seed: 8583 },
      );
    }
  });
});
