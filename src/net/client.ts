import type { Duplex } from 'node:stream';
import type { Message } from '../spec/types.js';
import { routeAnswers } from './client-answers.js';
import { CLIENT_OPTIONS, type CheckedRequest, checkClientOptions, checkMessage, checkRequestOptions, checkSendOptions, type ClientLimits, type ClientOptions, type RequestOptions, type SendOptions } from './client-options.js';
import { clientSnapshot, type ClientStats, newClientCounters } from './client-stats.js';
import { writeFrame } from './framing.js';
import { guardedLogger, silentLogger } from './logger.js';
import { defaultMatchKey, guardedKey, type MatchKey } from './match-key.js';
import { Iso8583NetError, NetErrorCode } from './net-error.js';
import { type Answer, PendingRequests } from './pending-requests.js';
import { copyEntryOptions, MAX_TIMER_MS } from './options.js';
import { dial } from './session-dial.js';
import { watchWrites } from './write-watch.js';

/** A connected ISO 8583 client: many requests in flight on one connection, each matched to its response. */
export interface Client<M extends Message = Message> {
  /**
   * Sends a request and resolves with its matched response. Every request ends answered or rejected with a stable
   * code: `Iso8583NetError` (`TIMEOUT`, `ABORTED`, `CLOSED`, `DUPLICATE_KEY`, `KEY_IN_DOUBT`, `KEY_FAILED`,
   * `WRITE_BUFFER_FULL`, `INVALID_OPTION`) or `Iso8583Error` (`INVALID_MESSAGE` for anything that is not a message
   * object, or the code of why it does not encode).
   */
  request(message: M, options?: RequestOptions): Promise<M>;
  /** {@link Client.request}, resolving with the answer and the fixed header (TPDU) it arrived with. */
  requestWithHeader(message: M, options?: RequestOptions): Promise<Answer<M>>;
  /** Sends a message that expects no answer (e.g. an advice answered elsewhere); throws like `request` rejects. */
  send(message: M, options?: SendOptions): void;
  /** Requests waiting for their response. */
  readonly pending: number;
  /** Counters since the client connected, as a snapshot taken when read. */
  readonly stats: ClientStats;
  /** The limits in force. */
  readonly limits: ClientLimits;
  /**
   * Resolves when the client accepts requests again after `WRITE_BUFFER_FULL`: at once when it does, else when the
   * peer has read everything written (or the connection closed, after which requests reject `CLOSED`).
   */
  drained(): Promise<void>;
  /** Closes the connection and rejects every pending request with `CLOSED`. */
  close(): Promise<void>;
}

/**
 * Opens the transport through the session's dial (TCP, TLS, or the caller's socket factory); rejects
 * `CONNECT_FAILED` with the system or TLS error code only.
 */
async function openTransport<M extends Message>(options: ClientOptions<M>, maxWriteBufferBytes: number): Promise<Duplex> {
  // The client has no connect timeout of its own: the OS's (or the factory's) bounds a dial, as before TLS came.
  const target = { host: options.host, port: options.port, tls: options.tls, socket: options.socket, connectTimeoutMs: MAX_TIMER_MS, maxWriteBufferBytes };
  const opened = await dial(target).result;
  if ('reason' in opened) throw new Iso8583NetError(NetErrorCode.CONNECT_FAILED, `could not connect (${opened.code ?? 'error'})`);
  return opened;
}

/**
 * Opens a connection (TCP, TLS with `tls`, or the caller's `socket` factory) and returns a {@link Client}, typed by
 * the codec's message type.
 *
 * Why: a terminal driver or acquirer simulator needs request/response pairing, timeouts and clean shutdown over one
 * multiplexed connection; responses that arrive late are handed to `onUnmatched` instead of being lost, and a key
 * whose request timed out is not reused for `lateWindowMs`, so a late answer is never taken for a new request's. A peer
 * that stops reading cannot make the client buffer without bound: past `maxWriteBufferBytes` of unsent bytes new
 * requests are refused (`WRITE_BUFFER_FULL`, nothing written), and writes stalled for `writeStallMs` close the
 * link. Options are checked first: a bad one rejects with `INVALID_OPTION` or `INVALID_FRAMING`, naming it.
 *
 * @example
 * ```ts
 * const client = await connect({ host: '127.0.0.1', port: 8583, codec: createCodec(presets.iso87ascii),
 *   framing: { length: 'binary2' } });
 * const answer = await client.request({ mti: '0800', fields: { 11: '000001', 41: 'TERM0001', 70: '301' } });
 * ```
 */
// `const M`: the messages a handler returns keep their literal MTIs, which a codec set's message type (a union
// discriminated by `mti`, see createCodecSet) needs; M itself is inferred from the codec as before.
export async function connect<const M extends Message = Message>(given: ClientOptions<M>): Promise<Client<M>> {
  const options = copyEntryOptions('connect', given, CLIENT_OPTIONS);
  const limits = checkClientOptions(options);
  const { codec, framing } = options;
  const keyOf = guardedKey(options.key ?? (defaultMatchKey as MatchKey<M>));
  const logger = options.logger === undefined ? silentLogger : guardedLogger(options.logger);
  const socket = await openTransport(options, limits.maxWriteBufferBytes);
  // Requests are written whole; Nagle would only delay them (a factory's stream may not be a socket).
  if ('setNoDelay' in socket && typeof socket.setNoDelay === 'function') (socket.setNoDelay as (on: boolean) => void).call(socket, true);
  const counts = newClientCounters();
  const pending = new PendingRequests<M>(limits.lateWindowMs, counts);
  let closed = false;
  let closeCause = 'the connection closed';

  const watch = watchWrites(socket, limits.writeStallMs, () => {
    closeCause = `the connection closed: the peer read nothing for ${limits.writeStallMs} ms`;
    logger.warn('peer not reading; connection closed', { writeStallMs: limits.writeStallMs, bufferedBytes: socket.writableLength });
    socket.destroy();
  });

  socket.on('error', (e: Error & { code?: string }) => logger.warn('client socket error', { code: e.code ?? 'error' }));
  socket.on('close', () => {
    closed = true;
    pending.failAll(new Iso8583NetError(NetErrorCode.CLOSED, closeCause));
  });

  void routeAnswers(socket, { codec, framing, maxFrameBytes: limits.maxFrameBytes, keyOf, pending, counts, logger, onUnmatched: options.onUnmatched });

  /** Throws a stable error when nothing can be written now. */
  const checkWritable = (): void => {
    if (closed || socket.destroyed) throw new Iso8583NetError(NetErrorCode.CLOSED, 'the connection is closed');
    if (watch.blocked) {
      throw new Iso8583NetError(
        NetErrorCode.WRITE_BUFFER_FULL,
        `${socket.writableLength} bytes unsent (limit ${limits.maxWriteBufferBytes}): the peer is not reading; nothing was written`,
      );
    }
  };
  /** The framed bytes of a message checked by checkMessage; throws what the codec throws. */
  const frameOf = (message: M, header: Uint8Array | undefined): Uint8Array =>
    writeFrame(framing, header === undefined ? { message: codec.encode(message) } : { header, message: codec.encode(message) });
  const headerBytes = framing.headerBytes ?? 0;

  const exchange = (message: M, requestOptions: RequestOptions): Promise<Answer<M>> => {
    let k: string;
    let checked: CheckedRequest;
    try {
      checked = checkRequestOptions(requestOptions, limits, headerBytes);
      if (checked.signal?.aborted === true) throw new Iso8583NetError(NetErrorCode.ABORTED, 'the request was aborted before it was written; nothing was written');
      if (closed) throw new Iso8583NetError(NetErrorCode.CLOSED, 'the connection is closed');
      checkMessage('request', message);
      const bytes = frameOf(message, checked.header);
      k = keyOf(message, true);
      pending.checkFree(k);
      checkWritable();
      watch.wrote(socket.write(bytes));
      counts.sent++;
    } catch (e) {
      counts.refused++;
      return Promise.reject(e as Error);
    }
    return pending.wait(k, checked.timeoutMs, checked.signal);
  };

  return {
    get pending() {
      return pending.size;
    },
    get stats(): ClientStats {
      return clientSnapshot(counts, pending.size);
    },
    limits,
    request(message, requestOptions = {}) {
      return exchange(message, requestOptions).then((answer) => answer.message);
    },
    requestWithHeader(message, requestOptions = {}) {
      return exchange(message, requestOptions);
    },
    send(message, sendOptions = {}) {
      const header = checkSendOptions(sendOptions, headerBytes);
      checkWritable();
      checkMessage('send', message);
      const bytes = frameOf(message, header);
      watch.wrote(socket.write(bytes));
      counts.messagesSent++;
    },
    drained() {
      return watch.drained();
    },
    close() {
      pending.failAll(new Iso8583NetError(NetErrorCode.CLOSED, 'the client was closed'));
      closed = true;
      return new Promise<void>((resolve) => {
        if (socket.destroyed) return resolve();
        socket.once('close', () => resolve());
        socket.end();
        setTimeout(() => socket.destroy(), 1000).unref();
      });
    },
  };
}
