import type { ErrorCode } from './codes.js';
import { Iso8583Error, isIso8583Error } from './iso8583-error.js';

/**
 * Runs `fn`, letting an `Iso8583Error` through and replacing anything else it throws (a getter or a proxy trap of
 * the caller's object, a revoked proxy, a stack overflow) by an `Iso8583Error` with `code` and `detail`.
 *
 * Why: the original error is replaced, not wrapped: its text, its `cause` and its stack could quote a value of
 * the caller's, such as a PAN. Every public entry point that reads a caller's object runs inside one.
 */
export function guard<T>(code: ErrorCode, detail: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (isIso8583Error(e)) throw e;
    throw new Iso8583Error(code, detail);
  }
}

/** The detail of a replaced error: what could not be read, and that the original text is not kept. */
export function unreadable(what: string): string {
  return `${what} could not be read: a getter or proxy trap threw (its text is not kept)`;
}

/**
 * Returns `e` if it is an `Iso8583Error`, otherwise a new one with `code` and without the original text.
 *
 * Why: it keeps the one-error-type promise where a caught error must be rethrown (a throwing getter on a user's
 * object, an exotic typed-array subclass), and the original text could hold a value.
 */
export function guarded(e: unknown, code: ErrorCode): Iso8583Error {
  return isIso8583Error(e) ? e : new Iso8583Error(code, 'input could not be read');
}
