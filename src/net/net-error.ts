/** Brand shared by every copy of this library, see {@link isIso8583NetError}. */
const BRAND = Symbol.for('iso8583-codec.Iso8583NetError');

/**
 * Stable codes of transport failures.
 *
 * Why: callers retry on `TIMEOUT`, reconnect on `CLOSED`, and alert on `FRAME_TOO_LARGE`, by code, not by text.
 */
export const NetErrorCode = {
  /** No response arrived within the request's timeout. */
  TIMEOUT: 'TIMEOUT',
  /** The connection closed (or was closed) before the response arrived. */
  CLOSED: 'CLOSED',
  /** A length header announced more than `maxFrameBytes`. */
  FRAME_TOO_LARGE: 'FRAME_TOO_LARGE',
  /** A length header is malformed (non-digits, or shorter than itself). */
  INVALID_FRAME: 'INVALID_FRAME',
  /** The stream ended in the middle of a frame. */
  TRUNCATED_FRAME: 'TRUNCATED_FRAME',
  /** A request with the same matching key is already in flight. */
  DUPLICATE_KEY: 'DUPLICATE_KEY',
  /** The connection could not be opened. */
  CONNECT_FAILED: 'CONNECT_FAILED',
  /** A framing spec is inconsistent, or missing. */
  INVALID_FRAMING: 'INVALID_FRAMING',
  /** An option of a public entry point is missing or has the wrong type or range; the text names the option. */
  INVALID_OPTION: 'INVALID_OPTION',
  /** The peer sent no complete frame (and started none) within `idleTimeoutMs`. */
  IDLE_TIMEOUT: 'IDLE_TIMEOUT',
  /** The peer started a frame and did not finish it within `frameTimeoutMs`. */
  FRAME_TIMEOUT: 'FRAME_TIMEOUT',
  /**
   * The request was not written: the connection already holds `maxWriteBufferBytes` of unsent bytes because the
   * peer is not reading. Nothing of the request reached the wire, so it is safe to retry.
   */
  WRITE_BUFFER_FULL: 'WRITE_BUFFER_FULL',
  /**
   * The request was not written: a request with the same matching key timed out less than `lateWindowMs` ago, so
   * its answer may still arrive and would be taken for this one's. Nothing reached the wire.
   */
  KEY_IN_DOUBT: 'KEY_IN_DOUBT',
  /** The client's `key` function threw (its text is dropped) or returned something other than a string. */
  KEY_FAILED: 'KEY_FAILED',
  /**
   * The request's `signal` aborted: before it was written (nothing reached the wire), or while it waited for its
   * answer (then its key stays in doubt for `lateWindowMs`, like a timed-out one's, and a late answer goes to
   * `onUnmatched(message, 'late')`).
   */
  ABORTED: 'ABORTED',
  /** `server.listen()` failed: the port is in use or not allowed, the server is already listening, or was closed. */
  LISTEN_FAILED: 'LISTEN_FAILED',
  /**
   * A session's request was not written: its link is not up (connecting, signing on, reconnecting or draining).
   * Nothing reached the wire, so it is safe to send again once the session is up.
   */
  NOT_UP: 'NOT_UP',
  /**
   * A session's request was written but its link went down before the answer came. The request is not sent again:
   * whether the peer acted on it is unknown (a reversal or an inquiry settles it).
   */
  LINK_DOWN: 'LINK_DOWN',
} as const;

/** The union of net error codes. */
export type NetErrorCode = (typeof NetErrorCode)[keyof typeof NetErrorCode];

/**
 * The error type of the transport layer (framing, client, server), with a stable `code`.
 *
 * Why: transport failures are not message format errors (`Iso8583Error`) and need their own codes; the text never
 * holds message content.
 */
export class Iso8583NetError extends Error {
  /** Stable machine-readable code. */
  readonly code: NetErrorCode;
  /** For `INVALID_OPTION` and `INVALID_FRAMING`: the path of the offending option, e.g. `options.framing.length`. */
  readonly option?: string;

  constructor(code: NetErrorCode, detail: string, context: { readonly option?: string } = {}) {
    super(`${code}: ${detail}`);
    this.name = 'Iso8583NetError';
    this.code = code;
    if (context.option !== undefined) this.option = context.option;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/**
 * Tells whether `value` is an {@link Iso8583NetError} from any loaded copy of the library.
 *
 * Why: `instanceof` fails when the ESM and the CJS copy of the package are both loaded; the brand this checks
 * does not.
 *
 * @example
 * ```ts
 * const answer = await client.request({ mti: '0800', fields: { 11: '000001', 70: '301' } }).catch((e: unknown) => {
 *   if (isIso8583NetError(e) && e.code === 'TIMEOUT') return undefined; // no answer in time
 *   throw e;
 * });
 * ```
 */
export function isIso8583NetError(value: unknown): value is Iso8583NetError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}
