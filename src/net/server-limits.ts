import { DEFAULT_MAX_FRAME_BYTES } from './frame-reader.js';
import { integerOption, MAX_TIMER_MS, timeoutOption } from './options.js';

/**
 * The bounds a server keeps against hostile or broken peers; every one is an option of `createServer`.
 *
 * Why: a server is only as safe as its slowest peer. Each limit caps one resource a peer could otherwise hold
 * forever: a connection slot, a half-sent frame, a write buffer nobody reads.
 *
 * @example
 * ```ts
 * declare const server: Server;
 * const { maxConnections, idleTimeoutMs } = server.limits; // the values in force
 * ```
 */
export interface ServerLimits {
  /** Connections served at once; one more is closed at once, counted and logged. */
  readonly maxConnections: number;
  /** A connection that starts no frame for this long (ms) is closed (0: never). */
  readonly idleTimeoutMs: number;
  /** A frame started and not finished within this many ms closes its connection (0: never). */
  readonly frameTimeoutMs: number;
  /** Unsent answers above this many bytes stop the reading of that connection's requests until they drain. */
  readonly maxWriteBufferBytes: number;
  /** A connection whose answers have not drained for this many ms is closed (0: never). */
  readonly writeStallMs: number;
  /** Largest incoming frame; a larger one closes that connection. */
  readonly maxFrameBytes: number;
  /** Requests handled at once per connection; beyond it the server stops reading that connection. */
  readonly maxInFlightPerConnection: number;
  /**
   * Bad frames a connection may send beyond its good requests (0: no limit). Each frame the server cannot serve
   * (malformed, a response MTI, no readable MTI) spends one, each request handed to the handler earns one back, up
   * to this many; when none is left the connection is closed (`badFrames`).
   */
  readonly maxBadFrames: number;
  /**
   * A warning or error that repeats on one connection (`malformed frame`, `handler failed` …) is logged at most
   * once per this many ms; the entries in between are counted, and the count is logged (0: log every entry).
   */
  readonly logIntervalMs: number;
  /** Default timeout (ms) of a request the server sends a peer (`peer.request`). */
  readonly requestTimeoutMs: number;
  /**
   * How long (ms) the key of a request to a peer that timed out or was aborted stays in doubt (0: not at all): a new
   * request to that peer under it is refused with `KEY_IN_DOUBT`, and its late answer is counted `late`.
   */
  readonly lateWindowMs: number;
  /**
   * With `tls`: a peer whose TLS handshake has not completed this many ms after it connected is cut off (0: never);
   * until then it holds one of `maxConnections`.
   */
  readonly handshakeTimeoutMs: number;
}

/**
 * The limits a server has when `createServer` is given none.
 *
 * Why these values, for an issuer's link to card networks (a handful of long-lived connections that echo every
 * 30 to 120 s, frames of a few hundred bytes):
 * - `maxConnections` 256: far above the links a network or acquirer opens, far below what exhausts the process
 *   (each connection holds at most its read buffer, `maxWriteBufferBytes` and its in-flight requests).
 * - `idleTimeoutMs` 300,000 (5 min): over twice the longest usual echo interval, so a live link is never cut,
 *   while a socket that never speaks gives its slot back.
 * - `frameTimeoutMs` 30,000: a real frame arrives in one round trip; 30 s also covers several TCP retransmissions.
 * - `maxWriteBufferBytes` 65,536: a few hundred answers; beyond it the peer is not reading and more would only
 *   grow memory.
 * - `writeStallMs` 30,000: an answer not read for 30 s is past every network's response timeout.
 * - `maxFrameBytes` 8 KiB and `maxInFlightPerConnection` 256, as before.
 * - `maxBadFrames` 100: a link with a real fault (a spec mismatch) fails every frame and is cut after 100, with
 *   its reason logged; a sound link with an odd bad frame now and then earns its budget back with each request.
 * - `logIntervalMs` 60,000: at most one line per kind of warning per connection per minute, whatever the flood.
 * - `requestTimeoutMs` 5,000 and `lateWindowMs` 15,000, for the server's own requests to a peer, as a client's
 *   `timeoutMs` and `lateWindowMs`.
 * - `handshakeTimeoutMs` 10,000: a TLS handshake takes two round trips and a few signatures, milliseconds on any
 *   link; ten seconds covers TCP retransmissions, and a peer that never finishes gives its slot back twelve times
 *   sooner than with Node's own default (120 s).
 *
 * @example
 * ```ts
 * const server = createServer({ codec, framing: { length: 'binary2' }, handler: () => undefined,
 *   idleTimeoutMs: DEFAULT_SERVER_LIMITS.idleTimeoutMs * 2 }); // a network that echoes every 5 minutes
 * ```
 */
export const DEFAULT_SERVER_LIMITS: ServerLimits = Object.freeze({
  maxConnections: 256,
  idleTimeoutMs: 300_000,
  frameTimeoutMs: 30_000,
  maxWriteBufferBytes: 65_536,
  writeStallMs: 30_000,
  maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
  maxInFlightPerConnection: 256,
  maxBadFrames: 100,
  logIntervalMs: 60_000,
  requestTimeoutMs: 5000,
  lateWindowMs: 15_000,
  handshakeTimeoutMs: 10_000,
});

/** The limits given in `options` (checked, `INVALID_OPTION`), the defaults for the others. */
export function resolveServerLimits(where: string, options: Partial<Record<keyof ServerLimits, unknown>>): ServerLimits {
  const d = DEFAULT_SERVER_LIMITS;
  return Object.freeze({
    maxConnections: integerOption(where, 'options.maxConnections', options.maxConnections, d.maxConnections, 1, 0xffffffff),
    idleTimeoutMs: timeoutOption(where, 'options.idleTimeoutMs', options.idleTimeoutMs, d.idleTimeoutMs),
    frameTimeoutMs: timeoutOption(where, 'options.frameTimeoutMs', options.frameTimeoutMs, d.frameTimeoutMs),
    maxWriteBufferBytes: integerOption(where, 'options.maxWriteBufferBytes', options.maxWriteBufferBytes, d.maxWriteBufferBytes, 1, 0x7fffffff),
    writeStallMs: timeoutOption(where, 'options.writeStallMs', options.writeStallMs, d.writeStallMs),
    maxFrameBytes: integerOption(where, 'options.maxFrameBytes', options.maxFrameBytes, d.maxFrameBytes, 1, 0xffffffff),
    maxInFlightPerConnection: integerOption(
      where,
      'options.maxInFlightPerConnection',
      options.maxInFlightPerConnection,
      d.maxInFlightPerConnection,
      1,
      0xffffffff,
    ),
    maxBadFrames: integerOption(where, 'options.maxBadFrames', options.maxBadFrames, d.maxBadFrames, 0, 0xffffffff),
    logIntervalMs: timeoutOption(where, 'options.logIntervalMs', options.logIntervalMs, d.logIntervalMs),
    requestTimeoutMs: integerOption(where, 'options.requestTimeoutMs', options.requestTimeoutMs, d.requestTimeoutMs, 1, MAX_TIMER_MS),
    lateWindowMs: timeoutOption(where, 'options.lateWindowMs', options.lateWindowMs, d.lateWindowMs),
    handshakeTimeoutMs: timeoutOption(where, 'options.handshakeTimeoutMs', options.handshakeTimeoutMs, d.handshakeTimeoutMs),
  });
}
