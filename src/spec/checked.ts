/**
 * The value a validator has just checked, typed as what the checks proved it to be.
 *
 * Why: a validator narrows an input of type `unknown` one key at a time, and TypeScript can carry that only as far
 * as `Record<string, unknown>`; once every key has passed, the value is the `FieldSpec`, `MessageSpec` or options
 * object the checks describe, which no type guard can conclude from the parts. This is the one place that says
 * so, instead of a double cast at each validator: call it only after the checks that make it true.
 */
export function checkedAs<T>(value: unknown): T {
  return value as T;
}
