import { type AddressInfo, createServer as netCreateServer, type Server as NetServer, type Socket } from 'node:net';
import type { Iso8583Error } from '../errors/iso8583-error.js';
import { responseMti } from '../message/mti.js';
import type { Message } from '../spec/types.js';
import { defaultFormatError } from './format-error.js';
import { checkFraming, type FramingSpec } from './framing.js';
import { RepeatLimiter } from './log-limiter.js';
import { guardedLogger, type NetLogger, silentLogger } from './logger.js';
import type { FramePeek, MessageCodec } from './message-codec.js';
import { mtiKind } from './mti-kind.js';
import { Iso8583NetError, NetErrorCode } from './net-error.js';
import {
  checkCodec,
  checkFunction,
  checkKnownKeys,
  checkLogger,
  checkObject,
  checkOneOf,
  checkOptionalFunction,
  integerOption,
  invalidOption,
  MAX_TIMER_MS,
} from './options.js';
import { type Handler, ServedConnection, type ServerCore } from './server-connection.js';
import { resolveServerLimits, type ServerLimits } from './server-limits.js';
import { type CloseReason, newCounters, type ServerStats, snapshot } from './server-stats.js';

export { type Handler, type HeaderedAnswer, type RequestContext, withHeader } from './server-connection.js';

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
   * MTI, DE11 and DE41 echoed when read, DE39 `30`; nothing when no MTI could be read or it has no response MTI
   * (message function 8 or 9). Never called for a frame with a response MTI: an answer is never answered. If it
   * throws, nothing is sent and `formatError failed` is logged.
   */
  readonly formatError?: (frame: Uint8Array, error: Iso8583Error, read: FramePeek) => M | undefined;
  /**
   * Builds the answer when the handler throws (default: response MTI, header, DE11 and DE41 echoed, DE39 `96`; nothing
   * for a request MTI without a response MTI). `error` is what the handler threw, as it was thrown (to pick a
   * response code by it: a database timeout is not a declined card). If it throws, nothing is sent and
   * `systemError failed` is logged.
   */
  readonly systemError?: (request: M, error: unknown) => M | undefined;
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
  /** Where events are logged; entries never contain field values. */
  readonly logger?: NetLogger;
}

/** A running ISO 8583 server. */
export interface Server {
  /**
   * Starts listening; resolves with the bound address (use port 0 for any free port). Rejects with `LISTEN_FAILED`
   * when the port is in use or not allowed, the server is already listening, or it was closed.
   */
  listen(port: number, host?: string): Promise<AddressInfo>;
  /** Open connections. */
  readonly connections: number;
  /** The limits in force (the options given, the defaults for the others). */
  readonly limits: ServerLimits;
  /** Counters of connections, closes by reason and odd frames, as a snapshot. */
  readonly stats: ServerStats;
  /**
   * Stops accepting and stops taking frames (a frame not yet handed to the handler is never handled nor answered),
   * waits for the handlers already running (up to `deadlineMs`, default 5000) and writes their answers, then closes
   * the connections. Calling it again returns the same promise.
   */
  close(deadlineMs?: number): Promise<void>;
}

/** The option keys `createServer` knows; any other is refused (a misspelt limit must not pass silently). */
const SERVER_OPTIONS = [
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
] as const satisfies readonly (keyof ServerOptions)[];

/** Closes caused by a peer's misbehaviour: logged as warnings, the others as info. */
const BAD_PEER: ReadonlySet<CloseReason> = new Set([
  'idleTimeout',
  'frameTimeout',
  'writeStall',
  'frameTooLarge',
  'invalidFrame',
  'truncatedFrame',
  'badFrames',
]);

/** The default system-error answer: none for a request whose MTI has no response MTI (or is not four digits). */
const defaultSystemError = (request: Message): Message | undefined => {
  if (mtiKind(request.mti) !== 'request') return undefined;
  const fields: Message['fields'] = { 39: '96' };
  if (request.fields[11] !== undefined) fields[11] = request.fields[11];
  if (request.fields[41] !== undefined) fields[41] = request.fields[41];
  const answer: Message = { mti: responseMti(request.mti), fields };
  if (request.header !== undefined) answer.header = request.header;
  return answer;
};

/** A Node system error code for a log entry or an error text (`EADDRINUSE`), `error` for anything else. */
function systemCode(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[A-Z][A-Z_]{1,39}$/.test(code) ? code : 'error';
}

/**
 * Creates an ISO 8583 server: each connection's frames are decoded, handed to `handler` concurrently, and the
 * responses written back in the order they complete. Generic over the codec: with `codec: createCodec(spec)` the
 * handler's request and answer are `Infer<typeof spec>`, no cast.
 *
 * Why: one misbehaving peer must never take the service down: a malformed frame gets a format-error answer the
 * sender can pair (DE11, DE41 echoed) and the connection lives on, until its bad frames outnumber its requests by
 * `maxBadFrames`; an oversized frame closes that connection only; a handler that throws gets a system-error
 * answer; a peer that does not read its answers stops being read and is cut off after `writeStallMs`; silent and
 * dribbling peers are cut off by `idleTimeoutMs` and `frameTimeoutMs`; a burst from one peer is served in turns
 * of about 1 ms, so it cannot starve the others; repeated log entries are counted, not written, within
 * `logIntervalMs`; at most `maxConnections` are served; `close()` stops taking frames, then drains what is in
 * flight. Options are checked here (`INVALID_OPTION`, `INVALID_FRAMING`, naming the option, an unknown one too).
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
  checkKnownKeys(where, 'options', options, SERVER_OPTIONS);
  checkCodec(where, 'options.codec', options.codec);
  checkFraming(options.framing, 'options.framing');
  checkFunction(where, 'options.handler', options.handler);
  checkOneOf(where, 'options.onMalformed', options.onMalformed, ['respond', 'skip']);
  checkOptionalFunction(where, 'options.formatError', options.formatError);
  checkOptionalFunction(where, 'options.systemError', options.systemError);
  checkLogger(where, 'options.logger', options.logger);
  const limits = resolveServerLimits(where, options);
  if (limits.maxWriteBufferBytes < 1024) invalidOption(where, 'options.maxWriteBufferBytes', 'an integer of at least 1024', limits.maxWriteBufferBytes);

  const logger = options.logger === undefined ? silentLogger : guardedLogger(options.logger);
  const counters = newCounters();
  const connections = new Set<ServedConnection<M>>();
  const serverLog = new RepeatLimiter(logger, limits.logIntervalMs, () => counters.logEntriesSuppressed++);
  // Handlers running on every connection, and who waits for them to be none.
  let running = 0;
  let idle: (() => void)[] = [];
  const core: ServerCore<M> = {
    codec: options.codec,
    framing: options.framing,
    handler: options.handler,
    limits,
    logger,
    counters,
    onMalformed: options.onMalformed ?? 'respond',
    formatError: options.formatError ?? ((_frame: Uint8Array, _e: Iso8583Error, read: FramePeek) => defaultFormatError(read) as M | undefined),
    systemError: options.systemError ?? (defaultSystemError as (request: M, error: unknown) => M | undefined),
    jobStarted: () => {
      running++;
    },
    jobEnded: () => {
      if (--running > 0) return;
      const waiting = idle;
      idle = [];
      for (const wake of waiting) wake();
    },
    closed: (conn) => {
      connections.delete(conn);
      counters.connectionsOpen--;
      const reason = conn.reason ?? 'peer';
      counters.connectionsClosed[reason]++;
      (BAD_PEER.has(reason) ? logger.warn : logger.info)('connection closed', { reason, ...conn.detail });
    },
  };
  let closing = false;
  let listening: 'no' | 'pending' | 'yes' = 'no';

  // The write bound is each socket's high-water mark (write() returns false at it, `drain` clears it); Node sets
  // the read side's mark to the same value, which bounds the bytes read ahead of the frame parser too. Half-open
  // connections are allowed so that a peer's last requests before its FIN are answered before we end our side.
  const server: NetServer = netCreateServer({ highWaterMark: limits.maxWriteBufferBytes, allowHalfOpen: true }, (socket: Socket) => {
    // `closing` is a guard only: net.Server accepts nothing once close() has run.
    if (closing || connections.size >= limits.maxConnections) {
      socket.on('error', () => undefined);
      counters.connectionsRefused++;
      serverLog.log('warn', 'connection refused', { reason: closing ? 'closing' : 'maxConnections', maxConnections: limits.maxConnections });
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const conn = new ServedConnection(socket, core);
    connections.add(conn);
    counters.connectionsAccepted++;
    counters.connectionsOpen++;
    logger.info('connection accepted', { open: connections.size });
  });
  // Errors of the listening socket after listen() (accept failures such as EMFILE): logged, never thrown.
  server.on('error', (e: unknown) => {
    if (listening === 'yes') logger.error('server error', { code: systemCode(e) });
  });

  /** Resolves when no handler runs on any connection. */
  const drained = (): Promise<void> => new Promise<void>((resolve) => (running === 0 ? resolve() : idle.push(resolve)));

  let closed: Promise<void> | undefined;
  const close = async (deadlineMs: number): Promise<void> => {
    closing = true;
    const stopped = new Promise<void>((resolve) => server.close(() => resolve()));
    // 1. Take no frame any more: every connection stops reading, and what it had read but not dispatched is dropped.
    for (const c of connections) c.stop();
    // 2. Wait for the handlers already dispatched, up to the deadline; their answers are written as they complete.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([drained(), new Promise<void>((resolve) => (timer = setTimeout(resolve, deadlineMs)))]);
    clearTimeout(timer);
    // 3. End every connection once its answers are written; destroy those that do not close soon after.
    const ending = [...connections];
    for (const c of ending) {
      c.reason ??= 'serverClose';
      c.end();
    }
    const force = setTimeout(() => {
      for (const c of connections) c.socket.destroy();
    }, 500);
    // Resolved once every close is counted and logged, so `stats` is final when close() resolves.
    await Promise.all([stopped, ...ending.map((c) => c.closed)]);
    clearTimeout(force);
    serverLog.flush();
  };

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
      const refuse = (why: string): Promise<never> => Promise.reject(new Iso8583NetError(NetErrorCode.LISTEN_FAILED, why));
      if (closing) return refuse('the server was closed');
      if (listening !== 'no') return refuse('the server is already listening');
      listening = 'pending';
      return new Promise<AddressInfo>((resolve, reject) => {
        const failed = (e: unknown): void => {
          listening = 'no';
          reject(new Iso8583NetError(NetErrorCode.LISTEN_FAILED, `could not listen on port ${port} (${systemCode(e)})`));
        };
        server.once('error', failed);
        try {
          server.listen(port, host, () => {
            server.off('error', failed);
            listening = 'yes';
            resolve(server.address() as AddressInfo);
          });
        } catch (e) {
          server.off('error', failed);
          failed(e);
        }
      });
    },
    close(deadlineMs = 5000) {
      try {
        integerOption('server.close', 'deadlineMs', deadlineMs, 5000, 0, MAX_TIMER_MS);
      } catch (e) {
        return Promise.reject(e as Error);
      }
      closed ??= close(deadlineMs);
      return closed;
    },
  };
}
