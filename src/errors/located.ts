import { ErrorCode } from './codes.js';
import { Iso8583Error, isIso8583Error } from './iso8583-error.js';

/**
 * Re-throws anything a converter threw as an `Iso8583Error` located at `path` and `offset`.
 *
 * Why: a converter knows bytes, not fields; the field compiler and the layout compilers both call converters and
 * must report the same error for the same failure, so the rule lives here, below both.
 */
export function located(e: unknown, path: string, offset: number): Iso8583Error {
  if (isIso8583Error(e)) return e.locate(path, offset);
  return new Iso8583Error(ErrorCode.CONVERTER_FAILED, 'converter failed', { field: path, offset });
}
