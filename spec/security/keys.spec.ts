import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { SecretKey } from '../../src/security/index.js';
import { catchIso } from '../message/errors-helper.js';

const HEX = '0123456789ABCDEFFEDCBA9876543210';

describe('SecretKey', () => {
  const key = SecretKey.from('tdes', HEX);
  const shown = (text: string): void => {
    expect(text.toUpperCase()).not.toContain('0123456789');
    expect(text.toUpperCase()).not.toContain('FEDCBA');
    expect(text).not.toMatch(/\b1, 35, 69\b/);
  };

  it('shows only its algorithm and length through toString, JSON, util.inspect, template literals and spreading', () => {
    expect(String(key)).toBe('SecretKey(tdes, 16 bytes)');
    expect(`${key}`).toBe('SecretKey(tdes, 16 bytes)');
    expect(JSON.stringify(key)).toBe('{"algorithm":"tdes","length":16}');
    expect(JSON.stringify({ nested: [key] })).toBe('{"nested":[{"algorithm":"tdes","length":16}]}');
    expect(inspect(key)).toBe('SecretKey(tdes, 16 bytes)');
    expect(inspect({ key }, { showHidden: true, depth: 10 })).toContain('SecretKey(tdes, 16 bytes)');
    expect({ ...key }).toEqual({ algorithm: 'tdes', length: 16 });
    for (const text of [String(key), JSON.stringify(key), inspect(key, { showHidden: true }), inspect({ ...key }), Object.getOwnPropertyNames(key).join()]) shown(text);
    expect(Object.getOwnPropertySymbols(key)).toEqual([]);
  });

  it('is frozen: its algorithm cannot be changed to reach the bytes through another cipher', () => {
    expect(Object.isFrozen(key)).toBe(true);
  });

  it('takes bytes or hex text of the lengths its algorithm takes, and copies the bytes it is given', () => {
    const bytes = new Uint8Array(16).fill(1);
    const fromBytes = SecretKey.from('aes', bytes);
    bytes.fill(2);
    expect(fromBytes.length).toBe(16);
    for (const [algorithm, length] of [['des', 8], ['tdes', 16], ['tdes', 24], ['aes', 16], ['aes', 24], ['aes', 32]] as const) {
      expect(SecretKey.from(algorithm, new Uint8Array(length)).length).toBe(length);
    }
  });

  it('does not check DES parity bits: a key of even-parity bytes is taken', () => {
    expect(SecretKey.from('tdes', '00000000000000000000000000000000').length).toBe(16);
    expect(SecretKey.from('des', '0303030303030303').algorithm).toBe('des');
  });

  it('refuses other lengths and text that is not hex with INVALID_KEY, an unknown algorithm with INVALID_OPTION, never quoting the key', () => {
    for (const [algorithm, key] of [['des', HEX], ['tdes', HEX.slice(0, 16)], ['aes', HEX.slice(2)], ['tdes', `${HEX.slice(1)}G`], ['tdes', new Uint8Array(20)], ['aes', [1, 2]]] as const) {
      const e = catchIso(() => SecretKey.from(algorithm, key as never));
      expect(e.code).toBe('INVALID_KEY');
      shown(e.message);
    }
    expect(catchIso(() => SecretKey.from('rsa' as never, HEX)).code).toBe('INVALID_OPTION');
    expect(catchIso(() => SecretKey.from({ toString: () => 'tdes' } as never, HEX)).code).toBe('INVALID_OPTION');
  });
});
