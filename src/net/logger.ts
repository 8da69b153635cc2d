import { isIso8583Error } from '../errors/iso8583-error.js';
import { isIso8583NetError } from './net-error.js';

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

/** A logger that drops everything (the default). */
export const silentLogger: NetLogger = { info() {}, warn() {}, error() {} };

/**
 * How an exception from user code (a handler, `systemError`, `formatError`, a codec, a `key` function) is named in
 * a log entry: an `Iso8583Error` or `Iso8583NetError` by its code; another error by its name when that is a plain
 * identifier ending in `Error` with no run of four digits (`TypeError`, `PoolTimeoutError`); anything else as
 * `Error`. Never its message, and never a name it chose for itself beyond that shape: throwing code can set `name`
 * to anything, a PAN included.
 */
export function errorName(e: unknown): string {
  try {
    if (typeof e !== 'object' || e === null) return 'Error';
    const code = (e as { code?: unknown }).code;
    const name = (e as { name?: unknown }).name;
    if ((isIso8583Error(e) || isIso8583NetError(e)) && typeof code === 'string' && /^[A-Z][A-Z_]{1,39}$/.test(code)) return code;
    if (typeof name === 'string' && /^[A-Za-z_$][A-Za-z0-9_$]{0,50}Error$/.test(name) && !/[0-9]{4}/.test(name)) return name;
  } catch {
    // A getter or proxy trap that throws: the error is named by nothing it chose.
  }
  return 'Error';
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
