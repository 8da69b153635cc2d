import { connect as netConnect, type NetConnectOpts, type Socket } from 'node:net';
import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error, isIso8583Error } from '../errors/iso8583-error.js';
import { responseMti } from '../message/mti.js';
import type { Message } from '../spec/types.js';
import { DEFAULT_MAX_FRAME_BYTES, readFrames } from './frame-reader.js';
import { checkFraming, type FramingSpec, writeFrame } from './framing.js';
import { errorName, guardedLogger, loggableMti, type NetLogger, silentLogger } from './logger.js';
import type { MessageCodec } from './message-codec.js';
import { Iso8583NetError, NetErrorCode } from './net-error.js';
import {
  checkCodec,
  checkKnownKeys,
  checkLogger,
  checkObject,
  checkOptionalFunction,
  integerOption,
  invalidOption,
  kindOf,
  MAX_TIMER_MS,
  timeoutOption,
} from './options.js';
import { watchWrites } from './write-watch.js';

export { DEFAULT_MATCH_FIELDS, type FramePeek, type MessageCodec } from './message-codec.js';

/**
 * Derives the key that pairs a request with its response.
 *
 * Why: responses may come back in any order; the default pairs them by response MTI, STAN (DE11) and terminal id
 * (DE41), which is what acquirers and issuers echo. `isRequest` tells whether `message` is the outgoing request
 * (its key must use the expected response MTI).
 */
export type MatchKey<M extends Message = Message> = (message: M, isRequest: boolean) => string;

/** One matching field as key text: a string as is, bytes as hex; absent as empty. */
function keyPart(value: unknown): string {
  if (value === undefined) return '';
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) return `0x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
  throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, 'DE11 and DE41 must be strings or Uint8Arrays to match on');
}

/**
 * The default {@link MatchKey}: response MTI, DE11 and DE41 (the server's format errors echo the same fields).
 * For any input it returns a key or throws an `Iso8583Error` (`INVALID_MESSAGE`: not a message; `INVALID_MTI`: an
 * MTI that is not four digits, or a request MTI with no response), never another error: a getter or proxy trap
 * that throws is replaced, its text dropped.
 *
 * @example
 * ```ts
 * defaultMatchKey({ mti: '0100', fields: { 11: '000001', 41: 'TERM0001' } }, true); // '0110|000001|TERM0001'
 * ```
 */
export const defaultMatchKey: MatchKey = (m, isRequest) => {
  let mti: unknown;
  let stan: unknown;
  let terminal: unknown;
  try {
    const fields = typeof m === 'object' && m !== null ? (m as { fields?: unknown }).fields : undefined;
    if (typeof fields !== 'object' || fields === null) throw new TypeError('no fields');
    mti = (m as { mti?: unknown }).mti;
    stan = (fields as Record<number, unknown>)[11];
    terminal = (fields as Record<number, unknown>)[41];
  } catch {
    throw new Iso8583Error(ErrorCode.INVALID_MESSAGE, 'a message must be an object { mti, fields }');
  }
  if (typeof mti !== 'string') throw new Iso8583Error(ErrorCode.INVALID_MTI, 'MTI must be a string of four digits', { field: 'mti' });
  return `${isRequest ? responseMti(mti) : mti}|${keyPart(stan)}|${keyPart(terminal)}`;
};

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

/** Options of {@link connect}. */
export interface ClientOptions<M extends Message = Message> {
  /** Host to connect to. */
  readonly host: string;
  /** Port to connect to. */
  readonly port: number;
  /** The codec for both directions; its message type types requests and responses. */
  readonly codec: MessageCodec<M>;
  /** How frames are delimited. */
  readonly framing: FramingSpec;
  /** How responses are paired with requests (default {@link defaultMatchKey}). */
  readonly key?: MatchKey<M>;
  /**
   * Receives responses that match no pending request: `late` when their request already timed out or was aborted.
   * `header` is the fixed header (TPDU) the message arrived with, when the framing has one.
   */
  readonly onUnmatched?: (message: M, reason: 'late' | 'unmatched', header: Uint8Array | undefined) => void;
  /** Largest incoming frame (default 8 KiB). */
  readonly maxFrameBytes?: number;
  /** Default timeout of {@link Client.request} in milliseconds (default 5000). */
  readonly timeoutMs?: number;
  /** Unsent bytes at which new requests are refused with `WRITE_BUFFER_FULL` (default 1 MiB, at least 1,024). */
  readonly maxWriteBufferBytes?: number;
  /** Writes not drained for this long close the connection (default 30,000 ms; 0: never). */
  readonly writeStallMs?: number;
  /**
   * After a request times out, its key stays in doubt for this long (default 15,000 ms; 0: not at all): a new
   * request under it is refused (`KEY_IN_DOUBT`) rather than paired with the old request's late answer.
   */
  readonly lateWindowMs?: number;
  /** Where transport events are logged (never message content). */
  readonly logger?: NetLogger;
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

/**
 * A matched answer with the fixed header (TPDU) it arrived with.
 *
 * Why: a network routes by the header (a TPDU's source and destination), so the caller may need to read it back.
 */
export interface Answer<M extends Message = Message> {
  /** The decoded answer. */
  readonly message: M;
  /** The fixed header the answer arrived with; `undefined` when the framing has none. */
  readonly header: Uint8Array | undefined;
}

/**
 * Counters of one client since it connected, as a snapshot ({@link Client.stats}).
 *
 * Why: a link's health is read in numbers (answers against timeouts, late answers, what is in flight), without
 * parsing logs. Every request written ends in exactly one of `answered`, `timedOut`, `aborted` or `closed`, or is
 * still `inFlight`: `sent = answered + timedOut + aborted + closed + inFlight` holds at every moment.
 */
export interface ClientStats {
  /** Requests written (`request`, `requestWithHeader`). */
  readonly sent: number;
  /** Requests answered. */
  readonly answered: number;
  /** Requests that timed out. */
  readonly timedOut: number;
  /** Written requests whose signal aborted while they waited. */
  readonly aborted: number;
  /** Written requests rejected `CLOSED` while they waited (the link went down, or `close()`). */
  readonly closed: number;
  /** Requests waiting for their answer now (the same as `pending`). */
  readonly inFlight: number;
  /**
   * Requests rejected before a byte was written: an aborted signal, `CLOSED`, `DUPLICATE_KEY`, `KEY_IN_DOUBT`,
   * `KEY_FAILED`, `WRITE_BUFFER_FULL`, an invalid message or option.
   */
  readonly refused: number;
  /** Answers that came after their request timed out or was aborted (`onUnmatched(message, 'late')`). */
  readonly late: number;
  /** Messages that matched no request, late ones aside (`onUnmatched(message, 'unmatched')`). */
  readonly unmatched: number;
  /** Messages written by `send` (no answer expected). */
  readonly messagesSent: number;
  /** Frames received that did not decode (logged as `undecodable response`). */
  readonly undecodable: number;
}

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

interface Pending<M extends Message> {
  resolve(answer: Answer<M>): void;
  reject(e: Error): void;
  timer: ReturnType<typeof setTimeout>;
  /** Removes the abort listener of the request's signal, if it has one. */
  unlisten(): void;
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
  if (!(header instanceof Uint8Array) || header.length !== headerBytes) {
    invalidOption(where, 'options.header', `a Uint8Array of ${headerBytes} bytes (the framing's headerBytes)`, header);
  }
  return header;
}

/** The option keys `connect` knows; any other is refused. */
const CLIENT_OPTIONS = [
  'host',
  'port',
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

/** Refuses anything that is not a message object with `INVALID_MESSAGE`, before a key is derived or a byte written. */
function checkMessage(where: string, message: unknown): void {
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

/** Checks the options of `connect`; returns the limits. */
function checkClientOptions<M extends Message>(options: ClientOptions<M>): ClientLimits {
  const where = 'connect';
  checkObject(where, 'options', options);
  checkKnownKeys(where, 'options', options, CLIENT_OPTIONS);
  if (typeof options.host !== 'string' || options.host === '') invalidOption(where, 'options.host', 'a non-empty string', options.host);
  if (options.port === undefined) invalidOption(where, 'options.port', 'an integer from 1 to 65535', options.port);
  integerOption(where, 'options.port', options.port, 0, 1, 65535);
  checkCodec(where, 'options.codec', options.codec);
  checkFraming(options.framing, 'options.framing');
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
 * Opens a TCP connection and returns a {@link Client}, typed by the codec's message type.
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
export async function connect<M extends Message = Message>(options: ClientOptions<M>): Promise<Client<M>> {
  const limits = checkClientOptions(options);
  const { codec, framing } = options;
  const key = options.key ?? (defaultMatchKey as MatchKey<M>);
  const logger = options.logger === undefined ? silentLogger : guardedLogger(options.logger);
  const { onUnmatched } = options;
  const socket: Socket = await new Promise((resolve, reject) => {
    // The write buffer's bound is the socket's high-water mark: write() returns false at it, `drain` clears it.
    // net.Socket hands Duplex options through (Node's own net.Server sets the mark so); @types/node omits it.
    const connectOptions: NetConnectOpts & { writableHighWaterMark: number } = {
      host: options.host,
      port: options.port,
      writableHighWaterMark: limits.maxWriteBufferBytes,
    };
    const s = netConnect(connectOptions);
    s.once('connect', () => {
      s.off('error', onError);
      resolve(s);
    });
    const onError = (e: Error & { code?: string }): void =>
      reject(new Iso8583NetError(NetErrorCode.CONNECT_FAILED, `could not connect (${e.code ?? 'error'})`));
    s.once('error', onError);
  });
  socket.setNoDelay(true);
  const pending = new Map<string, Pending<M>>();
  const counts = { sent: 0, answered: 0, timedOut: 0, aborted: 0, closed: 0, refused: 0, late: 0, unmatched: 0, messagesSent: 0, undecodable: 0 };
  // Keys whose request timed out, with the time (Date.now()) until which they stay in doubt. Every entry gets the
  // same window, so the map's insertion order is expiry order: pruning takes expired entries off the front. It so
  // holds at most the keys timed out within the last lateWindowMs.
  const inDoubt = new Map<string, number>();
  const prune = (now: number): void => {
    for (const [k, until] of inDoubt) {
      if (until > now) return;
      inDoubt.delete(k);
    }
  };

  /** The key of a message; a custom `key` that throws or returns a non-string is `KEY_FAILED`, its text dropped. */
  const keyOf = (message: M, isRequest: boolean): string => {
    let k: unknown;
    try {
      k = key(message, isRequest);
    } catch (e) {
      if (key === defaultMatchKey && isIso8583Error(e)) throw e;
      throw new Iso8583NetError(NetErrorCode.KEY_FAILED, `the key function threw (${errorName(e)})`);
    }
    if (typeof k !== 'string') throw new Iso8583NetError(NetErrorCode.KEY_FAILED, `the key function returned ${kindOf(k)}, not a string`);
    return k;
  };
  let closed = false;
  let closeCause = 'the connection closed';

  const failAll = (error: Iso8583NetError): void => {
    for (const [k, p] of pending) {
      clearTimeout(p.timer);
      p.unlisten();
      counts.closed++;
      p.reject(error);
      pending.delete(k);
    }
    inDoubt.clear();
  };

  const watch = watchWrites(socket, limits.writeStallMs, () => {
    closeCause = `the connection closed: the peer read nothing for ${limits.writeStallMs} ms`;
    logger.warn('peer not reading; connection closed', { writeStallMs: limits.writeStallMs, bufferedBytes: socket.writableLength });
    socket.destroy();
  });

  socket.on('error', (e: Error & { code?: string }) => logger.warn('client socket error', { code: e.code ?? 'error' }));
  socket.on('close', () => {
    closed = true;
    failAll(new Iso8583NetError(NetErrorCode.CLOSED, closeCause));
  });

  void (async () => {
    try {
      for await (const frame of readFrames(socket, framing, { maxFrameBytes: limits.maxFrameBytes })) {
        let message: M;
        try {
          message = codec.decode(frame.message);
        } catch (e) {
          if (!isIso8583Error(e)) throw e;
          counts.undecodable++;
          logger.warn('undecodable response', { code: e.code, field: e.field, offset: e.offset });
          continue;
        }
        let k: string | undefined;
        try {
          k = keyOf(message, false);
        } catch (e) {
          logger.warn('response key failed', { error: errorName(e) });
        }
        const p = k === undefined ? undefined : pending.get(k);
        if (p === undefined) {
          prune(Date.now());
          const reason = k !== undefined && inDoubt.delete(k) ? 'late' : 'unmatched';
          counts[reason]++;
          logger.info('response without a pending request', { ...loggableMti((message as { mti?: unknown } | null)?.mti), reason });
          try {
            onUnmatched?.(message, reason, frame.header);
          } catch (e) {
            logger.error('onUnmatched failed', { error: errorName(e) });
          }
          continue;
        }
        pending.delete(k!);
        clearTimeout(p.timer);
        p.unlisten();
        counts.answered++;
        p.resolve({ message, header: frame.header });
      }
    } catch (e) {
      logger.error('client stream failed', { code: errorName(e) });
      socket.destroy();
    }
  })();

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
  /** A key leaves the pending requests unanswered (timeout, abort): it stays in doubt for `lateWindowMs`. */
  const doubt = (k: string): void => {
    if (limits.lateWindowMs > 0) inDoubt.set(k, Date.now() + limits.lateWindowMs);
  };

  const exchange = (message: M, requestOptions: RequestOptions): Promise<Answer<M>> => {
    let k: string;
    let timeoutMs: number;
    let signal: AbortSignal | undefined;
    try {
      if (typeof requestOptions !== 'object' || requestOptions === null) invalidOption('request', 'options', 'an object', requestOptions);
      checkKnownKeys('request', 'options', requestOptions as Record<string, unknown>, REQUEST_OPTIONS);
      timeoutMs = integerOption('request', 'options.timeoutMs', requestOptions.timeoutMs, limits.timeoutMs, 1, MAX_TIMER_MS);
      signal = requestOptions.signal;
      if (signal !== undefined && !isSignal(signal)) invalidOption('request', 'options.signal', 'an AbortSignal', signal);
      const header = checkHeader('request', requestOptions.header, headerBytes);
      if (signal?.aborted === true) throw new Iso8583NetError(NetErrorCode.ABORTED, 'the request was aborted before it was written; nothing was written');
      if (closed) throw new Iso8583NetError(NetErrorCode.CLOSED, 'the connection is closed');
      checkMessage('request', message);
      const bytes = frameOf(message, header);
      k = keyOf(message, true);
      if (pending.has(k)) throw new Iso8583NetError(NetErrorCode.DUPLICATE_KEY, 'a request with this key is in flight');
      prune(Date.now());
      if (inDoubt.has(k)) {
        throw new Iso8583NetError(
          NetErrorCode.KEY_IN_DOUBT,
          `a request with this key timed out or was aborted less than ${limits.lateWindowMs} ms ago: its answer could be taken for this one's; nothing was written`,
        );
      }
      checkWritable();
      watch.wrote(socket.write(bytes));
      counts.sent++;
    } catch (e) {
      counts.refused++;
      return Promise.reject(e as Error);
    }
    return new Promise<Answer<M>>((resolve, reject) => {
      const entry: Pending<M> = {
        resolve,
        reject,
        timer: setTimeout(() => {
          pending.delete(k);
          entry.unlisten();
          doubt(k);
          counts.timedOut++;
          reject(new Iso8583NetError(NetErrorCode.TIMEOUT, `no response within ${timeoutMs} ms`));
        }, timeoutMs),
        unlisten: () => undefined,
      };
      if (signal !== undefined) {
        const s = signal;
        const onAbort = (): void => {
          if (pending.get(k) !== entry) return;
          pending.delete(k);
          clearTimeout(entry.timer);
          entry.unlisten();
          doubt(k);
          counts.aborted++;
          reject(new Iso8583NetError(NetErrorCode.ABORTED, 'the request was aborted while waiting for its answer'));
        };
        s.addEventListener('abort', onAbort, { once: true });
        entry.unlisten = () => s.removeEventListener('abort', onAbort);
      }
      pending.set(k, entry);
    });
  };

  return {
    get pending() {
      return pending.size;
    },
    get stats(): ClientStats {
      return Object.freeze({ ...counts, inFlight: pending.size });
    },
    limits,
    request(message, requestOptions = {}) {
      return exchange(message, requestOptions).then((answer) => answer.message);
    },
    requestWithHeader(message, requestOptions = {}) {
      return exchange(message, requestOptions);
    },
    send(message, sendOptions = {}) {
      checkObject('send', 'options', sendOptions);
      checkKnownKeys('send', 'options', sendOptions, ['header']);
      const header = checkHeader('send', sendOptions.header, headerBytes);
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
      failAll(new Iso8583NetError(NetErrorCode.CLOSED, 'the client was closed'));
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
