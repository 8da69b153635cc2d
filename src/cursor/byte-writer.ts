/**
 * A growable output buffer with a write position.
 *
 * Why: encode writes every field straight into one buffer and copies out the exact-size result once, instead of
 * concatenating per-field buffers.
 */
export class ByteWriter {
  /** The backing buffer; may be replaced by a larger one as the writer grows. */
  buf: Uint8Array;
  /** Offset of the next byte to write. */
  pos = 0;

  constructor(initialSize = 512) {
    this.buf = new Uint8Array(initialSize);
  }

  /** Claims the next `n` bytes, growing the buffer if needed, and returns where they start. */
  reserve(n: number): number {
    const at = this.pos;
    const need = at + n;
    if (need > this.buf.length) {
      const grown = new Uint8Array(Math.max(need, this.buf.length * 2));
      grown.set(this.buf.subarray(0, at));
      this.buf = grown;
    }
    this.pos = need;
    return at;
  }

  /** Writes one byte. */
  byte(b: number): void {
    const at = this.reserve(1);
    this.buf[at] = b;
  }

  /** Returns an exact-size copy of what was written. */
  finish(): Uint8Array {
    const n = this.pos;
    const out = new Uint8Array(n);
    const buf = this.buf;
    // A plain loop beats slice() for frame-sized copies (no species lookup, no view allocation).
    for (let i = 0; i < n; i++) out[i] = buf[i]!;
    return out;
  }
}
