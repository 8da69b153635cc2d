/**
 * Why a server closed a connection (the `reason` of a `connection closed` log entry, a key of
 * `stats.connectionsClosed`):
 * - `peer`: the peer closed it (or half-closed after its last frame);
 * - `serverClose`: `server.close()`;
 * - `idleTimeout`, `frameTimeout`, `writeStall`: a limit of {@link ServerLimits} was reached;
 * - `frameTooLarge`, `invalidFrame`, `truncatedFrame`: a bad length header, or the stream ended inside a frame;
 * - `badFrames`: the connection spent its `maxBadFrames` budget (malformed frames, response MTIs, unreadable MTIs);
 * - `socketError`: the socket failed (e.g. reset by the peer).
 *
 * Why: an operator tells a dead network link (`idleTimeout`) from an attack (`frameTimeout`) or a stuck peer
 * (`writeStall`) by this word alone.
 *
 * @example
 * ```ts
 * const limitCloses = (reason: CloseReason): boolean => reason.endsWith('Timeout') || reason === 'writeStall';
 * ```
 */
export type CloseReason =
  | 'peer'
  | 'serverClose'
  | 'idleTimeout'
  | 'frameTimeout'
  | 'writeStall'
  | 'frameTooLarge'
  | 'invalidFrame'
  | 'truncatedFrame'
  | 'badFrames'
  | 'socketError';

/**
 * Every {@link CloseReason}, in a stable order.
 *
 * Why: exporting one metric per reason needs the list, not just the type.
 *
 * @example
 * ```ts
 * declare const server: Server;
 * for (const reason of CLOSE_REASONS) console.log(`closed_${reason} ${server.stats.connectionsClosed[reason]}`);
 * ```
 */
export const CLOSE_REASONS: readonly CloseReason[] = Object.freeze([
  'peer',
  'serverClose',
  'idleTimeout',
  'frameTimeout',
  'writeStall',
  'frameTooLarge',
  'invalidFrame',
  'truncatedFrame',
  'badFrames',
  'socketError',
]);

/**
 * What a server has seen since it was created (a snapshot; read `server.stats` again for fresh figures).
 *
 * Why: operators alert on refused connections and limit closes, and tests check what happened to a hostile peer
 * without parsing logs.
 *
 * @example
 * ```ts
 * declare const server: Server;
 * const { connectionsRefused, connectionsClosed } = server.stats;
 * if (connectionsRefused > 0 || connectionsClosed.writeStall > 0) console.warn('hostile or stuck peers seen');
 * ```
 */
export interface ServerStats {
  /** Connections open now. */
  readonly connectionsOpen: number;
  /** Connections accepted and served. */
  readonly connectionsAccepted: number;
  /** Connections closed at once because `maxConnections` were open (or the server was closing). */
  readonly connectionsRefused: number;
  /** Accepted connections that have closed, by reason. */
  readonly connectionsClosed: Readonly<Record<CloseReason, number>>;
  /** Complete frames received (zero-length keep-alives excluded). */
  readonly framesReceived: number;
  /** Frames that did not decode (those without a readable MTI included). */
  readonly malformedFrames: number;
  /** Malformed frames whose MTI could not be read: nothing to answer with; logged and dropped. */
  readonly unreadableMti: number;
  /** Frames with a response MTI (`0110`, `0810`, …) received as requests, decodable or not: logged and dropped. */
  readonly responsesAsRequests: number;
  /**
   * Frames whose MTI has no response MTI (message function 8 or 9, reserved by ISO; acknowledgements on some
   * networks), decodable or not: handed to the handler when they decode, never answered by the server itself.
   */
  readonly noResponseMti: number;
  /** Handlers that threw or rejected (answered by `systemError` when the request has a response MTI). */
  readonly handlerErrors: number;
  /** Times a connection's reading paused because its unsent answers passed `maxWriteBufferBytes`. */
  readonly readPauses: number;
  /** Log entries not written because the same entry was logged on that connection less than `logIntervalMs` ago. */
  readonly logEntriesSuppressed: number;
  /** With `tls`: peers whose TLS handshake failed (no valid certificate under mutual TLS, a bad protocol …). */
  readonly handshakesFailed: number;
  /** With `tls`: peers cut off because their handshake was not complete within `handshakeTimeoutMs`. */
  readonly handshakeTimeouts: number;
}

/** The mutable counters behind {@link ServerStats}. */
export type StatsCounters = {
  -readonly [K in keyof ServerStats]: K extends 'connectionsClosed' ? Record<CloseReason, number> : number;
};

/** Fresh counters at zero. */
export function newCounters(): StatsCounters {
  const closed = {} as Record<CloseReason, number>;
  for (const r of CLOSE_REASONS) closed[r] = 0;
  return {
    connectionsOpen: 0,
    connectionsAccepted: 0,
    connectionsRefused: 0,
    connectionsClosed: closed,
    framesReceived: 0,
    malformedFrames: 0,
    unreadableMti: 0,
    responsesAsRequests: 0,
    noResponseMti: 0,
    handlerErrors: 0,
    readPauses: 0,
    logEntriesSuppressed: 0,
    handshakesFailed: 0,
    handshakeTimeouts: 0,
  };
}

/** A frozen copy of the counters. */
export function snapshot(c: StatsCounters): ServerStats {
  return Object.freeze({ ...c, connectionsClosed: Object.freeze({ ...c.connectionsClosed }) });
}
