import { ErrorCode } from '../errors/codes.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import { hexRange, latin1Range, WHOLE_READ_MAX_BYTES, wholeHex, wholeLatin1 } from '../codecs/strings.js';

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
  /** The whole of `buf` as Latin-1 text, read on the first {@link latin1} call (a reader over the same bytes may share it). */
  text: string | undefined = undefined;
  /** The whole of `buf` as lowercase hex, read on the first {@link hexDigits} call. */
  hex: string | undefined = undefined;

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

  /**
   * The Latin-1 text of the `n` bytes at `at`, sliced from {@link text} (one native read of the whole buffer per
   * frame; a buffer above WHOLE_READ_MAX_BYTES is read for each call instead); only where `hasNativeLatin1`. Callers
   * have validated the bytes.
   */
  latin1(at: number, n: number): string {
    let text = this.text;
    if (text === undefined) {
      if (this.buf.length > WHOLE_READ_MAX_BYTES) return latin1Range(this.buf, at, at + n);
      this.text = text = wholeLatin1(this.buf);
    }
    return text.slice(at, at + n);
  }

  /**
   * The hex digits (nibbles) `from` to `to` of the buffer, counted from its first high nibble, sliced from {@link hex}
   * (one native read per frame, lowercase; a buffer above WHOLE_READ_MAX_BYTES is read for each call instead); only
   * where `hasNativeHex`. Callers have validated the nibbles.
   */
  hexDigits(from: number, to: number): string {
    let hex = this.hex;
    if (hex === undefined) {
      if (this.buf.length > WHOLE_READ_MAX_BYTES) {
        // The bytes that hold the nibbles, then the nibbles within them.
        const first = from >> 1;
        return hexRange(this.buf, first, (to + 1) >> 1).slice(from - 2 * first, to - 2 * first);
      }
      this.hex = hex = wholeHex(this.buf);
    }
    return hex.slice(from, to);
  }

  /** Bytes not read yet. */
  remaining(): number {
    return this.end - this.pos;
  }
}
