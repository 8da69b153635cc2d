/**
 * What a caller hands `openSession`: where to dial and how, the hooks of the link's life (sign-on, sign-off,
 * keep-alive), and the check that refuses a bad option before anything is dialled.
 */
import type { Message } from '../spec/types.js';
import type { RequestOptions } from './client-options.js';
import { DEFAULT_MAX_FRAME_BYTES } from './frame-reader.js';
import { checkLinkTransport, type LinkOptions } from './link-options.js';
import type { Answer } from './pending-requests.js';
import {
  checkFunction,
  checkKnownKeys,
  checkLogger,
  checkObject,
  checkOptionalFunction,
  integerOption,
  invalidOption,
  MAX_TIMER_MS,
  timeoutOption,
} from './options.js';
import type { Handler } from './server-handler.js';
import { type Backoff, type BackoffOptions, DEFAULT_BACKOFF } from './session-backoff.js';

/**
 * The link a sign-on or sign-off hook talks through: requests go out on it although the session is not up.
 *
 * Why: a network answers nothing but network management before the sign-on, so the hook needs the link itself.
 */
export interface SessionLink<M extends Message = Message> {
  /** Sends a request on this link and resolves with its answer (rejects like `Session.request`). */
  request(message: M, options?: RequestOptions): Promise<M>;
  /** {@link SessionLink.request}, resolving with the answer and its fixed header. */
  requestWithHeader(message: M, options?: RequestOptions): Promise<Answer<M>>;
}

/** Keep-alive of a session: an echo after the link was idle, and how many unanswered echoes mean it is dead. */
export interface KeepAliveOptions<M extends Message = Message> {
  /** Nothing sent or received for this many ms sends an echo. */
  readonly idleMs: number;
  /**
   * Builds the echo (e.g. `{ mti: '0800', fields: { 7, 11: stan, 70: '301' } }`); `n` counts the echoes of the
   * session from 1, so a STAN can be drawn from it.
   */
  readonly echo: (n: number) => M;
  /** How long an echo waits for its answer, in ms (default: `idleMs`). */
  readonly timeoutMs?: number;
  /** Echoes unanswered in a row that declare the link dead (default 3); it is then closed and dialled again. */
  readonly maxMissed?: number;
}

/** Why a link went down or was not brought up, as a status event tells it. */
export type LinkDownReason =
  /** The dial failed (refused, unreachable, TLS handshake failed). */
  | 'connectFailed'
  /** The dial took longer than `connectTimeoutMs`. */
  | 'connectTimeout'
  /** The sign-on hook threw or rejected. */
  | 'signOnFailed'
  /** The peer closed the link, or it broke (reset). */
  | 'peerClosed'
  /** The peer sent a frame that breaks the stream (bad length, too large). */
  | 'badStream'
  /** Nothing arrived for `readTimeoutMs`. */
  | 'readTimeout'
  /** `keepAlive.maxMissed` echoes in a row went unanswered. */
  | 'echoMissed'
  /** What was written did not drain for `writeStallMs`: the peer stopped reading. */
  | 'writeStall'
  /** `close()` closed it. */
  | 'closed';

/**
 * Options of {@link openSession}: those of every link ({@link LinkOptions}), the handler of the peer's requests, the
 * hooks of the link's life and how a dead link is dialled again.
 */
export interface SessionOptions<M extends Message = Message> extends LinkOptions<M> {
  /** Answers the requests the peer sends down this link (default: none answered, each logged and counted). */
  readonly handler?: Handler<NoInfer<M>>;
  /**
   * Builds the answer when the handler throws (default: response MTI, DE11 and DE41 echoed, DE39 `96`), as the
   * server's `systemError` does.
   */
  readonly systemError?: (request: NoInfer<M>, error: unknown) => NoInfer<M> | undefined;
  /** A dial not connected within this many ms is abandoned and retried (default 10,000). */
  readonly connectTimeoutMs?: number;
  /** Runs on each new link before it counts as up (e.g. an 0800 with DE70 001); throwing closes it and dials again. */
  readonly signOn?: (link: SessionLink<NoInfer<M>>) => Promise<void>;
  /** Runs on `close()` after the in-flight requests ended, before the link closes (e.g. an 0800 with DE70 002). */
  readonly signOff?: (link: SessionLink<NoInfer<M>>) => Promise<void>;
  /** Echoes on an idle link (default: none). */
  readonly keepAlive?: KeepAliveOptions<NoInfer<M>>;
  /** Nothing received for this many ms declares the link dead (`readTimeout`; default 0: never). */
  readonly readTimeoutMs?: number;
  /** The delays between attempts to bring the link up (default {@link DEFAULT_BACKOFF}). */
  readonly backoff?: BackoffOptions;
  /** Draws the jitter of the backoff, a number in [0, 1) (default `Math.random`; `seededRandom(n)` for tests). */
  readonly random?: () => number;
  /** Whether a link that went down is dialled again (default true). */
  readonly reconnect?: boolean;
  /**
   * A link whose writes have not drained for this many ms is taken down (`writeStall`) and dialled again, as the
   * client's connection is closed (default 30,000; 0: never).
   */
  readonly writeStallMs?: number;
}

/** The limits of a session, checked, with every default filled in. */
export interface SessionLimits {
  readonly connectTimeoutMs: number;
  readonly timeoutMs: number;
  readonly maxFrameBytes: number;
  readonly maxWriteBufferBytes: number;
  readonly writeStallMs: number;
  readonly lateWindowMs: number;
  readonly readTimeoutMs: number;
  readonly keepAlive: { readonly idleMs: number; readonly timeoutMs: number; readonly maxMissed: number } | undefined;
  readonly backoff: Backoff;
  readonly reconnect: boolean;
}

export const SESSION_OPTIONS = [
  'host',
  'port',
  'codec',
  'framing',
  'handler',
  'systemError',
  'socket',
  'tls',
  'connectTimeoutMs',
  'signOn',
  'signOff',
  'keepAlive',
  'readTimeoutMs',
  'backoff',
  'random',
  'reconnect',
  'key',
  'onUnmatched',
  'timeoutMs',
  'maxFrameBytes',
  'maxWriteBufferBytes',
  'writeStallMs',
  'lateWindowMs',
  'logger',
] as const satisfies readonly (keyof SessionOptions)[];

/**
 * Checks the options of `openSession` (`INVALID_OPTION`, `INVALID_FRAMING`, naming the option); returns the limits.
 *
 * Why: a misspelt limit or a hook that is not a function must fail at once, not on the first link.
 */
export function checkSessionOptions<M extends Message>(options: SessionOptions<M>): SessionLimits {
  const where = 'openSession';
  checkObject(where, 'options', options);
  checkKnownKeys(where, 'options', options, SESSION_OPTIONS);
  checkLinkTransport(where, options);
  for (const hook of ['handler', 'systemError', 'signOn', 'signOff', 'random', 'key', 'onUnmatched'] as const) {
    checkOptionalFunction(where, `options.${hook}`, options[hook]);
  }
  checkLogger(where, 'options.logger', options.logger);
  if (options.reconnect !== undefined && typeof options.reconnect !== 'boolean') invalidOption(where, 'options.reconnect', 'a boolean', options.reconnect);
  let keepAlive: SessionLimits['keepAlive'];
  if (options.keepAlive !== undefined) {
    const k = options.keepAlive;
    checkObject(where, 'options.keepAlive', k);
    checkKnownKeys(where, 'options.keepAlive', k, ['idleMs', 'echo', 'timeoutMs', 'maxMissed']);
    checkFunction(where, 'options.keepAlive.echo', k.echo);
    if (k.idleMs === undefined) invalidOption(where, 'options.keepAlive.idleMs', 'an integer from 1 to 2147483647', k.idleMs);
    const idleMs = integerOption(where, 'options.keepAlive.idleMs', k.idleMs, 0, 1, MAX_TIMER_MS);
    keepAlive = Object.freeze({
      idleMs,
      timeoutMs: integerOption(where, 'options.keepAlive.timeoutMs', k.timeoutMs, idleMs, 1, MAX_TIMER_MS),
      maxMissed: integerOption(where, 'options.keepAlive.maxMissed', k.maxMissed, 3, 1, 1000),
    });
  }
  const b = options.backoff ?? {};
  checkObject(where, 'options.backoff', b);
  checkKnownKeys(where, 'options.backoff', b, ['minMs', 'maxMs', 'jitter']);
  const minMs = integerOption(where, 'options.backoff.minMs', b.minMs, DEFAULT_BACKOFF.minMs, 0, MAX_TIMER_MS);
  const maxMs = integerOption(where, 'options.backoff.maxMs', b.maxMs, Math.max(minMs, DEFAULT_BACKOFF.maxMs), minMs, MAX_TIMER_MS);
  const jitter = b.jitter ?? DEFAULT_BACKOFF.jitter;
  if (typeof jitter !== 'number' || !(jitter >= 0 && jitter <= 1)) invalidOption(where, 'options.backoff.jitter', 'a number from 0 to 1', jitter);
  return Object.freeze({
    connectTimeoutMs: integerOption(where, 'options.connectTimeoutMs', options.connectTimeoutMs, 10_000, 1, MAX_TIMER_MS),
    timeoutMs: integerOption(where, 'options.timeoutMs', options.timeoutMs, 5000, 1, MAX_TIMER_MS),
    maxFrameBytes: integerOption(where, 'options.maxFrameBytes', options.maxFrameBytes, DEFAULT_MAX_FRAME_BYTES, 1, 0xffffffff),
    maxWriteBufferBytes: integerOption(where, 'options.maxWriteBufferBytes', options.maxWriteBufferBytes, 1_048_576, 1024, 0x7fffffff),
    writeStallMs: timeoutOption(where, 'options.writeStallMs', options.writeStallMs, 30_000),
    lateWindowMs: timeoutOption(where, 'options.lateWindowMs', options.lateWindowMs, 15_000),
    readTimeoutMs: timeoutOption(where, 'options.readTimeoutMs', options.readTimeoutMs, 0),
    keepAlive,
    backoff: Object.freeze({ minMs, maxMs, jitter }),
    reconnect: options.reconnect ?? true,
  });
}
