/**
 * Sets of byte counts as sorted, disjoint, non-adjacent closed intervals, for the wire sizes a field can take.
 *
 * Why: a container (a TLV field, a bitmapped DE127, a fixed positional field) only holds contents of certain
 * sizes; the arbitraries choose a size that fits first and then build a value of exactly that size, so every value
 * they generate is valid by construction and none is thrown away. Most size sets are one or a few ranges, so
 * intervals keep the arithmetic cheap where a list of every count would not.
 */

/** A set of non-negative integers: `[lo, hi]` pairs, sorted, disjoint and never touching. */
export type Sizes = readonly (readonly [number, number])[];

/** The empty set. */
export const NONE: Sizes = [];
/** The set holding only 0 (nothing written). */
export const ZERO: Sizes = [[0, 0]];

/** Sorts and merges intervals (touching ones too), dropping what lies above `cap`. */
export function normalize(list: Iterable<readonly [number, number]>, cap = Infinity): Sizes {
  const sorted = [...list].filter(([lo, hi]) => lo <= hi && lo <= cap).sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const [lo, rawHi] of sorted) {
    const hi = Math.min(rawHi, cap);
    const last = out[out.length - 1];
    if (last !== undefined && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

/** The set of the given counts. */
export function ofCounts(counts: Iterable<number>): Sizes {
  return normalize([...counts].map((n) => [n, n] as const));
}

/** How many counts the set holds. */
export function countOf(s: Sizes): number {
  let n = 0;
  for (const [lo, hi] of s) n += hi - lo + 1;
  return n;
}

/** The `i`-th smallest count of the set (0-based; `i` below {@link countOf}). */
export function nth(s: Sizes, i: number): number {
  for (const [lo, hi] of s) {
    if (i <= hi - lo) return lo + i;
    i -= hi - lo + 1;
  }
  throw new RangeError(`index ${i} is past the set`);
}

/** Tells whether the set holds `x`. */
export function has(s: Sizes, x: number): boolean {
  for (const [lo, hi] of s) {
    if (x < lo) return false;
    if (x <= hi) return true;
  }
  return false;
}

/** Every count in either set. */
export function union(...sets: Sizes[]): Sizes {
  return normalize(sets.flat());
}

/** Every `a + b` for `a` in `x` and `b` in `y`, up to `cap`. */
export function plus(x: Sizes, y: Sizes, cap = Infinity): Sizes {
  const out: [number, number][] = [];
  for (const [a, b] of x) for (const [c, d] of y) if (a + c <= cap) out.push([a + c, b + d]);
  return normalize(out, cap);
}

/** The set shifted by `k` (negative counts dropped). */
export function shift(s: Sizes, k: number): Sizes {
  return normalize(s.map(([lo, hi]) => [Math.max(0, lo + k), hi + k] as const));
}

/** The counts of `s` for which `keep` holds (walks every count: for sets of at most a few ten thousand counts). */
export function where(s: Sizes, keep: (n: number) => boolean): Sizes {
  const out: [number, number][] = [];
  for (const [lo, hi] of s) for (let n = lo; n <= hi; n++) if (keep(n)) out.push([n, n]);
  return normalize(out);
}

/** The counts `x` of `s` with `total - x` in `rest`: the choices that leave a total `rest` can still make. */
export function leaving(s: Sizes, total: number, rest: Sizes): Sizes {
  const reflected = rest.map(([lo, hi]) => [total - hi, total - lo] as const);
  const out: [number, number][] = [];
  for (const [a, b] of s) for (const [c, d] of reflected) out.push([Math.max(a, c), Math.min(b, d)]);
  return normalize(out);
}

/**
 * Every sum of any number of counts of `entries` (0 included), up to `cap`: the sizes a list of entries can take.
 * Every entry must take at least one byte.
 */
export function repeated(entries: Sizes, cap: number): Sizes {
  if (entries.length > 0 && entries[0]![0] < 1) throw new RangeError('an entry takes at least one byte');
  const reach = new Uint8Array(cap + 1);
  // seen[k] = how many reachable counts lie below k, so "any reachable count in [a, b]" is one subtraction.
  const seen = new Uint32Array(cap + 2);
  reach[0] = 1;
  seen[1] = 1;
  for (let n = 1; n <= cap; n++) {
    for (const [lo, hi] of entries) {
      if (lo > n) break;
      const from = Math.max(0, n - hi);
      const to = n - lo;
      if (seen[to + 1]! - seen[from]! > 0) {
        reach[n] = 1;
        break;
      }
    }
    seen[n + 1] = seen[n]! + reach[n]!;
  }
  const out: [number, number][] = [];
  for (let n = 0; n <= cap; n++) if (reach[n] === 1) out.push([n, n]);
  return normalize(out);
}
