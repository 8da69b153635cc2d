/**
 * What a caller hands a client: the options of `connect`, of one request and of one send, their defaults, and the
 * checks that refuse a bad one before a byte is written.
 */
import { viewBytes } from '../codecs/copy-bytes.js';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error, isIso8583Error } from '../errors/iso8583-error.js';
import type { Message } from '../spec/types.js';
import { DEFAULT_MAX_FRAME_BYTES } from './frame-reader.js';
import { checkLinkTransport, type LinkOptions } from './link-options.js';
import {
  checkKnownKeys,
  checkLogger,
  checkObject,
  checkOptionalFunction,
  copyOptions,
  integerOption,
  invalidOption,
  kindOf,
  MAX_TIMER_MS,
  timeoutOption,
} from './options.js';

/**
 * The limits a client has when `connect` is given none.
 *
 * Why these values: `timeoutMs` 5,000 is a common acquirer timeout; `maxWriteBufferBytes` 1 MiB holds a burst of
 * thousands of requests written in one tick, and is only reached when the peer stops reading; `writeStallMs`
 * 30,000: a request not even read for 30 s is past every network's response timeout, so the link is dead;
 * `lateWindowMs` 15,000: three default timeouts, long enough for the late answers of a congested link to arrive.
 *
 * @example
 * ```ts
 * const patient = { timeoutMs: DEFAULT_CLIENT_LIMITS.timeoutMs * 3 }; // a slow test network
 * ```
 */
export const DEFAULT_CLIENT_LIMITS: ClientLimits = Object.freeze({
  timeoutMs: 5000,
  maxFrameBytes: DEFAULT_MAX_FRAME_BYTES,
  maxWriteBufferBytes: 1_048_576,
  writeStallMs: 30_000,
  lateWindowMs: 15_000,
});

/**
 * The bounds of one client connection; every one is an option of `connect`.
 *
 * Why: a peer that stops reading must not make the client buffer without bound, nor hold its requests forever.
 *
 * @example
 * ```ts
 * const { maxWriteBufferBytes, writeStallMs } = client.limits;
 * ```
 */
export interface ClientLimits {
  /** Default timeout of {@link Client.request} in ms. */
  readonly timeoutMs: number;
  /** Largest incoming frame. */
  readonly maxFrameBytes: number;
  /**
   * Unsent bytes at which new requests are refused with `WRITE_BUFFER_FULL` until the peer has read everything
   * written (the socket's `drain`).
   */
  readonly maxWriteBufferBytes: number;
  /** A connection whose writes have not drained for this many ms is closed; its requests reject `CLOSED` (0: never). */
  readonly writeStallMs: number;
  /**
   * How long (ms) the key of a request that timed out stays in doubt (0: not at all): a new request with that key
   * is refused with `KEY_IN_DOUBT`, and an answer under it goes to `onUnmatched(message, 'late')`.
   */
  readonly lateWindowMs: number;
}

/** Options of {@link connect}: those of every link ({@link LinkOptions}) and how a stalled connection ends. */
export interface ClientOptions<M extends Message = Message> extends LinkOptions<M> {
  /** Writes not drained for this long close the connection (default 30,000 ms; 0: never). */
  readonly writeStallMs?: number;
}

/**
 * Options of one request ({@link Client.request}, {@link Client.requestWithHeader}).
 *
 * Why: a caller's deadline (an HTTP request being served, a user who gave up) must reach the request, and a link
 * with a fixed header (TPDU) needs the header each request is routed by.
 */
export interface RequestOptions {
  /** This request's timeout in ms (default: the client's `timeoutMs`). */
  readonly timeoutMs?: number;
  /**
   * Aborts the request: it rejects with `ABORTED`. Already aborted: nothing is written. Aborted while waiting: its
   * key leaves the pending requests and stays in doubt for `lateWindowMs`, as a timed-out one's does.
   */
  readonly signal?: AbortSignal;
  /** The fixed header (TPDU) to send, exactly the framing's `headerBytes` long (default: zeros). */
  readonly header?: Uint8Array;
}

/** Options of {@link Client.send}. */
export interface SendOptions {
  /** The fixed header (TPDU) to send, exactly the framing's `headerBytes` long (default: zeros). */
  readonly header?: Uint8Array;
}

/** The option keys of one request. */
const REQUEST_OPTIONS = ['timeoutMs', 'signal', 'header'] as const satisfies readonly (keyof RequestOptions)[];

/** Whether `value` is an `AbortSignal` (or one of another realm: an event target with a boolean `aborted`). */
function isSignal(value: unknown): value is AbortSignal {
  if (value instanceof AbortSignal) return true;
  const v = value as { aborted?: unknown; addEventListener?: unknown; removeEventListener?: unknown } | null;
  return typeof v === 'object' && v !== null && typeof v.aborted === 'boolean' && typeof v.addEventListener === 'function' && typeof v.removeEventListener === 'function';
}

/** Checks a fixed header given for a request or a send: a `Uint8Array` of exactly the framing's `headerBytes`. */
function checkHeader(where: string, header: unknown, headerBytes: number): Uint8Array | undefined {
  if (header === undefined) return undefined;
  // A view from the typed-array internals: the length checked is the real one, and the one written.
  const bytes = viewBytes(header);
  if (bytes === undefined || bytes.length !== headerBytes) {
    invalidOption(where, 'options.header', `a Uint8Array of ${headerBytes} bytes (the framing's headerBytes)`, header);
  }
  return bytes;
}

/** The option keys `connect` knows; any other is refused. */
export const CLIENT_OPTIONS = [
  'host',
  'port',
  'socket',
  'tls',
  'codec',
  'framing',
  'key',
  'onUnmatched',
  'maxFrameBytes',
  'timeoutMs',
  'maxWriteBufferBytes',
  'writeStallMs',
  'lateWindowMs',
  'logger',
] as const satisfies readonly (keyof ClientOptions)[];

/**
 * Refuses anything that is not a message object with `INVALID_MESSAGE`, before a key is derived or a byte written.
 *
 * Why: a request or send that is not a message must fail with a stable code, never a `TypeError` from deep inside.
 */
export function checkMessage(where: string, message: unknown): void {
  let fields: unknown;
  try {
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, `${where}: the message must be an object { mti, fields }, got ${kindOf(message)}`);
    }
    fields = (message as { fields?: unknown }).fields;
  } catch (e) {
    throw isIso8583Error(e) ? e : new Iso8583Error(ErrorCode.INVALID_MESSAGE, `${where}: the message could not be read`);
  }
  if (typeof fields !== 'object' || fields === null || Array.isArray(fields)) {
    throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, `${where}: message.fields must be an object, got ${kindOf(fields)}`);
  }
}

/**
 * Checks the options of `connect` (`INVALID_OPTION`, `INVALID_FRAMING`, naming the option); returns the limits.
 *
 * Why: a bad option must fail `connect` before a socket is opened, and the limits are read once, frozen.
 */
export function checkClientOptions<M extends Message>(options: ClientOptions<M>): ClientLimits {
  const where = 'connect';
  checkObject(where, 'options', options);
  checkKnownKeys(where, 'options', options, CLIENT_OPTIONS);
  checkLinkTransport(where, options);
  checkOptionalFunction(where, 'options.key', options.key);
  checkOptionalFunction(where, 'options.onUnmatched', options.onUnmatched);
  checkLogger(where, 'options.logger', options.logger);
  const d = DEFAULT_CLIENT_LIMITS;
  return Object.freeze({
    timeoutMs: integerOption(where, 'options.timeoutMs', options.timeoutMs, d.timeoutMs, 1, MAX_TIMER_MS),
    maxFrameBytes: integerOption(where, 'options.maxFrameBytes', options.maxFrameBytes, d.maxFrameBytes, 1, 0xffffffff),
    maxWriteBufferBytes: integerOption(where, 'options.maxWriteBufferBytes', options.maxWriteBufferBytes, d.maxWriteBufferBytes, 1024, 0x7fffffff),
    writeStallMs: timeoutOption(where, 'options.writeStallMs', options.writeStallMs, d.writeStallMs),
    lateWindowMs: timeoutOption(where, 'options.lateWindowMs', options.lateWindowMs, d.lateWindowMs),
  });
}

/**
 * The options of one request, checked, with the client's defaults filled in.
 *
 * Why: the request path reads plain values once, after every option was refused or accepted with a stable code.
 */
export interface CheckedRequest {
  /** This request's timeout in ms. */
  readonly timeoutMs: number;
  /** The signal that aborts it, if any. */
  readonly signal: AbortSignal | undefined;
  /** The fixed header to send, if any. */
  readonly header: Uint8Array | undefined;
}

/**
 * Checks the options of one request (`INVALID_OPTION`, naming the option); `timeoutMs` defaults to the client's.
 *
 * Why: a misspelt or mistyped option must fail the request before anything is written, not change what is sent.
 */
export function checkRequestOptions(given: RequestOptions, limits: ClientLimits, headerBytes: number): CheckedRequest {
  const options = copyOptions('request', 'options', given, REQUEST_OPTIONS);
  if (typeof options !== 'object' || options === null) invalidOption('request', 'options', 'an object', options);
  checkKnownKeys('request', 'options', options as Record<string, unknown>, REQUEST_OPTIONS);
  const timeoutMs = integerOption('request', 'options.timeoutMs', options.timeoutMs, limits.timeoutMs, 1, MAX_TIMER_MS);
  const { signal } = options;
  if (signal !== undefined && !isSignal(signal)) invalidOption('request', 'options.signal', 'an AbortSignal', signal);
  return { timeoutMs, signal, header: checkHeader('request', options.header, headerBytes) };
}

/**
 * Checks the options of one send (`INVALID_OPTION`, naming the option); returns the header to send, if any.
 *
 * Why: a send is refused on the same terms as a request, before anything is written.
 */
export function checkSendOptions(given: SendOptions, headerBytes: number): Uint8Array | undefined {
  const options = copyOptions('send', 'options', given, ['header']);
  checkObject('send', 'options', options);
  checkKnownKeys('send', 'options', options, ['header']);
  return checkHeader('send', options.header, headerBytes);
}
