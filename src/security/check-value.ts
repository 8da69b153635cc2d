import { ErrorCode } from '../errors/codes.js';
import { guard, unreadable } from '../errors/guard.js';
import { invalidOption } from '../errors/arguments.js';
import { blockCipher } from './block-cipher.js';
import { cmac } from './cmac.js';
import { keyBytes, type SecretKey } from './keys.js';

/**
 * The key check value of `key`, as uppercase hex of its first `length` bytes (up to the block): for DES and triple
 * DES the encryption of one all-zero block, 3 bytes by default (the classic KCV); for AES the CMAC of one all-zero
 * block, 5 bytes by default (the CMAC-based check value of ANSI X9.24-1:2017, annex A.3; AWS Payment Cryptography
 * shows 3 bytes of the same CMAC, so pass 3 to compare with it; systems that encrypt the zero block with AES instead
 * show other values).
 *
 * Why: a KCV tells two parties they hold the same key without showing it; it is what a key ceremony, a log line
 * or a support ticket may carry, and the only thing about a key this package prints.
 *
 * @example
 * ```ts
 * keyCheckValue(SecretKey.from('tdes', '0123456789ABCDEFFEDCBA9876543210')); // '08D7B4'
 * ```
 */
export function keyCheckValue(key: SecretKey, length?: number): string {
  return guard(ErrorCode.INVALID_OPTION, unreadable('keyCheckValue: an argument'), () => {
    const bytes = keyBytes(key, 'keyCheckValue', ['des', 'tdes', 'aes']);
    const cipher = blockCipher(key.algorithm, bytes);
    // X9.24-1:2017 A.3 keeps the leftmost 5 bytes of the CMAC; the zero-block encryption KCV keeps 3.
    if (length === undefined) length = key.algorithm === 'aes' ? 5 : 3;
    if (typeof length !== 'number' || !Number.isInteger(length) || length < 1 || length > cipher.blockSize) {
      throw invalidOption('keyCheckValue', 'length', `an integer from 1 to ${cipher.blockSize}`, length);
    }
    const zero = new Uint8Array(cipher.blockSize);
    const check = key.algorithm === 'aes' ? cmac(cipher, zero) : cipher.encrypt(zero);
    let hex = '';
    for (const b of check.subarray(0, length)) hex += b.toString(16).toUpperCase().padStart(2, '0');
    return hex;
  });
}
