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
