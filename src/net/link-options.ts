/**
 * The options a client (`connect`) and a session (`openSession`) share: where and how the link is opened, the codec
 * and framing it speaks, how answers pair with requests, the request limits, the logger; and their common check.
 */
import type { Duplex } from 'node:stream';
import type { ConnectionOptions } from 'node:tls';
import type { Message } from '../spec/types.js';
import { checkFraming, type FramingSpec } from './framing.js';
import type { NetLogger } from './logger.js';
import type { MatchKey } from './match-key.js';
import type { MessageCodec } from './message-codec.js';
import { checkCodec, checkFunction, checkObject, integerOption, invalidOption } from './options.js';

/**
 * The options of a link that dials out and sends requests: those of {@link ClientOptions} and
 * {@link SessionOptions} alike.
 *
 * Why: a client and a session open, frame and pair a link the same way; one declaration keeps their options from
 * drifting apart, in name, type and meaning.
 */
export interface LinkOptions<M extends Message = Message> {
  /** Host to dial (ignored when `socket` is given). */
  readonly host?: string;
  /** Port to dial (ignored when `socket` is given). */
  readonly port?: number;
  /**
   * Opens the transport instead of a TCP dial: any `Duplex` (a `net.Socket`, a `tls.TLSSocket`, a proxy's or a
   * VPN's stream), or a promise of one that resolves once it is connected. A `net.Socket` still connecting is
   * waited for. Given with `tls`, the factory's stream is used as it is (`tls` is not applied).
   */
  readonly socket?: () => Duplex | Promise<Duplex>;
  /** Dials with `node:tls` instead of plain TCP (mutual TLS: give `cert` and `key`; `ca` pins the peer's CA). */
  readonly tls?: ConnectionOptions;
  /** The codec for both directions; its message type types requests and answers (and a session's handler). */
  readonly codec: MessageCodec<M>;
  /** How frames are delimited. */
  readonly framing: FramingSpec;
  /** How answers are paired with requests (default `defaultMatchKey`). */
  readonly key?: MatchKey<NoInfer<M>>;
  /**
   * Receives answers that match no pending request: `late` when their request already timed out or was aborted.
   * `header` is the fixed header (TPDU) the message arrived with, when the framing has one.
   */
  readonly onUnmatched?: (message: NoInfer<M>, reason: 'late' | 'unmatched', header: Uint8Array | undefined) => void;
  /** Default timeout of a request in milliseconds (default 5000). */
  readonly timeoutMs?: number;
  /** Largest incoming frame (default 8 KiB). */
  readonly maxFrameBytes?: number;
  /** Unsent bytes at which new requests are refused with `WRITE_BUFFER_FULL` (default 1 MiB, at least 1,024). */
  readonly maxWriteBufferBytes?: number;
  /**
   * After a request times out, its key stays in doubt for this long (default 15,000 ms; 0: not at all): a new
   * request under it is refused (`KEY_IN_DOUBT`) rather than paired with the old request's late answer.
   */
  readonly lateWindowMs?: number;
  /** Where link events are logged (never message contents). */
  readonly logger?: NetLogger;
}

/**
 * Checks where and how a link is opened and what it speaks, as `connect` and `openSession` both do: a host and a
 * port unless a `socket` factory is given, `tls` an object, then the codec and the framing (`INVALID_OPTION`,
 * `INVALID_FRAMING`, naming the option; `where` names the call).
 *
 * Why: the two calls refuse the same bad option with the same error.
 */
export function checkLinkTransport<M extends Message>(where: string, options: LinkOptions<M>): void {
  // A factory makes host and port unneeded.
  if (options.socket === undefined) {
    if (typeof options.host !== 'string' || options.host === '') invalidOption(where, 'options.host', 'a non-empty string', options.host);
    if (options.port === undefined) invalidOption(where, 'options.port', 'an integer from 1 to 65535', options.port);
    integerOption(where, 'options.port', options.port, 0, 1, 65535);
  } else checkFunction(where, 'options.socket', options.socket);
  if (options.tls !== undefined) checkObject(where, 'options.tls', options.tls);
  checkCodec(where, 'options.codec', options.codec);
  checkFraming(options.framing, 'options.framing');
}
