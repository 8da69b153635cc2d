import { afterAll } from 'vitest';

/** Runs per property; raise with FUZZ_RUNS=5000 for a longer local fuzzing session. */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 300);
/**
 * Seed of the properties that also count what they reached (so that "at least so many frames were accepted" is
 * deterministic); change it with FUZZ_SEED=… to explore elsewhere.
 */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 8583);

let frames = 0;
/** Counts fuzzed or round-tripped frames, reported once per test file. */
export function countFrames(n: number): void {
  frames += n;
}

afterAll(() => {
  console.log(`[fuzz] ${expect.getState().testPath?.split('/').pop() ?? 'suite'}: ${frames} frames (FUZZ_RUNS=${FUZZ_RUNS})`);
});
import { expect } from 'vitest';
