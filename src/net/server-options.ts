/**
 * The options of `createServer`, the check that refuses a bad one, and the default answer to a handler that throws.
 */
import type { Iso8583Error } from '../errors/iso8583-error.js';
import { responseMti } from '../message/mti.js';
import type { Message } from '../spec/types.js';
import { checkFraming, type FramingSpec } from './framing.js';
import type { TlsOptions } from 'node:tls';
import type { NetLogger } from './logger.js';
import type { MatchKey } from './match-key.js';
import type { FramePeek, MessageCodec } from './message-codec.js';
import { mtiKind } from './mti-kind.js';
import { checkCodec, checkFunction, checkKnownKeys, checkLogger, checkObject, checkOneOf, checkOptionalFunction, invalidOption } from './options.js';
import type { ServerHandler } from './server-handler.js';
import { resolveServerLimits, type ServerLimits } from './server-limits.js';
import { checkTlsOptions } from './server-listener.js';

/** Options of {@link createServer}; every limit left out takes its value from `DEFAULT_SERVER_LIMITS`. */
export interface ServerOptions<M extends Message = Message> {
  /** The codec for both directions; its message type types the handler. */
  readonly codec: MessageCodec<M>;
  /** How frames are delimited. */
  readonly framing: FramingSpec;
  /** The request handler. */
  readonly handler: ServerHandler<NoInfer<M>>;
  /** A malformed frame: answer with a format error (`respond`, default) or log and skip it (`skip`). */
  readonly onMalformed?: 'respond' | 'skip';
  /**
   * Builds the format-error response for a frame that failed to decode, given what could be read of it (`read`:
   * the MTI and DE11/DE41 when the codec has `peek`); return `undefined` to send nothing. Default: the response
   * MTI, DE11 and DE41 echoed when read, DE39 `30`; nothing when no MTI could be read or it has no response MTI
   * (message function 8 or 9). Never called for a frame with a response MTI: an answer is never answered. If it
   * throws, nothing is sent and `formatError failed` is logged.
   */
  readonly formatError?: (frame: Uint8Array, error: Iso8583Error, read: FramePeek) => NoInfer<M> | undefined;
  /**
   * Builds the answer when the handler throws (default: response MTI, header, DE11 and DE41 echoed, DE39 `96`; nothing
   * for a request MTI without a response MTI). `error` is what the handler threw, as it was thrown (to pick a
   * response code by it: a database timeout is not a declined card). If it throws, nothing is sent and
   * `systemError failed` is logged.
   */
  readonly systemError?: (request: NoInfer<M>, error: unknown) => NoInfer<M> | undefined;
  /** Largest incoming frame (default 8 KiB); a larger one closes that connection. */
  readonly maxFrameBytes?: number;
  /**
   * Most requests handled at once per connection (default 256). Beyond it the server stops reading that socket
   * until one finishes, so a flooding peer meets TCP backpressure instead of growing the server's memory.
   */
  readonly maxInFlightPerConnection?: number;
  /** Connections served at once (default 256); one more is closed at once, counted and logged. */
  readonly maxConnections?: number;
  /** A connection that starts no frame for this long is closed (default 300,000 ms; 0: never). */
  readonly idleTimeoutMs?: number;
  /** A frame started and not finished within this time closes its connection (default 30,000 ms; 0: never). */
  readonly frameTimeoutMs?: number;
  /**
   * Unsent answers above this many bytes (default 65,536; at least 1,024) pause the reading of that connection's
   * requests until the peer has read them all.
   */
  readonly maxWriteBufferBytes?: number;
  /** A connection whose answers have not drained for this long is closed (default 30,000 ms; 0: never). */
  readonly writeStallMs?: number;
  /**
   * Bad frames (malformed, response MTIs, unreadable MTIs) a connection may send beyond its requests (default 100;
   * 0: no limit); one more closes it (`badFrames`). Each request handed to the handler earns one back.
   */
  readonly maxBadFrames?: number;
  /** A repeated log entry is written at most once per connection per this many ms (default 60,000; 0: all). */
  readonly logIntervalMs?: number;
  /** Default timeout of a request the server sends a peer (`peer.request`; default 5000 ms). */
  readonly requestTimeoutMs?: number;
  /** After a request to a peer times out or is aborted, its key stays in doubt this long (default 15,000 ms; 0: not at all). */
  readonly lateWindowMs?: number;
  /**
   * Serve TLS through `node:tls` instead of plain TCP: `key` and `cert` (or `pfx`), and for mutual TLS
   * `requestCert: true` with the `ca` that signs the peers' certificates (a peer without a valid one is refused at
   * the handshake). The peer's certificate is read as `peer.tls`. Checked at once: options that make no secure
   * context are refused with `INVALID_OPTION` (`options.tls`).
   */
  readonly tls?: TlsOptions;
  /** With `tls`: a handshake not complete this long after the peer connected is cut off (default 10,000 ms; 0: never). */
  readonly handshakeTimeoutMs?: number;
  /** How the answers of the server's own requests to a peer are paired with them (default `defaultMatchKey`). */
  readonly key?: MatchKey<NoInfer<M>>;
  /** Where events are logged; entries never contain field values. */
  readonly logger?: NetLogger;
}

/** The option keys `createServer` knows; any other is refused (a misspelt limit must not pass silently). */
export const SERVER_OPTIONS = [
  'codec',
  'framing',
  'handler',
  'onMalformed',
  'formatError',
  'systemError',
  'logger',
  'maxFrameBytes',
  'maxInFlightPerConnection',
  'maxConnections',
  'idleTimeoutMs',
  'frameTimeoutMs',
  'maxWriteBufferBytes',
  'writeStallMs',
  'maxBadFrames',
  'logIntervalMs',
  'requestTimeoutMs',
  'lateWindowMs',
  'key',
  'tls',
  'handshakeTimeoutMs',
] as const satisfies readonly (keyof ServerOptions)[];

/**
 * Checks the options of `createServer` (`INVALID_OPTION`, `INVALID_FRAMING`, naming the option, an unknown one too);
 * returns the limits in force.
 *
 * Why: a misspelt limit or a handler that is not a function must fail `createServer`, not the first connection.
 */
export function checkServerOptions<M extends Message>(options: ServerOptions<M>): ServerLimits {
  const where = 'createServer';
  checkObject(where, 'options', options);
  checkKnownKeys(where, 'options', options, SERVER_OPTIONS);
  checkCodec(where, 'options.codec', options.codec);
  checkFraming(options.framing, 'options.framing');
  checkFunction(where, 'options.handler', options.handler);
  checkOneOf(where, 'options.onMalformed', options.onMalformed, ['respond', 'skip']);
  checkOptionalFunction(where, 'options.formatError', options.formatError);
  checkOptionalFunction(where, 'options.systemError', options.systemError);
  checkOptionalFunction(where, 'options.key', options.key);
  checkTlsOptions(where, options.tls);
  checkLogger(where, 'options.logger', options.logger);
  const limits = resolveServerLimits(where, options);
  if (limits.maxWriteBufferBytes < 1024) invalidOption(where, 'options.maxWriteBufferBytes', 'an integer of at least 1024', limits.maxWriteBufferBytes);
  return limits;
}

/**
 * The default system-error answer: response MTI, header, DE11 and DE41 echoed, DE39 `96`; none for a request whose
 * MTI has no response MTI (or is not four digits).
 *
 * Why: the peer can pair the failure with its request and see a system malfunction, not a decline.
 */
export const defaultSystemError = (request: Message): Message | undefined => {
  if (mtiKind(request.mti) !== 'request') return undefined;
  const fields: Message['fields'] = { 39: '96' };
  if (request.fields[11] !== undefined) fields[11] = request.fields[11];
  if (request.fields[41] !== undefined) fields[41] = request.fields[41];
  const answer: Message = { mti: responseMti(request.mti), fields };
  if (request.header !== undefined) answer.header = request.header;
  return answer;
};
