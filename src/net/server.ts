import type { AddressInfo, Socket } from 'node:net';
import type { Iso8583Error } from '../errors/iso8583-error.js';
import type { Message } from '../spec/types.js';
import { defaultFormatError } from './format-error.js';
import { RepeatLimiter } from './log-limiter.js';
import { errorFacts, guardedLogger, silentLogger } from './logger.js';
import { defaultMatchKey, guardedKey, type MatchKey } from './match-key.js';
import type { FramePeek } from './message-codec.js';
import { Iso8583NetError, NetErrorCode } from './net-error.js';
import { checkFunction, copyEntryOptions, integerOption, invalidOption, MAX_TIMER_MS } from './options.js';
import { ServedConnection, type ServerCore } from './server-connection.js';
import type { ServerLimits } from './server-limits.js';
import { createListener } from './server-listener.js';
import type { PeerConnection } from './server-peer.js';
import { checkServerOptions, defaultSystemError, SERVER_OPTIONS, type ServerOptions } from './server-options.js';
import { type CloseReason, newCounters, type ServerStats, snapshot } from './server-stats.js';

/**
 * What a server tells as it runs, by event name: `connection` hands over each peer accepted (with TLS, once its
 * handshake completed).
 *
 * Why: an application keeps its own view of the peers (a network's link to route requests down, a dashboard) and
 * learns of a new one at once, without polling `peers()`.
 */
export interface ServerEvents<M extends Message = Message> {
  /** A peer was accepted; `peer.closed` resolves when it goes. */
  readonly connection: (peer: PeerConnection<M>) => void;
}

/** A running ISO 8583 server. */
export interface Server<M extends Message = Message> {
  /**
   * Starts listening; resolves with the bound address (use port 0 for any free port). Rejects with `LISTEN_FAILED`
   * when the port is in use or not allowed, the server is already listening, or it was closed.
   */
  listen(port: number, host?: string): Promise<AddressInfo>;
  /** Open connections. */
  readonly connections: number;
  /** The peers connected now, in the order they were accepted: each can be sent requests (`peer.request`). */
  peers(): readonly PeerConnection<M>[];
  /**
   * Calls `listener` for each event `event` (see {@link ServerEvents}); returns a function that stops it. A
   * listener that throws is logged (`listener failed`) and changes nothing else.
   */
  on<E extends keyof ServerEvents<M>>(event: E, listener: ServerEvents<M>[E]): () => void;
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
// `const M`: the messages a handler returns keep their literal MTIs, which a codec set's message type (a union
// discriminated by `mti`, see createCodecSet) needs; M itself is inferred from the codec as before.
export function createServer<const M extends Message = Message>(given: ServerOptions<M>): Server<M> {
  const options = copyEntryOptions('createServer', given, SERVER_OPTIONS);
  const limits = checkServerOptions(options);

  const logger = options.logger === undefined ? silentLogger : guardedLogger(options.logger);
  const counters = newCounters();
  const connections = new Set<ServedConnection<M>>();
  const serverLog = new RepeatLimiter(logger, limits.logIntervalMs, () => counters.logEntriesSuppressed++);
  // Handlers running on every connection, and who waits for them to be none.
  let running = 0;
  let idle: (() => void)[] = [];
  const listeners = new Set<ServerEvents<M>['connection']>();
  let lastId = 0;
  const core: ServerCore<M> = {
    keyOf: guardedKey(options.key ?? (defaultMatchKey as MatchKey<M>)),
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

  const accept = (socket: Socket): void => {
    // `closing` is a guard only: net.Server accepts nothing once close() has run.
    if (closing || connections.size >= limits.maxConnections) {
      socket.on('error', () => undefined);
      counters.connectionsRefused++;
      serverLog.log('warn', 'connection refused', { reason: closing ? 'closing' : 'maxConnections', maxConnections: limits.maxConnections });
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const conn = new ServedConnection(socket, core, ++lastId);
    connections.add(conn);
    counters.connectionsAccepted++;
    counters.connectionsOpen++;
    logger.info('connection accepted', { open: connections.size });
    for (const listener of [...listeners]) {
      try {
        listener(conn.peer);
      } catch (e) {
        logger.error('listener failed', { event: 'connection', ...errorFacts(e) });
      }
    }
  };
  const { server, dropHandshakes } = createListener(options.tls, limits, {
    accepted: accept,
    dropped: () => {
      counters.connectionsRefused++;
      serverLog.log('warn', 'connection refused', { reason: 'maxConnections', maxConnections: limits.maxConnections });
    },
    handshakeFailed: (code) => {
      if (code === 'ERR_TLS_HANDSHAKE_TIMEOUT') counters.handshakeTimeouts++;
      else counters.handshakesFailed++;
      serverLog.log('warn', 'tls handshake failed', { code });
    },
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
    // A TLS handshake still under way has no request to drain.
    dropHandshakes();
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
    peers() {
      return Object.freeze([...connections].map((c) => c.peer));
    },
    on(event, listener) {
      if (event !== 'connection') invalidOption('server.on', 'event', "'connection'", event);
      checkFunction('server.on', 'listener', listener);
      const own = (peer: PeerConnection<M>): void => listener(peer);
      listeners.add(own);
      return () => listeners.delete(own);
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
