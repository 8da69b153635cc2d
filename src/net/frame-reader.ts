import { type Frame, type FramingSpec, lengthBytes, readLength, validateFraming } from './framing.js';
import { Iso8583NetError, NetErrorCode } from './net-error.js';

/** Options of {@link readFrames}. */
export interface FrameReaderOptions {
  /** Largest body (fixed header + message) accepted; checked before the body is buffered. Default 8 KiB. */
  readonly maxFrameBytes?: number;
  /** Zero-length frames (keep-alives): `skip` them (default) or `yield` them with an empty message. */
  readonly keepAlive?: 'skip' | 'yield';
}

/** Default `maxFrameBytes`: 8 KiB, far above any real ISO 8583 message and far below a memory problem. */
export const DEFAULT_MAX_FRAME_BYTES = 8192;

/**
 * Queued chunks with a read position; each byte is copied at most once, when a frame spanning chunks is assembled.
 */
class ChunkQueue {
  private chunks: Uint8Array[] = [];
  private head = 0; // offset into chunks[0]
  length = 0;

  push(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.length += chunk.length;
  }

  /** Copies the first `n` bytes into `out` without consuming them (n is small: a length header). */
  peek(n: number, out: Uint8Array): void {
    let i = 0;
    let c = 0;
    let at = this.head;
    while (i < n) {
      const chunk = this.chunks[c]!;
      out[i++] = chunk[at++]!;
      if (at === chunk.length) {
        c++;
        at = 0;
      }
    }
  }

  /**
   * Removes and returns the first `n` bytes as a fresh array: every byte is copied exactly once, and the frame
   * does not pin the (possibly much larger) chunk it arrived in.
   */
  take(n: number): Uint8Array {
    const out = new Uint8Array(n);
    let filled = 0;
    while (filled < n) {
      const chunk = this.chunks[0]!;
      const part = Math.min(n - filled, chunk.length - this.head);
      out.set(chunk.subarray(this.head, this.head + part), filled);
      filled += part;
      this.skip(part);
    }
    return out;
  }

  skip(n: number): void {
    this.length -= n;
    while (n > 0) {
      const chunk = this.chunks[0]!;
      const left = chunk.length - this.head;
      if (n < left) {
        this.head += n;
        return;
      }
      n -= left;
      this.chunks.shift();
      this.head = 0;
    }
  }
}

/**
 * Turns any async iterable of byte chunks (a `net.Socket` is one) into whole frames.
 *
 * Why: TCP delivers bytes, not messages: one read may hold half a frame or three frames. The reader enforces
 * `maxFrameBytes` as soon as a length header is complete, before buffering the body, so a peer announcing 60,000
 * bytes cannot make it allocate them. Throws `Iso8583NetError` (`FRAME_TOO_LARGE`, `INVALID_FRAME`,
 * `TRUNCATED_FRAME`).
 *
 * @example
 * ```ts
 * for await (const { message } of readFrames(socket, { length: 'binary2' })) handle(codec.decode(message));
 * ```
 */
export async function* readFrames(
  source: AsyncIterable<Uint8Array | string>,
  framing: FramingSpec,
  options: FrameReaderOptions = {},
): AsyncGenerator<Frame, void, undefined> {
  validateFraming(framing);
  const max = options.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
  const yieldKeepAlive = options.keepAlive === 'yield';
  const headerBytes = framing.headerBytes ?? 0;
  const lb = lengthBytes(framing);
  const lengthBuf = new Uint8Array(Math.max(lb, 1));
  const queue = new ChunkQueue();
  let need = -1; // body length of the frame being assembled, -1 while its length header is incomplete

  const split = (body: Uint8Array): Frame =>
    headerBytes === 0 ? { message: body } : { header: body.subarray(0, headerBytes), message: body.subarray(headerBytes) };

  for await (const raw of source) {
    const chunk = typeof raw === 'string' ? new TextEncoder().encode(raw) : raw;
    if (framing.length === 'none') {
      if (chunk.length > max) throw new Iso8583NetError(NetErrorCode.FRAME_TOO_LARGE, `frame of ${chunk.length} bytes exceeds ${max}`);
      if (chunk.length === 0 && !yieldKeepAlive) continue;
      if (chunk.length < headerBytes) throw new Iso8583NetError(NetErrorCode.INVALID_FRAME, 'frame shorter than its header');
      yield split(chunk);
      continue;
    }
    queue.push(chunk);
    for (;;) {
      if (need < 0) {
        if (queue.length < lb) break;
        queue.peek(lb, lengthBuf);
        const body = readLength(framing, lengthBuf, 0);
        if (body > max) throw new Iso8583NetError(NetErrorCode.FRAME_TOO_LARGE, `frame of ${body} bytes exceeds ${max}`);
        if (body !== 0 && body < headerBytes) throw new Iso8583NetError(NetErrorCode.INVALID_FRAME, 'frame shorter than its header');
        queue.skip(lb);
        need = body;
      }
      if (queue.length < need) break;
      const body = queue.take(need);
      need = -1;
      if (body.length === 0) {
        if (yieldKeepAlive) yield { message: body };
        continue;
      }
      yield split(body);
    }
  }
  if (need >= 0 || queue.length > 0) {
    throw new Iso8583NetError(NetErrorCode.TRUNCATED_FRAME, 'the stream ended inside a frame');
  }
}
