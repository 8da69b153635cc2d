import { timingSafeEqual } from 'node:crypto';
import { copyBytes } from '../codecs/copy-bytes.js';
import { invalidOption, readOptions } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { guard, unreadable } from '../errors/guard.js';
import { blockCipher } from './block-cipher.js';
import { cmac } from './cmac.js';
import { type KeyAlgorithm, keyBytes, type SecretKey } from './keys.js';
import { type MacPadding, pad } from './padding.js';

/**
 * A MAC algorithm:
 * - `'cbc'`: ISO/IEC 9797-1 MAC algorithm 1, the plain CBC-MAC with one key (DES, triple DES or AES), no output
 *   transformation; with single DES it is the ANSI X9.9 MAC.
 * - `'retail'`: ISO/IEC 9797-1 MAC algorithm 3, the ANSI X9.19 retail MAC: CBC with single DES under the left half
 *   K1 of a double-length key, then the last block decrypted under the right half K2 and encrypted under K1 again.
 * - `'cmac'`: ISO/IEC 9797-1 MAC algorithm 5, CMAC of NIST SP 800-38B, with an AES or triple-DES key.
 */
export type MacAlgorithm = 'cbc' | 'retail' | 'cmac';

/**
 * How a MAC is computed: the algorithm, the ISO/IEC 9797-1 padding method (not for `cmac`, which pads itself) and
 * the bytes kept of the last block.
 */
export interface MacOptions {
  /** See {@link MacAlgorithm}. */
  readonly algorithm: MacAlgorithm;
  /** ISO/IEC 9797-1 padding method for `cbc` and `retail`: 1 (zeros, the default), 2 (`0x80` then zeros) or 3. */
  readonly padding?: MacPadding;
  /** Leftmost bytes of the last block kept: 4 to the block size (8, or 16 for AES); 8 by default. */
  readonly length?: number;
}

const KEYS: { readonly [A in MacAlgorithm]: readonly KeyAlgorithm[] } = { cbc: ['des', 'tdes', 'aes'], retail: ['tdes'], cmac: ['aes', 'tdes'] };

/** The checked options, and the key's cipher; throws `INVALID_OPTION` or `INVALID_KEY`. */
function prepare(where: string, key: unknown, options: unknown) {
  const o = readOptions(where, options, ['algorithm', 'padding', 'length']);
  const algorithm = o.algorithm as MacAlgorithm;
  if (algorithm !== 'cbc' && algorithm !== 'retail' && algorithm !== 'cmac') {
    throw invalidOption(where, 'options.algorithm', '"cbc", "retail" or "cmac"', o.algorithm);
  }
  const padding = (o.padding ?? 1) as MacPadding;
  if (padding !== 1 && padding !== 2 && padding !== 3) throw invalidOption(where, 'options.padding', '1, 2 or 3', o.padding);
  if (algorithm === 'cmac' && o.padding !== undefined) throw invalidOption(where, 'options.padding', 'absent for cmac (it pads itself)', o.padding);
  const bytes = keyBytes(key, where, KEYS[algorithm]);
  const { algorithm: keyAlgorithm } = key as { algorithm: KeyAlgorithm };
  if (algorithm === 'retail' && bytes.length !== 16) {
    throw invalidOption(where, 'key', 'a double-length (16-byte) tdes key for the retail MAC', 'a 24-byte key');
  }
  const blockSize = keyAlgorithm === 'aes' ? 16 : 8;
  const length = o.length ?? 8;
  if (typeof length !== 'number' || !Number.isInteger(length) || length < 4 || length > blockSize) {
    throw invalidOption(where, 'options.length', `an integer from 4 to ${blockSize}`, o.length);
  }
  return { algorithm, padding, length, keyAlgorithm, bytes };
}

/** The full last block of the MAC algorithm over `data`. */
function fullMac(p: ReturnType<typeof prepare>, data: Uint8Array): Uint8Array {
  if (p.algorithm === 'cmac') return cmac(blockCipher(p.keyAlgorithm, p.bytes), data);
  if (p.algorithm === 'cbc') {
    const cipher = blockCipher(p.keyAlgorithm, p.bytes);
    return cipher.cbcLast(pad(data, p.padding, cipher.blockSize));
  }
  const k1 = blockCipher('des', p.bytes.subarray(0, 8));
  const k2 = blockCipher('des', p.bytes.subarray(8, 16));
  return k1.encrypt(k2.decrypt(k1.cbcLast(pad(data, p.padding, 8))));
}

function dataBytes(where: string, data: unknown, name = 'data'): Uint8Array {
  const bytes = copyBytes(data);
  if (bytes === undefined) throw invalidOption(where, name, 'a Uint8Array', data);
  return bytes;
}

/**
 * The MAC of `data` under `key`, by {@link MacOptions}: its leftmost `length` bytes (8 by default).
 *
 * Why: clear-key MACs for tests, simulators and development; in production the same computation runs in an HSM
 * behind a {@link SecurityModule}. Throws `INVALID_KEY` for a key the algorithm does not take, `INVALID_OPTION`
 * for a bad option or data that is not a `Uint8Array`.
 *
 * @example
 * ```ts
 * const key = SecretKey.from('tdes', '0123456789ABCDEFFEDCBA9876543210');
 * computeMac(key, new TextEncoder().encode('0200…'), { algorithm: 'retail' }); // 8 bytes
 * ```
 */
export function computeMac(key: SecretKey, data: Uint8Array, options: MacOptions): Uint8Array {
  return guard(ErrorCode.INVALID_OPTION, unreadable('computeMac: an argument'), () => {
    const p = prepare('computeMac', key, options);
    return fullMac(p, dataBytes('computeMac', data)).slice(0, p.length);
  });
}

/**
 * Tells whether `mac` is the MAC of `data` under `key` by {@link MacOptions}, comparing in constant time.
 *
 * Why: a MAC compared byte by byte with an early exit tells an attacker, by its timing, how many leading bytes
 * were right. A `mac` of another length than `options.length` is simply wrong (`false`).
 *
 * @example
 * ```ts
 * const key = SecretKey.from('tdes', '0123456789ABCDEFFEDCBA9876543210');
 * if (!verifyMac(key, frame.subarray(0, -8), frame.subarray(-8), { algorithm: 'retail' })) console.warn('bad MAC');
 * ```
 */
export function verifyMac(key: SecretKey, data: Uint8Array, mac: Uint8Array, options: MacOptions): boolean {
  return guard(ErrorCode.INVALID_OPTION, unreadable('verifyMac: an argument'), () => {
    const p = prepare('verifyMac', key, options);
    const expected = fullMac(p, dataBytes('verifyMac', data)).slice(0, p.length);
    const given = dataBytes('verifyMac', mac, 'mac');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
