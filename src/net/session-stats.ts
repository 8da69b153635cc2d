/** The counters of one session, over all its links, and the {@link SessionStats} snapshot a caller reads. */
import type { ClientCounters } from './client-stats.js';

/**
 * Counters of one session since it was opened, over every link it had, as a snapshot ({@link Session.stats}).
 *
 * Why: a link's health is read in numbers. Every request written ends in exactly one of `answered`, `timedOut`,
 * `aborted` or `linkDown`, or is still `inFlight`: `sent = answered + timedOut + aborted + linkDown + inFlight`
 * holds at every moment. Sign-on, sign-off and echo requests count here too.
 */
export interface SessionStats {
  /** Requests written. */
  readonly sent: number;
  /** Requests answered. */
  readonly answered: number;
  /** Requests that timed out. */
  readonly timedOut: number;
  /** Written requests whose signal aborted while they waited. */
  readonly aborted: number;
  /** Written requests rejected because their link went down (`LINK_DOWN`) or the session closed (`CLOSED`). */
  readonly linkDown: number;
  /** Requests waiting for their answer now. */
  readonly inFlight: number;
  /** Requests rejected before a byte was written (`NOT_UP`, `CLOSED`, a bad option, key or message…). */
  readonly refused: number;
  /** Answers that came after their request timed out or was aborted. */
  readonly late: number;
  /** Answers that matched no request, late ones aside. */
  readonly unmatched: number;
  /** Frames received that did not decode. */
  readonly undecodable: number;
  /** Links brought up after the first one (a link that came up again after going down). */
  readonly reconnects: number;
  /** Attempts to bring a link up that failed (dial, TLS, sign-on). */
  readonly failedAttempts: number;
  /** Requests the peer sent on the link. */
  readonly requestsReceived: number;
  /** Answers written to the peer's requests (system errors included). */
  readonly requestsAnswered: number;
  /** Peer requests whose handler threw or rejected. */
  readonly handlerErrors: number;
}

/**
 * The live counters of one session: the client counters its links share, and its own.
 *
 * Why: each link's pending table counts into the same object, so the numbers run on across reconnects.
 */
export interface SessionCounters {
  readonly requests: ClientCounters;
  reconnects: number;
  failedAttempts: number;
  requestsReceived: number;
  requestsAnswered: number;
  handlerErrors: number;
}

/** New counters, all zero. */
export function newSessionCounters(): SessionCounters {
  return {
    requests: { sent: 0, answered: 0, timedOut: 0, aborted: 0, closed: 0, refused: 0, late: 0, unmatched: 0, messagesSent: 0, undecodable: 0 },
    reconnects: 0,
    failedAttempts: 0,
    requestsReceived: 0,
    requestsAnswered: 0,
    handlerErrors: 0,
  };
}

/** A frozen snapshot of `c` with `inFlight` requests waiting. */
export function sessionSnapshot(c: SessionCounters, inFlight: number): SessionStats {
  const r = c.requests;
  return Object.freeze({
    sent: r.sent,
    answered: r.answered,
    timedOut: r.timedOut,
    aborted: r.aborted,
    linkDown: r.closed,
    inFlight,
    refused: r.refused,
    late: r.late,
    unmatched: r.unmatched,
    undecodable: r.undecodable,
    reconnects: c.reconnects,
    failedAttempts: c.failedAttempts,
    requestsReceived: c.requestsReceived,
    requestsAnswered: c.requestsAnswered,
    handlerErrors: c.handlerErrors,
  });
}
