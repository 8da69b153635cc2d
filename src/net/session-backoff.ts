/**
 * The delay before a session dials again: exponential backoff with jitter, bounded by a floor and a ceiling.
 *
 * Invariant: for any attempt and any random value in [0, 1), the delay lies in [minMs × (1 − jitter), maxMs].
 */

/**
 * How a session waits between two attempts to bring its link up; every field has a default (see
 * {@link DEFAULT_BACKOFF}).
 *
 * Why: a network that is down must not be dialled in a tight loop, and a thousand issuers that lost the same
 * network must not all dial again in the same millisecond when it comes back (jitter spreads them).
 */
export interface BackoffOptions {
  /** The delay before the first new attempt, in ms (the base of the exponential). */
  readonly minMs?: number;
  /** The largest delay, in ms: the exponential stops growing there. */
  readonly maxMs?: number;
  /**
   * The share of each delay drawn at random, from 0 (none: the delay is exactly the exponential) to 1 (the delay
   * is anywhere from 0 to the exponential).
   */
  readonly jitter?: number;
}

/** A backoff with every field filled in. */
export type Backoff = Required<BackoffOptions>;

/**
 * The backoff a session uses when given none: 500 ms, doubling up to 30 s, half of each delay drawn at random.
 *
 * Why: half a second hides a blip; 30 s is short next to a network's outage and long next to its time to accept.
 *
 * @example
 * ```ts
 * const patient = { ...DEFAULT_BACKOFF, maxMs: 120_000 };
 * ```
 */
export const DEFAULT_BACKOFF: Backoff = Object.freeze({ minMs: 500, maxMs: 30_000, jitter: 0.5 });

/**
 * The delay in ms before attempt `attempt` (0 for the first retry): `min(maxMs, minMs × 2^attempt)`, less a random
 * share of it of at most `jitter`, drawn from `random()` (a value in [0, 1)).
 *
 * Why: a pure function of its inputs, so tests pin the schedule with a seeded `random` and no clock.
 *
 * @example
 * ```ts
 * backoffDelay(3, DEFAULT_BACKOFF, () => 0); // 4000: 500 × 2³, no jitter drawn
 * ```
 */
export function backoffDelay(attempt: number, backoff: Backoff, random: () => number): number {
  // 2^attempt overflows to Infinity for large attempts; min() brings it back to maxMs. A minMs of 0 stays 0 (0 × Infinity
  // would be NaN).
  const grown = backoff.minMs === 0 ? 0 : backoff.minMs * 2 ** Math.max(0, attempt);
  const exponential = Math.min(backoff.maxMs, grown);
  let r = Number(random());
  if (!(r >= 0)) r = 0;
  if (r >= 1) r = 1 - Number.EPSILON;
  return Math.round(exponential * (1 - backoff.jitter * r));
}

/**
 * A seeded source of numbers in [0, 1) (mulberry32): the same seed gives the same sequence on every machine.
 *
 * Why: the jitter of a session under test must be reproducible; pass `random: seededRandom(42)`.
 *
 * @example
 * ```ts
 * const random = seededRandom(42);
 * random() === seededRandom(42)(); // true
 * ```
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
