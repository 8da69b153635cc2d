import { ErrorCode } from '../errors/codes.js';
import { guard, unreadable } from '../errors/guard.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import type { MessageSpec } from './types.js';
import { validateSpec } from './validate-spec.js';

/**
 * Serialises a spec (presets and nested subfield layouts included) to JSON text, after validating it.
 *
 * Why: a network's table can be shipped as a file, reviewed in a diff, and loaded by the CLI with `--spec`.
 * The format is documented by `docs/spec.schema.json`. Throws only `Iso8583Error` (`INVALID_SPEC`), also when a
 * getter, proxy trap or `toJSON` of the spec throws (its text is not kept).
 *
 * @example
 * ```ts
 * writeFileSync('northwind.json', specToJSON(northwind));
 * ```
 */
export function specToJSON(spec: MessageSpec): string {
  return guard(ErrorCode.INVALID_SPEC, unreadable('the spec'), () => JSON.stringify(validateSpec(spec), null, 2));
}

/**
 * Reads a spec from JSON text (or already-parsed JSON data) and validates it.
 *
 * Why: the inverse of {@link specToJSON}; a spec file that is not valid JSON or not a consistent spec fails here
 * with `INVALID_SPEC`, before any frame is read.
 *
 * @example
 * ```ts
 * const spec = specFromJSON(readFileSync('northwind.json', 'utf8'));
 * ```
 */
export function specFromJSON(json: string | unknown): MessageSpec {
  let data: unknown = json;
  if (typeof json === 'string') {
    try {
      data = JSON.parse(json);
    } catch {
      throw new Iso8583Error(ErrorCode.INVALID_SPEC, 'spec is not valid JSON');
    }
  }
  return validateSpec(data);
}
