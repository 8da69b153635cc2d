import { describe, expect, it } from 'vitest';
import { newAuthCode } from '../../examples/card-authorizer/src/auth-code.js';

/** The authorization code (DE38) of an approval: six characters, each uniform over 34 letters and digits. */
const ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ0123456789';

describe('newAuthCode', () => {
  it('gives six characters of the alphabet, without I and O', () => {
    for (let i = 0; i < 2_000; i++) expect(newAuthCode()).toMatch(/^[A-HJ-NP-Z0-9]{6}$/);
  });

  it('draws every character equally often, across many refills of its random bytes', () => {
    // 120,000 codes: 720,000 characters, about 21,176 of each; one standard deviation is about 0.7 %. A code taken
    // as a byte modulo 34 would give 18 characters 6 % too often and 16 about 7 % too seldom.
    const counts = new Map<string, number>();
    for (let i = 0; i < 120_000; i++) for (const c of newAuthCode()) counts.set(c, (counts.get(c) ?? 0) + 1);
    expect([...counts.keys()].sort().join('')).toBe([...ALPHABET].sort().join(''));
    const expected = (120_000 * 6) / ALPHABET.length;
    for (const [c, n] of counts) expect(Math.abs(n - expected) / expected, `character ${c}`).toBeLessThan(0.04);
  });

  it('gives different codes one after the other', () => {
    const codes = new Set(Array.from({ length: 10_000 }, () => newAuthCode()));
    // 34^6 (1.5e9) codes: 10,000 draws repeat one with a probability of about 3 %; three, about 6 in a million.
    expect(codes.size).toBeGreaterThanOrEqual(9_997);
  });
});
