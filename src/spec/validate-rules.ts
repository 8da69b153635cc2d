import { nameLabel } from '../errors/arguments.js';
import { isSpecObject as isObject, specProblem } from './spec-problem.js';
import type { FieldSpec } from './types.js';

/** An MTI pattern: four characters, each a digit or `x` (any digit). */
export const MTI_PATTERN = /^[0-9x]{4}$/;

/** Highest data element number a rule may name (the last field of a tertiary bitmap). */
const LAST_RULE_FIELD = 192;

/** Throws the `INVALID_SPEC` error of a rules check, located at `rules`; `detail` gives the path inside them. */
function fail(detail: string): never {
  specProblem(detail, 'rules');
}

/** Tells whether two MTI patterns match at least one MTI in common (at each position: equal, or either is `x`). */
export function patternsOverlap(a: string, b: string): boolean {
  for (let i = 0; i < 4; i++) if (a[i] !== b[i] && a[i] !== 'x' && b[i] !== 'x') return false;
  return true;
}

/**
 * Checks a list of field numbers at `at`: an array of distinct integers, each a field `fields` defines.
 * Returns the numbers.
 */
function checkFieldList(list: unknown, at: string, fields: { readonly [n: number]: FieldSpec }): number[] {
  if (!Array.isArray(list)) fail(`${at} must be an array of field numbers`);
  const seen = new Set<number>();
  for (const n of list as unknown[]) {
    // A number is shown only in the range of field numbers: a long one could be a PAN.
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 2 || n > LAST_RULE_FIELD) fail(`${at} holds something that is not a field number (2-192)`);
    const number = n as number;
    if (seen.has(number)) fail(`${at} lists field ${number} twice`);
    seen.add(number);
    if (fields[number] === undefined) fail(`${at} names field ${number}, which the spec does not define`);
  }
  return [...seen];
}

/** Checks one condition at `at`: a defined field and exactly one test. */
function checkCondition(condition: unknown, at: string, fields: { readonly [n: number]: FieldSpec }): void {
  if (!isObject(condition)) fail(`${at} must be an object { field, present } or { field, startsWith }`);
  const n = condition.field;
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 2 || n > LAST_RULE_FIELD) fail(`${at}.field must be a field number (2-192)`);
  const number = n as number;
  const { present, startsWith } = condition;
  if ((present === undefined) === (startsWith === undefined)) fail(`${at} must have exactly one test: present or startsWith`);
  if (present !== undefined && typeof present !== 'boolean') fail(`${at}.present must be a boolean`);
  if (startsWith !== undefined && (typeof startsWith !== 'string' || startsWith === '')) fail(`${at}.startsWith must be a non-empty string`);
  const field = fields[number];
  if (field === undefined) fail(`${at} names field ${number}, which the spec does not define`);
  if (startsWith !== undefined && (field!.kind === 'b' || field!.subfields !== undefined)) {
    fail(`${at}.startsWith tests field ${number}, whose value is not a string (binary, or with subfields)`);
  }
}

/** Refuses a field that one rule (or conditional entry) at `at` both requires and forbids. */
function refuseOverlap(mandatory: readonly number[], forbidden: readonly number[], at: string): void {
  for (const n of mandatory) if (forbidden.includes(n)) fail(`${at}: field ${n} is both mandatory and forbidden`);
}

/**
 * Checks the `rules` of a spec whose fields are already valid; throws `INVALID_SPEC` (field `rules`) at the first
 * problem, the text giving its path (`rules.0100.mandatory`).
 *
 * Why: a rule naming a field the spec lacks, or a field both required and forbidden for one MTI, would make every
 * message of that type fail to encode; it is a mistake in the table, found when the codec is created. Three checks
 * have no JSON Schema form (they compare values across the document): a rule names a field the spec defines, a
 * `startsWith` tests a string field, and no MTI both requires and forbids a field; docs/spec.schema.json says so.
 */
export function validateRules(rules: unknown, fields: { readonly [n: number]: FieldSpec }): void {
  if (!isObject(rules)) fail('spec.rules must be an object of rules by MTI pattern');
  const fixed: { pattern: string; mandatory: number[]; forbidden: number[] }[] = [];
  for (const pattern of Object.keys(rules)) {
    if (!MTI_PATTERN.test(pattern)) fail(`rules key ${nameLabel(pattern)} is not an MTI pattern (four digits or x, e.g. "0100", "01x0")`);
    const at = `rules.${pattern}`;
    const rule = rules[pattern];
    if (!isObject(rule)) fail(`${at} must be an object { mandatory, forbidden, conditional }`);
    const mandatory = rule.mandatory === undefined ? [] : checkFieldList(rule.mandatory, `${at}.mandatory`, fields);
    const forbidden = rule.forbidden === undefined ? [] : checkFieldList(rule.forbidden, `${at}.forbidden`, fields);
    refuseOverlap(mandatory, forbidden, at);
    if (rule.conditional !== undefined) {
      if (!Array.isArray(rule.conditional)) fail(`${at}.conditional must be an array`);
      (rule.conditional as unknown[]).forEach((entry, i) => {
        const where = `${at}.conditional.${i}`;
        if (!isObject(entry)) fail(`${where} must be an object { when, mandatory, forbidden }`);
        const when = entry.when;
        if (Array.isArray(when)) {
          if (when.length === 0) fail(`${where}.when must hold at least one condition`);
          when.forEach((c: unknown, j: number) => checkCondition(c, `${where}.when.${j}`, fields));
        } else {
          checkCondition(when, `${where}.when`, fields);
        }
        if (entry.mandatory === undefined && entry.forbidden === undefined) fail(`${where} needs a mandatory or a forbidden list`);
        const m = entry.mandatory === undefined ? [] : checkFieldList(entry.mandatory, `${where}.mandatory`, fields);
        const f = entry.forbidden === undefined ? [] : checkFieldList(entry.forbidden, `${where}.forbidden`, fields);
        refuseOverlap(m, f, where);
      });
    }
    fixed.push({ pattern, mandatory, forbidden });
  }
  // Two patterns that match a common MTI apply together: neither may forbid what the other requires.
  for (const a of fixed) {
    for (const b of fixed) {
      if (a === b || !patternsOverlap(a.pattern, b.pattern)) continue;
      for (const n of a.mandatory) {
        if (b.forbidden.includes(n)) fail(`rules.${a.pattern} and rules.${b.pattern} match a common MTI: field ${n} is both mandatory and forbidden`);
      }
    }
  }
}
