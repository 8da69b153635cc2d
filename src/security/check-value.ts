import { ErrorCode } from '../errors/codes.js';
import { guard, unreadable } from '../errors/guard.js';
import { invalidOption } from '../errors/arguments.js';
import { blockCipher } from './block-cipher.js';
import { cmac } from './cmac.js';
import { keyBytes, type SecretKey } from './keys.js';

/**
 * The key check value of `key`, as uppercase hex of its first `length` bytes (3 by default, up to the block):
 * for DES and triple DES the encryption of one all-zero block (the classic KCV); for AES the CMAC of one all-zero
 * block (the method ANSI X9.24-1:2017 gives for AES keys; some systems still encrypt the zero block with AES
 * instead, and their values differ).
 *
 * Why: a KCV tells two parties they hold the same key without showing it; it is what a key ceremony, a log line
 * or a support ticket may carry, and the only thing about a key this package prints.
 *
 * @example
 * ```ts
 * keyCheckValue(SecretKey.from('tdes', '0123456789ABCDEFFEDCBA9876543210')); // '08D7B4'
 * ```
 */
export function keyCheckValue(key: SecretKey, length = 3): string {
  return guard(ErrorCode.INVALID_OPTION, unreadable('keyCheckValue: an argument'), () => {
    const bytes = keyBytes(key, 'keyCheckValue', ['des', 'tdes', 'aes']);
    const cipher = blockCipher(key.algorithm, bytes);
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
