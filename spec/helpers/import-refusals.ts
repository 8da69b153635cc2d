import { expect, it } from 'vitest';
import { catchIso } from '../message/errors-helper.js';

/** One input an importer refuses: what it is, the input, the field the error names (`undefined`: none), a part of its text. */
export type Refusal = readonly [what: string, input: unknown, field: string | undefined, detail: string];

/**
 * One test per case, `refuses <what>`: `importer` throws `INVALID_SPEC` for the input, with exactly the case's
 * `field` and a text that contains its `detail`.
 */
export function itRefuses(importer: (input: unknown) => unknown, cases: readonly Refusal[]): void {
  it.each(cases)('refuses %s', (_what, input, field, detail) => {
    const e = catchIso(() => importer(input));
    expect(e.code).toBe('INVALID_SPEC');
    expect(e.field).toBe(field);
    expect(e.message).toContain(detail);
  });
}
