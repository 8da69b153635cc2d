import { copyBytes } from '../codecs/copy-bytes.js';
import { readOptions } from '../errors/arguments.js';
import { ErrorCode } from '../errors/codes.js';
import { guard, unreadable } from '../errors/guard.js';
import { Iso8583Error } from '../errors/iso8583-error.js';
import { blockCipher, xor } from './block-cipher.js';
import { keyBytes, type SecretKey } from './keys.js';
import { checkFormat, checkPan, checkPin, panField, panField4, pinField, type PinBlockFormat, readPinField } from './pin-fields.js';

/** Which PIN block: its format, and the PAN that formats 0, 3 and 4 bind it to (format 1 takes none). */
export interface PinBlockOptions {
  /** See {@link PinBlockFormat}. */
  readonly format: PinBlockFormat;
  /** The card's PAN, 8 to 19 digits: required by formats 0, 3 and 4, refused by format 1. */
  readonly pan?: string;
}

/** A PIN block's format, PAN and PIN key: one side of a {@link translatePinBlock}. */
export interface PinBlockSide extends PinBlockOptions {
  /** The key the block is enciphered under: DES or triple DES for formats 0, 1 and 3, AES for format 4. */
  readonly key: SecretKey;
}

interface Checked {
  readonly format: PinBlockFormat;
  readonly pan: string | undefined;
  readonly bytes: Uint8Array;
}

/** Checks the options and the key for `format`; throws `INVALID_OPTION` or `INVALID_KEY`. */
function check(where: string, key: unknown, options: unknown): Checked {
  const o = readOptions(where, options, ['format', 'pan', 'key']);
  const format = checkFormat(where, o.format);
  if (format === 1 && o.pan !== undefined) checkPan(where, o.pan);
  const pan = format === 1 ? undefined : checkPan(where, o.pan);
  const bytes = keyBytes(key, where, format === 4 ? ['aes'] : ['des', 'tdes']);
  return { format, pan, bytes };
}

function encipher(c: Checked, pin: string, algorithm: 'des' | 'tdes' | 'aes'): Uint8Array {
  const cipher = blockCipher(algorithm, c.bytes);
  const field = pinField(c.format, pin);
  if (c.format === 4) return cipher.encrypt(xor(cipher.encrypt(field), panField4(c.pan!)));
  return cipher.encrypt(c.format === 1 ? field : xor(field, panField(c.pan!)));
}

function decipher(where: string, c: Checked, block: unknown, algorithm: 'des' | 'tdes' | 'aes'): string {
  const bytes = copyBytes(block);
  const size = c.format === 4 ? 16 : 8;
  if (bytes === undefined || bytes.length !== size) {
    throw new Iso8583Error(ErrorCode.INVALID_PIN_BLOCK, `${where}: a format ${c.format} PIN block is a Uint8Array of ${size} bytes`);
  }
  const cipher = blockCipher(algorithm, c.bytes);
  if (c.format === 4) return readPinField(where, 4, cipher.decrypt(xor(cipher.decrypt(bytes), panField4(c.pan!))));
  const clear = cipher.decrypt(bytes);
  return readPinField(where, c.format, c.format === 1 ? clear : xor(clear, panField(c.pan!)));
}

/**
 * The ISO 9564-1 PIN block of `pin` in `options.format`, enciphered under the clear PIN `key` (triple DES or DES
 * for formats 0, 1 and 3, AES for format 4); fills are random where the format says so, so two calls differ for
 * formats 1, 3 and 4.
 *
 * Why: tests and simulators need the PIN blocks a terminal or acquirer sends. Throws `INVALID_PIN` (the PIN is not
 * 4 to 12 digits), `INVALID_KEY`, `INVALID_OPTION`; no text holds the PIN, the PAN or the key.
 *
 * @example
 * ```ts
 * const zpk = SecretKey.from('tdes', '0123456789ABCDEFFEDCBA9876543210');
 * const block = encryptPinBlock(zpk, '1234', { format: 0, pan: '4111111111111111' }); // 8 bytes for DE52
 * ```
 */
export function encryptPinBlock(key: SecretKey, pin: string, options: PinBlockOptions): Uint8Array {
  return guard(ErrorCode.INVALID_OPTION, unreadable('encryptPinBlock: an argument'), () => {
    const c = check('encryptPinBlock', key, options);
    return encipher(c, checkPin('encryptPinBlock', pin), key.algorithm);
  });
}

/**
 * The PIN inside an enciphered PIN block of `options.format`, bound to `options.pan`; throws `INVALID_PIN_BLOCK`
 * when the deciphered block breaks its format (the wrong key or PAN gives that, almost always).
 *
 * Why: a simulated issuer checks the PIN its test cards were given; the error names the rule broken only.
 *
 * @example
 * ```ts
 * const zpk = SecretKey.from('tdes', '0123456789ABCDEFFEDCBA9876543210');
 * const pin = decryptPinBlock(zpk, reply.fields[52]!, { format: 0, pan: reply.fields[2]! });
 * ```
 */
export function decryptPinBlock(key: SecretKey, block: Uint8Array, options: PinBlockOptions): string {
  return guard(ErrorCode.INVALID_OPTION, unreadable('decryptPinBlock: an argument'), () => {
    const c = check('decryptPinBlock', key, options);
    return decipher('decryptPinBlock', c, block, key.algorithm);
  });
}

/**
 * `block` deciphered as `from` says and enciphered again as `to` says: another key, another format, or both (the
 * PAN of `to` defaults to the PAN of `from`).
 *
 * Why: what an acquirer's HSM does between a terminal's key and the network's (zone) key; here with clear keys,
 * for tests. The PIN exists in clear only inside this call.
 *
 * @example
 * ```ts
 * const terminal = SecretKey.from('tdes', '0123456789ABCDEFFEDCBA9876543210');
 * const zone = SecretKey.from('aes', '000102030405060708090A0B0C0D0E0F');
 * const de52 = translatePinBlock(reply.fields[52]!, { key: terminal, format: 0, pan: '4111111111111111' }, { key: zone, format: 4 });
 * ```
 */
export function translatePinBlock(block: Uint8Array, from: PinBlockSide, to: PinBlockSide): Uint8Array {
  return guard(ErrorCode.INVALID_OPTION, unreadable('translatePinBlock: an argument'), () => {
    const source = check('translatePinBlock', from?.key, from);
    const pin = decipher('translatePinBlock', source, block, from.key.algorithm);
    const target = check('translatePinBlock', to?.key, to.pan === undefined && to.format !== 1 ? { ...to, pan: source.pan } : to);
    return encipher(target, pin, to.key.algorithm);
  });
}
