import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createCodec, isIso8583Error, presets } from '../../src/index.js';
import { arbitraryMessage } from '../../src/testing/index.js';
import {
  decodeVerified,
  decryptPinBlock,
  encryptPinBlock,
  SecretKey,
  signMessage,
  softwareSecurityModule,
  translatePinBlock,
  verifyMessageMac,
} from '../../src/security/index.js';
import { FUZZ_RUNS, FUZZ_SEED } from '../properties/budget.js';

const spec = presets.iso87binary;
const codec = createCodec(spec);
const hsm = softwareSecurityModule({ macKey: SecretKey.from('tdes', '0123456789ABCDEFFEDCBA9876543210'), mac: { algorithm: 'retail' } });
/** Every field but the MAC fields: the MAC goes in DE64 or DE128 by the message's bitmap. */
const only = Object.keys(spec.fields).map(Number).filter((n) => n !== 64 && n !== 128);
const messages = arbitraryMessage(spec, { only, maxFields: 16 });
const runs = Math.max(50, Math.floor(FUZZ_RUNS / 3));

describe('MAC properties', () => {
  it('a signed message verifies after decoding and after any number of re-encodes', async () => {
    await fc.assert(
      fc.asyncProperty(messages, async (message) => {
        const frame = await signMessage(codec, message, hsm);
        let decoded = await decodeVerified(codec, frame, hsm);
        for (let i = 0; i < 2; i++) decoded = codec.decode(codec.encode(decoded));
        await verifyMessageMac(codec, decoded, hsm);
        expect(codec.encode(decoded)).toEqual(frame);
      }),
      { numRuns: runs, seed: FUZZ_SEED },
    );
  });

  it('a bit flipped anywhere in the frame makes it fail: a decode error or MAC_MISMATCH, never a verified message', async () => {
    await fc.assert(
      fc.asyncProperty(messages, fc.nat(), fc.integer({ min: 0, max: 7 }), async (message, at, bit) => {
        const frame = await signMessage(codec, message, hsm);
        const i = at % frame.length;
        frame[i]! ^= 1 << bit;
        const outcome = await decodeVerified(codec, frame, hsm).then(
          () => 'verified',
          (e: unknown) => (isIso8583Error(e) ? e.code : 'not an Iso8583Error'),
        );
        expect(outcome).not.toBe('verified');
        expect(outcome).not.toBe('not an Iso8583Error');
      }),
      { numRuns: runs, seed: FUZZ_SEED },
    );
  });
});

describe('PIN block properties', () => {
  const tdes = SecretKey.from('tdes', '0123456789ABCDEFFEDCBA9876543210');
  const tdes2 = SecretKey.from('tdes', '89ABCDEF0123456776543210FEDCBA98');
  const aes = SecretKey.from('aes', '000102030405060708090A0B0C0D0E0F1011121314151617');
  const pins = fc.stringMatching(/^[0-9]{4,12}$/);
  const pans = fc.stringMatching(/^[0-9]{8,19}$/);
  const formats = fc.constantFrom(0, 1, 3, 4 as const);
  const keyFor = (format: 0 | 1 | 3 | 4, other = false): SecretKey => (format === 4 ? aes : other ? tdes2 : tdes);
  const options = (format: 0 | 1 | 3 | 4, pan: string) => (format === 1 ? { format } : { format, pan });

  it('every format round-trips every PIN of 4 to 12 digits with every PAN of 8 to 19 digits', () => {
    fc.assert(
      fc.property(formats, pins, pans, (format, pin, pan) => {
        const block = encryptPinBlock(keyFor(format), pin, options(format, pan));
        expect(block.length).toBe(format === 4 ? 16 : 8);
        expect(decryptPinBlock(keyFor(format), block, options(format, pan))).toBe(pin);
      }),
      { numRuns: FUZZ_RUNS, seed: FUZZ_SEED },
    );
  });

  it('translating between any two formats and keys keeps the PIN', () => {
    fc.assert(
      fc.property(formats, formats, pins, pans, (from, to, pin, pan) => {
        const block = encryptPinBlock(keyFor(from), pin, options(from, pan));
        const out = translatePinBlock(block, { key: keyFor(from), ...options(from, pan) }, { key: keyFor(to, true), ...options(to, pan) });
        expect(decryptPinBlock(keyFor(to, true), out, options(to, pan))).toBe(pin);
      }),
      { numRuns: FUZZ_RUNS, seed: FUZZ_SEED },
    );
  });

  it('random bytes deciphered as a PIN block give a PIN or INVALID_PIN_BLOCK, nothing else', () => {
    fc.assert(
      fc.property(formats, fc.uint8Array({ minLength: 0, maxLength: 20 }), pans, (format, bytes, pan) => {
        try {
          expect(decryptPinBlock(keyFor(format), bytes, options(format, pan))).toMatch(/^[0-9]{4,12}$/);
        } catch (e) {
          expect(isIso8583Error(e) && e.code).toBe('INVALID_PIN_BLOCK');
        }
      }),
      { numRuns: FUZZ_RUNS, seed: FUZZ_SEED },
    );
  });
});
