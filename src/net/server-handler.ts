/**
 * What a server's handler is given and may return: the request's context, and an answer with a fixed header of its
 * own ({@link withHeader}).
 */
import { copyBytes, viewBytes } from '../codecs/copy-bytes.js';
import type { Message } from '../spec/types.js';
import { Iso8583NetError, NetErrorCode } from './net-error.js';
import type { PeerConnection } from './server-peer.js';

/** What a handler learns about the request besides the message. */
export interface RequestContext<M extends Message = Message> {
  /** The fixed header (TPDU) the request arrived with, when the framing has one. */
  readonly header: Uint8Array | undefined;
  /** The remote address, for logs and rate limits. */
  readonly remoteAddress: string | undefined;
  /**
   * The peer that sent the request: its TLS identity (`peer.tls`), and requests the server may send it. The server
   * always sets it (a server's handler is typed by {@link ServerRequestContext}, where it is required); a session's
   * handler gets none, and a handler called directly (a unit test) may be given a context of two fields.
   */
  readonly peer?: PeerConnection<M>;
}

/**
 * What a server's handler learns about a request: the {@link RequestContext}, with the peer always there.
 *
 * Why: the server hands every request the connection it came on, so a server's handler reads `ctx.peer` with no
 * check; a function typed {@link Handler} (whose context may lack it) is still a server's handler.
 */
export interface ServerRequestContext<M extends Message = Message> extends RequestContext<M> {
  /** The connection the request came on: its TLS identity (`peer.tls`), and requests the server may send it. */
  readonly peer: PeerConnection<M>;
}

/** An answer and the fixed header (TPDU) it goes back with, as {@link withHeader} makes it. */
export interface HeaderedAnswer<M extends Message = Message> {
  /** Tells this wrapper from a message (a message has no `kind`). */
  readonly kind: 'headeredAnswer';
  /** The answer. */
  readonly message: M;
  /** The fixed header it is framed with. */
  readonly header: Uint8Array;
}

/**
 * Wraps a handler's answer with the fixed header (TPDU) it goes back with, instead of the request's header.
 *
 * Why: the default echo suits networks that route an answer by the request's header as it came; others want the
 * answer's header changed (a TPDU's source and destination swapped). `header` must be exactly the framing's
 * `headerBytes` long: a header of another length (or not a `Uint8Array`) fails the request like a handler that
 * throws (`handler failed`, `error: 'INVALID_OPTION'`, and the system error goes back with the request's header).
 * The bytes are copied, so the caller may reuse its buffer (into a plain `Uint8Array`: a `Buffer`'s `slice()` is a view).
 *
 * @example
 * ```ts
 * // A TPDU is id, destination (2 bytes), source (2 bytes): the answer goes back with the two swapped.
 * const server = createServer({ codec, framing: { length: 'binary2', headerBytes: 5 },
 *   handler: (request, { header: h }) => withHeader({ mti: responseMti(request.mti), fields: { 11: request.fields[11], 39: '00' } },
 *     Uint8Array.of(h![0]!, h![3]!, h![4]!, h![1]!, h![2]!)) });
 * ```
 */
export function withHeader<M extends Message>(message: M, header: Uint8Array): HeaderedAnswer<M> {
  return Object.freeze({ kind: 'headeredAnswer' as const, message, header: copyBytes(header) ?? header });
}

/**
 * Answers one request: returns (or resolves) the response, a response {@link withHeader} a fixed header of its
 * own, or `undefined` to send nothing. `M` is the message type of the server's codec (`Infer<typeof spec>` for
 * `createCodec(spec)`), the dynamic `Message` by default.
 */
export type Handler<M extends Message = Message> = (
  message: M,
  ctx: RequestContext<M>,
) => M | HeaderedAnswer<M> | undefined | Promise<M | HeaderedAnswer<M> | undefined>;

/**
 * A server's handler: a {@link Handler} whose context always names the peer ({@link ServerRequestContext}).
 *
 * Why: `createServer` sets `ctx.peer` for every request; typing its handler so keeps a check the server makes
 * needless out of handlers, and any `Handler<M>` still fits (it asks less of its context).
 */
export type ServerHandler<M extends Message = Message> = (
  message: M,
  ctx: ServerRequestContext<M>,
) => M | HeaderedAnswer<M> | undefined | Promise<M | HeaderedAnswer<M> | undefined>;

/**
 * Whether a handler returned a {@link HeaderedAnswer} (read without trusting it: a getter may throw).
 *
 * Why: a handler's result is the caller's object; telling a wrapper from a message must never throw.
 */
export function isHeadered(value: unknown): value is HeaderedAnswer {
  try {
    return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'headeredAnswer';
  } catch {
    return false;
  }
}

/**
 * The fixed header of a {@link HeaderedAnswer}, as a view of its real bytes, or the `INVALID_OPTION` error when it is
 * not a `Uint8Array` of `headerBytes` (the framing's) bytes.
 *
 * Why: the server and a session answer a handler's headered answer alike; the header's length is read from the
 * typed-array internals, so a `length` that lies is never believed.
 */
export function answerHeader(answer: HeaderedAnswer, headerBytes: number): Uint8Array | Iso8583NetError {
  const header = viewBytes(answer.header);
  if (header !== undefined && header.length === headerBytes) return header;
  return new Iso8583NetError(NetErrorCode.INVALID_OPTION, `withHeader: header must be a Uint8Array of ${headerBytes} bytes (the framing's headerBytes)`, {
    option: 'header',
  });
}

/**
 * Whether a handler's result is a promise (or any thenable) rather than the answer itself.
 *
 * Why: an answer returned at once is written in the same turn, with no job counted or awaited.
 */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}
