import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';

/**
 * Throws the `INVALID_SPEC` error of a spec check: `detail` says what is wrong (names, lengths, never a value),
 * `field` locates it (`"2"`, `"48.1"`, `"mti"`, none for the spec as a whole).
 */
export function specProblem(detail: string, field?: string): never {
  throw new Iso8583Error(ErrorCode.INVALID_SPEC, detail, { field });
}

/** Tells whether a part of a spec is a plain object (not `null`, not an array), the shape every part of a spec has. */
export const isSpecObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
