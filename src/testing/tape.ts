import fc from 'fast-check';
import type { Shape } from './scalar-shape.js';
import { countOf, has, leaving, NONE, nth, plus, type Sizes, union, ZERO } from './sizes.js';

/**
 * Choices read from a tape of random numbers, so one flat Arbitrary (the tape) decides a whole structure and
 * shrinks with it; once the tape runs out, each choice falls back to a fixed one (smallest, or absent).
 */
export class Tape {
  private at = 0;
  constructor(private readonly numbers: readonly number[]) {}

  /** The next number, or undefined when the tape is spent. */
  next(): number | undefined {
    return this.numbers[this.at++];
  }

  /** A count of `s` (non-empty): mostly one of its 25 smallest, a quarter of the time any; `fallback` once spent. */
  pick(s: Sizes, fallback: 'smallest' | 'largest'): number {
    const total = countOf(s);
    const v = this.next();
    if (v === undefined) return nth(s, fallback === 'smallest' ? 0 : total - 1);
    return nth(s, (v >> 2) % (v % 4 === 0 ? total : Math.min(total, 25)));
  }

  /** One of `n` options; `fallback` once spent. */
  choose(n: number, fallback = 0): number {
    const v = this.next();
    return v === undefined ? fallback : v % n;
  }
}

/** The tape one structure is decided by: a short list of random numbers, which fast-check shrinks towards empty. */
export const TAPE = fc.array(fc.nat(), { maxLength: 24 });

/**
 * Optional items in order, each absent or present with one of its sizes: `any[i]` the totals items i… can make,
 * `some[i]` those with at least one of them present.
 */
export function optionalSums(items: readonly Shape[], cap: number): { any: Sizes[]; some: Sizes[] } {
  const any: Sizes[] = new Array(items.length + 1);
  const some: Sizes[] = new Array(items.length + 1);
  any[items.length] = ZERO;
  some[items.length] = NONE;
  for (let i = items.length - 1; i >= 0; i--) {
    const present = plus(items[i]!.sizes, any[i + 1]!, cap);
    any[i] = union(any[i + 1]!, present);
    some[i] = union(some[i + 1]!, present);
  }
  return { any, some };
}

/** Decides which optional items are present, and their sizes, to make exactly `total` (at least one if `oneAtLeast`). */
export function chooseOptional(items: readonly Shape[], sums: { any: Sizes[]; some: Sizes[] }, total: number, oneAtLeast: boolean, tape: Tape): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  let left = total;
  let needOne = oneAtLeast;
  for (let i = 0; i < items.length; i++) {
    const canSkip = has(needOne ? sums.some[i + 1]! : sums.any[i + 1]!, left);
    const present = leaving(items[i]!.sizes, left, sums.any[i + 1]!);
    // Absent two times in three while both are possible (and once the tape is spent), so a few subfields of many
    // are present.
    if (present.length === 0 || (canSkip && tape.choose(3, 1) !== 0)) {
      out.push(undefined);
      continue;
    }
    const x = tape.pick(present, 'smallest');
    out.push(x);
    left -= x;
    needOne = false;
  }
  return out;
}

/** One kind of list entry (a tag, or a group of tags alike in size): its wire sizes and entries of each. */
export interface EntryKind<E> {
  readonly sizes: Sizes;
  ofSize(bytes: number): fc.Arbitrary<E>;
}

/**
 * A list of entries of the given kinds filling exactly `total` bytes, where `reachable` is every total such
 * lists can fill: each entry's size leaves a total the rest can still fill.
 */
export function listOfSize<E>(kinds: readonly EntryKind<E>[], reachable: Sizes, total: number): fc.Arbitrary<E[]> {
  return TAPE.chain((numbers) => {
    const tape = new Tape(numbers);
    const plan: [EntryKind<E>, number][] = [];
    // Every entry takes at least one byte, so the walk ends; once the tape is spent, the largest entries end it soon.
    for (let left = total; left > 0; ) {
      const open = kinds.map((k) => leaving(k.sizes, left, reachable)).map((s, i) => [s, i] as const).filter(([s]) => s.length > 0);
      const [sizes, i] = open[tape.choose(open.length, open.length - 1)]!;
      const x = tape.pick(sizes, 'largest');
      plan.push([kinds[i]!, x]);
      left -= x;
    }
    return fc.tuple(...plan.map(([k, x]) => k.ofSize(x)));
  });
}
