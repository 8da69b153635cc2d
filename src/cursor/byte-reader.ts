import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';

/**
 * A forward-only cursor over one frame: `buf`, the current `pos`, and the `end` it may not pass.
 *
 * Why: one bounds check per take, and a length prefix that claims more bytes than remain fails before anything
 * is allocated, so a 40-byte frame can never make the decoder reserve 9999 bytes.
 */
export class ByteReader {
  /** The frame being read. */
  readonly buf: Uint8Array;
  /** Offset of the next unread byte. */
  pos: number;
  /** Offset one past the last readable byte. */
  readonly end: number;

  constructor(buf: Uint8Array, pos = 0, end = buf.length) {
    this.buf = buf;
    this.pos = pos;
    this.end = end;
  }

  /**
   * Claims the next `n` bytes and returns where they start; throws `TRUNCATED` (at the current offset) when fewer
   * than `n` remain.
   */
  take(n: number, field: string): number {
    const at = this.pos;
    if (n > this.end - at) {
      throw new Iso8583Error(
        ErrorCode.TRUNCATED,
        `needs ${n} byte${n === 1 ? '' : 's'} but ${this.end - at} remain`,
        { field, offset: at },
      );
    }
    this.pos = at + n;
    return at;
  }

  /** Bytes not read yet. */
  remaining(): number {
    return this.end - this.pos;
  }
}
