/**
 * Per-connection aggregation of repeated log entries: a peer that sends a million bad frames costs one line per
 * kind per interval, not a million.
 */
import type { LogLevel, NetLogger } from './logger.js';

interface Seen {
  readonly level: LogLevel;
  /** When the entry was last written (`Date.now()`). */
  at: number;
  /** Entries of this event not written since. */
  suppressed: number;
}

/**
 * Writes the first entry of each event, then at most one per `intervalMs` (0: every entry). The entries left out
 * are counted: the next one written carries `suppressed: n`, and {@link RepeatLimiter.flush} (at the connection's
 * close) writes one `log entries suppressed` entry `{ event, count }` per event with a count left.
 */
export class RepeatLimiter {
  private readonly seen = new Map<string, Seen>();

  constructor(
    private readonly logger: NetLogger,
    private readonly intervalMs: number,
    private readonly onSuppressed: () => void,
  ) {}

  log(level: LogLevel, event: string, meta: Record<string, unknown>): void {
    if (this.intervalMs === 0) {
      this.logger[level](event, meta);
      return;
    }
    const now = Date.now();
    const seen = this.seen.get(event);
    if (seen === undefined) {
      this.seen.set(event, { level, at: now, suppressed: 0 });
      this.logger[level](event, meta);
      return;
    }
    if (now - seen.at < this.intervalMs) {
      seen.suppressed++;
      this.onSuppressed();
      return;
    }
    const { suppressed } = seen;
    seen.at = now;
    seen.suppressed = 0;
    this.logger[level](event, suppressed > 0 ? { ...meta, suppressed } : meta);
  }

  /** Writes the counts left: one `log entries suppressed` entry per event, at that event's level. */
  flush(): void {
    for (const [event, seen] of this.seen) {
      if (seen.suppressed === 0) continue;
      this.logger[seen.level]('log entries suppressed', { event, count: seen.suppressed });
      seen.suppressed = 0;
    }
  }
}
