import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCodec, isIso8583Error, presets } from '../../src/index.js';
import {
  computeMac,
  decryptPinBlock,
  encryptPinBlock,
  keyCheckValue,
  macCoverage,
  SecretKey,
  softwareSecurityModule,
  translatePinBlock,
  verifyMac,
} from '../../src/security/index.js';
import { FUZZ_RUNS, FUZZ_SEED } from '../properties/budget.js';

const call = (fn: unknown, ...args: unknown[]): unknown => (fn as (...a: unknown[]) => unknown)(...args);
const PAN = '4111111111111111';
const key = SecretKey.from('tdes', '0123456789ABCDEFFEDCBA9876543210');
/** Arguments a plain JavaScript caller can pass: anything, real keys and blocks, and objects whose getters throw a PAN. */
const hostile = fc.oneof(
  fc.anything(),
  fc.constantFrom<unknown>(key, SecretKey.from('aes', '000102030405060708090A0B0C0D0E0F'), new Uint8Array(8), new Uint8Array(16), PAN, '1234'),
  fc.constant(
    new Proxy(
      {},
      {
        get: () => {
          throw new Error(PAN);
        },
        ownKeys: () => {
          throw new Error(PAN);
        },
      },
    ),
  ),
);
const codec = createCodec(presets.iso87binary);
const entryPoints: [string, (...args: unknown[]) => unknown][] = [
  ['SecretKey.from', (...a) => call(SecretKey.from, ...a)],
  ['computeMac', (...a) => call(computeMac, ...a)],
  ['verifyMac', (...a) => call(verifyMac, ...a)],
  ['keyCheckValue', (...a) => call(keyCheckValue, ...a)],
  ['encryptPinBlock', (...a) => call(encryptPinBlock, ...a)],
  ['decryptPinBlock', (...a) => call(decryptPinBlock, ...a)],
  ['translatePinBlock', (...a) => call(translatePinBlock, ...a)],
  ['softwareSecurityModule', (...a) => call(softwareSecurityModule, ...a)],
  ['macCoverage', (m, o) => call(macCoverage, codec, m, o)],
];

describe('the security functions, given any arguments', () => {
  for (const [name, fn] of entryPoints) {
    it(`${name} returns or throws an Iso8583Error whose text holds no PAN`, () => {
      fc.assert(
        fc.property(fc.array(hostile, { maxLength: 4 }), (args) => {
          try {
            fn(...args);
          } catch (e) {
            expect(isIso8583Error(e)).toBe(true);
            expect((e as Error).message).not.toContain(PAN);
          }
        }),
        { numRuns: Math.max(100, Math.floor(FUZZ_RUNS / 2)), seed: FUZZ_SEED },
      );
    });
  }
});
