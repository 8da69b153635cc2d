/**
 * A pool of sessions over several links (a primary and a secondary host, or N links to one host): each request
 * goes to one link that is up, chosen round-robin or active/standby, and a link that goes down is left out until it
 * is up again. Built on {@link openSession} alone: each link is a session of its own, with its own reconnects.
 */
import type { Message } from '../spec/types.js';
import { Iso8583NetError, NetErrorCode } from './net-error.js';
import { ARRAY, checkKnownKeys, checkObject, copyEntryOptions, copyLinkTarget, copyOptions, integerOption, invalidOption, LINK_TARGET_KEYS, MAX_TIMER_MS } from './options.js';
import type { Answer } from './pending-requests.js';
import { openSession, type Session, type SessionCloseOptions, type SessionRequestOptions } from './session.js';
import type { SessionOptions } from './session-options.js';
import type { SessionStats } from './session-stats.js';
import type { StatusChange } from './session-status.js';

/** Where one link of a pool dials: the keys of {@link SessionOptions} that tell one link from another. */
export type PoolLinkTarget<M extends Message = Message> = Pick<SessionOptions<M>, 'host' | 'port' | 'tls' | 'socket'>;

/**
 * How a pool picks the link of a request:
 * - `active-standby`: the first link, in the order given, that is up (the primary while it is up, else the next);
 * - `round-robin`: the up links in turn, a link that is not up skipped.
 */
export type PoolSelect = 'active-standby' | 'round-robin';

/** Options of {@link openSessionPool}: those of a session, shared by every link, and the links themselves. */
export interface SessionPoolOptions<M extends Message = Message> extends Omit<SessionOptions<M>, 'host' | 'port' | 'tls' | 'socket'> {
  /** The links, at least one; each is opened as a session with the shared options and its own target. */
  readonly links: readonly PoolLinkTarget<M>[];
  /** How a request's link is chosen (default `active-standby`). */
  readonly select?: PoolSelect;
}

/** Where a pool stands: `up` while at least one link is up, `down` while none is, then `draining` and `closed`. */
export type PoolStatus = 'up' | 'down' | 'draining' | 'closed';

/** One change of a pool's status, as `pool.on('status', …)` hands it. */
export interface PoolStatusChange {
  /** The new status. */
  readonly status: PoolStatus;
  /** The status before it. */
  readonly previous: PoolStatus;
  /** How many links are up now. */
  readonly linksUp: number;
}

/** One change of one link's status, as `pool.on('link', …)` hands it: the session's change and the link's index. */
export interface PoolLinkChange extends StatusChange {
  /** The link's index in `options.links`. */
  readonly link: number;
}

/** The events of a pool and their listeners. */
export interface SessionPoolEvents {
  /** The pool's status changed. */
  status: (change: PoolStatusChange) => void;
  /** The status of one of its links changed. */
  link: (change: PoolLinkChange) => void;
}

/** A pool of sessions over several links; see {@link openSessionPool}. */
export interface SessionPool<M extends Message = Message> {
  /** Where the pool stands now. */
  readonly status: PoolStatus;
  /** The sessions of the links, in the order of `options.links`: each one's `status` and `stats` are the link's. */
  readonly links: readonly Session<M>[];
  /**
   * Sends a request on one link that is up and resolves with its matched answer; rejects like
   * {@link Session.request}: `NOT_UP` when no link is up (nothing written), `LINK_DOWN` when its link went down
   * before the answer (never sent again, on that link or another), `CLOSED` once the pool is closing.
   */
  request(message: M, options?: SessionRequestOptions): Promise<M>;
  /** {@link SessionPool.request}, resolving with the answer and the fixed header (TPDU) it arrived with. */
  requestWithHeader(message: M, options?: SessionRequestOptions): Promise<Answer<M>>;
  /** Adds a listener of the pool's or its links' status changes; returns the function that removes it. */
  on<E extends keyof SessionPoolEvents>(event: E, listener: SessionPoolEvents[E]): () => void;
  /** Resolves the next time a link is up (at once when one is); rejects `CLOSED` when the pool closes first. */
  whenUp(): Promise<void>;
  /** Resolves when every link is closed for good; never rejects. */
  readonly closed: Promise<void>;
  /** The sum of the links' counters, and the requests the pool refused itself in `refused`. */
  readonly stats: SessionStats;
  /** Closes every link gracefully, as {@link Session.close} does, with the same deadline. */
  close(options?: SessionCloseOptions): Promise<void>;
}

/** Adds the numeric counters of `b` to `a`. */
function addStats(a: SessionStats, b: SessionStats): SessionStats {
  const sum: { -readonly [K in keyof SessionStats]: SessionStats[K] } = { ...a };
  for (const k of Object.keys(b) as (keyof SessionStats)[]) sum[k] += b[k];
  return sum;
}

/**
 * Opens a pool: one session per entry of `links`, each dialled and kept up on its own, and requests spread over
 * the links that are up. Returns at once, with the pool `down` until a link comes up; options are checked first
 * (`INVALID_OPTION`, `INVALID_FRAMING`).
 *
 * Why: a network gives an issuer a primary and a secondary host, or asks for several links; losing one must not
 * stop the traffic, and a request must never be written on a link that is not up.
 *
 * @example
 * ```ts
 * const pool = openSessionPool({ codec, framing: { length: 'binary2' }, select: 'active-standby',
 *   links: [{ host: 'primary.example', port: 8583 }, { host: 'secondary.example', port: 8583 }] });
 * await pool.whenUp();
 * ```
 */
// `const M`: the messages a handler returns keep their literal MTIs, which a codec set's message type (a union
// discriminated by `mti`, see createCodecSet) needs; M itself is inferred from the codec as before.
export function openSessionPool<const M extends Message = Message>(given: SessionPoolOptions<M>): SessionPool<M> {
  const where = 'openSessionPool';
  const options = copyEntryOptions(where, given, ['links', 'select']);
  checkObject(where, 'options', options);
  const { links, select = 'active-standby', ...shared } = options;
  const targets = copyOptions(where, 'options.links', links, ARRAY);
  if (!Array.isArray(targets) || targets.length === 0) invalidOption(where, 'options.links', 'a non-empty array of link targets', targets);
  if (select !== 'active-standby' && select !== 'round-robin') invalidOption(where, 'options.select', "'active-standby' or 'round-robin'", select);
  targets.forEach((target, i) => {
    const t = (targets[i] = copyLinkTarget(where, `options.links[${i}]`, target));
    checkObject(where, `options.links[${i}]`, t);
    checkKnownKeys(where, `options.links[${i}]`, t, LINK_TARGET_KEYS);
  });

  const statusListeners = new Set<SessionPoolEvents['status']>();
  const linkListeners = new Set<SessionPoolEvents['link']>();
  const waiters = new Set<(status: PoolStatus) => void>();
  let current: PoolStatus = 'down';
  let closing = false;
  let refused = 0;
  let turn = 0;

  const sessions: Session<M>[] = [];
  const upCount = (): number => sessions.filter((s) => s.status === 'up').length;
  const setStatus = (status: PoolStatus): void => {
    if (status === current) return;
    const change: PoolStatusChange = { status, previous: current, linksUp: upCount() };
    current = status;
    for (const l of [...statusListeners]) {
      try {
        l(change);
      } catch {
        // A listener that throws must not keep the others from hearing, nor break a link's loop.
      }
    }
    for (const w of [...waiters]) w(status);
  };
  const recompute = (): void => {
    if (closing) return;
    setStatus(upCount() > 0 ? 'up' : 'down');
  };

  // Each link is opened with the shared options (checked by openSession itself, naming the option) and its target.
  for (const [i, target] of targets.entries()) {
    let session: Session<M>;
    try {
      session = openSession<M>({ ...shared, ...target } as SessionOptions<M>);
    } catch (e) {
      // A bad target further down the list: the links opened already are closed, so nothing is left dialling.
      for (const s of sessions) void s.close({ deadlineMs: 0 });
      throw e;
    }
    sessions.push(session);
    session.on('status', (change) => {
      for (const l of [...linkListeners]) {
        try {
          l({ ...change, link: i });
        } catch {
          // As for status listeners: one listener's failure stays its own.
        }
      }
      recompute();
    });
  }

  /** The next link to try, skipping those not up and those tried already for this request; undefined when none. */
  const pick = (tried: ReadonlySet<Session<M>>): Session<M> | undefined => {
    const n = sessions.length;
    const start = select === 'round-robin' ? turn : 0;
    for (let k = 0; k < n; k++) {
      const i = (start + k) % n;
      const s = sessions[i]!;
      if (s.status === 'up' && !tried.has(s)) {
        if (select === 'round-robin') turn = (i + 1) % n;
        return s;
      }
    }
    return undefined;
  };

  /** Resolves once the pool is up, at most `ms` later (else `NOT_UP`); `CLOSED` when it closes, `ABORTED` on the signal. */
  const waitUp = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
    new Promise((resolve, reject) => {
      const end = (e: Error | undefined): void => {
        clearTimeout(timer);
        waiters.delete(watch);
        signal?.removeEventListener('abort', onAbort);
        if (e === undefined) resolve();
        else reject(e);
      };
      const onAbort = (): void => end(new Iso8583NetError(NetErrorCode.ABORTED, 'the request was aborted while waiting for a link; nothing was written'));
      const timer = setTimeout(() => end(new Iso8583NetError(NetErrorCode.NOT_UP, `no link was up within ${ms} ms; nothing was written`)), ms);
      const watch = (s: PoolStatus): void => {
        if (s === 'up') end(undefined);
        else if (s === 'draining' || s === 'closed') end(new Iso8583NetError(NetErrorCode.CLOSED, 'the pool was closed; nothing was written'));
      };
      waiters.add(watch);
      if (signal?.aborted === true) onAbort();
      else signal?.addEventListener('abort', onAbort, { once: true });
    });

  const exchange = async (message: M, given: SessionRequestOptions = {}): Promise<Answer<M>> => {
    let rest: SessionRequestOptions;
    try {
      const o = copyOptions('request', 'options', given, ['timeoutMs', 'signal', 'header', 'waitForUp']);
      const raw: unknown = o;
      checkObject('request', 'options', raw);
      const { waitForUp, ...others } = o;
      rest = others;
      if (waitForUp !== undefined && typeof waitForUp !== 'boolean') invalidOption('request', 'options.waitForUp', 'a boolean', waitForUp);
      if (closing) throw new Iso8583NetError(NetErrorCode.CLOSED, 'the pool is closed; nothing was written');
      if (current !== 'up') {
        if (waitForUp !== true) throw new Iso8583NetError(NetErrorCode.NOT_UP, 'no link of the pool is up; nothing was written');
        const ms = integerOption('request', 'options.timeoutMs', o.timeoutMs, shared.timeoutMs ?? 5000, 1, MAX_TIMER_MS);
        await waitUp(ms, o.signal);
      }
    } catch (e) {
      refused++;
      throw e;
    }
    // A link that went down between the pick and its own check refuses with NOT_UP before writing a byte, so the
    // next up link may take the request: it was never written. Any other outcome (LINK_DOWN included) is final.
    const tried = new Set<Session<M>>();
    for (;;) {
      const session = pick(tried);
      if (session === undefined) {
        refused++;
        throw new Iso8583NetError(NetErrorCode.NOT_UP, 'no link of the pool is up; nothing was written');
      }
      tried.add(session);
      try {
        return await session.requestWithHeader(message, rest);
      } catch (e) {
        if (e instanceof Iso8583NetError && e.code === NetErrorCode.NOT_UP) continue;
        throw e;
      }
    }
  };

  let closeDone: Promise<void> | undefined;
  let markClosed!: () => void;
  const closed = new Promise<void>((resolve) => (markClosed = resolve));
  void Promise.all(sessions.map((s) => s.closed)).then(() => {
    closing = true;
    setStatus('closed');
    markClosed();
  });

  return {
    get status() {
      return current;
    },
    links: Object.freeze([...sessions]),
    get stats() {
      const sum = sessions.map((s) => s.stats).reduce(addStats);
      return Object.freeze({ ...sum, refused: sum.refused + refused });
    },
    closed,
    request: (message, o) => exchange(message, o).then((a) => a.message),
    requestWithHeader: (message, o) => exchange(message, o),
    on(event, listener) {
      if (event !== 'status' && event !== 'link') invalidOption('on', 'event', "'status' or 'link'", event);
      if (typeof listener !== 'function') invalidOption('on', 'listener', 'a function', listener);
      const set = (event === 'status' ? statusListeners : linkListeners) as Set<typeof listener>;
      set.add(listener);
      return () => void set.delete(listener);
    },
    whenUp() {
      if (current === 'up') return Promise.resolve();
      if (closing) return Promise.reject(new Iso8583NetError(NetErrorCode.CLOSED, 'the pool is closed'));
      return waitUp(MAX_TIMER_MS, undefined);
    },
    close(given = {}) {
      if (closeDone !== undefined) return closeDone;
      const closeOptions = copyOptions('close', 'options', given, ['deadlineMs']);
      const raw: unknown = closeOptions;
      checkObject('close', 'options', raw);
      checkKnownKeys('close', 'options', raw, ['deadlineMs']);
      integerOption('close', 'options.deadlineMs', closeOptions.deadlineMs, 5000, 0, MAX_TIMER_MS);
      closing = true;
      setStatus('draining');
      closeDone = Promise.all(sessions.map((s) => s.close(closeOptions))).then(async () => {
        await closed;
      });
      return closeDone;
    },
  };
}
