/**
 * Where the authorizer's processes log: one JSON line per event on stderr. Entries carry event names, codes, field
 * numbers, offsets and MTIs only (the library's loggers and src/handler.ts never pass a field value), so the log
 * never holds card data.
 */
import type { NetLogger } from 'iso8583-codec/net';

const line = (level: string, event: string, meta: Record<string, unknown> = {}): void => {
  process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), level, event, ...meta })}\n`);
};

/** Writes every event to stderr as a JSON line. */
export const stderrLogger: NetLogger = {
  info: (event, meta) => line('info', event, meta),
  warn: (event, meta) => line('warn', event, meta),
  error: (event, meta) => line('error', event, meta),
};
