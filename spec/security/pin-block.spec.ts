import { createDecipheriv } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/index.js';
import { decryptPinBlock, encryptPinBlock, SecretKey, translatePinBlock } from '../../src/security/index.js';
import { catchIso } from '../message/errors-helper.js';

const vectors = JSON.parse(readFileSync(new URL('../../fixtures/security/des-vectors.json', import.meta.url), 'utf8')) as {
  keys: Record<string, string>;
  pinBlocks: { format0: { key: string; pin: string; pan: string; clear: string; block: string } };
};
const zpk = SecretKey.from('tdes', vectors.keys.tdes2!);
const aes = SecretKey.from('aes', '2b7e151628aed2a6abf7158809cf4f3c');
const PAN = '4111111111111111';

/** Deciphers one block with node:crypto directly, in the test, to look at a clear PIN block. */
function clear(cipher: string, key: string, block: Uint8Array): string {
  const d = createDecipheriv(cipher, Buffer.from(key, 'hex'), null).setAutoPadding(false);
  return Buffer.concat([d.update(block), d.final()]).toString('hex').toUpperCase();
}
const tdesClear = (block: Uint8Array): string => clear('des-ede3-ecb', vectors.keys.tdes2! + vectors.keys.tdes2!.slice(0, 16), block);

describe('ISO 9564-1 PIN blocks', () => {
  it('format 0 of PIN 1234 and PAN 43219876543210987 is the clear block 0412AC89ABCDEF67, enciphered as openssl does', () => {
    const v = vectors.pinBlocks.format0;
    const block = encryptPinBlock(zpk, v.pin, { format: 0, pan: v.pan });
    expect(v.clear).toBe('0412AC89ABCDEF67');
    expect(toHex(block)).toBe(v.block);
    expect(decryptPinBlock(zpk, fromHex(v.block), { format: 0, pan: v.pan })).toBe('1234');
  });

  it('format 1 is 1, the PIN length, the PIN and random fill, bound to no PAN', () => {
    const block = encryptPinBlock(zpk, '123456', { format: 1 });
    expect(tdesClear(block)).toMatch(/^16123456[0-9A-F]{8}$/);
    expect(decryptPinBlock(zpk, block, { format: 1 })).toBe('123456');
  });

  it('format 3 is 3, the PIN length, the PIN and random A–F fill, XOR the PAN field', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) {
      const block = encryptPinBlock(zpk, '1234', { format: 3, pan: PAN });
      const panField = BigInt('0x0000111111111111');
      const pinField = (BigInt(`0x${tdesClear(block)}`) ^ panField).toString(16).toUpperCase().padStart(16, '0');
      expect(pinField).toMatch(/^341234[A-F]{10}$/);
      seen.add(pinField);
      expect(decryptPinBlock(zpk, block, { format: 3, pan: PAN })).toBe('1234');
    }
    expect(seen.size).toBeGreaterThan(1);
  });

  it('format 4 is two AES steps: the PIN field (4, length, PIN, A fill, 8 random bytes) enciphered, XOR the PAN field, enciphered', () => {
    const block = encryptPinBlock(aes, '1234', { format: 4, pan: '12345678901234567' });
    expect(block.length).toBe(16);
    const step = clear('aes-128-ecb', '2b7e151628aed2a6abf7158809cf4f3c', block);
    // The PAN field: 17 - 12 = 5, the 17 digits, zeros to 32 nibbles.
    const panField = fromHex('5' + '12345678901234567'.padEnd(31, '0'));
    const intermediate = fromHex(step).map((b, i) => b ^ panField[i]!);
    expect(clear('aes-128-ecb', '2b7e151628aed2a6abf7158809cf4f3c', intermediate)).toMatch(/^441234AAAAAAAAAA[0-9A-F]{16}$/);
    expect(decryptPinBlock(aes, block, { format: 4, pan: '12345678901234567' })).toBe('1234');
  });

  it('format 4 pads a PAN of fewer than 12 digits with zeros on the left, its length nibble 0', () => {
    const block = encryptPinBlock(aes, '98765', { format: 4, pan: '41111111' });
    const step = fromHex(clear('aes-128-ecb', '2b7e151628aed2a6abf7158809cf4f3c', block));
    const panField = fromHex('0' + '0000' + '41111111'.padEnd(27, '0'));
    const intermediate = step.map((b, i) => b ^ panField[i]!);
    expect(clear('aes-128-ecb', '2b7e151628aed2a6abf7158809cf4f3c', intermediate)).toMatch(/^4598765AAAAAAAAA[0-9A-F]{16}$/);
  });

  it('a block deciphered with the wrong PAN or key breaks its format: INVALID_PIN_BLOCK naming the rule, not a digit', () => {
    const block = encryptPinBlock(zpk, '1234', { format: 0, pan: PAN });
    const wrongPan = catchIso(() => decryptPinBlock(zpk, block, { format: 0, pan: '5500000000000004' }));
    expect(wrongPan.code).toBe('INVALID_PIN_BLOCK');
    expect(wrongPan.message).not.toMatch(/1234|4111|5500/);
    expect(catchIso(() => decryptPinBlock(zpk, block, { format: 3, pan: PAN })).code).toBe('INVALID_PIN_BLOCK');
    expect(catchIso(() => decryptPinBlock(SecretKey.from('tdes', vectors.keys.tdes3!), block, { format: 0, pan: PAN })).code).toBe('INVALID_PIN_BLOCK');
    expect(catchIso(() => decryptPinBlock(zpk, block.subarray(1), { format: 0, pan: PAN })).code).toBe('INVALID_PIN_BLOCK');
  });

  it('translates between keys and formats, the PIN unchanged', () => {
    const zpk2 = SecretKey.from('tdes', vectors.keys.tdes3!);
    const from0 = encryptPinBlock(zpk, '4321', { format: 0, pan: PAN });
    const to3 = translatePinBlock(from0, { key: zpk, format: 0, pan: PAN }, { key: zpk2, format: 3 });
    expect(decryptPinBlock(zpk2, to3, { format: 3, pan: PAN })).toBe('4321');
    const to4 = translatePinBlock(to3, { key: zpk2, format: 3, pan: PAN }, { key: aes, format: 4 });
    expect(decryptPinBlock(aes, to4, { format: 4, pan: PAN })).toBe('4321');
    const to1 = translatePinBlock(to4, { key: aes, format: 4, pan: PAN }, { key: zpk, format: 1 });
    expect(decryptPinBlock(zpk, to1, { format: 1 })).toBe('4321');
  });

  it('refuses a PIN that is not 4 to 12 digits (INVALID_PIN), a bad format or PAN (INVALID_OPTION), a key of the other cipher (INVALID_KEY), quoting none', () => {
    for (const pin of ['123', '1234567890123', '12a4', 1234, undefined]) {
      const e = catchIso(() => encryptPinBlock(zpk, pin as never, { format: 0, pan: PAN }));
      expect(e.code).toBe('INVALID_PIN');
      if (typeof pin === 'string') expect(e.message).not.toContain(pin);
    }
    for (const options of [{ format: 2, pan: PAN }, { format: 0 }, { format: 0, pan: '4111111' }, { format: 4, pan: '41111111111111111111' }, { format: 0, pan: '4111-1111-1111-1111' }, { format: 1, pan: 'x' }, { format: 0, pan: PAN, pin: '1' }, undefined]) {
      const e = catchIso(() => encryptPinBlock(zpk, '1234', options as never));
      expect(e.code).toBe('INVALID_OPTION');
      expect(e.message).not.toContain('4111');
    }
    expect(catchIso(() => encryptPinBlock(aes, '1234', { format: 0, pan: PAN })).code).toBe('INVALID_KEY');
    expect(catchIso(() => encryptPinBlock(zpk, '1234', { format: 4, pan: PAN })).code).toBe('INVALID_KEY');
  });
});
