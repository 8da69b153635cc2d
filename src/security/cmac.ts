import { type BlockCipher, xor } from './block-cipher.js';

/** The constant of the subkey doubling: the low byte of the field polynomial for 64- and 128-bit blocks. */
const RB: { readonly [size: number]: number } = { 8: 0x1b, 16: 0x87 };

/** Doubles `block` in GF(2^n): a left shift by one bit, XOR the field constant when the top bit falls out. */
function double(block: Uint8Array): Uint8Array {
  const out = new Uint8Array(block.length);
  for (let i = 0; i < block.length; i++) out[i] = ((block[i]! << 1) | (i + 1 < block.length ? block[i + 1]! >> 7 : 0)) & 0xff;
  if ((block[0]! & 0x80) !== 0) out[block.length - 1]! ^= RB[block.length]!;
  return out;
}

/**
 * CMAC (NIST SP 800-38B; ISO/IEC 9797-1 MAC algorithm 5) of `data`: the full block, untruncated.
 *
 * Why: CMAC needs no separate padding choice: a last block that is complete is XORed with subkey K1, an incomplete
 * (or empty) one is padded with `0x80 00 …` and XORed with K2, which is what makes it secure for any length.
 */
export function cmac(cipher: BlockCipher, data: Uint8Array): Uint8Array {
  const n = cipher.blockSize;
  const k1 = double(cipher.encrypt(new Uint8Array(n)));
  const k2 = double(k1);
  const blocks = Math.max(1, Math.ceil(data.length / n));
  const complete = data.length > 0 && data.length % n === 0;
  const padded = new Uint8Array(blocks * n);
  padded.set(data, 0);
  if (!complete) padded[data.length] = 0x80;
  const last = xor(padded.subarray((blocks - 1) * n), complete ? k1 : k2);
  padded.set(last, (blocks - 1) * n);
  return cipher.cbcLast(padded);
}
