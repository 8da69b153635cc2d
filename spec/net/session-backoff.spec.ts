import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { backoffDelay, DEFAULT_BACKOFF, seededRandom } from '../../src/net/index.js';

const backoffs = fc
  .record({ minMs: fc.integer({ min: 0, max: 1_000_000 }), extra: fc.integer({ min: 0, max: 10_000_000 }), jitter: fc.double({ min: 0, max: 1, noNaN: true }) })
  .map(({ minMs, extra, jitter }) => ({ minMs, maxMs: minMs + extra, jitter }));
const unit = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe('backoffDelay', () => {
  it('lies between minMs × (1 − jitter) and maxMs for every attempt and every random draw', () => {
    fc.assert(
      fc.property(backoffs, fc.integer({ min: 0, max: 10_000 }), unit, (b, attempt, r) => {
        const d = backoffDelay(attempt, b, () => r);
        expect(Number.isInteger(d)).toBe(true);
        expect(d).toBeGreaterThanOrEqual(Math.floor(b.minMs * (1 - b.jitter)));
        expect(d).toBeLessThanOrEqual(b.maxMs);
      }),
    );
  });

  it('stays 0 for a minMs of 0 however many attempts failed (seed -1818953981)', () => {
    expect(backoffDelay(1024, { minMs: 0, maxMs: 0, jitter: 0 }, () => 0)).toBe(0);
    expect(backoffDelay(5000, { minMs: 0, maxMs: 1000, jitter: 0.5 }, () => 0.5)).toBe(0);
  });

  it('is the exponential min(maxMs, minMs × 2^attempt) less at most a jitter share of it', () => {
    fc.assert(
      fc.property(backoffs, fc.integer({ min: 0, max: 60 }), unit, (b, attempt, r) => {
        const exponential = Math.min(b.maxMs, b.minMs * 2 ** attempt);
        const d = backoffDelay(attempt, b, () => r);
        expect(d).toBeLessThanOrEqual(Math.ceil(exponential));
        expect(d).toBeGreaterThanOrEqual(Math.floor(exponential * (1 - b.jitter)));
      }),
    );
  });

  it('doubles from minMs up to maxMs when no jitter is drawn', () => {
    const b = { minMs: 500, maxMs: 30_000, jitter: 0.5 };
    expect([0, 1, 2, 3, 4, 5, 6, 7, 40, 5000].map((a) => backoffDelay(a, b, () => 0))).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000, 30000]);
    expect(DEFAULT_BACKOFF).toEqual(b);
  });

  it('never grows with the attempt beyond maxMs, whatever random returns (NaN, negative, 1 or more)', () => {
    for (const r of [Number.NaN, -1, 1, 7]) {
      const d = backoffDelay(100, { minMs: 10, maxMs: 100, jitter: 1 }, () => r);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThanOrEqual(100);
    }
  });
});

describe('seededRandom', () => {
  it('gives the same sequence for the same seed, each number in [0, 1)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (seed) => {
        const a = seededRandom(seed);
        const b = seededRandom(seed);
        for (let i = 0; i < 20; i++) {
          const x = a();
          expect(b()).toBe(x);
          expect(x).toBeGreaterThanOrEqual(0);
          expect(x).toBeLessThan(1);
        }
      }),
    );
  });
});
