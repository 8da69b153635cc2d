import { isIso8583Error } from '../errors/iso8583-error.js';
import { isIso8583NetError } from './net-error.js';
import { checkLogger, invalidOption } from './options.js';

/**
 * Where the client and server report transport events. Entries carry codes, field numbers, offsets, lengths and
 * MTIs only, never field values, so a logger can write them anywhere without exposing card data.
 */
export interface NetLogger {
  /** Routine events. */
  info(event: string, meta?: Record<string, unknown>): void;
  /** Bad input from a peer. */
  warn(event: string, meta?: Record<string, unknown>): void;
  /** Failures of our own side (a handler that threw). */
  error(event: string, meta?: Record<string, unknown>): void;
}

/** A logger whose methods take the entry's fields first and its text second, as pino's and bunyan's do. */
export interface ObjectFirstLogger {
  /** Routine events. */
  info(fields: Record<string, unknown>, message: string): void;
  /** Bad input from a peer. */
  warn(fields: Record<string, unknown>, message: string): void;
  /** Failures of our own side. */
  error(fields: Record<string, unknown>, message: string): void;
}

/**
 * Adapts a logger called as `logger.info(fields, message)` (pino, bunyan, and loggers shaped like them) to the
 * {@link NetLogger} the client and server take: each entry's fields go first, its event name is the message.
 *
 * Why: the net layer's own call shape is `info(event, fields)`; handing pino to it directly would log the event
 * name as the object and drop the fields. The adapter keeps the entries exactly as they are: the same fields
 * (codes, numbers, MTIs, never message contents), each under its own key, and the event as the message text.
 * It checks the logger at once (`INVALID_OPTION`, naming the missing method). A `this`-bound logger is not
 * needed: the methods are called on the logger given.
 *
 * @example
 * ```ts
 * // pino() or bunyan.createLogger({ name: 'iso' }) fit as they are; so does the console, which prints both.
 * const server = createServer({ codec, framing: { length: 'binary2' }, handler: () => undefined,
 *   logger: objectFirstLogger(console) });
 * ```
 */
export function objectFirstLogger(target: ObjectFirstLogger): NetLogger {
  if (target === undefined) invalidOption('objectFirstLogger', 'logger', 'a logger with info, warn and error methods', target);
  checkLogger('objectFirstLogger', 'logger', target);
  const forward =
    (level: LogLevel) =>
    (event: string, meta?: Record<string, unknown>): void =>
      target[level]({ ...meta }, event);
  return { info: forward('info'), warn: forward('warn'), error: forward('error') };
}

/** A logger that drops everything (the default). */
export const silentLogger: NetLogger = { info() {}, warn() {}, error() {} };

/** A class or error name that may be logged: a plain identifier ending in `Error`, with no run of four digits. */
function plainErrorName(name: unknown): name is string {
  return typeof name === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]{0,50}Error$/.test(name) && !/[0-9]{4}/.test(name);
}

/**
 * How an exception from user code (a handler, `systemError`, `formatError`, a codec, a `key` function) is named in
 * a log entry: an `Iso8583Error` or `Iso8583NetError` by its code; another error by its name when that is a plain
 * identifier ending in `Error` with no run of four digits (`TypeError`, `PoolTimeoutError`), else by its class's
 * name of the same shape (`class DbTimeoutError extends Error {}` leaves `name` at `Error`); anything else as
 * `Error`. Never its message, and never a name it chose for itself beyond that shape: throwing code can set `name`
 * to anything, a PAN included.
 */
export function errorName(e: unknown): string {
  try {
    if (typeof e !== 'object' || e === null) return 'Error';
    const code = (e as { code?: unknown }).code;
    const name = (e as { name?: unknown }).name;
    if ((isIso8583Error(e) || isIso8583NetError(e)) && typeof code === 'string' && /^[A-Z][A-Z_]{1,39}$/.test(code)) return code;
    if (plainErrorName(name) && name !== 'Error') return name;
    const ctor = (Object.getPrototypeOf(e) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
    if (plainErrorName(ctor)) return ctor;
    if (plainErrorName(name)) return name;
  } catch {
    // A getter or proxy trap that throws: the error is named by nothing it chose.
  }
  return 'Error';
}

/**
 * What a log entry says of an exception from user code: `error`, as {@link errorName} names it, and `code` when a
 * foreign error carries a code of a known shape: a Node or driver code (`ECONNREFUSED`, `ERR_SOCKET_CLOSED`,
 * `ETIMEDOUT`: capitals, digits and `_`, no run of four digits) or a five-character SQLSTATE (`40001`, `57014`).
 * Anything else under `code` is left out, so a value a caller stuffed there never reaches the log.
 */
export function errorFacts(e: unknown): { error: string; code?: string } {
  const error = errorName(e);
  try {
    if (typeof e !== 'object' || e === null || isIso8583Error(e) || isIso8583NetError(e)) return { error };
    const code = (e as { code?: unknown }).code;
    if (typeof code !== 'string') return { error };
    if ((/^[A-Z][A-Z0-9_]{1,39}$/.test(code) && !/[0-9]{4}/.test(code)) || /^[0-9A-Z]{5}$/.test(code)) return { error, code };
  } catch {
    // A getter that throws: the code is left out.
  }
  return { error };
}

/** An MTI for a log entry: only when it is four digits (a handler or a custom codec may return anything). */
export function loggableMti(mti: unknown): { mti?: string } {
  return typeof mti === 'string' && /^[0-9]{4}$/.test(mti) ? { mti } : {};
}

/** The logger's levels. */
export type LogLevel = keyof NetLogger;

/**
 * Wraps a caller's logger so that one that throws loses that entry and nothing else: logging runs inside socket
 * event handlers, where an exception would take the process down.
 */
export function guardedLogger(logger: NetLogger): NetLogger {
  const guard =
    (level: LogLevel) =>
    (event: string, meta?: Record<string, unknown>): void => {
      try {
        logger[level](event, meta);
      } catch {
        // The entry is lost; serving goes on.
      }
    };
  return { info: guard('info'), warn: guard('warn'), error: guard('error') };
}
