/**
 * A session over one link, dialled by this side: it connects, signs on, keeps the link alive, carries requests both
 * ways, and when the link goes down dials again after a backoff, until it is closed.
 *
 * States: connecting → (signing-on) → up → down → connecting …, and draining → closed on `close()`.
 */
import type { Message } from '../spec/types.js';
import type { RequestOptions } from './client-options.js';
import { guardedLogger, silentLogger, errorFacts } from './logger.js';
import { defaultMatchKey, guardedKey, type MatchKey } from './match-key.js';
import { Iso8583NetError, NetErrorCode } from './net-error.js';
import { checkKnownKeys, checkObject, copyEntryOptions, copyOptions, integerOption, invalidOption, MAX_TIMER_MS } from './options.js';
import type { Answer } from './pending-requests.js';
import { defaultSystemError } from './server-options.js';
import { backoffDelay } from './session-backoff.js';
import { dial } from './session-dial.js';
import type { LinkContext } from './session-context.js';
import { Link } from './session-link.js';
import { checkSessionOptions, SESSION_OPTIONS, type LinkDownReason, type SessionLimits, type SessionLink, type SessionOptions } from './session-options.js';
import { newSessionCounters, sessionSnapshot, type SessionStats } from './session-stats.js';
import { type SessionEvents, type SessionStatus, StatusBoard } from './session-status.js';

/** Options of one request of a session: those of the client's requests, and whether to wait for the link. */
export interface SessionRequestOptions extends RequestOptions {
  /**
   * When the session is not up: `false` (default) rejects at once with `NOT_UP`; `true` waits until it is up, at
   * most `timeoutMs` (then `NOT_UP`), and the request's own timeout starts when it is written.
   */
  readonly waitForUp?: boolean;
}

/** Options of {@link Session.close}. */
export interface SessionCloseOptions {
  /** How long requests in flight may still take to be answered, in ms (default 5000); then they reject `CLOSED`. */
  readonly deadlineMs?: number;
}

/** A session over one link, both directions; see {@link openSession}. */
export interface Session<M extends Message = Message> {
  /** Where the session stands now. */
  readonly status: SessionStatus;
  /**
   * Sends a request on the link and resolves with its matched answer. Each request ends answered or rejected with a
   * stable code: `NOT_UP` (the link is not up; nothing written), `LINK_DOWN` (written, and the link went down before
   * the answer; never sent again), `CLOSED` (the session is closing or closed), or a client code (`TIMEOUT`,
   * `ABORTED`, `DUPLICATE_KEY`, `KEY_IN_DOUBT`, `KEY_FAILED`, `WRITE_BUFFER_FULL`, `INVALID_OPTION`, an
   * `Iso8583Error` for a message that does not encode).
   */
  request(message: M, options?: SessionRequestOptions): Promise<M>;
  /** {@link Session.request}, resolving with the answer and the fixed header (TPDU) it arrived with. */
  requestWithHeader(message: M, options?: SessionRequestOptions): Promise<Answer<M>>;
  /** Adds a listener of the session's status changes; returns the function that removes it. */
  on<E extends keyof SessionEvents>(event: E, listener: SessionEvents[E]): () => void;
  /** Resolves the next time the session is up (at once when it is); rejects `CLOSED` when it closes first. */
  whenUp(): Promise<void>;
  /** Resolves when the session is closed for good; never rejects. */
  readonly closed: Promise<void>;
  /** Counters since the session was opened, over all its links, as a snapshot taken when read. */
  readonly stats: SessionStats;
  /** The limits in force. */
  readonly limits: SessionLimits;
  /**
   * Closes gracefully: nothing new is written (requests reject `CLOSED`), requests in flight get until `deadlineMs`
   * to be answered, then `signOff` runs, then the link closes; a pending reconnect is cancelled.
   */
  close(options?: SessionCloseOptions): Promise<void>;
}

/** The option keys of one session request. */
const SESSION_REQUEST_OPTIONS = ['timeoutMs', 'signal', 'header', 'waitForUp'] as const satisfies readonly (keyof SessionRequestOptions)[];

/**
 * Opens a session: dials `host:port` (or `tls`, or the `socket` factory) and keeps a link up until `close()`.
 * Returns at once, with the session `connecting`; options are checked first (`INVALID_OPTION`, `INVALID_FRAMING`).
 *
 * Why: an issuer dials the card network and keeps that link for weeks; the network sends its authorizations down
 * the same link. A dropped link must come back by itself (exponential backoff with jitter), sign on again before it
 * carries traffic, and a request caught by the drop must end with a code (`LINK_DOWN`), never be written twice.
 *
 * @example
 * ```ts
 * const session = openSession({ host: '127.0.0.1', port: 8583, codec, framing: { length: 'binary2' },
 *   handler: (request) => ({ mti: responseMti(request.mti), fields: { 11: request.fields[11], 39: '00', 41: request.fields[41] } }),
 *   signOn: async (link) => { await link.request({ mti: '0800', fields: { 11: '000001', 70: '001' } }); } });
 * await session.whenUp();
 * ```
 */
// `const M`: the messages a handler returns keep their literal MTIs, which a codec set's message type (a union
// discriminated by `mti`, see createCodecSet) needs; M itself is inferred from the codec as before.
export function openSession<const M extends Message = Message>(given: SessionOptions<M>): Session<M> {
  const options = copyEntryOptions('openSession', given, SESSION_OPTIONS);
  const limits = checkSessionOptions(options);
  const logger = options.logger === undefined ? silentLogger : guardedLogger(options.logger);
  const counters = newSessionCounters();
  const board = new StatusBoard(logger);
  const random = options.random ?? Math.random;
  const keepAlive = options.keepAlive;
  let echoes = 0;
  const ctx: LinkContext<M> = {
    codec: options.codec,
    framing: options.framing,
    limits,
    keyOf: guardedKey(options.key ?? (defaultMatchKey as MatchKey<M>)),
    handler: options.handler,
    systemError: options.systemError ?? (defaultSystemError as (request: M, error: unknown) => M | undefined),
    onUnmatched: options.onUnmatched,
    nextEcho: keepAlive === undefined ? undefined : () => keepAlive.echo(++echoes),
    counters,
    logger,
  };
  const target = { host: options.host, port: options.port, tls: options.tls, socket: options.socket, connectTimeoutMs: limits.connectTimeoutMs, maxWriteBufferBytes: limits.maxWriteBufferBytes };

  let link: Link<M> | undefined;
  let closing = false;
  let cancelWait: (() => void) | undefined;
  let cancelDial: (() => void) | undefined;
  let closeDone: Promise<void> | undefined;
  let markClosed!: () => void;
  const closed = new Promise<void>((resolve) => {
    markClosed = resolve;
  });

  const linkApi = (l: Link<M>): SessionLink<M> => ({
    request: (message, o) => l.request(message, o).then((a) => a.message),
    requestWithHeader: (message, o) => l.request(message, o),
  });

  /** Waits `ms` unless `close()` cancels it first. */
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        cancelWait = undefined;
        resolve();
      }
      cancelWait = done;
    });

  let failures = 0;
  /** After a link went down or was not brought up: `down`, then a wait, or `closed` when there is no retry. */
  const afterDown = async (reason: LinkDownReason, code: string | undefined): Promise<boolean> => {
    if (closing) return false;
    if (!limits.reconnect) {
      board.set('closed', { reason, failures, ...(code === undefined ? {} : { code }) });
      closing = true;
      return false;
    }
    const retryInMs = backoffDelay(failures, limits.backoff, random);
    board.set('down', { reason, failures, retryInMs, ...(code === undefined ? {} : { code }) });
    failures++;
    await pause(retryInMs);
    return !closing;
  };

  let everUp = false;
  const run = async (): Promise<void> => {
    for (;;) {
      board.set('connecting', { failures });
      const dialling = dial(target);
      cancelDial = dialling.cancel;
      const stream = await dialling.result;
      cancelDial = undefined;
      if (closing) {
        if (!('reason' in stream)) stream.destroy();
        break;
      }
      if ('reason' in stream) {
        counters.failedAttempts++;
        logger.warn('session dial failed', { reason: stream.reason, ...(stream.code === undefined ? {} : { code: stream.code }) });
        if (await afterDown(stream.reason, stream.code)) continue;
        break;
      }
      const current = new Link(stream, ctx);
      link = current;
      if (options.signOn !== undefined) {
        board.set('signing-on', { failures });
        let signedOn = true;
        try {
          await options.signOn(linkApi(current));
        } catch (e) {
          signedOn = false;
          logger.warn('sign-on failed', errorFacts(e));
        }
        if (!signedOn || current.isDown) {
          counters.failedAttempts++;
          current.close('signOnFailed');
          const reason = await current.down;
          if (await afterDown(reason === 'closed' ? 'signOnFailed' : reason, undefined)) continue;
          break;
        }
        if (closing) break;
      }
      if (everUp) counters.reconnects++;
      everUp = true;
      failures = 0;
      board.set('up', { failures });
      const reason = await current.down;
      if (closing) break;
      logger.warn('session link down', { reason });
      if (!(await afterDown(reason, undefined))) break;
    }
  };
  const running = run();
  // Without reconnect, a link that went down closed the session without close(): it is closed all the same.
  void running.then(
    () => {
      if (closeDone === undefined) markClosed();
    },
    (e: unknown) => logger.error('session loop failed', errorFacts(e)),
  );

  const exchange = async (message: M, given: SessionRequestOptions = {}): Promise<Answer<M>> => {
    let o: SessionRequestOptions;
    try {
      o = copyOptions('request', 'options', given, SESSION_REQUEST_OPTIONS);
      const raw: unknown = o;
      checkObject('request', 'options', raw);
      checkKnownKeys('request', 'options', raw, SESSION_REQUEST_OPTIONS);
      if (o.waitForUp !== undefined && typeof o.waitForUp !== 'boolean') invalidOption('request', 'options.waitForUp', 'a boolean', o.waitForUp);
      if (closing) throw new Iso8583NetError(NetErrorCode.CLOSED, 'the session is closed; nothing was written');
      if (board.status !== 'up' || link === undefined || link.isDown) {
        if (o.waitForUp !== true) throw new Iso8583NetError(NetErrorCode.NOT_UP, `the session is ${board.status}; nothing was written`);
        const ms = integerOption('request', 'options.timeoutMs', o.timeoutMs, limits.timeoutMs, 1, MAX_TIMER_MS);
        await board.waitUp(ms, o.signal);
      }
    } catch (e) {
      counters.requests.refused++;
      throw e;
    }
    const { waitForUp: _, ...requestOptions } = o;
    return link!.request(message, requestOptions);
  };

  return {
    get status() {
      return board.status;
    },
    get stats() {
      return sessionSnapshot(counters, link?.inFlight ?? 0);
    },
    limits,
    closed,
    request: (message, o) => exchange(message, o).then((a) => a.message),
    requestWithHeader: (message, o) => exchange(message, o),
    on(event, listener) {
      if (event !== 'status') invalidOption('on', 'event', "'status'", event);
      if (typeof listener !== 'function') invalidOption('on', 'listener', 'a function', listener);
      return board.listen(listener);
    },
    whenUp() {
      if (board.status === 'up') return Promise.resolve();
      if (closing) return Promise.reject(new Iso8583NetError(NetErrorCode.CLOSED, 'the session is closed'));
      return board.waitUp(MAX_TIMER_MS, undefined).catch((e: unknown) => {
        throw e instanceof Iso8583NetError && e.code === NetErrorCode.NOT_UP ? new Iso8583NetError(NetErrorCode.CLOSED, 'the session was closed') : e;
      });
    },
    close(given = {}) {
      if (closeDone !== undefined) return closeDone;
      const closeOptions = copyOptions('close', 'options', given, ['deadlineMs']);
      const raw: unknown = closeOptions;
      checkObject('close', 'options', raw);
      checkKnownKeys('close', 'options', raw, ['deadlineMs']);
      const deadlineMs = integerOption('close', 'options.deadlineMs', closeOptions.deadlineMs, 5000, 0, MAX_TIMER_MS);
      const wasUp = board.status === 'up';
      closing = true;
      closeDone = (async () => {
        const current = link;
        if (wasUp && current !== undefined && !current.isDown) {
          board.set('draining', { failures });
          let timer: ReturnType<typeof setTimeout> | undefined;
          await Promise.race([current.whenQuiet(), new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs)))]);
          clearTimeout(timer);
          if (options.signOff !== undefined && !current.isDown) {
            try {
              await options.signOff(linkApi(current));
            } catch (e) {
              logger.warn('sign-off failed', errorFacts(e));
            }
          }
          await current.end('closed', 1000);
        } else {
          current?.close('closed');
        }
        cancelWait?.();
        cancelDial?.();
        await running;
        if (board.status !== 'closed') board.set('closed', { reason: 'closed', failures });
        markClosed();
      })();
      return closeDone;
    },
  };
}
