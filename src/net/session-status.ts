/** The states of a session and the typed listeners of their changes. */
import { errorName, type NetLogger } from './logger.js';
import { Iso8583NetError, NetErrorCode } from './net-error.js';
import type { LinkDownReason } from './session-options.js';

/**
 * Where a session stands:
 * - `connecting`: dialling (TCP, TLS handshake, or the caller's socket factory);
 * - `signing-on`: connected, the `signOn` hook running; requests are not taken yet;
 * - `up`: requests are written;
 * - `draining`: `close()` was called: nothing new is written, requests in flight finish, then the sign-off;
 * - `down`: the link went down or could not be brought up; a new attempt follows after the backoff;
 * - `closed`: for good (after `close()`, or a link down with `reconnect: false`).
 */
export type SessionStatus = 'connecting' | 'signing-on' | 'up' | 'draining' | 'down' | 'closed';

/** One change of status, as `session.on('status', …)` hands it. */
export interface StatusChange {
  /** The new status. */
  readonly status: SessionStatus;
  /** The status before it. */
  readonly previous: SessionStatus;
  /** For `down` and `closed`: why the link went down or was not brought up. */
  readonly reason?: LinkDownReason;
  /** For a failed dial: the system or TLS error code (`ECONNREFUSED`), never a message. */
  readonly code?: string;
  /** For `down`: the delay in ms before the next attempt. */
  readonly retryInMs?: number;
  /** Attempts that failed in a row before this change (0 once a link is up). */
  readonly failures: number;
}

/** The events of a session and their listeners. */
export interface SessionEvents {
  /** The status changed. */
  status: (change: StatusChange) => void;
}

/**
 * The status of one session and its listeners: a change is told to every listener in the order they were added.
 *
 * Why: a listener that throws must not break the session's loop nor keep the other listeners from hearing.
 */
export class StatusBoard {
  private current: SessionStatus = 'connecting';
  private readonly listeners = new Set<SessionEvents['status']>();
  private readonly waiters = new Set<(status: SessionStatus) => void>();

  constructor(private readonly logger: NetLogger) {}

  get status(): SessionStatus {
    return this.current;
  }

  /** Adds a listener; returns the function that removes it. */
  listen(listener: SessionEvents['status']): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Calls `waiter` on each change until it is removed (the returned function). */
  watch(waiter: (status: SessionStatus) => void): () => void {
    this.waiters.add(waiter);
    return () => this.waiters.delete(waiter);
  }

  /** Moves to `status` and tells the listeners (nothing when it is the status already and nothing else changed). */
  set(status: SessionStatus, facts: Omit<StatusChange, 'status' | 'previous'>): void {
    const previous = this.current;
    if (previous === status && facts.reason === undefined) return;
    this.current = status;
    const change: StatusChange = { status, previous, ...facts };
    this.logger.info('session status', { ...change });
    for (const l of [...this.listeners]) {
      try {
        l(change);
      } catch (e) {
        this.logger.error('status listener failed', { error: errorName(e) });
      }
    }
    for (const w of [...this.waiters]) w(status);
  }

  /** Resolves once the status is `up`, at most `ms` later (else `NOT_UP`), or rejects `ABORTED` or `CLOSED` (draining, closed). */
  waitUp(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      const end = (e: Error | undefined): void => {
        clearTimeout(timer);
        unwatch();
        signal?.removeEventListener('abort', onAbort);
        if (e === undefined) resolve();
        else reject(e);
      };
      const onAbort = (): void => end(new Iso8583NetError(NetErrorCode.ABORTED, 'the request was aborted while waiting for the link; nothing was written'));
      const timer = setTimeout(() => end(new Iso8583NetError(NetErrorCode.NOT_UP, `the link was not up within ${ms} ms; nothing was written`)), ms);
      const unwatch = this.watch((s) => {
        if (s === 'up') end(undefined);
        else if (s === 'closed' || s === 'draining') end(new Iso8583NetError(NetErrorCode.CLOSED, 'the session was closed; nothing was written'));
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }
}
