import { afterAll, vi } from 'vitest';

/** Runs per property; raise with FUZZ_RUNS=5000 for a longer local fuzzing session. */
export const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 300);
/**
 * Seed of the properties that also count what they reached (so that "at least so many frames were accepted" is
 * deterministic); change it with FUZZ_SEED=… to explore elsewhere.
 */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 8583);

// A property's time grows with FUZZ_RUNS; the timeout grows with it (0.1 s a run, a minute at least), so a longer
// session on a loaded machine is never cut short by a deadline only the run count decides.
vi.setConfig({ testTimeout: Math.max(60_000, FUZZ_RUNS * 100) });

let frames = 0;
/** Counts fuzzed or round-tripped frames, reported once per test file. */
export function countFrames(n: number): void {
  frames += n;
}

afterAll(() => {
  console.log(`[fuzz] ${expect.getState().testPath?.split('/').pop() ?? 'suite'}: ${frames} frames (FUZZ_RUNS=${FUZZ_RUNS})`);
});
import { expect } from 'vitest';
