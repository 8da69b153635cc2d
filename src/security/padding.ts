/**
 * The padding methods of ISO/IEC 9797-1, which make the data a whole number of cipher blocks before a CBC-MAC.
 *
 * - Method 1: zero bytes up to the next block boundary (none when the data already ends on one); empty data
 *   becomes one zero block.
 * - Method 2: one `0x80` byte, then zero bytes up to the boundary (always at least one byte added).
 * - Method 3: method 1's zeros (none for empty data), preceded by one block holding the data's length in bits as
 *   an unsigned big-endian number.
 */
export type MacPadding = 1 | 2 | 3;

/** `data` padded by `method` to a multiple of `blockSize` bytes (a new array). */
export function pad(data: Uint8Array, method: MacPadding, blockSize: number): Uint8Array {
  if (method === 2) {
    const out = new Uint8Array((Math.floor(data.length / blockSize) + 1) * blockSize);
    out.set(data, 0);
    out[data.length] = 0x80;
    return out;
  }
  const blocks = Math.ceil(data.length / blockSize);
  if (method === 1) {
    const out = new Uint8Array(Math.max(blocks, 1) * blockSize);
    out.set(data, 0);
    return out;
  }
  const out = new Uint8Array((blocks + 1) * blockSize);
  // The length block: the bit count, right-aligned. 2^53 bits is far above any frame, so 7 bytes hold it.
  let bits = data.length * 8;
  for (let i = blockSize - 1; i >= 0 && bits > 0; i--) {
    out[i] = bits % 256;
    bits = Math.floor(bits / 256);
  }
  out.set(data, blockSize);
  return out;
}
