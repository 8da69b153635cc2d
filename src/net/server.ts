import { type AddressInfo, createServer as netCreateServer, type Server as NetServer, type Socket } from 'node:net';
import { isIso8583Error, type Iso8583Error } from '../errors/iso8583-error.js';
import { isResponseMti, responseMti } from '../message/mti.js';
import type { Message } from '../spec/types.js';
import { readFrames } from './frame-reader.js';
import { defaultFormatError, peekFrame } from './format-error.js';
import { checkFraming, type Frame, type FramingSpec, writeFrame } from './framing.js';
import { type NetLogger, silentLogger } from './logger.js';
import type { FramePeek, MessageCodec } from './message-codec.js';
import { isIso8583NetError, NetErrorCode } from './net-error.js';
import {
  checkCodec,
  checkFunction,
  checkLogger,
  checkObject,
  checkOneOf,
  checkOptionalFunction,
  integerOption,
  invalidOption,
  MAX_TIMER_MS,
} from './options.js';
import { resolveServerLimits, type ServerLimits } from './server-limits.js';
import { type CloseReason, newCounters, type ServerStats, snapshot } from './server-stats.js';
import { watchWrites, type WriteWatch } from './write-watch.js';

/** What a handler learns about the request besides the message. */
export interface RequestContext {
  /** The fixed header (TPDU) the request arrived with, when the framing has one. */
  readonly header: Uint8Array | undefined;
  /** The remote address, for logs and rate limits. */
  readonly remoteAddress: string | undefined;
}

/**
 * Answers one request: returns (or resolves) the response, or `undefined` to send nothing. `M` is the message
 * type of the server's codec (`Infer<typeof spec>` for `createCodec(spec)`), the dynamic `Message` by default.
 */
export type Handler<M extends Message = Message> = (message: M, ctx: RequestContext) => M | undefined | Promise<M | undefined>;

/** Options of {@link createServer}; every limit left out takes its value from `DEFAULT_SERVER_LIMITS`. */
export interface ServerOptions<M extends Message = Message> {
  /** The codec for both directions; its message type types the handler. */
  readonly codec: MessageCodec<M>;
  /** How frames are delimited. */
  readonly framing: FramingSpec;
  /** The request handler. */
  readonly handler: Handler<M>;
  /** A malformed frame: answer with a format error (`respond`, default) or log and skip it (`skip`). */
  readonly onMalformed?: 'respond' | 'skip';
  /**
   * Builds the format-error response for a frame that failed to decode, given what could be read of it (`read`:
   * the MTI and DE11/DE41 when the codec has `peek`); return `undefined` to send nothing. Default: the response
   * MTI, DE11 and DE41 echoed when read, DE39 `30`; nothing when no MTI could be read. Never called for a frame
   * with a response MTI: an answer is never answered.
   */
  readonly formatError?: (frame: Uint8Array, error: Iso8583Error, read: FramePeek) => M | undefined;
  /** Builds the answer when the handler throws (default: response MTI, header, DE11 and DE41 echoed, DE39 `96`). */
  readonly systemError?: (request: M) => M | undefined;
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
  /** Where events are logged; entries never contain field values. */
  readonly logger?: NetLogger;
}

/** A running ISO 8583 server. */
export interface Server {
  /** Starts listening; resolves with the bound address (use port 0 for any free port). */
  listen(port: number, host?: string): Promise<AddressInfo>;
  /** Open connections. */
  readonly connections: number;
  /** The limits in force (the options given, the defaults for the others). */
  readonly limits: ServerLimits;
  /** Counters of connections, closes by reason and odd frames, as a snapshot. */
  readonly stats: ServerStats;
  /** Stops accepting, waits for in-flight handlers (up to `deadlineMs`, default 5000), then closes connections. */
  close(deadlineMs?: number): Promise<void>;
}

/** One accepted connection. */
interface Connection {
  readonly socket: Socket;
  readonly watch: WriteWatch;
  readonly jobs: Set<Promise<void>>;
  /** Why it is closing; the first cause wins. */
  reason: CloseReason | undefined;
  /** Numbers logged with the close (limits reached, bytes left unsent). */
  detail: Record<string, unknown>;
}

/** Closes caused by a peer's misbehaviour: logged as warnings, the others as info. */
const BAD_PEER: ReadonlySet<CloseReason> = new Set(['idleTimeout', 'frameTimeout', 'writeStall', 'frameTooLarge', 'invalidFrame', 'truncatedFrame']);

/** The close reason for an error thrown by the frame reader. */
function reasonFor(e: unknown): CloseReason {
  if (!isIso8583NetError(e)) return 'socketError';
  switch (e.code) {
    case NetErrorCode.IDLE_TIMEOUT:
      return 'idleTimeout';
    case NetErrorCode.FRAME_TIMEOUT:
      return 'frameTimeout';
    case NetErrorCode.FRAME_TOO_LARGE:
      return 'frameTooLarge';
    case NetErrorCode.TRUNCATED_FRAME:
      return 'truncatedFrame';
    default:
      return 'invalidFrame';
  }
}

/** Whether an MTI is a response; false for anything that is not four digits (a custom codec's odd output). */
function isResponse(mti: unknown): boolean {
  return typeof mti === 'string' && /^[0-9]{4}$/.test(mti) && isResponseMti(mti);
}

const defaultSystemError = (request: Message): Message | undefined => {
  if (isResponse(request.mti) || typeof request.mti !== 'string' || !/^[0-9]{4}$/.test(request.mti)) return undefined;
  const fields: Message['fields'] = { 39: '96' };
  if (request.fields[11] !== undefined) fields[11] = request.fields[11];
  if (request.fields[41] !== undefined) fields[41] = request.fields[41];
  const answer: Message = { mti: responseMti(request.mti), fields };
  if (request.header !== undefined) answer.header = request.header;
  return answer;
};

/**
 * Creates an ISO 8583 server: each connection's frames are decoded, handed to `handler` concurrently, and the
 * responses written back in the order they complete. Generic over the codec: with `codec: createCodec(spec)` the
 * handler's request and answer are `Infer<typeof spec>`, no cast.
 *
 * Why: one misbehaving peer must never take the service down: a malformed frame gets a format-error answer the
 * sender can pair (DE11, DE41 echoed) and the connection lives on; an oversized frame closes that connection
 * only; a handler that throws gets a system-error answer; a peer that does not read its answers stops being read
 * and is cut off after `writeStallMs`; silent and dribbling peers are cut off by `idleTimeoutMs` and
 * `frameTimeoutMs`; at most `maxConnections` are served; `close()` drains what is in flight. Options are checked
 * here (`INVALID_OPTION`, `INVALID_FRAMING`, naming the option).
 *
 * @example
 * ```ts
 * const server = createServer({ codec: createCodec(presets.iso87ascii), framing: { length: 'binary2' },
 *   handler: (m) => ({ mti: responseMti(m.mti), fields: { 11: m.fields[11], 39: '00' } }) });
 * await server.listen(8583);
 * ```
 */
export function createServer<M extends Message = Message>(options: ServerOptions<M>): Server {
  const where = 'createServer';
  checkObject(where, 'options', options);
  checkCodec(where, 'options.codec', options.codec);
  checkFraming(options.framing, 'options.framing');
  checkFunction(where, 'options.handler', options.handler);
  checkOneOf(where, 'options.onMalformed', options.onMalformed, ['respond', 'skip']);
  checkOptionalFunction(where, 'options.formatError', options.formatError);
  checkOptionalFunction(where, 'options.systemError', options.systemError);
  checkLogger(where, 'options.logger', options.logger);
  const limits = resolveServerLimits(where, options);
  if (limits.maxWriteBufferBytes < 1024) invalidOption(where, 'options.maxWriteBufferBytes', 'an integer of at least 1024', limits.maxWriteBufferBytes);

  const { codec, framing, handler } = options;
  const logger = options.logger ?? silentLogger;
  const formatError = options.formatError ?? ((_frame: Uint8Array, _e: Iso8583Error, read: FramePeek) => defaultFormatError(read) as M | undefined);
  const systemError = options.systemError ?? (defaultSystemError as (request: M) => M | undefined);
  const readerOptions = { maxFrameBytes: limits.maxFrameBytes, idleTimeoutMs: limits.idleTimeoutMs, frameTimeoutMs: limits.frameTimeoutMs };
  const counters = newCounters();
  const connections = new Set<Connection>();
  const inFlight = new Set<Promise<void>>();
  let closing = false;

  const send = (conn: Connection, frame: Frame, message: M): void => {
    const { socket } = conn;
    if (socket.destroyed || !socket.writable) return;
    let bytes: Uint8Array;
    try {
      const encoded = codec.encode(message);
      bytes = writeFrame(framing, frame.header === undefined ? { message: encoded } : { header: frame.header, message: encoded });
    } catch (e) {
      logger.error('response could not be encoded', { code: (e as { code?: string }).code ?? 'error', mti: (message as { mti?: unknown })?.mti });
      return;
    }
    conn.watch.wrote(socket.write(bytes));
  };

  const malformed = (conn: Connection, frame: Frame, e: Iso8583Error): void => {
    counters.malformedFrames++;
    const read = peekFrame(codec, frame.message);
    const where = { code: e.code, field: e.field, offset: e.offset, length: frame.message.length };
    if (read.mti !== undefined && isResponseMti(read.mti)) {
      // Never answer an answer: two servers would echo format errors at each other forever.
      counters.responsesAsRequests++;
      logger.warn('response MTI received as a request', { ...where, mti: read.mti });
      return;
    }
    if (read.mti === undefined) {
      counters.unreadableMti++;
      logger.warn('frame without a readable MTI', where);
    } else {
      logger.warn('malformed frame', { ...where, mti: read.mti });
    }
    if (options.onMalformed === 'skip') return;
    const answer = formatError(frame.message, e, read);
    if (answer !== undefined) send(conn, frame, answer);
  };

  const handle = async (conn: Connection, frame: Frame): Promise<void> => {
    let request: M;
    try {
      request = codec.decode(frame.message);
    } catch (e) {
      if (!isIso8583Error(e)) throw e;
      malformed(conn, frame, e);
      return;
    }
    if (isResponse(request.mti)) {
      // This server sends no requests, so a response matches nothing here; the handler sees requests only.
      counters.responsesAsRequests++;
      logger.warn('response MTI received as a request', { mti: request.mti, length: frame.message.length });
      return;
    }
    let response: M | undefined;
    try {
      response = await handler(request, { header: frame.header, remoteAddress: conn.socket.remoteAddress });
    } catch (e) {
      counters.handlerErrors++;
      logger.error('handler failed', { mti: request.mti, error: e instanceof Error ? e.name : typeof e });
      response = systemError(request);
    }
    if (response !== undefined) send(conn, frame, response);
  };

  const serve = async (conn: Connection): Promise<void> => {
    const { socket, jobs, watch } = conn;
    try {
      for await (const frame of readFrames(socket, framing, readerOptions)) {
        counters.framesReceived++;
        const job = handle(conn, frame).catch((e: unknown) => logger.error('request failed', { error: e instanceof Error ? e.name : typeof e }));
        inFlight.add(job);
        jobs.add(job);
        void job.finally(() => {
          inFlight.delete(job);
          jobs.delete(job);
        });
        // Backpressure, reads: stop pulling frames while this connection has too many requests in flight.
        while (jobs.size >= limits.maxInFlightPerConnection) await Promise.race(jobs);
        // Backpressure, writes: stop pulling frames while the peer leaves its answers unread; the reader's
        // timers are off meanwhile (it is not waiting for the peer), the write-stall clock is on.
        if (watch.blocked) {
          counters.readPauses++;
          logger.info('reading paused: answers not read', { bufferedBytes: socket.writableLength, maxWriteBufferBytes: limits.maxWriteBufferBytes });
          await watch.drained();
          if (socket.destroyed) break;
          logger.info('reading resumed', {});
        }
      }
      conn.reason ??= 'peer';
    } catch (e) {
      conn.reason ??= reasonFor(e);
      if (conn.reason === 'idleTimeout') conn.detail = { idleTimeoutMs: limits.idleTimeoutMs };
      if (conn.reason === 'frameTimeout') conn.detail = { frameTimeoutMs: limits.frameTimeoutMs };
      if (conn.reason === 'frameTooLarge') conn.detail = { maxFrameBytes: limits.maxFrameBytes };
      socket.destroy();
    }
  };

  // The write bound is each socket's high-water mark (write() returns false at it, `drain` clears it); Node sets
  // the read side's mark to the same value, which bounds the bytes read ahead of the frame reader too.
  const server: NetServer = netCreateServer({ highWaterMark: limits.maxWriteBufferBytes }, (socket) => {
    let accepted: Connection | undefined;
    socket.on('error', (e: Error & { code?: string }) => {
      if (accepted !== undefined) accepted.reason ??= 'socketError';
      logger.warn('socket error', { code: e.code ?? 'error' });
    });
    // `closing` is a guard only: net.Server accepts nothing once close() has run.
    if (closing || connections.size >= limits.maxConnections) {
      counters.connectionsRefused++;
      logger.warn('connection refused', { reason: closing ? 'closing' : 'maxConnections', maxConnections: limits.maxConnections });
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const conn: Connection = {
      socket,
      jobs: new Set(),
      reason: undefined,
      detail: {},
      watch: watchWrites(socket, limits.writeStallMs, () => {
        conn.reason ??= 'writeStall';
        conn.detail = { writeStallMs: limits.writeStallMs, bufferedBytes: socket.writableLength };
        socket.destroy();
      }),
    };
    accepted = conn;
    connections.add(conn);
    counters.connectionsAccepted++;
    counters.connectionsOpen++;
    logger.info('connection accepted', { open: connections.size });
    socket.once('close', () => {
      connections.delete(conn);
      counters.connectionsOpen--;
      const reason = conn.reason ?? 'peer';
      counters.connectionsClosed[reason]++;
      (BAD_PEER.has(reason) ? logger.warn : logger.info).call(logger, 'connection closed', { reason, ...conn.detail });
    });
    void serve(conn);
  });

  return {
    get connections() {
      return connections.size;
    },
    limits,
    get stats() {
      return snapshot(counters);
    },
    listen(port, host = '127.0.0.1') {
      integerOption('server.listen', 'port', port, 0, 0, 65535);
      if (typeof host !== 'string' || host === '') invalidOption('server.listen', 'host', 'a non-empty string', host);
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    async close(deadlineMs = 5000) {
      integerOption('server.close', 'deadlineMs', deadlineMs, 5000, 0, MAX_TIMER_MS);
      closing = true;
      const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
      let timer: ReturnType<typeof setTimeout> | undefined;
      await Promise.race([
        Promise.allSettled([...inFlight]),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, deadlineMs);
        }),
      ]);
      clearTimeout(timer);
      for (const c of connections) {
        c.reason ??= 'serverClose';
        c.socket.end();
      }
      const force = setTimeout(() => {
        for (const c of connections) c.socket.destroy();
      }, 500);
      await stopped;
      clearTimeout(force);
    },
  };
}
