import { chunkBytes, FrameParser } from './frame-parser.js';
import { checkFraming, type Frame, type FramingSpec } from './framing.js';
import { Iso8583NetError, NetErrorCode } from './net-error.js';
import { checkKnownKeys, checkObject, checkOneOf, copyOptions, integerOption, invalidOption, timeoutOption } from './options.js';

/** Options of {@link readFrames}. */
export interface FrameReaderOptions {
  /** Largest body (fixed header + message) accepted; checked before the body is buffered. Default 8 KiB. */
  readonly maxFrameBytes?: number;
  /** Zero-length frames (keep-alives): `skip` them (default) or `yield` them with an empty message. */
  readonly keepAlive?: 'skip' | 'yield';
  /**
   * Longest wait, in ms, for the first byte of the next frame (0 or absent: no limit). Past it the reader throws
   * `IDLE_TIMEOUT`. A zero-length keep-alive frame counts as a frame.
   */
  readonly idleTimeoutMs?: number;
  /**
   * Longest time, in ms, from a frame's first byte to its last (0 or absent: no limit). Past it the reader throws
   * `FRAME_TIMEOUT`, so a peer dribbling one byte now and then cannot hold a frame open.
   */
  readonly frameTimeoutMs?: number;
}

/** Default `maxFrameBytes`: 8 KiB, far above any real ISO 8583 message and far below a memory problem. */
export const DEFAULT_MAX_FRAME_BYTES = 8192;

/**
 * Turns any async iterable of byte chunks (a `net.Socket` is one) into whole frames.
 *
 * Why: TCP delivers bytes, not messages: one read may hold half a frame or three frames. The reader enforces
 * `maxFrameBytes` as soon as a length header is complete, before buffering the body, so a peer announcing 60,000
 * bytes cannot make it allocate them; `idleTimeoutMs` and `frameTimeoutMs` bound how long a silent or dribbling
 * peer can keep it waiting. The timers run only while the reader waits for its source, never while the consumer
 * holds a frame, so a consumer that stops pulling (backpressure) is never blamed on the peer. The options are
 * checked when it is called (`INVALID_FRAMING`, `INVALID_OPTION`, an unknown option key included). Chunks must be
 * `Uint8Array`s (a `Buffer` is one) or strings (read as UTF-8): any other chunk, a `Uint16Array` included, throws
 * `INVALID_OPTION` (option `source`) rather than being misread. While iterating it throws `Iso8583NetError`
 * (`FRAME_TOO_LARGE`, `INVALID_FRAME`, `TRUNCATED_FRAME`, `IDLE_TIMEOUT`, `FRAME_TIMEOUT`). After a timeout the
 * source is asked to stop (`return()`) without waiting: a read still pending on a socket ends when you destroy it.
 *
 * @example
 * ```ts
 * for await (const { message } of readFrames(socket, { length: 'binary2' }, { frameTimeoutMs: 30_000 })) {
 *   handle(codec.decode(message));
 * }
 * ```
 */
export function readFrames(
  source: AsyncIterable<Uint8Array | string>,
  framing: FramingSpec,
  given: FrameReaderOptions = {},
): AsyncGenerator<Frame, void, undefined> {
  const where = 'readFrames';
  if (typeof (source as { [Symbol.asyncIterator]?: unknown } | null)?.[Symbol.asyncIterator] !== 'function') {
    invalidOption(where, 'source', 'an async iterable of byte chunks', source);
  }
  const spec = checkFraming(framing, 'framing');
  const keys = ['maxFrameBytes', 'keepAlive', 'idleTimeoutMs', 'frameTimeoutMs'];
  const options = copyOptions(where, 'options', given, keys);
  checkObject(where, 'options', options);
  checkKnownKeys(where, 'options', options, keys);
  checkOneOf(where, 'options.keepAlive', options.keepAlive, ['skip', 'yield']);
  return frames(source, spec, {
    max: integerOption(where, 'options.maxFrameBytes', options.maxFrameBytes, DEFAULT_MAX_FRAME_BYTES, 1, 0xffffffff),
    yieldKeepAlive: options.keepAlive === 'yield',
    idleMs: timeoutOption(where, 'options.idleTimeoutMs', options.idleTimeoutMs, 0),
    frameMs: timeoutOption(where, 'options.frameTimeoutMs', options.frameTimeoutMs, 0),
  });
}

interface ReaderLimits {
  readonly max: number;
  readonly yieldKeepAlive: boolean;
  readonly idleMs: number;
  readonly frameMs: number;
}

/**
 * The source's next chunk, or `code` thrown once `deadline` (a `Date.now()` time, 0 for none) has passed.
 *
 * A timer that fires is confirmed one loop turn later (`setImmediate` runs after the I/O poll): if the event loop
 * itself was stalled past the deadline, bytes that arrived meanwhile are read first and win, so a busy server never
 * blames a peer for its own lateness.
 */
function nextChunk<T>(it: AsyncIterator<T>, deadline: number, code: NetErrorCode, ms: number): Promise<IteratorResult<T>> {
  if (deadline === 0) return it.next();
  // A promise settles once: whichever of the chunk and the expiry comes first wins, the other is a no-op.
  return new Promise((resolve, reject) => {
    const expire = (): void => {
      reject(new Iso8583NetError(code, code === NetErrorCode.IDLE_TIMEOUT ? `no frame within ${ms} ms` : `frame not completed within ${ms} ms`));
    };
    const timer = setTimeout(() => setImmediate(expire), Math.max(0, deadline - Date.now()));
    it.next().then(
      (r) => {
        clearTimeout(timer);
        resolve(r);
      },
      (e: unknown) => {
        clearTimeout(timer);
        reject(e as Error);
      },
    );
  });
}

async function* frames(
  source: AsyncIterable<unknown>,
  framing: FramingSpec,
  { max, yieldKeepAlive, idleMs, frameMs }: ReaderLimits,
): AsyncGenerator<Frame, void, undefined> {
  const parser = new FrameParser(framing, max);
  // The current wait's limit: idle between frames, the frame's own limit from its first byte.
  let deadline = 0;
  let waitCode: NetErrorCode = NetErrorCode.IDLE_TIMEOUT;
  const arm = (partial: boolean): void => {
    const ms = partial ? frameMs : idleMs;
    waitCode = partial ? NetErrorCode.FRAME_TIMEOUT : NetErrorCode.IDLE_TIMEOUT;
    deadline = ms === 0 ? 0 : Date.now() + ms;
  };
  arm(false);

  const it = source[Symbol.asyncIterator]();
  let finished = false;
  try {
    for (;;) {
      const next = await nextChunk(it, deadline, waitCode, waitCode === NetErrorCode.IDLE_TIMEOUT ? idleMs : frameMs);
      if (next.done === true) {
        finished = true;
        break;
      }
      const wasPartial = parser.partial;
      let completed = false;
      parser.push(chunkBytes(next.value, 'readFrames'));
      for (let frame = parser.next(); frame !== undefined; frame = parser.next()) {
        completed = true;
        if (frame.message.length > 0 || yieldKeepAlive) yield frame;
      }
      // Limits restart after a completed frame (and so after the consumer let go of it) or when a frame begins;
      // more bytes of an unfinished frame keep its deadline, so dribbling never extends it.
      const partial = parser.partial;
      if (completed || partial !== wasPartial) arm(partial);
    }
  } finally {
    // On a throw or an early stop, ask the source to stop without waiting: a read still pending (a silent socket
    // after a timeout) would hold the wait forever; it ends when the caller destroys the socket.
    if (!finished) void Promise.resolve(it.return?.()).catch(() => undefined);
  }
  if (parser.partial) {
    throw new Iso8583NetError(NetErrorCode.TRUNCATED_FRAME, 'the stream ended inside a frame');
  }
}
