import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../src/index.js';
import { computeMac, keyCheckValue, type MacOptions, SecretKey, verifyMac } from '../../src/security/index.js';
import { catchIso } from '../message/errors-helper.js';

/** DES and triple-DES vectors computed with the openssl command line (fixtures/tools/security_vectors.py). */
const vectors = JSON.parse(readFileSync(new URL('../../fixtures/security/des-vectors.json', import.meta.url), 'utf8')) as {
  keys: Record<string, string>;
  data: Record<string, string>;
  macs: { algorithm: 'cbc' | 'retail' | 'cmac'; key: string; data: string; padding?: 1 | 2 | 3; mac: string }[];
  kcv: Record<string, string>;
};
const keyOf = (name: string): SecretKey => SecretKey.from(name === 'des' ? 'des' : 'tdes', vectors.keys[name]!);

/** NIST SP 800-38B, appendix D.1 (AES-128): key, message of examples 1 to 4 and their full CMACs. */
const NIST_KEY = '2b7e151628aed2a6abf7158809cf4f3c';
const NIST_MESSAGE =
  '6bc1bee22e409f96e93d7e117393172a' + 'ae2d8a571e03ac9c9eb76fac45af8e51' + '30c81c46a35ce411e5fbc1191a0a52ef' + 'f69f2445df4f9b17ad2b417be66c3710';
const NIST_EXAMPLES = [
  { example: 1, bytes: 0, cmac: 'BB1D6929E95937287FA37D129B756746' },
  { example: 2, bytes: 16, cmac: '070A16B46B4D4144F79BDD9DD04A287C' },
  { example: 3, bytes: 40, cmac: 'DFA66747DE9AE63030CA32611497C827' },
  { example: 4, bytes: 64, cmac: '51F0BEBF7E3B9D92FC49741779363CFE' },
];

describe('AES-CMAC (ISO/IEC 9797-1 algorithm 5)', () => {
  const key = SecretKey.from('aes', NIST_KEY);
  for (const { example, bytes, cmac } of NIST_EXAMPLES) {
    it(`gives the CMAC of NIST SP 800-38B AES-128 example ${example} (${bytes} bytes), whole or truncated`, () => {
      const data = fromHex(NIST_MESSAGE.slice(0, bytes * 2));
      expect(toHex(computeMac(key, data, { algorithm: 'cmac', length: 16 }))).toBe(cmac);
      expect(toHex(computeMac(key, data, { algorithm: 'cmac' }))).toBe(cmac.slice(0, 16));
      expect(toHex(computeMac(key, data, { algorithm: 'cmac', length: 4 }))).toBe(cmac.slice(0, 8));
      expect(verifyMac(key, data, fromHex(cmac), { algorithm: 'cmac', length: 16 })).toBe(true);
    });
  }
});

describe('DES-based MACs against vectors computed with openssl', () => {
  for (const v of vectors.macs) {
    const options: MacOptions = v.padding === undefined ? { algorithm: v.algorithm } : { algorithm: v.algorithm, padding: v.padding };
    it(`${v.algorithm} with the ${v.key} key over "${v.data}"${v.padding === undefined ? '' : ` with padding method ${v.padding}`} is ${v.mac}`, () => {
      const data = fromHex(vectors.data[v.data]!);
      expect(toHex(computeMac(keyOf(v.key), data, options))).toBe(v.mac);
      expect(toHex(computeMac(keyOf(v.key), data, { ...options, length: 4 }))).toBe(v.mac.slice(0, 8));
      expect(verifyMac(keyOf(v.key), data, fromHex(v.mac), options)).toBe(true);
    });
  }

  it('gives the published ANSI X9.9 MAC and the X9.19 retail MAC of "Now is the time for all "', () => {
    const now = new TextEncoder().encode('Now is the time for all ');
    expect(toHex(computeMac(SecretKey.from('des', '0123456789ABCDEF'), now, { algorithm: 'cbc' }))).toBe('70A30640CC76DD8B');
    expect(toHex(computeMac(SecretKey.from('tdes', '0123456789ABCDEFFEDCBA9876543210'), now, { algorithm: 'retail' }))).toBe('A1C72E74EA3FA9B6');
  });
});

describe('verifyMac', () => {
  const key = SecretKey.from('tdes', vectors.keys.tdes2!);
  const data = fromHex(vectors.data.frame!);
  const mac = computeMac(key, data, { algorithm: 'retail' });

  it('refuses a MAC with one bit changed, a MAC of other data and a MAC of another length', () => {
    for (let bit = 0; bit < 64; bit++) {
      const flipped = mac.slice();
      flipped[bit >> 3]! ^= 0x80 >> (bit & 7);
      expect(verifyMac(key, data, flipped, { algorithm: 'retail' })).toBe(false);
    }
    expect(verifyMac(key, data.subarray(1), mac, { algorithm: 'retail' })).toBe(false);
    expect(verifyMac(key, data, mac.subarray(0, 4), { algorithm: 'retail' })).toBe(false);
    expect(verifyMac(key, data, mac.subarray(0, 4), { algorithm: 'retail', length: 4 })).toBe(true);
  });
});

describe('key check values', () => {
  it('are the first 3 bytes of a zero block encrypted, for DES and triple-DES keys (openssl vectors)', () => {
    for (const name of ['des', 'tdes2', 'tdes3']) {
      expect(keyCheckValue(keyOf(name))).toBe(vectors.kcv[name]!.slice(0, 6));
      expect(keyCheckValue(keyOf(name), 8)).toBe(vectors.kcv[name]);
    }
    expect(keyCheckValue(SecretKey.from('tdes', '0123456789ABCDEFFEDCBA9876543210'))).toBe('08D7B4');
  });

  it('are the first 5 bytes of the CMAC of a zero block for AES keys, or as many as asked (openssl vector)', () => {
    const key = SecretKey.from('aes', NIST_KEY);
    // openssl mac -cipher AES-128-CBC CMAC over 16 zero bytes under the NIST SP 800-38B key (fixtures/README.md).
    const cmacOfZero = '7AD386C3760FB3498361A1CB5563BD70';
    expect(toHex(computeMac(key, new Uint8Array(16), { algorithm: 'cmac', length: 16 }))).toBe(cmacOfZero);
    expect(keyCheckValue(key)).toBe('7AD386C376');
    expect(keyCheckValue(key, 3)).toBe('7AD386');
    expect(keyCheckValue(key, 16)).toBe(cmacOfZero);
  });

  it('keep 3 bytes by default for DES and triple-DES keys while AES keys keep 5', () => {
    expect(keyCheckValue(keyOf('tdes2'))).toHaveLength(6);
    expect(keyCheckValue(SecretKey.from('aes', NIST_KEY))).toHaveLength(10);
  });
});

describe('MAC arguments', () => {
  const tdes = SecretKey.from('tdes', vectors.keys.tdes2!);
  const aes = SecretKey.from('aes', NIST_KEY);
  const data = new Uint8Array(8);
  const call = (fn: unknown, ...args: unknown[]): unknown => (fn as (...a: unknown[]) => unknown)(...args);

  it('refuse a key the algorithm does not take with INVALID_KEY', () => {
    expect(catchIso(() => computeMac(aes, data, { algorithm: 'retail' })).code).toBe('INVALID_KEY');
    expect(catchIso(() => computeMac(SecretKey.from('des', vectors.keys.des!), data, { algorithm: 'cmac' })).code).toBe('INVALID_KEY');
    expect(catchIso(() => call(computeMac, { algorithm: 'tdes', length: 16 }, data, { algorithm: 'cbc' })).code).toBe('INVALID_KEY');
    expect(catchIso(() => call(computeMac, fromHex(vectors.keys.tdes2!), data, { algorithm: 'cbc' })).code).toBe('INVALID_KEY');
  });

  it('refuse a triple-length key for the retail MAC, a bad algorithm, padding or length with INVALID_OPTION naming it', () => {
    const cases: [unknown, unknown, string][] = [
      [SecretKey.from('tdes', vectors.keys.tdes3!), { algorithm: 'retail' }, 'key'],
      [tdes, { algorithm: 'x9.19' }, 'options.algorithm'],
      [tdes, undefined, 'options.algorithm'],
      [tdes, { algorithm: 'cbc', padding: 4 }, 'options.padding'],
      [aes, { algorithm: 'cmac', padding: 1 }, 'options.padding'],
      [tdes, { algorithm: 'cbc', length: 3 }, 'options.length'],
      [tdes, { algorithm: 'cbc', length: 16 }, 'options.length'],
      [aes, { algorithm: 'cmac', length: 17 }, 'options.length'],
      [tdes, { algorithm: 'cbc', lenght: 4 }, 'lenght'],
    ];
    for (const [key, options, named] of cases) {
      const e = catchIso(() => call(computeMac, key, data, options));
      expect(e.code).toBe('INVALID_OPTION');
      expect(e.message).toContain(named);
    }
    expect(catchIso(() => call(computeMac, tdes, 'abc', { algorithm: 'cbc' })).code).toBe('INVALID_OPTION');
    expect(catchIso(() => call(verifyMac, tdes, data, [1, 2, 3, 4], { algorithm: 'cbc' })).code).toBe('INVALID_OPTION');
  });

  it('replace an error thrown by a getter of the options, without its text', () => {
    const hostile = Object.defineProperty({}, 'algorithm', {
      enumerable: true,
      get: () => {
        throw new Error('4111111111111111');
      },
    });
    const e = catchIso(() => call(computeMac, tdes, data, hostile));
    expect(e.code).toBe('INVALID_OPTION');
    expect(e.message).not.toContain('4111');
  });
});
