import { defineConfig } from 'vitest/config';

/** The example-based specs and light properties every mutant of `npm run mutation` meets. */
const ALL_SPECS = [
  'spec/bitmap/**/*.spec.ts',
  'spec/codecs/**/*.spec.ts',
  'spec/cursor/**/*.spec.ts',
  'spec/errors/**/*.spec.ts',
  'spec/message/**/*.spec.ts',
  'spec/prefixes/**/*.spec.ts',
  'spec/presets/**/*.spec.ts',
  'spec/spec/**/*.spec.ts',
  'spec/subfields/**/*.spec.ts',
  'spec/describe/**/*.spec.ts',
  'spec/fixtures.spec.ts',
  // The light properties; the fuzzers (round-trip, robustness) cover every line of the codec and cost most of a
  // run, so they stay in CI (npm test) and out of the per-mutant runs.
  'spec/properties/converters.prop.spec.ts',
  'spec/properties/guards.prop.spec.ts',
  'spec/net/framing*.spec.ts',
  'spec/net/frame-reader*.spec.ts',
  'spec/net/frame-parser*.spec.ts',
  'spec/net/options.spec.ts',
];

/**
 * `MUTATION_SPECS` (comma-separated globs) narrows the suite, for a run over one source file with the specs that
 * test it: each mutant then costs a few test files instead of all of them. Fewer tests can only kill fewer mutants,
 * so a score measured so is a lower bound of the whole suite's.
 */
const only = process.env['MUTATION_SPECS']?.split(',').map((s) => s.trim()).filter((s) => s !== '');

/**
 * The suite as mutation testing runs it (`npm run mutation`): the codec's own example-based specs and its light
 * properties, no type tests, no Postgres, no sockets, no built package; fast-check seeded and not shrinking
 * (spec/helpers/mutation-setup.ts), so each mutant meets the same inputs and a failing run ends at its first
 * counterexample.
 */
export default defineConfig({
  test: {
    include: only !== undefined && only.length > 0 ? only : ALL_SPECS,
    setupFiles: ['spec/helpers/mutation-setup.ts'],
    typecheck: { enabled: false },
    // Threads start faster than forks; every test file still gets its own module graph (isolation stays on: the
    // codec caches compiled specs per module, and a shared cache would hide mutants in the compile step).
    pool: 'threads',
    testTimeout: 60_000,
  },
});
