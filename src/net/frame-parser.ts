/**
 * The incremental frame parser behind `readFrames` and the server: chunks in, whole frames out, synchronously, so
 * the caller decides when to stop taking frames (backpressure, fairness) without any promise per frame.
 */
import { viewBytes } from '../codecs/copy-bytes.js';
import { type Frame, type FramingSpec, headerLength, parseLength } from './framing.js';
import { Iso8583NetError, NetErrorCode } from './net-error.js';
import { kindOf } from './options.js';

/**
 * Queued chunks with a read position; each byte is copied at most once, when a frame is taken.
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
      out.set(part === chunk.length ? chunk : chunk.subarray(this.head, this.head + part), filled);
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

  clear(): void {
    this.chunks = [];
    this.head = 0;
    this.length = 0;
  }
}

const utf8 = new TextEncoder();

/**
 * The bytes of one chunk of a source: a `Uint8Array` (a `Buffer` is one, or one of another realm) as a plain view of
 * its memory, a string as UTF-8. Anything else throws `INVALID_OPTION` (option `source`) naming its type only: a
 * `Uint16Array` read as bytes would be silently misread, a number or `null` has no bytes at all, and a proxy or an
 * object with a `length` only looks like bytes. The view comes from the typed-array internals (nothing is copied),
 * so a `length` that lies (a subclass's getter, an own property) is never read.
 */
export function chunkBytes(raw: unknown, where: string): Uint8Array {
  const bytes = viewBytes(raw);
  if (bytes !== undefined) return bytes;
  if (typeof raw === 'string') return utf8.encode(raw);
  throw new Iso8583NetError(NetErrorCode.INVALID_OPTION, `${where}: source must yield Uint8Array or string chunks, got ${kindOf(raw)}`, {
    option: 'source',
  });
}

/**
 * Cuts a byte stream into frames. `push` queues a chunk; `next` returns the next whole frame, or `undefined` when
 * more bytes are needed, and throws `FRAME_TOO_LARGE` or `INVALID_FRAME` as soon as a bad length header is
 * complete, before its body is buffered. Zero-length frames (keep-alives) come out with an empty message.
 */
export class FrameParser {
  private readonly queue = new ChunkQueue();
  /** Whole frames of the `none` framing: each chunk is one. */
  private readonly whole: Uint8Array[] = [];
  /** Body length of the frame being assembled; -1 while its length header is incomplete. */
  private need = -1;
  private readonly lb: number;
  private readonly headerBytes: number;
  private readonly lengthBuf: Uint8Array;

  constructor(
    private readonly framing: FramingSpec,
    private readonly max: number,
  ) {
    this.lb = headerLength(framing);
    this.headerBytes = framing.headerBytes ?? 0;
    this.lengthBuf = new Uint8Array(Math.max(this.lb, 1));
  }

  /** Queues the bytes of one chunk. */
  push(chunk: Uint8Array): void {
    // A chunk of `none` is a frame as it is: copied once, as queued bytes are when taken (a source may reuse it, and
    // a Buffer's slice would still be a view of it).
    if (this.framing.length === 'none') this.whole.push(new Uint8Array(chunk));
    else this.queue.push(chunk);
  }

  /** True while bytes of an unfinished frame are held (its length header included). */
  get partial(): boolean {
    return this.need >= 0 || this.queue.length > 0;
  }

  /** Drops every byte held. */
  clear(): void {
    this.queue.clear();
    this.whole.length = 0;
    this.need = -1;
  }

  /** The next whole frame, or `undefined` when more bytes are needed. */
  next(): Frame | undefined {
    if (this.framing.length === 'none') return this.nextWhole();
    const { queue } = this;
    if (this.need < 0) {
      if (queue.length < this.lb) return undefined;
      queue.peek(this.lb, this.lengthBuf);
      const body = parseLength(this.framing, this.lengthBuf, 0);
      if (body > this.max) throw new Iso8583NetError(NetErrorCode.FRAME_TOO_LARGE, `frame of ${body} bytes exceeds ${this.max}`);
      if (body !== 0 && body < this.headerBytes) throw new Iso8583NetError(NetErrorCode.INVALID_FRAME, 'frame shorter than its header');
      queue.skip(this.lb);
      this.need = body;
    }
    if (queue.length < this.need) return undefined;
    const body = queue.take(this.need);
    this.need = -1;
    return this.split(body);
  }

  private nextWhole(): Frame | undefined {
    const chunk = this.whole.shift();
    if (chunk === undefined) return undefined;
    if (chunk.length > this.max) throw new Iso8583NetError(NetErrorCode.FRAME_TOO_LARGE, `frame of ${chunk.length} bytes exceeds ${this.max}`);
    if (chunk.length !== 0 && chunk.length < this.headerBytes) throw new Iso8583NetError(NetErrorCode.INVALID_FRAME, 'frame shorter than its header');
    return this.split(chunk);
  }

  private split(body: Uint8Array): Frame {
    const h = this.headerBytes;
    return h === 0 || body.length === 0 ? { message: body } : { header: body.subarray(0, h), message: body.subarray(h) };
  }
}
