import { connect as netConnect, type Socket } from 'node:net';
import { isIso8583Error } from '../errors/iso8583-error.js';
import { responseMti } from '../message/mti.js';
import type { Message } from '../spec/types.js';
import { readFrames } from './frame-reader.js';
import { encodeFrame, type FramingSpec, validateFraming } from './framing.js';
import { Iso8583NetError, NetErrorCode } from './net-error.js';
import { type NetLogger, silentLogger } from './logger.js';

/** What a codec must offer to the client and server: the `{ decode, encode }` of `createCodec`. */
export interface MessageCodec {
  /** Decodes one message. */
  decode(frame: Uint8Array): Message;
  /** Encodes one message. */
  encode(message: Message): Uint8Array;
}

/**
 * Derives the key that pairs a request with its response.
 *
 * Why: responses may come back in any order; the default pairs them by response MTI, STAN (DE11) and terminal id
 * (DE41), which is what acquirers and issuers echo. `isRequest` tells whether `message` is the outgoing request
 * (its key must use the expected response MTI).
 */
export type MatchKey = (message: Message, isRequest: boolean) => string;

/** The default {@link MatchKey}: response MTI, DE11 and DE41. */
export const defaultMatchKey: MatchKey = (m, isRequest) =>
  `${isRequest ? responseMti(m.mti) : m.mti}|${String(m.fields[11] ?? '')}|${String(m.fields[41] ?? '')}`;

/** Options of {@link connect}. */
export interface ClientOptions {
  /** Host to connect to. */
  readonly host: string;
  /** Port to connect to. */
  readonly port: number;
  /** The codec for both directions. */
  readonly codec: MessageCodec;
  /** How frames are delimited. */
  readonly framing: FramingSpec;
  /** How responses are paired with requests (default {@link defaultMatchKey}). */
  readonly key?: MatchKey;
  /** Receives responses that match no pending request: `late` when their request already timed out. */
  readonly onUnmatched?: (message: Message, reason: 'late' | 'unmatched') => void;
  /** Largest incoming frame (default 8 KiB). */
  readonly maxFrameBytes?: number;
  /** Default timeout of {@link Client.request} in milliseconds (default 5000). */
  readonly timeoutMs?: number;
  /** Where transport events are logged (never message content). */
  readonly logger?: NetLogger;
}

/** A connected ISO 8583 client: many requests in flight on one connection, each matched to its response. */
export interface Client {
  /** Sends a request and resolves with its matched response; rejects with `Iso8583NetError` or `Iso8583Error`. */
  request(message: Message, options?: { timeoutMs?: number }): Promise<Message>;
  /** Sends a message that expects no answer (e.g. an advice answered elsewhere). */
  send(message: Message): void;
  /** Requests waiting for their response. */
  readonly pending: number;
  /** Closes the connection and rejects every pending request with `CLOSED`. */
  close(): Promise<void>;
}

interface Pending {
  resolve(m: Message): void;
  reject(e: Error): void;
  timer: ReturnType<typeof setTimeout>;
}

/** How many timed-out keys are remembered to label late responses. */
const LATE_MEMORY = 10_000;

/**
 * Opens a TCP connection and returns a {@link Client}.
 *
 * Why: a terminal driver or acquirer simulator needs request/response pairing, timeouts and clean shutdown over one
 * multiplexed connection; responses that arrive late are handed to `onUnmatched` instead of being lost.
 *
 * @example
 * ```ts
 * const client = await connect({ host: '127.0.0.1', port: 8583, codec: createCodec(presets.iso87ascii),
 *   framing: { length: 'binary2' } });
 * const answer = await client.request({ mti: '0800', fields: { 11: '000001', 41: 'TERM0001', 70: '301' } });
 * ```
 */
export async function connect(options: ClientOptions): Promise<Client> {
  validateFraming(options.framing);
  const { codec, framing } = options;
  const key = options.key ?? defaultMatchKey;
  const logger = options.logger ?? silentLogger;
  const defaultTimeout = options.timeoutMs ?? 5000;
  const socket: Socket = await new Promise((resolve, reject) => {
    const s = netConnect({ host: options.host, port: options.port });
    s.once('connect', () => {
      s.off('error', onError);
      resolve(s);
    });
    const onError = (e: Error & { code?: string }): void =>
      reject(new Iso8583NetError(NetErrorCode.CONNECT_FAILED, `could not connect (${e.code ?? 'error'})`));
    s.once('error', onError);
  });
  socket.setNoDelay(true);
  const pending = new Map<string, Pending>();
  const timedOut = new Set<string>();
  let closed = false;

  const failAll = (error: Iso8583NetError): void => {
    for (const [k, p] of pending) {
      clearTimeout(p.timer);
      p.reject(error);
      pending.delete(k);
    }
  };

  socket.on('error', (e: Error & { code?: string }) => logger.warn('client socket error', { code: e.code ?? 'error' }));
  socket.on('close', () => {
    closed = true;
    failAll(new Iso8583NetError(NetErrorCode.CLOSED, 'the connection closed'));
  });

  void (async () => {
    try {
      for await (const frame of readFrames(socket, framing, { maxFrameBytes: options.maxFrameBytes ?? 8192 })) {
        let message: Message;
        try {
          message = codec.decode(frame.message);
        } catch (e) {
          if (!isIso8583Error(e)) throw e;
          logger.warn('undecodable response', { code: e.code, field: e.field, offset: e.offset });
          continue;
        }
        const k = key(message, false);
        const p = pending.get(k);
        if (p === undefined) {
          const reason = timedOut.delete(k) ? 'late' : 'unmatched';
          logger.info('response without a pending request', { mti: message.mti, reason });
          options.onUnmatched?.(message, reason);
          continue;
        }
        pending.delete(k);
        clearTimeout(p.timer);
        p.resolve(message);
      }
    } catch (e) {
      logger.error('client stream failed', { code: (e as { code?: string }).code ?? 'error' });
      socket.destroy();
    }
  })();

  const write = (message: Message): void => {
    socket.write(encodeFrame(framing, { message: codec.encode(message) }));
  };

  return {
    get pending() {
      return pending.size;
    },
    request(message, requestOptions = {}) {
      if (closed) return Promise.reject(new Iso8583NetError(NetErrorCode.CLOSED, 'the connection is closed'));
      let k: string;
      try {
        k = key(message, true);
        if (pending.has(k)) throw new Iso8583NetError(NetErrorCode.DUPLICATE_KEY, 'a request with this key is in flight');
        write(message);
      } catch (e) {
        return Promise.reject(e as Error);
      }
      const timeoutMs = requestOptions.timeoutMs ?? defaultTimeout;
      return new Promise<Message>((resolve, reject) => {
        const timer = setTimeout(() => {
          pending.delete(k);
          timedOut.add(k);
          if (timedOut.size > LATE_MEMORY) timedOut.delete(timedOut.values().next().value as string);
          reject(new Iso8583NetError(NetErrorCode.TIMEOUT, `no response within ${timeoutMs} ms`));
        }, timeoutMs);
        pending.set(k, { resolve, reject, timer });
      });
    },
    send(message) {
      if (closed) throw new Iso8583NetError(NetErrorCode.CLOSED, 'the connection is closed');
      write(message);
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
