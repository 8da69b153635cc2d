/** The counters of one client, and the {@link ClientStats} snapshot a caller reads. */

/**
 * Counters of one client since it connected, as a snapshot ({@link Client.stats}).
 *
 * Why: a link's health is read in numbers (answers against timeouts, late answers, what is in flight), without
 * parsing logs. Every request written ends in exactly one of `answered`, `timedOut`, `aborted` or `closed`, or is
 * still `inFlight`: `sent = answered + timedOut + aborted + closed + inFlight` holds at every moment.
 */
export interface ClientStats {
  /** Requests written (`request`, `requestWithHeader`). */
  readonly sent: number;
  /** Requests answered. */
  readonly answered: number;
  /** Requests that timed out. */
  readonly timedOut: number;
  /** Written requests whose signal aborted while they waited. */
  readonly aborted: number;
  /** Written requests rejected `CLOSED` while they waited (the link went down, or `close()`). */
  readonly closed: number;
  /** Requests waiting for their answer now (the same as `pending`). */
  readonly inFlight: number;
  /**
   * Requests rejected before a byte was written: an aborted signal, `CLOSED`, `DUPLICATE_KEY`, `KEY_IN_DOUBT`,
   * `KEY_FAILED`, `WRITE_BUFFER_FULL`, an invalid message or option.
   */
  readonly refused: number;
  /** Answers that came after their request timed out or was aborted (`onUnmatched(message, 'late')`). */
  readonly late: number;
  /** Messages that matched no request, late ones aside (`onUnmatched(message, 'unmatched')`). */
  readonly unmatched: number;
  /** Messages written by `send` (no answer expected). */
  readonly messagesSent: number;
  /** Frames received that did not decode (logged as `undecodable response`). */
  readonly undecodable: number;
}

/**
 * The live counters of one client: every field of {@link ClientStats} but `inFlight`, which is the pending count.
 *
 * Why: the parts of a client (the pending table, the answer loop, the write path) count into one object, and a
 * snapshot copies it.
 */
export type ClientCounters = { -readonly [K in Exclude<keyof ClientStats, 'inFlight'>]: number };

/**
 * New counters, all zero.
 *
 * Why: a client counts from the moment it connected.
 */
export function newClientCounters(): ClientCounters {
  return { sent: 0, answered: 0, timedOut: 0, aborted: 0, closed: 0, refused: 0, late: 0, unmatched: 0, messagesSent: 0, undecodable: 0 };
}

/**
 * A frozen snapshot of `counters` with `inFlight` requests waiting.
 *
 * Why: a caller reading `stats` must not see the numbers move under it, nor change them.
 */
export function clientSnapshot(counters: ClientCounters, inFlight: number): ClientStats {
  return Object.freeze({ ...counters, inFlight });
}
