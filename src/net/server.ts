import { type AddressInfo, createServer as netCreateServer, type Server as NetServer, type Socket } from 'node:net';
import { isIso8583Error, type Iso8583Error } from '../errors/iso8583-error.js';
import { isResponseMti, responseMti } from '../message/mti.js';
import type { Message } from '../spec/types.js';
import type { MessageCodec } from './client.js';
import { DEFAULT_MAX_FRAME_BYTES, readFrames } from './frame-reader.js';
import { encodeFrame, type Frame, type FramingSpec, validateFraming } from './framing.js';
import { type NetLogger, silentLogger } from './logger.js';

/** What a handler learns about the request besides the message. */
export interface RequestContext {
  /** The fixed header (TPDU) the request arrived with, when the framing has one. */
  readonly header: Uint8Array | undefined;
  /** The remote address, for logs and rate limits. */
  readonly remoteAddress: string | undefined;
}

/** Answers one request: returns (or resolves) the response, or `undefined` to send nothing. */
export type Handler = (message: Message, ctx: RequestContext) => Message | undefined | Promise<Message | undefined>;

/** Options of {@link createServer}. */
export interface ServerOptions {
  /** The codec for both directions. */
  readonly codec: MessageCodec;
  /** How frames are delimited. */
  readonly framing: FramingSpec;
  /** The request handler. */
  readonly handler: Handler;
  /** A malformed frame: answer with a format error (`respond`, default) or log and skip it (`skip`). */
  readonly onMalformed?: 'respond' | 'skip';
  /**
   * Builds the format-error response for a frame that failed to decode (default: the response MTI read from the
   * frame's MTI digits, DE39 `30`); return `undefined` to send nothing.
   */
  readonly formatError?: (frame: Uint8Array, error: Iso8583Error) => Message | undefined;
  /** Builds the answer when the handler throws (default: response MTI, DE11 and DE41 echoed, DE39 `96`). */
  readonly systemError?: (request: Message) => Message | undefined;
  /** Largest incoming frame (default 8 KiB); a larger one closes that connection. */
  readonly maxFrameBytes?: number;
  /**
   * Most requests handled at once per connection (default 256). Beyond it the server stops reading that socket
   * until one finishes, so a flooding peer meets TCP backpressure instead of growing the server's memory.
   */
  readonly maxInFlightPerConnection?: number;
  /** Where events are logged; entries never contain field values. */
  readonly logger?: NetLogger;
}

/** A running ISO 8583 server. */
export interface Server {
  /** Starts listening; resolves with the bound address (use port 0 for any free port). */
  listen(port: number, host?: string): Promise<AddressInfo>;
  /** Open connections. */
  readonly connections: number;
  /** Stops accepting, waits for in-flight handlers (up to `deadlineMs`, default 5000), then closes connections. */
  close(deadlineMs?: number): Promise<void>;
}

/** Reads the MTI digits of an undecodable frame (ASCII, EBCDIC or BCD), if they look like one. */
function guessMti(frame: Uint8Array): string | undefined {
  const text = (map: (b: number) => number): string | undefined => {
    let s = '';
    for (let i = 0; i < 4; i++) {
      const d = map(frame[i] ?? 0xff);
      if (d < 0 || d > 9) return undefined;
      s += d;
    }
    return s;
  };
  const mti =
    text((b) => b - 0x30) ??
    text((b) => b - 0xf0) ??
    (frame.length >= 2 && (frame[0]! >> 4) < 10 && (frame[0]! & 15) < 10 && (frame[1]! >> 4) < 10 && (frame[1]! & 15) < 10
      ? `${frame[0]! >> 4}${frame[0]! & 15}${frame[1]! >> 4}${frame[1]! & 15}`
      : undefined);
  return mti !== undefined && !isResponseMti(mti) ? responseMti(mti) : undefined;
}

const defaultFormatError = (frame: Uint8Array): Message | undefined => {
  const mti = guessMti(frame);
  return mti === undefined ? undefined : { mti, fields: { 39: '30' } };
};

const defaultSystemError = (request: Message): Message | undefined => {
  if (isResponseMti(request.mti)) return undefined;
  const fields: Message['fields'] = { 39: '96' };
  if (request.fields[11] !== undefined) fields[11] = request.fields[11];
  if (request.fields[41] !== undefined) fields[41] = request.fields[41];
  return { mti: responseMti(request.mti), fields };
};

/**
 * Creates an ISO 8583 server: each connection's frames are decoded, handed to `handler` concurrently, and the
 * responses written back in the order they complete.
 *
 * Why: one misbehaving peer must never take the service down: a malformed frame gets a format-error answer and the
 * connection lives on; an oversized frame closes that connection only; a handler that throws gets a system-error
 * answer; `close()` drains what is in flight.
 *
 * @example
 * ```ts
 * const server = createServer({ codec, framing: { length: 'binary2' }, handler: (m) => ({ mti: responseMti(m.mti),
 *   fields: { 11: m.fields[11], 39: '00' } }) });
 * await server.listen(8583);
 * ```
 */
export function createServer(options: ServerOptions): Server {
  validateFraming(options.framing);
  const { codec, framing, handler } = options;
  const logger = options.logger ?? silentLogger;
  const formatError = options.formatError ?? defaultFormatError;
  const systemError = options.systemError ?? defaultSystemError;
  const maxFrameBytes = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const maxInFlight = options.maxInFlightPerConnection ?? 256;
  const sockets = new Set<Socket>();
  const inFlight = new Set<Promise<void>>();
  let closing = false;

  const send = (socket: Socket, frame: Frame, message: Message): void => {
    let bytes: Uint8Array;
    try {
      const out: Frame = frame.header === undefined ? { message: codec.encode(message) } : { header: frame.header, message: codec.encode(message) };
      bytes = encodeFrame(framing, out);
    } catch (e) {
      logger.error('response could not be encoded', { code: (e as { code?: string }).code ?? 'error', mti: message.mti });
      return;
    }
    if (!socket.destroyed) socket.write(bytes);
  };

  const handle = async (socket: Socket, frame: Frame): Promise<void> => {
    let request: Message;
    try {
      request = codec.decode(frame.message);
    } catch (e) {
      if (!isIso8583Error(e)) throw e;
      logger.warn('malformed frame', { code: e.code, field: e.field, offset: e.offset, length: frame.message.length });
      if (options.onMalformed === 'skip') return;
      const answer = formatError(frame.message, e);
      if (answer !== undefined) send(socket, frame, answer);
      return;
    }
    let response: Message | undefined;
    try {
      response = await handler(request, { header: frame.header, remoteAddress: socket.remoteAddress });
    } catch (e) {
      logger.error('handler failed', { mti: request.mti, error: e instanceof Error ? e.name : typeof e });
      response = systemError(request);
    }
    if (response !== undefined) send(socket, frame, response);
  };

  const serve = async (socket: Socket): Promise<void> => {
    try {
      const mine = new Set<Promise<void>>();
      for await (const frame of readFrames(socket, framing, { maxFrameBytes })) {
        const job = handle(socket, frame).catch((e: unknown) =>
          logger.error('request failed', { error: e instanceof Error ? e.name : typeof e }),
        );
        inFlight.add(job);
        mine.add(job);
        void job.finally(() => {
          inFlight.delete(job);
          mine.delete(job);
        });
        // Backpressure: stop pulling frames from this socket while it has too many requests in flight.
        while (mine.size >= maxInFlight) await Promise.race(mine);
      }
    } catch (e) {
      logger.warn('connection closed on a bad frame', { code: (e as { code?: string }).code ?? 'error' });
      socket.destroy();
    }
  };

  const server: NetServer = netCreateServer((socket) => {
    if (closing) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    sockets.add(socket);
    socket.on('error', (e: Error & { code?: string }) => logger.warn('socket error', { code: e.code ?? 'error' }));
    socket.on('close', () => sockets.delete(socket));
    void serve(socket);
  });

  return {
    get connections() {
      return sockets.size;
    },
    listen(port, host = '127.0.0.1') {
      return new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          resolve(server.address() as AddressInfo);
        });
      });
    },
    async close(deadlineMs = 5000) {
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
      for (const s of sockets) s.end();
      const force = setTimeout(() => {
        for (const s of sockets) s.destroy();
      }, 500);
      await stopped;
      clearTimeout(force);
    },
  };
}
