import { createCipheriv, createDecipheriv } from 'node:crypto';
import type { KeyAlgorithm } from './keys.js';

/**
 * One block cipher with a clear key, in ECB and CBC over whole blocks (no padding: the callers pad).
 *
 * Why: every MAC and PIN block of this package is built from these two operations. Node 20's OpenSSL 3 keeps
 * single DES (`des-ecb`) in its legacy provider, which is not loaded, so single DES runs as `des-ede3` with the same
 * 8 bytes three times (E(K) D(K) E(K) is E(K)); a double-length key runs as `des-ede3` with K1 K2 K1.
 */
export interface BlockCipher {
  /** Block size in bytes: 8 for DES and triple DES, 16 for AES. */
  readonly blockSize: 8 | 16;
  /** Encrypts whole blocks one by one (ECB). */
  encrypt(blocks: Uint8Array): Uint8Array;
  /** Decrypts whole blocks one by one (ECB). */
  decrypt(blocks: Uint8Array): Uint8Array;
  /** The last block of CBC encryption of whole blocks with a zero IV: a CBC-MAC before any output transformation. */
  cbcLast(blocks: Uint8Array): Uint8Array;
}

/** The OpenSSL cipher names and the key as OpenSSL takes it. */
function openssl(algorithm: KeyAlgorithm, key: Uint8Array): { ecb: string; cbc: string; key: Uint8Array } {
  if (algorithm === 'aes') return { ecb: `aes-${key.length * 8}-ecb`, cbc: `aes-${key.length * 8}-cbc`, key };
  const k1 = key.subarray(0, 8);
  const k2 = key.length >= 16 ? key.subarray(8, 16) : k1;
  const k3 = key.length === 24 ? key.subarray(16, 24) : k1;
  const triple = new Uint8Array(24);
  triple.set(k1, 0);
  triple.set(k2, 8);
  triple.set(k3, 16);
  return { ecb: 'des-ede3-ecb', cbc: 'des-ede3-cbc', key: triple };
}

function run(cipher: ReturnType<typeof createCipheriv> | ReturnType<typeof createDecipheriv>, data: Uint8Array): Uint8Array {
  cipher.setAutoPadding(false);
  const head = cipher.update(data);
  const tail = cipher.final();
  const out = new Uint8Array(head.length + tail.length);
  out.set(head, 0);
  out.set(tail, head.length);
  return out;
}

/** The block cipher of `algorithm` under the clear `key` (its length already checked by {@link SecretKey.from}). */
export function blockCipher(algorithm: KeyAlgorithm, key: Uint8Array): BlockCipher {
  const o = openssl(algorithm, key);
  const blockSize = algorithm === 'aes' ? 16 : 8;
  return {
    blockSize,
    encrypt: (blocks) => run(createCipheriv(o.ecb, o.key, null), blocks),
    decrypt: (blocks) => run(createDecipheriv(o.ecb, o.key, null), blocks),
    cbcLast: (blocks) => run(createCipheriv(o.cbc, o.key, new Uint8Array(blockSize)), blocks).slice(-blockSize),
  };
}

/** `a` XOR `b`, as long as `a`. */
export function xor(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! ^ b[i]!;
  return out;
}
