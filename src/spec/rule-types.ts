/**
 * A condition on one data element of the message: exactly one test, `present` (the field is present, `true`, or
 * absent, `false`) or `startsWith` (the field is present, its value is a string, and it starts with these
 * characters, e.g. processing code DE3 starting with `"00"`).
 *
 * Why: the conditions of a message-type table are nearly all "when field N is (not) there" and "for this
 * transaction type" (the first digits of DE3); two tests cover them and stay plain data.
 */
export interface RuleCondition {
  /** The data element tested (a top-level field the spec defines). */
  readonly field: number;
  /** `true`: the field is present; `false`: it is absent. */
  readonly present?: boolean;
  /** The field's string value starts with these characters (a text or BCD field without subfields). */
  readonly startsWith?: string;
}

/**
 * Fields made mandatory or forbidden when a condition holds (a list of conditions: when all of them hold).
 *
 * Why: "DE14 when DE2 is keyed", "DE54 for a cash-back processing code": the conditional "C" of a standard's
 * table, written as data.
 */
export interface ConditionalRule {
  /** The condition, or conditions that must all hold, for the lists below to apply. */
  readonly when: RuleCondition | readonly RuleCondition[];
  /** Fields the message must carry when the condition holds. */
  readonly mandatory?: readonly number[];
  /** Fields the message must not carry when the condition holds. */
  readonly forbidden?: readonly number[];
}

/** The presence rules of one message type (or family of types). */
export interface MtiRule {
  /** Fields every message of the type carries ("M"). */
  readonly mandatory?: readonly number[];
  /** Fields no message of the type carries. */
  readonly forbidden?: readonly number[];
  /** Fields mandatory or forbidden under a condition ("C"), in the order they are checked. */
  readonly conditional?: readonly ConditionalRule[];
}

/**
 * Presence rules by MTI pattern: four characters, each a digit or `x` (any digit), e.g. `"0100"` or `"01x0"`
 * (every authorization request and response). Every pattern that matches a message's MTI applies; an MTI that no
 * pattern matches is not checked.
 *
 * Why: which fields a message must carry is part of a network's specification, as data next to the field table,
 * so it ships in the same JSON file and is checked where the message is written.
 */
export interface MessageRules {
  readonly [mtiPattern: string]: MtiRule;
}
